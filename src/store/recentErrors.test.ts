import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../engine/index.ts";
import { RecentErrors, type RecentErrorMaps } from "./recentErrors.ts";

/** The plain definition: scan the last `scanMax` events back from the end. */
function plain(trace: readonly TraceEvent[], nowMs: number, scanMax: number): RecentErrorMaps {
  const out: RecentErrorMaps = { partitions: new Map(), producers: new Map(), brokers: new Map() };
  for (let i = trace.length - 1; i >= Math.max(0, trace.length - scanMax); i--) {
    const e = trace[i];
    const d = e.data as Record<string, unknown> | undefined;
    if (e.kind !== "note" || typeof d?.error !== "string" || d.error === "NONE") continue;
    const err = { id: e.id, time: e.time, error: d.error, text: e.text, actor: e.actor };
    const atBroker = /^b\d+$/.test(e.actor);
    if (!out.producers.has(e.actor) && !atBroker) out.producers.set(e.actor, err);
    if (atBroker && nowMs - e.time <= 1000 && !out.brokers.has(e.actor)) out.brokers.set(e.actor, err);
    if (nowMs - e.time <= 1000 && typeof d.topic === "string" && typeof d.partition === "number") {
      const key = `${d.topic}-${d.partition}`;
      if (!out.partitions.has(key)) out.partitions.set(key, err);
    }
  }
  return out;
}

describe("recent errors", () => {
  it("match a full rescan while the trace grows, is cut back and replaced", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const actors = ["b1", "b2", "p1", "p2", "c1"];
    const errors = ["NONE", "NOT_LEADER_OR_FOLLOWER", "NOT_ENOUGH_REPLICAS"];
    let id = 0;
    const event = (time: number): TraceEvent => ({
      id: ++id,
      time,
      kind: rnd(3) === 0 ? "note" : "send",
      actor: actors[rnd(actors.length)],
      cause: 0,
      text: `event ${id}`,
      data: { error: errors[rnd(errors.length)], topic: "orders", partition: rnd(3) },
    });
    const recent = new RecentErrors(50);
    const trace: TraceEvent[] = [];
    let now = 0;
    for (let round = 0; round < 300; round++) {
      const r = rnd(10);
      if (r === 0 && trace.length > 10) {
        trace.length = rnd(trace.length);
        now = trace.length > 0 ? trace[trace.length - 1].time : 0;
      } else {
        for (let k = rnd(20); k > 0; k--) trace.push(event((now += rnd(120))));
      }
      expect(recent.at(trace, now)).toEqual(plain(trace, now, 50));
    }
    const other = [event(5)];
    expect(recent.at(other, 5)).toEqual(plain(other, 5, 50));
  });
});
