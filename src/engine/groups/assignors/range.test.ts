import { describe, expect, it } from "vitest";
import { normalizeGroup } from "../assign.ts";
import { rangeAssign } from "./range.ts";

function names(assignment: Map<string, { name: string }[]>): Record<string, string[]> {
  return Object.fromEntries([...assignment].map(([id, tps]) => [id, tps.map((tp) => tp.name)]));
}

describe("rangeAssign", () => {
  it("gives the first n % k members one extra partition of each topic", () => {
    const group = normalizeGroup({
      topics: { t0: 5, t1: 5 },
      members: { b: ["t0", "t1"], a: ["t0", "t1"], c: ["t0", "t1"] },
    });
    expect(names(rangeAssign(group))).toEqual({
      a: ["t0-0", "t0-1", "t1-0", "t1-1"],
      b: ["t0-2", "t0-3", "t1-2", "t1-3"],
      c: ["t0-4", "t1-4"],
    });
  });

  it("counts only a topic's own subscribers", () => {
    const group = normalizeGroup({
      topics: { t0: 3, t1: 2 },
      members: { a: ["t0"], b: ["t0", "t1"] },
    });
    expect(names(rangeAssign(group))).toEqual({ a: ["t0-0", "t0-1"], b: ["t0-2", "t1-0", "t1-1"] });
  });

  it("keeps Kafka's HashMap order for two members claiming one group.instance.id", () => {
    // Invalid in a real group; Kafka's stable sort then leaves them in the
    // order its HashMap yields: consumer2 before consumer1 (checked against
    // Kafka's RangeAssignor).
    const group = normalizeGroup({
      topics: { t: 2 },
      members: { consumer1: ["t"], consumer2: ["t"] },
      groupInstanceIds: { consumer1: "same", consumer2: "same" },
    });
    expect(names(rangeAssign(group))).toEqual({ consumer1: ["t-1"], consumer2: ["t-0"] });
  });
});
