import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vectors from "../fixtures/kafka-vectors.json";
import { NEVER_MS } from "./common.ts";
import {
  checkCurrentLeaderEpoch,
  enoughReplicasReachOffset,
  checkLastFetchedEpoch,
  checkProduceBeforeAppend,
  computeLeaderHighWatermark,
  initialReplicaState,
  isCaughtUp,
  isFollowerInSync,
  maximalIsr,
  outOfRangeRecovery,
  outOfSyncReplicas,
  resetReplicaState,
  updateFetchState,
  type HwFollowerView,
} from "./replication.ts";

interface CaughtUpCase {
  name: string;
  followerLEO: number;
  leaderLEO: number;
  nowMs: number;
  lastCaughtUpTimeMs: number;
  replicaLagTimeMaxMs: number;
  expectedCaughtUp: boolean;
}
interface AcksCase {
  acks: number;
  isrSize: number;
  minInsyncReplicas: number;
  replicationFactor: number;
  expected: string;
}

const hwAndIsr = vectors.highWatermarkAndIsr as unknown as { caughtUpCases: CaughtUpCase[] };
const acksCases = (vectors.produceAcks as unknown as { cases: AcksCase[] }).cases;

describe("isCaughtUp vectors (highWatermarkAndIsr.caughtUpCases)", () => {
  it.each(hwAndIsr.caughtUpCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const r = isCaughtUp(
      { logEndOffset: c.followerLEO, lastCaughtUpTimeMs: c.lastCaughtUpTimeMs },
      c.leaderLEO,
      c.nowMs,
      c.replicaLagTimeMaxMs,
    );
    expect(r.caughtUp).toBe(c.expectedCaughtUp);
    if (!r.caughtUp) expect(r.reason).toContain("replica.lag.time.max.ms");
  });
});

/** The error name a vector's "expected" text names, e.g. "NOT_ENOUGH_REPLICAS (19), nothing appended". */
function errorNamed(text: string): string | null {
  const m = /\b([A-Z][A-Z_]{4,}) \(\d+\)/.exec(text);
  return m === null ? null : m[1];
}

describe("produce acks vectors (produceAcks.cases)", () => {
  const named = acksCases.map(
    (c) =>
      [
        `acks=${c.acks} ISR ${c.isrSize} min.insync.replicas=${c.minInsyncReplicas} RF ${c.replicationFactor}: ${c.expected}`,
        c,
      ] as const,
  );
  it.each(named)("%s", (_name, c) => {
    const check = checkProduceBeforeAppend({
      acks: c.acks,
      isLeader: true,
      isrSize: c.isrSize,
      minInsyncReplicas: c.minInsyncReplicas,
      replicationFactor: c.replicationFactor,
    });
    const shrink = /ISR shrinks below (\d+) after the append/i.exec(c.expected);
    const err = errorNamed(c.expected);
    if (shrink !== null) {
      // Appended first; then the ISR shrank while the request waited, and the HW still reached the batch.
      expect(check.error).toBe("NONE");
      const done = enoughReplicasReachOffset({
        requiredOffset: 5,
        isLeader: true,
        highWatermark: 5,
        maximalIsrSize: Number(shrink[1]) - 1,
        minInsyncReplicas: c.minInsyncReplicas,
        replicationFactor: c.replicationFactor,
      });
      expect(done.done).toBe(true);
      expect(done.error).toBe(err ?? "NONE");
      return;
    }
    if (/^appended/i.test(c.expected)) {
      expect(check.error).toBe("NONE");
      if (/no response/i.test(c.expected)) expect(check.response).toBe("none");
      if (/HW passes|high watermark/i.test(c.expected)) expect(check.response).toBe("highWatermark");
      if (/as soon as the leader/i.test(c.expected)) expect(check.response).toBe("leaderAppend");
      if (check.response === "highWatermark") {
        // Parked until the HW passes the batch, then NONE with a big enough maximal ISR.
        const waiting = enoughReplicasReachOffset({
          requiredOffset: 5,
          isLeader: true,
          highWatermark: 4,
          maximalIsrSize: c.isrSize,
          minInsyncReplicas: c.minInsyncReplicas,
          replicationFactor: c.replicationFactor,
        });
        expect(waiting.done).toBe(false);
        const done = enoughReplicasReachOffset({
          requiredOffset: 5,
          isLeader: true,
          highWatermark: 5,
          maximalIsrSize: c.isrSize,
          minInsyncReplicas: c.minInsyncReplicas,
          replicationFactor: c.replicationFactor,
        });
        expect(done).toMatchObject({ done: true, error: "NONE" });
      }
      return;
    }
    if (err === null) throw new Error(`unrecognised expectation: "${c.expected}"`);
    expect(check.error).toBe(err);
  });
});

