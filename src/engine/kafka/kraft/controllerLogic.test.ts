import { describe, expect, it } from "vitest";
import { Prng } from "../../core/prng.ts";
import { NO_LEADER, tpKey } from "../metadata.ts";
import { timingsFor } from "../profile.ts";
import { DEFAULT_BROKER_CONFIG } from "../spec.ts";
import {
  alterPartition,
  createTopicRecords,
  fenceBrokerRecords,
  processHeartbeat,
  registerBroker,
} from "./controllerLogic.ts";
import { applyEntries, EMPTY_CONTROLLER_STATE, nextOffsetOf, type ControllerState } from "./controllerState.ts";
import type { MetadataRecord } from "./records.ts";

const defaults = { brokerConfig: DEFAULT_BROKER_CONFIG, timings: timingsFor("classroom") };

function apply(state: ControllerState, records: readonly MetadataRecord[]): ControllerState {
  const base = nextOffsetOf(state);
  return applyEntries(
    state,
    records.map((record, i) => ({ offset: base + i, epoch: 1, appendedAtMs: 0, record })),
    defaults,
  );
}

/** Brokers 1..n registered and unfenced, plus one topic "t" with the given assignment. */
function cluster(n: number, assignment: number[][]): ControllerState {
  let s = EMPTY_CONTROLLER_STATE;
  for (let b = 1; b <= n; b++) {
    const reg = registerBroker(s, { brokerId: b, incarnation: 0 }, false, nextOffsetOf(s));
    s = apply(s, reg.records);
    s = apply(s, [{ type: "UnfenceBrokerRecord", id: b, epoch: s.image.brokers[String(b)].epoch, summary: "" }]);
  }
  const t = createTopicRecords(
    s,
    { name: "t", partitions: assignment.length, replicationFactor: assignment[0].length, config: {}, assignment },
    Prng.root(1),
  );
  if (!t.ok) throw new Error(t.detail);
  return apply(s, t.records);
}

const part = (s: ControllerState, p = 0) => s.image.partitions[tpKey("t", p)];

describe("fencing (handleBrokerFenced)", () => {
  it("leaves ISRs but never empties one (ReplicationControlManagerTest#testFenceMultipleBrokers)", () => {
    let s = cluster(3, [[1, 2, 3]]);
    s = apply(s, fenceBrokerRecords(s.image, 2, "test"));
    s = apply(s, fenceBrokerRecords(s.image, 3, "test"));
    expect(part(s)).toMatchObject({ leader: 1, isr: [1], leaderEpoch: 0, partitionEpoch: 2 });
    s = apply(s, fenceBrokerRecords(s.image, 1, "test"));
    expect(part(s)).toMatchObject({ leader: NO_LEADER, isr: [1], leaderEpoch: 1 });
    expect(s.image.brokers["1"].fenced).toBe(true);
  });

  it("writes the partition changes first, then the FenceBrokerRecord", () => {
    const s = cluster(3, [[2, 1, 3]]);
    const records = fenceBrokerRecords(s.image, 2, "no heartbeat");
    expect(records.map((r) => r.type)).toEqual(["PartitionChangeRecord", "FenceBrokerRecord"]);
    expect(records[0].summary).toBe("t-0: leader 2 → 1 (leader epoch 1), ISR [1,3]: broker 2 was fenced");
  });
});

