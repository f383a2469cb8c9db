import { describe, expect, it } from "vitest";
import { AppendLog } from "./appendLog.ts";

describe("AppendLog", () => {
  it("a copy keeps what it saw while the original grows, and shares the array until then", () => {
    const live = new AppendLog<number>();
    for (let i = 0; i < 5; i++) live.push(i);
    const checkpoint = live.copy();
    expect(checkpoint.view()).toBe(live.view()); // no copy taken
    live.push(5);
    live.push(6);
    expect(checkpoint.length).toBe(5);
    expect([...checkpoint]).toEqual([0, 1, 2, 3, 4]);
    expect([...live]).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("a restored copy that appends takes its own array and leaves the others alone", () => {
    const live = new AppendLog<string>(["a", "b"]);
    const checkpoint = live.copy();
    live.push("c");
    const restored = checkpoint.copy();
    restored.push("x");
    expect([...restored]).toEqual(["a", "b", "x"]);
    expect([...live]).toEqual(["a", "b", "c"]);
    expect([...checkpoint]).toEqual(["a", "b"]);
    // And the other way round: a copy at the tip that appends first.
    const tip = live.copy();
    tip.push("t");
    live.push("d");
    expect([...tip]).toEqual(["a", "b", "c", "t"]);
    expect([...live]).toEqual(["a", "b", "c", "d"]);
  });

  it("many checkpoints of a long ledger cost no copies of its entries", () => {
    const live = new AppendLog<{ i: number }>();
    const checkpoints: AppendLog<{ i: number }>[] = [];
    for (let i = 0; i < 10_000; i++) {
      live.push({ i });
      if (i % 1000 === 0) checkpoints.push(live.copy());
    }
    expect(new Set(checkpoints.map((c) => (c as unknown as { items: unknown }).items)).size).toBe(1);
    expect(checkpoints.map((c) => c.length)).toEqual([1, 1001, 2001, 3001, 4001, 5001, 6001, 7001, 8001, 9001]);
    expect(checkpoints[3].view().at(-1)).toEqual({ i: 3000 });
  });
});