describe("HW rule", () => {
  const f = (
    brokerId: number,
    logEndOffset: number,
    inMaximalIsr: boolean,
    caughtUpAndIsrEligible = false,
  ): HwFollowerView => ({ brokerId, logEndOffset, inMaximalIsr, caughtUpAndIsrEligible });

  it("names the follower that bounds it and the min ISR setting when frozen", () => {
    const r = computeLeaderHighWatermark({
      leaderLogEndOffset: 10,
      highWatermark: 5,
      committedIsrSize: 3,
      minInsyncReplicas: 1,
      replicationFactor: 3,
      followers: [f(2, 7, true), f(3, 9, true)],
    });
    expect(r).toMatchObject({ highWatermark: 7, incremented: true, boundedBy: 2 });
    const frozen = computeLeaderHighWatermark({
      leaderLogEndOffset: 10,
      highWatermark: 4,
      committedIsrSize: 1,
      minInsyncReplicas: 2,
      replicationFactor: 3,
      followers: [],
    });
    expect(frozen.frozenUnderMinIsr).toBe(true);
    expect(frozen.reason).toContain("min.insync.replicas=2");
  });

  it("before Kafka 3.7 (freeze off) the HW advances under min ISR", () => {
    const r = computeLeaderHighWatermark({
      leaderLogEndOffset: 10,
      highWatermark: 4,
      committedIsrSize: 1,
      minInsyncReplicas: 2,
      replicationFactor: 3,
      followers: [],
      freezeUnderMinIsr: false,
    });
    expect(r.highWatermark).toBe(10);
  });

  it("property: the HW never decreases, never passes the leader LEO, nor any ISR member's LEO above the old HW", () => {
    const follower = fc.record({
      brokerId: fc.nat(9),
      logEndOffset: fc.integer({ min: -1, max: 50 }),
      inMaximalIsr: fc.boolean(),
      caughtUpAndIsrEligible: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.nat(50),
        fc.nat(50),
        fc.array(follower, { maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (leo, hw0, followers, minIsr, isrSize) => {
          const hw = Math.min(hw0, leo);
          const r = computeLeaderHighWatermark({
            leaderLogEndOffset: leo,
            highWatermark: hw,
            committedIsrSize: isrSize,
            minInsyncReplicas: minIsr,
            replicationFactor: 4,
            followers,
          });
          expect(r.highWatermark).toBeGreaterThanOrEqual(hw);
          expect(r.highWatermark).toBeLessThanOrEqual(leo);
          if (r.incremented) {
            for (const x of followers) if (x.inMaximalIsr) expect(r.highWatermark).toBeLessThanOrEqual(x.logEndOffset);
          }
        },
      ),
    );
  });
});

describe("follower fetch state (Replica.scala)", () => {
  it("moves lastCaughtUpTimeMs to the previous fetch when this fetch reached the previous leader LEO", () => {
    let r = resetReplicaState(initialReplicaState(1), {
      nowMs: 1000,
      leaderLogEndOffset: 10,
      isNewLeader: true,
      isFollowerInSync: true,
    });
    expect(r.lastCaughtUpTimeMs).toBe(1000);
    r = updateFetchState(r, {
      fetchOffset: 5,
      followerLogStartOffset: 0,
      fetchTimeMs: 6000,
      leaderLogEndOffset: 10,
      brokerEpoch: -1,
    }).replica;
    expect(r.lastCaughtUpTimeMs).toBe(1000);
    r = updateFetchState(r, {
      fetchOffset: 10,
      followerLogStartOffset: 0,
      fetchTimeMs: 11001,
      leaderLogEndOffset: 15,
      brokerEpoch: -1,
    }).replica;
    expect(r.lastCaughtUpTimeMs).toBe(6000);
    r = updateFetchState(r, {
      fetchOffset: 15,
      followerLogStartOffset: 0,
      fetchTimeMs: 12000,
      leaderLogEndOffset: 15,
      brokerEpoch: -1,
    }).replica;
    expect(r.lastCaughtUpTimeMs).toBe(12000);
  });

  it("a follower outside the ISR at election counts as never caught up", () => {
    const r = resetReplicaState(initialReplicaState(1), {
      nowMs: 5,
      leaderLogEndOffset: 10,
      isNewLeader: true,
      isFollowerInSync: false,
    });
    expect(r.lastCaughtUpTimeMs).toBe(NEVER_MS);
    expect(isCaughtUp(r, 10, 5, 30000).caughtUp).toBe(false);
  });

  it("rejects a fetch with a stale broker epoch", () => {
    const r = updateFetchState(
      initialReplicaState(1),
      { fetchOffset: 0, followerLogStartOffset: 0, fetchTimeMs: 0, leaderLogEndOffset: 0, brokerEpoch: 3 },
      4,
    );
    expect(r.error).toBe("NOT_LEADER_OR_FOLLOWER");
  });

  it("out-of-sync replicas: none while an ISR change is in flight", () => {
    const followers = [{ ...initialReplicaState(2), logEndOffset: 3 }];
    const base = { localBrokerId: 1, followers, leaderLogEndOffset: 10, nowMs: 100000, replicaLagTimeMaxMs: 30000 };
    expect(outOfSyncReplicas({ ...base, isrState: { isr: [1, 2], pending: null } }).outOfSync).toEqual([2]);
    expect(
      outOfSyncReplicas({
        ...base,
        isrState: { isr: [1, 2], pending: { kind: "expand", brokerId: 3, proposedIsr: [1, 2, 3] } },
      }).outOfSync,
    ).toEqual([]);
    expect(maximalIsr({ isr: [1, 2], pending: { kind: "expand", brokerId: 3, proposedIsr: [1, 2, 3] } })).toEqual([
      1, 2, 3,
    ]);
    expect(maximalIsr({ isr: [1, 2], pending: { kind: "shrink", removed: [2], proposedIsr: [1] } })).toEqual([1, 2]);
  });

  it("ISR expansion needs the HW and the current epoch's start offset (KAFKA-7128)", () => {
    expect(isFollowerInSync({ followerLogEndOffset: 9, highWatermark: 8, leaderEpochStartOffset: 10 }).inSync).toBe(
      false,
    );
    expect(isFollowerInSync({ followerLogEndOffset: 10, highWatermark: 8, leaderEpochStartOffset: 10 }).inSync).toBe(
      true,
    );
    expect(isFollowerInSync({ followerLogEndOffset: 10, highWatermark: 11, leaderEpochStartOffset: 10 }).inSync).toBe(
      false,
    );
  });
});

describe("epoch checks on fetch", () => {
  it("FENCED_LEADER_EPOCH for an older epoch, UNKNOWN_LEADER_EPOCH for a newer one", () => {
    expect(checkCurrentLeaderEpoch(4, 5).error).toBe("FENCED_LEADER_EPOCH");
    expect(checkCurrentLeaderEpoch(6, 5).error).toBe("UNKNOWN_LEADER_EPOCH");
    expect(checkCurrentLeaderEpoch(5, 5).error).toBe("NONE");
    expect(checkCurrentLeaderEpoch(-1, 5).error).toBe("NONE");
  });

  it("lastFetchedEpoch check: diverging, consistent, below log start", () => {
    const leaderEpochCache = [
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 2 },
    ];
    const base = { leaderEpochCache, leaderLogEndOffset: 3, leaderLogStartOffset: 0 };
    expect(checkLastFetchedEpoch({ ...base, fetchOffset: 2, lastFetchedEpoch: 2 }).divergingEpoch).toEqual({
      epoch: 1,
      endOffset: 2,
    });
    expect(checkLastFetchedEpoch({ ...base, fetchOffset: 2, lastFetchedEpoch: 1 }).divergingEpoch).toBeNull();
    expect(checkLastFetchedEpoch({ ...base, fetchOffset: 3, lastFetchedEpoch: 1 }).divergingEpoch).toEqual({
      epoch: 1,
      endOffset: 2,
    });
    expect(checkLastFetchedEpoch({ ...base, leaderLogStartOffset: 2, fetchOffset: 1, lastFetchedEpoch: 1 }).error).toBe(
      "OFFSET_OUT_OF_RANGE",
    );
    expect(checkLastFetchedEpoch({ ...base, fetchOffset: 3, lastFetchedEpoch: 4 }).error).toBe("OFFSET_OUT_OF_RANGE");
  });

  it("out-of-range recovery follows fetchOffsetAndTruncate", () => {
    expect(
      outOfRangeRecovery({ followerLogEndOffset: 10, leaderLogStartOffset: 0, leaderLogEndOffset: 7 }).action,
    ).toBe("truncate");
    expect(
      outOfRangeRecovery({ followerLogEndOffset: 10, leaderLogStartOffset: 20, leaderLogEndOffset: 30 }),
    ).toMatchObject({ action: "restartAt", offset: 20 });
  });
});
