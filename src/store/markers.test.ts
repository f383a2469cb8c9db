import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../engine/index.ts";
import { freshScanState, markersFor } from "./markers.ts";

let id = 0;
const ev = (e: Partial<TraceEvent> & Pick<TraceEvent, "kind" | "text">): TraceEvent => ({
  id: ++id,
  time: 1000,
  actor: "world",
  cause: 1,
  ...e,
});

describe("timeline markers", () => {
  it("marks a KRaft leader change (and the ISR shrink it brings), not the bootstrap", () => {
    const s = freshScanState();
    expect(
      markersFor(
        ev({
          kind: "state",
          actor: "b1",
          time: 0,
          cause: 0,
          text: "orders-0: broker 1 is now the leader (leader epoch 0, ISR [1,2,3])",
          data: { topic: "orders", partition: 0, role: "leader", leaderEpoch: 0 },
        }),
        s,
      ),
    ).toEqual([]);
    const out = markersFor(
      ev({
        kind: "note",
        actor: "c1",
        text: "c1 appended PartitionChangeRecord at offset 10 (epoch 1): orders-0: leader 1 → 2 (leader epoch 1), ISR [2,3]: broker 1 was fenced",
        data: { recordType: "PartitionChangeRecord" },
      }),
      s,
    );
    expect(out.map((m) => m.kind)).toEqual(["election", "isr-shrink"]);
    expect(out[0].text).toContain("b1 → b2");
    // The broker hearing of it later adds nothing.
    expect(
      markersFor(
        ev({
          kind: "state",
          actor: "b2",
          text: "orders-0: broker 2 is now the leader (leader epoch 1, ISR [2,3])",
          data: { topic: "orders", partition: 0, role: "leader", leaderEpoch: 1 },
        }),
        s,
      ),
    ).toEqual([]);
    const expand = markersFor(
      ev({
        kind: "note",
        actor: "c1",
        text: "c1 appended PartitionChangeRecord at offset 12 (epoch 1): orders-0: ISR [2,3] → [2,3,1] (partition epoch 2), leader 2: leader 2 asked to expand the ISR",
        data: { recordType: "PartitionChangeRecord" },
      }),
      s,
    );
    expect(expand.map((m) => m.kind)).toEqual(["isr-expand"]);
  });

  it("marks ZooKeeper partition states, controller changes and faults", () => {
    const s = freshScanState();
    markersFor(
      ev({
        kind: "emit",
        actor: "b1",
        time: 0,
        cause: 0,
        text: "",
        data: { zk: "partitionState", key: "t-0", leader: 1, leaderEpoch: 0, isr: [1, 2] },
      }),
      s,
    );
    const shrink = markersFor(
      ev({
        kind: "emit",
        actor: "b1",
        text: "…",
        data: { zk: "partitionState", key: "t-0", leader: 1, leaderEpoch: 0, isr: [1] },
      }),
      s,
    );
    expect(shrink.map((m) => m.kind)).toEqual(["isr-shrink"]);
    const ctrl = markersFor(
      ev({ kind: "emit", actor: "b2", text: "broker 2 won", data: { zk: "controllerElected", broker: 2 } }),
      s,
    );
    expect(ctrl.map((m) => m.kind)).toEqual(["controller"]);
    expect(
      markersFor(ev({ kind: "fault", actor: "b1", text: "b1 crashed", data: { fault: "crash" } }), s)[0].kind,
    ).toBe("crash");
    expect(markersFor(ev({ kind: "input", text: "crash b1", data: { type: "crash", source: "user" } }), s)).toEqual([]);
    expect(
      markersFor(
        ev({ kind: "input", text: "expire broker 1's session", data: { type: "expireSession", source: "scenario" } }),
        s,
      )[0].kind,
    ).toBe("input");
  });
});
