import { describe, expect, it } from "vitest";
import { groupStateLabel, lagPath } from "./groupLag.ts";

describe("group column helpers", () => {
  it("draws total lag over time, scaled to the box", () => {
    const d = lagPath(
      [
        { atMs: 0, byTopic: { a: 0 } },
        { atMs: 100, byTopic: { a: 5, b: 5 } },
        { atMs: 200, byTopic: { a: 5 } },
        { atMs: 900, byTopic: { a: 99 } },
      ],
      200,
      40,
      10,
    );
    expect(d).toBe("M0.0,10.0L20.0,0.0L40.0,5.0");
  });
  it("draws nothing from fewer than two samples", () => {
    expect(lagPath([{ atMs: 0, byTopic: {} }], 10, 40, 10)).toBe("");
  });
  it("spells rebalance states out", () => {
    expect(groupStateLabel("PreparingRebalance")).toBe("Preparing rebalance");
    expect(groupStateLabel("Stable")).toBe("Stable");
  });
});
