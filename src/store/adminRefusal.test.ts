import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../engine/index.ts";
import { adminRefusalSince } from "./simStore.ts";

const ev = (id: number, kind: TraceEvent["kind"], text: string, data?: Record<string, unknown>): TraceEvent => ({
  id,
  time: id,
  kind,
  actor: "world",
  cause: 0,
  text,
  data,
});

describe("admin refusals after an action", () => {
  const trace = [
    ev(1, "note", "reset the offsets of group g on t failed: old", { admin: "reset", ok: false }),
    ev(2, "fault", "b1 crashed"),
    ev(3, "note", "create topic x: done", { admin: "create topic x", ok: true }),
    ev(4, "note", "reset the offsets of group g on t failed: group g is Stable with 2 member(s)", {
      admin: "reset",
      ok: false,
    }),
  ];
  it("finds the first refusal recorded after the given event, capitalised", () => {
    expect(adminRefusalSince(trace, 2)).toBe(
      "Reset the offsets of group g on t failed: group g is Stable with 2 member(s)",
    );
  });
  it("ignores refusals from before the action and successes", () => {
    expect(adminRefusalSince(trace.slice(0, 3), 1)).toBeNull();
    expect(adminRefusalSince(trace, 4)).toBeNull();
  });
});
