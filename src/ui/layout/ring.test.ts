import { describe, expect, it } from "vitest";
import { messagePosition, progressAt, ringPositions } from "./ring.ts";

describe("ring layout", () => {
  it("puts the first node at the top and keeps all inside the box", () => {
    const pos = ringPositions(["a", "b", "c", "d"], 400, 300, 50);
    expect(pos.get("a")!.x).toBeCloseTo(200);
    expect(pos.get("a")!.y).toBeLessThan(150);
    for (const p of pos.values()) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(400);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(300);
    }
  });

  it("places a message as a pure function of the playhead", () => {
    expect(progressAt(100, 200, 150)).toBe(0.5);
    expect(progressAt(100, 200, 50)).toBe(0);
    expect(progressAt(100, 200, 500)).toBe(1);
    const mid = messagePosition({ x: 0, y: 0 }, { x: 100, y: 0 }, 0.5, 0);
    expect(mid).toEqual({ x: 50, y: 0 });
    const there = messagePosition({ x: 0, y: 0 }, { x: 100, y: 0 }, 0.5, 10);
    const back = messagePosition({ x: 100, y: 0 }, { x: 0, y: 0 }, 0.5, 10);
    expect(there.y).not.toBe(back.y); // the two directions do not overlap
  });
});
