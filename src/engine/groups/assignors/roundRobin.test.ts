import { describe, expect, it } from "vitest";
import { normalizeGroup } from "../assign.ts";
import { roundRobinAssign } from "./roundRobin.ts";

function names(assignment: Map<string, { name: string }[]>): Record<string, string[]> {
  return Object.fromEntries([...assignment].map(([id, tps]) => [id, tps.map((tp) => tp.name)]));
}

describe("roundRobinAssign", () => {
  it("deals partitions of topics sorted by name over members in a circle", () => {
    const group = normalizeGroup({
      topics: { b: 2, a: 3 },
      members: { m2: ["a", "b"], m1: ["a", "b"] },
    });
    expect(names(roundRobinAssign(group))).toEqual({ m1: ["a-0", "a-2", "b-1"], m2: ["a-1", "b-0"] });
  });

  it("skips members not subscribed to a partition's topic", () => {
    const group = normalizeGroup({
      topics: { t0: 1, t1: 2, t2: 3 },
      members: { C0: ["t0"], C1: ["t0", "t1"], C2: ["t0", "t1", "t2"] },
    });
    expect(names(roundRobinAssign(group))).toEqual({
      C0: ["t0-0"],
      C1: ["t1-0"],
      C2: ["t1-1", "t2-0", "t2-1", "t2-2"],
    });
  });

  it("ignores subscribed topics that do not exist or have no partitions", () => {
    const group = normalizeGroup({
      topics: { t: 2, empty: 0 },
      members: { a: ["t", "ghost", "empty"], b: ["t"] },
    });
    expect(names(roundRobinAssign(group))).toEqual({ a: ["t-0"], b: ["t-1"] });
  });
});
