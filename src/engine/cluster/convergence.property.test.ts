import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { checkLogInvariants, createLog, logRecords, recordAt, sliceToArray, type PartitionLog } from "./log.ts";
import {
  appendRecordsToLeader,
  DEFAULT_PARTITION_CONFIG,
  followerFetchRequest,
  handleFollowerFetch,
  makeLeader,
  processFetchResponse,
  type LeaderPartition,
} from "./partition.ts";
import type { MetadataView } from "./replication.ts";

// Log matching under random leadership histories: replicas take turns leading
// (clean or unclean: any replica may be chosen), append records in their own
// epoch, and fetch partially from whoever leads. Once one leader stays and every
// follower has fetched until nothing changes, every replica must hold exactly
// the leader's log (same offsets, epochs and record objects) and its HW.

const REPLICAS = [0, 1, 2];
const metadata: MetadataView = {
  mode: "kraft",
  brokers: REPLICAS.map((b) => ({
    brokerId: b,
    alive: true,
    fenced: false,
    inControlledShutdown: false,
    brokerEpoch: 1,
  })),
};
const config = { ...DEFAULT_PARTITION_CONFIG, log: { ...DEFAULT_PARTITION_CONFIG.log, segmentBytes: 120 } };

type Op =
  { t: "elect"; broker: number } | { t: "append"; n: number } | { t: "fetch"; broker: number; maxRecords: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ t: fc.constant("elect" as const), broker: fc.constantFrom(...REPLICAS) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("append" as const), n: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("fetch" as const),
      broker: fc.constantFrom(...REPLICAS),
      maxRecords: fc.integer({ min: 1, max: 4 }),
    }),
  },
);

interface Cluster {
  logs: PartitionLog[];
  leader: number;
  epoch: number;
  partition: LeaderPartition;
  nowMs: number;
  seq: number;
}

function elect(c: Cluster, broker: number): void {
  c.epoch++;
  c.leader = broker;
  const s = makeLeader(
    null,
    { localBrokerId: broker, replicas: REPLICAS, isr: REPLICAS, leaderEpoch: c.epoch, partitionEpoch: c.epoch },
    c.logs[broker],
    c.nowMs,
    config,
    metadata,
  );
  c.partition = s.partition;
  c.logs[broker] = s.log;
}

/** One follower fetch round trip; returns true if the follower's log changed. */
function fetch(c: Cluster, broker: number, maxRecords: number): boolean {
  if (broker === c.leader) return false;
  c.nowMs += 1;
  const before = c.logs[broker];
  const req = followerFetchRequest(before, c.epoch);
  const r = handleFollowerFetch(
    c.partition,
    c.logs[c.leader],
    { replicaId: broker, ...req, brokerEpoch: 1, maxRecords },
    c.nowMs,
    config,
    metadata,
  );
  c.partition = r.partition;
  c.logs[c.leader] = r.log;
  const f = processFetchResponse(before, r.response, c.nowMs, config.log);
  c.logs[broker] = f.log;
  return f.log !== before;
}

function view(log: PartitionLog): string[] {
  return sliceToArray(logRecords(log)).map((r) => `${r.offset}@${r.leaderEpoch}:${r.value}`);
}

describe("replica convergence (KIP-101 / KIP-279 truncation)", () => {
  it("after any leadership history, followers converge to the leader's log", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REPLICAS),
        fc.array(opArb, { maxLength: 60 }),
        fc.constantFrom(...REPLICAS),
        (first, ops, last) => {
          const c = {
            logs: REPLICAS.map(() => createLog()),
            leader: -1,
            epoch: 0,
            nowMs: 0,
            seq: 0,
          } as unknown as Cluster;
          elect(c, first);
          for (const op of ops) {
            if (op.t === "elect") elect(c, op.broker);
            else if (op.t === "append") {
              c.nowMs += 1;
              const batch = Array.from({ length: op.n }, () => ({
                key: `k${c.seq % 3}`,
                value: `v${c.seq++}`,
                timestamp: c.nowMs,
              }));
              const r = appendRecordsToLeader(c.partition, c.logs[c.leader], batch, 1, c.nowMs, config, metadata);
              expect(r.error).toBe("NONE");
              c.logs[c.leader] = r.log;
            } else fetch(c, op.broker, op.maxRecords);
            for (const log of c.logs) expect(checkLogInvariants(log)).toEqual([]);
          }
          // A final, stable leader; followers fetch until nothing changes.
          elect(c, last);
          for (let round = 0; round < 200; round++) {
            let changed = false;
            for (const b of REPLICAS) changed = fetch(c, b, 4) || changed;
            if (!changed) break;
          }
          // One more round so the leader sees every follower's final LEO and they see its HW.
          for (let i = 0; i < 2; i++) for (const b of REPLICAS) fetch(c, b, 4);
          const leaderLog = c.logs[c.leader];
          for (const b of REPLICAS) {
            const log = c.logs[b];
            expect(view(log)).toEqual(view(leaderLog));
            expect(log.logEndOffset).toBe(leaderLog.logEndOffset);
            expect(log.highWatermark).toBe(leaderLog.highWatermark);
            // Replicas share record objects rather than copying them.
            for (const r of sliceToArray(logRecords(log))) expect(recordAt(leaderLog, r.offset)).toBe(r);
            expect(checkLogInvariants(log)).toEqual([]);
          }
          // With the whole ISR caught up and min.insync.replicas=1 the HW reaches the LEO.
          expect(leaderLog.highWatermark).toBe(leaderLog.logEndOffset);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("log matching during the run: replicas agree on every offset below both their HWs while elections are clean", () => {
    // Clean elections only: the new leader is a replica whose log contains the old HW,
    // chosen as the most up-to-date replica (the one an ISR-based election guarantees).
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const c = {
          logs: REPLICAS.map(() => createLog()),
          leader: -1,
          epoch: 0,
          nowMs: 0,
          seq: 0,
        } as unknown as Cluster;
        elect(c, 0);
        for (const op of ops) {
          if (op.t === "elect") {
            // Fully replicate first so any replica is a clean choice, then hand over.
            for (let i = 0; i < 50; i++) {
              let changed = false;
              for (const b of REPLICAS) changed = fetch(c, b, 10) || changed;
              if (!changed) break;
            }
            elect(c, op.broker);
          } else if (op.t === "append") {
            c.nowMs += 1;
            const batch = Array.from({ length: op.n }, () => ({ key: "k", value: `v${c.seq++}`, timestamp: c.nowMs }));
            c.logs[c.leader] = appendRecordsToLeader(
              c.partition,
              c.logs[c.leader],
              batch,
              -1,
              c.nowMs,
              config,
              metadata,
            ).log;
          } else fetch(c, op.broker, op.maxRecords);
          for (const a of REPLICAS) {
            for (const b of REPLICAS) {
              const bound = Math.min(c.logs[a].highWatermark, c.logs[b].highWatermark);
              for (let o = 0; o < bound; o++) expect(recordAt(c.logs[a], o)).toBe(recordAt(c.logs[b], o));
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
