import { describe, it, expect } from "vitest";
import vectors from "../fixtures/kafka-vectors.json";
import { computeLeaderHighWatermark, maximalIsr, type MetadataView } from "./replication.ts";
import { appendAsLeader, createLog, DEFAULT_LOG_CONFIG, recordAt, type PartitionLog } from "./log.ts";
import { epochForOffset } from "./epochCache.ts";
import {
  appendRecordsToLeader,
  checkEnoughReplicasReachOffset,
  DEFAULT_PARTITION_CONFIG,
  followerFetchRequest,
  handleAlterPartitionResponse,
  handleFollowerFetch,
  isUnderMinIsr,
  lastOffsetForLeaderEpoch,
  makeLeader,
  maybeShrinkIsr,
  processFetchResponse,
  type LeaderPartition,
  type PartitionConfig,
} from "./partition.ts";

interface HwFollower {
  id: number;
  leo: number;
  inMaximalIsr: boolean;
  caughtUpAndIsrEligible?: boolean;
}
interface HwStep {
  event: string;
  expectedHW?: number;
  isUnderMinIsr?: boolean;
  expectedIsr?: number[];
  expectedMaximalIsr?: number[];
  expectedIsrUpdateSent?: number[];
  expectedIsrBeforeCompletion?: number[];
  expectedLastCaughtUpTimeMs?: string | number;
}
interface HwCase {
  name: string;
  leaderLEO?: number;
  followers?: HwFollower[];
  committedIsrSize?: number;
  minInsyncReplicas?: number;
  replicationFactor?: number;
  previousHW?: number;
  expectedHW?: number;
  setup?: string;
  steps?: HwStep[];
}

const hwCases = (vectors.highWatermarkAndIsr as unknown as { hwCases: HwCase[] }).hwCases;

