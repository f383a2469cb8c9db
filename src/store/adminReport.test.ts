import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../engine/index.ts";
import { adminReportSince } from "./simStore.ts";

const ev = (id: number, kind: TraceEvent["kind"], text: string, data?: Record<string, unknown>): TraceEvent => ({
  id,
  time: id,
  kind,
  actor: "world",
  cause: 0,
  text,
  data,
});

describe("admin reports after an action", () => {
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
    expect(adminReportSince(trace, 2)).toEqual({
      ok: false,
      text: "Reset the offsets of group g on t failed: group g is Stable with 2 member(s)",
    });
  });
  it("ignores notes from before the action; reports a success when nothing was refused", () => {
    expect(adminReportSince(trace.slice(0, 3), 1)).toEqual({ ok: true, text: "Create topic x: done" });
    expect(adminReportSince(trace.slice(0, 2), 1)).toBeNull();
    expect(adminReportSince(trace, 4)).toBeNull();
  });
});