describe("heartbeats (BrokerHeartbeatManager#calculateNextBrokerState)", () => {
  it("a fenced broker is unfenced once its metadata offset reaches its registration, and leads leaderless partitions again", () => {
    let s = cluster(2, [[2]]);
    s = apply(s, fenceBrokerRecords(s.image, 2, "test"));
    expect(part(s).leader).toBe(NO_LEADER);
    const reg = registerBroker(s, { brokerId: 2, incarnation: 1 }, false, nextOffsetOf(s));
    expect(reg.reply).toEqual({ error: "NONE", brokerEpoch: nextOffsetOf(s) });
    s = apply(s, reg.records);
    const epoch = s.image.brokers["2"].epoch;
    const behind = processHeartbeat(s.image, {
      brokerId: 2,
      brokerEpoch: epoch,
      currentMetadataOffset: epoch - 1,
      wantShutDown: false,
    });
    expect([behind.next, behind.records, behind.reply]).toEqual([
      "FENCED",
      [],
      expect.objectContaining({ isFenced: true, isCaughtUp: false }),
    ]);
    const caughtUp = processHeartbeat(s.image, {
      brokerId: 2,
      brokerEpoch: epoch,
      currentMetadataOffset: epoch,
      wantShutDown: false,
    });
    expect(caughtUp.next).toBe("UNFENCED");
    expect(caughtUp.records.map((r) => r.type)).toEqual(["UnfenceBrokerRecord", "PartitionChangeRecord"]);
    s = apply(s, caughtUp.records);
    expect(part(s)).toMatchObject({ leader: 2, isr: [2] });
  });

  it("controlled shutdown: first the leaderships move, then SHUTDOWN_NOW fences it", () => {
    let s = cluster(3, [
      [1, 2, 3],
      [2, 1, 3],
    ]);
    const e1 = s.image.brokers["1"].epoch;
    const hb = { brokerId: 1, brokerEpoch: e1, currentMetadataOffset: 999, wantShutDown: true };
    const first = processHeartbeat(s.image, hb);
    expect(first.next).toBe("CONTROLLED_SHUTDOWN");
    expect(first.reply).toMatchObject({ shouldShutDown: false, inControlledShutdown: true, isFenced: false });
    expect(first.records.map((r) => r.type)).toEqual([
      "BrokerRegistrationChangeRecord",
      "PartitionChangeRecord",
      "PartitionChangeRecord",
    ]);
    s = apply(s, first.records);
    expect(part(s, 0)).toMatchObject({ leader: 2, isr: [2, 3] });
    expect(part(s, 1)).toMatchObject({ leader: 2, isr: [2, 3] });
    const second = processHeartbeat(s.image, hb);
    expect(second.next).toBe("SHUTDOWN_NOW");
    expect(second.reply).toMatchObject({ shouldShutDown: true });
    expect(second.records.map((r) => r.type)).toEqual(["FenceBrokerRecord"]);
  });

  it("a stale broker epoch is refused", () => {
    const s = cluster(1, [[1]]);
    expect(
      processHeartbeat(s.image, { brokerId: 1, brokerEpoch: 9999, currentMetadataOffset: 0, wantShutDown: false })
        .reply,
    ).toEqual({
      error: "STALE_BROKER_EPOCH",
    });
  });
});

describe("registration (ClusterControlManager#registerBroker)", () => {
  it("a new process may not replace a registration with a valid session", () => {
    const s = cluster(1, [[1]]);
    expect(registerBroker(s, { brokerId: 1, incarnation: 1 }, true, nextOffsetOf(s)).reply.error).toBe(
      "DUPLICATE_BROKER_REGISTRATION",
    );
    const ok = registerBroker(s, { brokerId: 1, incarnation: 1 }, false, nextOffsetOf(s));
    // The old registration is still unfenced: it is fenced first, then the new one registered.
    expect(ok.records.map((r) => r.type)).toEqual([
      "PartitionChangeRecord",
      "FenceBrokerRecord",
      "RegisterBrokerRecord",
    ]);
    expect(ok.reply).toEqual({ error: "NONE", brokerEpoch: nextOffsetOf(s) + 2 });
  });
});

describe("AlterPartition validation (ReplicationControlManager#validateAlterPartitionData)", () => {
  const s = cluster(3, [[1, 2, 3]]);
  const e1 = s.image.brokers["1"].epoch;
  const base = {
    topic: "t",
    partition: 0,
    leaderId: 1,
    leaderEpoch: 0,
    partitionEpoch: 0,
    newIsr: [1, 2],
    brokerEpoch: e1,
  };

  it("checks in Kafka's order", () => {
    expect(alterPartition(s.image, { ...base, topic: "nope" }).result.error).toBe("UNKNOWN_TOPIC_OR_PARTITION");
    expect(alterPartition(s.image, { ...base, leaderEpoch: 1 }).result.error).toBe("NOT_CONTROLLER");
    expect(alterPartition(s.image, { ...base, partitionEpoch: 1 }).result.error).toBe("NOT_CONTROLLER");
    expect(alterPartition(s.image, { ...base, brokerEpoch: e1 + 1 }).result.error).toBe("STALE_BROKER_EPOCH");
    expect(alterPartition(s.image, { ...base, newIsr: [2, 3] }).result.error).toBe("OPERATION_NOT_ATTEMPTED"); // Kafka: INVALID_REQUEST
    const fenced3 = apply(s, fenceBrokerRecords(s.image, 3, "test"));
    const p = part(fenced3);
    expect(
      alterPartition(fenced3.image, { ...base, partitionEpoch: p.partitionEpoch, newIsr: [1, 2, 3] }).result.error,
    ).toBe("INELIGIBLE_REPLICA");
    expect(alterPartition(fenced3.image, { ...base, partitionEpoch: 0, newIsr: [1] }).result.error).toBe(
      "INVALID_UPDATE_VERSION",
    );
  });

  it("applies a valid shrink: the partition epoch goes up, the leader epoch does not", () => {
    const r = alterPartition(s.image, base);
    expect(r.result).toEqual({ error: "NONE", isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
    expect(r.records).toHaveLength(1);
  });
});
