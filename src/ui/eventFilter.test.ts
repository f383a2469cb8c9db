import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../engine/index.ts";
import { condenseChain, recentEvents, shownInLog } from "./eventFilter.ts";

const ev = (id: number, kind: TraceEvent["kind"], text: string, actor = "b1"): TraceEvent => ({
  id,
  time: id,
  kind,
  actor,
  cause: id - 1,
  text,
});

describe("the event log", () => {
  it("hides plumbing in a cluster trace and folds repeats with a count", () => {
    const trace = [
      ev(1, "send", "b1 sent Fetch to b2"),
      ev(2, "note", "payments-0: 12 record(s) failed with NOT_ENOUGH_REPLICAS", "p1"),
      ev(3, "deliver", "b2 received Fetch"),
      ev(4, "note", "payments-0: 13 record(s) failed with NOT_ENOUGH_REPLICAS", "p1"),
      ev(5, "fault", "b2 crashed"),
      ev(6, "drop", "Fetch was lost"),
    ];
    const log = recentEvents(trace, { cluster: true, drops: false, limit: 10 });
    expect(log.map((x) => [x.event.id, x.count])).toEqual([
      [5, 1],
      [4, 2],
    ]);
    expect(shownInLog(trace[5], { cluster: true, drops: true })).toBe(true);
    expect(shownInLog(trace[2], { cluster: false, drops: true })).toBe(true);
  });

  it("reads a long cause chain as a few lines, the root kept", () => {
    const chain: TraceEvent[] = [ev(100, "note", "rejected with NOT_ENOUGH_REPLICAS")];
    for (let i = 99; i > 2; i--) chain.push(ev(i, i % 2 ? "send" : "deliver", `hop ${i}`));
    chain.push(ev(2, "note", "3 record(s) failed; retrying", "p1"), ev(1, "timer", "p1: loadgen.tick elapsed", "p1"));
    const { steps } = condenseChain(chain);
    expect(steps.map((s) => s.event.id)).toEqual([100, 2, 1]);
    expect(steps[1].skipped).toBe(97);
    expect(condenseChain(chain.slice(0, 5)).steps).toHaveLength(5);
  });
});