function idsIn(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

function sorted(ids: readonly number[]): number[] {
  return ids.slice().sort((a, b) => a - b);
}

/** All brokers alive, unfenced, broker epoch 1 (what PartitionTest's metadata cache mock says). */
function metadataFor(brokers: readonly number[]): MetadataView {
  return {
    mode: "kraft",
    brokers: brokers.map((b) => ({
      brokerId: b,
      alive: true,
      fenced: false,
      inControlledShutdown: false,
      brokerEpoch: 1,
    })),
  };
}

/**
 * Replays a PartitionTest story from its plain-language setup and steps. Times
 * are virtual ms from t0 (an arbitrary non-zero start, like MockTime's).
 */
function runSteps(c: HwCase): void {
  const setup = c.setup ?? "";
  const T0 = 1_000_000;
  const replicasM = /replicas(?: and ISR)? \[([\d,\s]+)\]/.exec(setup);
  if (replicasM === null) throw new Error(`no replicas in setup "${setup}"`);
  const replicas = idsIn(replicasM[1]);
  const isrM = /(?:replicas and ISR|ISR) \[([\d,\s]+)\]/.exec(setup);
  const isr = isrM === null ? replicas : idsIn(isrM[1]);
  const leoM = /leader LEO (\d+)|(\d+) records written/.exec(setup);
  const leaderLeo = leoM === null ? 0 : Number(leoM[1] ?? leoM[2]);
  const minIsrM = /min\.insync\.replicas=(\d+)/.exec(setup);
  const lagM = /replica\.lag\.time\.max\.ms=(\d+)/.exec(setup);
  const recordsEpochM = /written in leader epoch (\d+)/.exec(setup);
  const leaderEpochM = /leader with epoch (\d+)/.exec(setup);
  const leaderIdM = /broker (\d+) becomes leader/.exec(setup);
  const leaderId = leaderIdM === null ? replicas[0] : Number(leaderIdM[1]);
  const recordsEpoch = recordsEpochM === null ? 0 : Number(recordsEpochM[1]);
  const leaderEpoch = leaderEpochM === null ? recordsEpoch + 1 : Number(leaderEpochM[1]);
  const config: PartitionConfig = {
    ...DEFAULT_PARTITION_CONFIG,
    minInsyncReplicas: minIsrM === null ? 1 : Number(minIsrM[1]),
    replicaLagTimeMaxMs: lagM === null ? 30000 : Number(lagM[1]),
  };
  const metadata = metadataFor(replicas);

  let nowMs = T0;
  let log: PartitionLog = createLog();
  if (leaderLeo > 0) {
    const batch = Array.from({ length: leaderLeo }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: 0 }));
    log = appendAsLeader(log, batch, recordsEpoch, 0).log;
  }
  let p: LeaderPartition | null = null;
  const becomeLeader = () => {
    if (p !== null) return;
    const s = makeLeader(
      null,
      { localBrokerId: leaderId, replicas, isr, leaderEpoch, partitionEpoch: 1 },
      log,
      nowMs,
      config,
      metadata,
    );
    p = s.partition;
    log = s.log;
  };
  const lead = (): LeaderPartition => {
    becomeLeader();
    return p as unknown as LeaderPartition;
  };
  let lastFetcher = replicas.find((r) => r !== leaderId) ?? -1;

  const action =
    /t0\s*\+\s*(\d+)|(?:after|for) (\d+) ?ms|become leader|follower(?: (\d+))? fetches at (?:offset )?(\d+)|leader appends (\d+) records?|maybeShrinkIsr|completes/g;
  (c.steps ?? []).forEach((step, i) => {
    if (i === 0 && !/become leader/.test(step.event)) becomeLeader();
    let matched = 0;
    for (const m of step.event.matchAll(action)) {
      matched++;
      const [text] = m;
      if (m[1] !== undefined) nowMs = T0 + Number(m[1]);
      else if (m[2] !== undefined) nowMs += Number(m[2]);
      else if (text === "become leader") becomeLeader();
      else if (m[4] !== undefined) {
        const follower = m[3] !== undefined ? Number(m[3]) : lastFetcher;
        lastFetcher = follower;
        const fetchOffset = Number(m[4]);
        const part = lead();
        const r = handleFollowerFetch(
          part,
          log,
          {
            replicaId: follower,
            fetchOffset,
            lastFetchedEpoch: fetchOffset === 0 ? -1 : epochForOffset(log.leaderEpochCache, fetchOffset - 1),
            currentLeaderEpoch: part.leaderEpoch,
            followerLogStartOffset: 0,
            brokerEpoch: 1,
          },
          nowMs,
          config,
          metadata,
        );
        expect(r.error).toBe("NONE");
        p = r.partition;
        log = r.log;
      } else if (m[5] !== undefined) {
        const n = Number(m[5]);
        const batch = Array.from({ length: n }, (_, k) => ({ key: `a${k}`, value: `x`, timestamp: nowMs }));
        const r = appendRecordsToLeader(lead(), log, batch, 1, nowMs, config, metadata);
        expect(r.error).toBe("NONE");
        log = r.log;
      } else if (text === "maybeShrinkIsr") {
        p = maybeShrinkIsr(lead(), log, nowMs, config).partition;
      } else if (text === "completes") {
        const part = lead();
        const pending = part.isrState.pending;
        expect(pending, `nothing in flight at "${step.event}"`).not.toBeNull();
        if (pending === null) return;
        const r = handleAlterPartitionResponse(
          part,
          log,
          {
            error: "NONE",
            isr: pending.proposedIsr,
            leaderEpoch: part.leaderEpoch,
            partitionEpoch: part.partitionEpoch + 1,
          },
          nowMs,
          config,
          metadata,
        );
        p = r.partition;
        log = r.log;
      }
    }
    if (matched === 0 && !/never fetches/.test(step.event)) throw new Error(`unrecognised step: "${step.event}"`);
    const part = lead();
    const at = `after step ${i + 1} "${step.event}"`;
    if (step.expectedHW !== undefined) expect(log.highWatermark, at).toBe(step.expectedHW);
    if (step.isUnderMinIsr !== undefined) expect(isUnderMinIsr(part, config), at).toBe(step.isUnderMinIsr);
    if (step.expectedIsr !== undefined) expect(sorted(part.isrState.isr), at).toEqual(sorted(step.expectedIsr));
    if (step.expectedIsrBeforeCompletion !== undefined)
      expect(sorted(part.isrState.isr), at).toEqual(sorted(step.expectedIsrBeforeCompletion));
    if (step.expectedMaximalIsr !== undefined)
      expect(sorted(maximalIsr(part.isrState)), at).toEqual(sorted(step.expectedMaximalIsr));
    if (step.expectedIsrUpdateSent !== undefined)
      expect(sorted(part.isrState.pending?.proposedIsr ?? []), at).toEqual(sorted(step.expectedIsrUpdateSent));
    if (step.expectedLastCaughtUpTimeMs !== undefined) {
      const v = step.expectedLastCaughtUpTimeMs;
      const expected =
        typeof v === "number"
          ? v
          : T0 + (/t0\s*\+\s*(\d+)/.exec(v) === null ? 0 : Number(/t0\s*\+\s*(\d+)/.exec(v)?.[1]));
      const f = part.followers.find((x) => x.brokerId === lastFetcher);
      expect(f?.lastCaughtUpTimeMs, at).toBe(expected);
    }
  });
}

