import { describe, expect, it } from "vitest";
import { groupStateLabel, lagPath, shownPartitions } from "./groupLag.ts";

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

describe("shownPartitions", () => {
  const parts = [3, 50, 7, 50, 0, 9].map((lag, i) => ({ key: `t-${i}`, lag }));
  it("shows every partition in order when they fit", () => {
    expect(shownPartitions(parts, 6)).toEqual({ shown: parts, more: 0, moreMaxLag: 0 });
  });
  it("else the top by lag in partition order, and the rest as one line", () => {
    const r = shownPartitions(parts, 4);
    expect(r.shown.map((p) => p.key)).toEqual(["t-1", "t-3", "t-5"]);
    expect(r.more).toBe(3);
    expect(r.moreMaxLag).toBe(7);
  });
});