describe("HW and ISR vectors (highWatermarkAndIsr.hwCases)", () => {
  it.each(hwCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    if (c.steps !== undefined) {
      runSteps(c);
      return;
    }
    if (c.leaderLEO === undefined || c.followers === undefined) throw new Error(`unrecognised HW case "${c.name}"`);
    const r = computeLeaderHighWatermark({
      leaderLogEndOffset: c.leaderLEO,
      highWatermark: c.previousHW ?? 0,
      committedIsrSize: c.committedIsrSize ?? 1,
      minInsyncReplicas: c.minInsyncReplicas ?? 1,
      replicationFactor: c.replicationFactor ?? c.followers.length + 1,
      followers: c.followers.map((f) => ({
        brokerId: f.id,
        logEndOffset: f.leo,
        inMaximalIsr: f.inMaximalIsr,
        caughtUpAndIsrEligible: f.caughtUpAndIsrEligible ?? false,
      })),
    });
    expect(r.highWatermark).toBe(c.expectedHW);
    expect(r.reason.length).toBeGreaterThan(0);
  });
});

describe("leader and follower together", () => {
  const metadata = metadataFor([1, 2, 3]);
  const config: PartitionConfig = { ...DEFAULT_PARTITION_CONFIG, minInsyncReplicas: 2 };
  const rec = (i: number) => ({ key: `k${i}`, value: `v${i}`, timestamp: i });

  it("acks=all completes when both followers fetched past the batch; followers learn the HW one fetch later", () => {
    let leaderLog = createLog();
    let f2 = createLog();
    let f3 = createLog();
    const p = makeLeader(
      null,
      { localBrokerId: 1, replicas: [1, 2, 3], isr: [1, 2, 3], leaderEpoch: 1, partitionEpoch: 1 },
      leaderLog,
      0,
      config,
      metadata,
    );
    leaderLog = p.log;
    let part = p.partition;
    const prod = appendRecordsToLeader(part, leaderLog, [rec(0), rec(1)], -1, 10, config, metadata);
    expect(prod).toMatchObject({ error: "NONE", requiredOffset: 2, response: "highWatermark" });
    leaderLog = prod.log;
    expect(checkEnoughReplicasReachOffset(part, leaderLog, 2, config).done).toBe(false);

    const fetch = (fLog: PartitionLog, id: number, t: number) => {
      const req = followerFetchRequest(fLog, part.leaderEpoch);
      const r = handleFollowerFetch(part, leaderLog, { replicaId: id, ...req, brokerEpoch: 1 }, t, config, metadata);
      part = r.partition;
      leaderLog = r.log;
      return processFetchResponse(fLog, r.response, t).log;
    };
    f2 = fetch(f2, 2, 20); // gets records 0,1
    f3 = fetch(f3, 3, 21);
    expect(leaderLog.highWatermark).toBe(0); // the leader learns their LEOs on the next fetch
    f2 = fetch(f2, 2, 30);
    expect(leaderLog.highWatermark).toBe(0);
    expect(f2.highWatermark).toBe(0);
    f3 = fetch(f3, 3, 31);
    expect(leaderLog.highWatermark).toBe(2);
    expect(checkEnoughReplicasReachOffset(part, leaderLog, 2, config)).toMatchObject({ done: true, error: "NONE" });
    expect(f3.highWatermark).toBe(2); // this response already carried the new HW
    f2 = fetch(f2, 2, 40);
    expect(f2.highWatermark).toBe(2);
    // Replicas share the leader's record objects.
    expect(recordAt(f2, 1)).toBe(recordAt(leaderLog, 1));
    expect(recordAt(f3, 0)).toBe(recordAt(leaderLog, 0));
  });

  it("acks=all is rejected before appending when the ISR is below min.insync.replicas", () => {
    const s = makeLeader(
      null,
      { localBrokerId: 1, replicas: [1, 2, 3], isr: [1], leaderEpoch: 1, partitionEpoch: 1 },
      createLog(),
      0,
      config,
      metadata,
    );
    const r = appendRecordsToLeader(s.partition, s.log, [rec(0)], -1, 1, config, metadata);
    expect(r.error).toBe("NOT_ENOUGH_REPLICAS");
    expect(r.log.logEndOffset).toBe(0);
    // acks=1 is accepted, but the HW stays frozen (KAFKA-15583).
    const r1 = appendRecordsToLeader(s.partition, s.log, [rec(0)], 1, 1, config, metadata);
    expect(r1.error).toBe("NONE");
    expect(r1.log.logEndOffset).toBe(1);
    expect(r1.log.highWatermark).toBe(0);
    expect(appendRecordsToLeader(null, s.log, [rec(0)], 1, 1, config, metadata).error).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(appendRecordsToLeader(s.partition, s.log, [rec(0)], 2, 1, config, metadata).error).toBe(
      "INVALID_REQUIRED_ACKS",
    );
  });

  it("a stale-epoch fetch is fenced; a follower with a divergent suffix truncates via divergingEpoch", () => {
    // Broker 1 led epoch 1 and wrote 0,1; broker 2 has only 0 (copied), then leads epoch 2 and writes a different 1.
    let a = appendAsLeader(createLog(), [rec(0), rec(1)], 1, 0, DEFAULT_LOG_CONFIG).log;
    const s2 = makeLeader(
      null,
      { localBrokerId: 2, replicas: [1, 2], isr: [2], leaderEpoch: 2, partitionEpoch: 2 },
      appendAsLeader(createLog(), [rec(0)], 1, 0).log,
      5,
      DEFAULT_PARTITION_CONFIG,
      metadata,
    );
    const bLog = appendRecordsToLeader(
      s2.partition,
      s2.log,
      [{ key: "k1", value: "other", timestamp: 6 }],
      1,
      6,
      DEFAULT_PARTITION_CONFIG,
      metadata,
    ).log;
    const stale = handleFollowerFetch(
      s2.partition,
      bLog,
      { replicaId: 1, ...followerFetchRequest(a, 1), brokerEpoch: 1 },
      7,
      DEFAULT_PARTITION_CONFIG,
      metadata,
    );
    expect(stale.response.error).toBe("FENCED_LEADER_EPOCH");
    const r = handleFollowerFetch(
      s2.partition,
      bLog,
      { replicaId: 1, ...followerFetchRequest(a, 2), brokerEpoch: 1 },
      7,
      DEFAULT_PARTITION_CONFIG,
      metadata,
    );
    expect(r.response.divergingEpoch).toEqual({ epoch: 1, endOffset: 1 });
    const t = processFetchResponse(a, r.response, 7);
    expect(t.action).toBe("truncated");
    a = t.log;
    expect(a.logEndOffset).toBe(1);
    const again = handleFollowerFetch(
      s2.partition,
      bLog,
      { replicaId: 1, ...followerFetchRequest(a, 2), brokerEpoch: 1 },
      8,
      DEFAULT_PARTITION_CONFIG,
      metadata,
    );
    a = processFetchResponse(a, again.response, 8).log;
    expect(recordAt(a, 1)?.value).toBe("other");
  });

  it("a follower at the HW but below the current epoch's start offset cannot rejoin the ISR (KAFKA-7128)", () => {
    // Leader 1 (epoch 2 from offset 10) with ISR [1,2]; follower 2 at 5 holds the HW at 5; follower 3 is out.
    const md = metadataFor([1, 2, 3]);
    const seeded = appendAsLeader(
      createLog(),
      Array.from({ length: 10 }, (_, i) => rec(i)),
      1,
      0,
    ).log;
    const s = makeLeader(
      null,
      { localBrokerId: 1, replicas: [1, 2, 3], isr: [1, 2], leaderEpoch: 2, partitionEpoch: 1 },
      seeded,
      0,
      DEFAULT_PARTITION_CONFIG,
      md,
    );
    const fetchAt = (part: LeaderPartition, log: PartitionLog, id: number, offset: number, t: number) =>
      handleFollowerFetch(
        part,
        log,
        {
          replicaId: id,
          fetchOffset: offset,
          lastFetchedEpoch: 1,
          currentLeaderEpoch: 2,
          followerLogStartOffset: 0,
          brokerEpoch: 1,
        },
        t,
        DEFAULT_PARTITION_CONFIG,
        md,
      );
    const a = fetchAt(s.partition, s.log, 2, 5, 1);
    expect(a.log.highWatermark).toBe(5);
    const b = fetchAt(a.partition, a.log, 3, 7, 2);
    expect(b.alterPartition).toBeNull();
    expect(b.reasons.join(" ")).toContain("start offset 10 of the current leader epoch");
    const c = fetchAt(b.partition, b.log, 3, 10, 3);
    expect(c.alterPartition?.newIsr).toEqual([1, 2, 3]);
  });

  it("a shrink that fails with INELIGIBLE_REPLICA reverts to the committed ISR", () => {
    const s = makeLeader(
      null,
      { localBrokerId: 1, replicas: [1, 2], isr: [1, 2], leaderEpoch: 1, partitionEpoch: 1 },
      createLog(),
      0,
      DEFAULT_PARTITION_CONFIG,
      metadata,
    );
    const log = appendRecordsToLeader(s.partition, s.log, [rec(0)], 1, 0, DEFAULT_PARTITION_CONFIG, metadata).log;
    const shrink = maybeShrinkIsr(s.partition, log, 40000, DEFAULT_PARTITION_CONFIG);
    expect(shrink.alterPartition?.newIsr).toEqual([1]);
    expect(shrink.reasons.join(" ")).toContain("replica.lag.time.max.ms=30000");
    const back = handleAlterPartitionResponse(
      shrink.partition,
      log,
      { error: "INELIGIBLE_REPLICA" },
      40001,
      DEFAULT_PARTITION_CONFIG,
      metadata,
    );
    expect(back.partition.isrState).toEqual({ isr: [1, 2], pending: null });
  });

  it("OffsetsForLeaderEpoch answers with the epoch's end, fencing stale requesters", () => {
    let log = appendAsLeader(createLog(), [rec(0), rec(1)], 1, 0).log;
    log = appendAsLeader(log, [rec(2)], 3, 1).log;
    expect(lastOffsetForLeaderEpoch(log, 3, 3, 2)).toMatchObject({ error: "NONE", epoch: 1, endOffset: 2 });
    expect(lastOffsetForLeaderEpoch(log, 3, 3, 3)).toMatchObject({ error: "NONE", epoch: 3, endOffset: 3 });
    expect(lastOffsetForLeaderEpoch(log, 3, 2, 1).error).toBe("FENCED_LEADER_EPOCH");
  });
});
