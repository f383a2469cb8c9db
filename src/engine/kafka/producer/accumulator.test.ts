import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { partitionForKey } from "../../clients/partitioner.ts";
import { KAFKA_DEFAULT_TIMINGS } from "../profile.ts";
import {
  afterStickyAppend,
  appendToQueue,
  BATCH_OVERHEAD_BYTES,
  batchReadiness,
  choosePartition,
  reenqueue,
  retryBackoffMs,
  type PartitionerState,
  type PendingRecord,
  type ProducerBatch,
  type TopicLayout,
} from "./accumulator.ts";
import { producerDefaults, type ProducerSettings } from "./settings.ts";

const base = producerDefaults("kafka-defaults", KAFKA_DEFAULT_TIMINGS);
const settings = (s: Partial<ProducerSettings> = {}): ProducerSettings => ({ ...base, ...s });
const rec = (serial: number, sizeBytes: number): PendingRecord => ({
  serial,
  key: null,
  value: `v${serial}`,
  headers: [],
  sizeBytes,
  sentAtMs: 0,
});
const owner = { producerId: -1, producerEpoch: -1, transactional: false };

function fill(n: number, size: number, s: ProducerSettings): ProducerBatch[] {
  const q: ProducerBatch[] = [];
  let id = 0;
  for (let i = 0; i < n; i++) appendToQueue(q, 0, rec(i, size), s, i, () => id++, owner);
  return q;
}

describe("the record accumulator", () => {
  it("closes a batch when the next record would pass batch.size (header included)", () => {
    const s = settings({ batchSize: 1_024 });
    const q = fill(25, 100, s);
    // 61 + 9 × 100 = 961 bytes: the tenth record does not fit.
    expect(q.map((b) => b.records.length)).toEqual([9, 9, 7]);
    expect(q.map((b) => b.full)).toEqual([true, true, false]);
    expect(q[0].sizeBytes).toBe(BATCH_OVERHEAD_BYTES + 900);
  });

  it("batch.size=0 gives every record its own batch; a record larger than batch.size still gets one", () => {
    expect(fill(3, 50, settings({ batchSize: 0 })).map((b) => b.records.length)).toEqual([1, 1, 1]);
    expect(fill(2, 5_000, settings({ batchSize: 1_024 })).map((b) => b.records.length)).toEqual([1, 1]);
  });

  it("makes a batch sendable when full, after linger.ms, or when flushing", () => {
    const s = settings({ lingerMs: 20, batchSize: 1_024 });
    const q = fill(3, 100, s); // one open batch created at t=0
    expect(batchReadiness(q, s, 5, 1, false)).toEqual({ ready: false, atMs: 20 });
    expect(batchReadiness(q, s, 20, 1, false)).toEqual({ ready: true, reason: "linger.ms" });
    expect(batchReadiness(q, s, 5, 1, true)).toEqual({ ready: true, reason: "flush" });
    expect(batchReadiness(fill(12, 100, s), s, 0, 1, false)).toEqual({ ready: true, reason: "batch.size" });
  });

  it("holds a retried batch for its backoff, unless its partition has a new leader (KIP-951)", () => {
    const s = settings();
    const q = fill(1, 100, s);
    Object.assign(q[0], { retries: 1, lastAttemptAtMs: 1_000, backoffMs: 200, lastLeader: 2 });
    expect(batchReadiness(q, s, 1_100, 2, false)).toEqual({ ready: false, atMs: 1_200 });
    expect(batchReadiness(q, s, 1_200, 2, false)).toEqual({ ready: true, reason: "retry.backoff.ms" });
    expect(batchReadiness(q, s, 1_100, 3, false)).toEqual({ ready: true, reason: "new leader" });
  });

  it("backs off exponentially from retry.backoff.ms to retry.backoff.max.ms, with ±20 % jitter", () => {
    const s = settings({ retryBackoffMs: 100, retryBackoffMaxMs: 1_000 });
    expect([0, 1, 2, 3, 4, 10].map((a) => retryBackoffMs(a, s, 0.5))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    fc.assert(
      fc.property(fc.nat(30), fc.double({ min: 0, max: 0.999, noNaN: true }), (a, j) => {
        const b = retryBackoffMs(a, s, j);
        const exact = Math.min(100 * 2 ** a, 1_000);
        return b <= 1_000 && b >= Math.floor(0.8 * Math.min(exact, 1_000)) - 1;
      }),
    );
    expect(retryBackoffMs(5, settings({ retryBackoffMs: 300, retryBackoffMaxMs: 300 }), 0.9)).toBe(300);
  });

  it("puts a retried batch back in front, or in sequence order when it carries a sequence", () => {
    const mk = (id: number, seq: number) => ({ ...fill(1, 10, settings())[0], id, baseSequence: seq });
    const plain = [mk(2, -1)];
    reenqueue(plain, mk(1, -1));
    expect(plain.map((b) => b.id)).toEqual([1, 2]);
    const seqd = [mk(1, 0), mk(3, 20), mk(4, -1)];
    reenqueue(seqd, mk(2, 10));
    expect(seqd.map((b) => b.id)).toEqual([1, 2, 3, 4]);
  });
});

describe("the partitioner", () => {
  const layout: TopicLayout = { numPartitions: 6, available: [0, 1, 2, 3, 4, 5], queueSizes: [0, 0, 0, 0, 0, 0] };
  const fresh = (): PartitionerState => ({ sticky: null, roundRobin: 0 });
  const counter = () => {
    let n = 0;
    return () => (n = (n * 1103515245 + 12345) & 0x7fffffff);
  };

  it("sends keyed records to murmur2(key) mod the partition count, unless partitioner.ignore.keys", () => {
    for (const key of ["alice", "bob", "carol", ""]) {
      expect(choosePartition(key, settings(), layout, fresh(), counter())).toEqual({
        partition: partitionForKey(key, 6),
        how: "key",
      });
    }
    expect(choosePartition("alice", settings({ ignoreKeys: true }), layout, fresh(), counter()).how).toBe("sticky");
  });

  it("RoundRobinPartitioner cycles through the partitions with a leader, keys or not", () => {
    const st = fresh();
    const l = { ...layout, available: [1, 3, 4] };
    const got = [0, 1, 2, 3].map(
      () => choosePartition("alice", settings({ partitioner: "round-robin" }), l, st, counter()).partition,
    );
    expect(got).toEqual([1, 3, 4, 1]);
  });

  it("sticks to one partition until batch.size bytes went there with a full batch, and always moves at 2 × batch.size", () => {
    const s = settings({ batchSize: 1_000 });
    const st = fresh();
    const draw = counter();
    const p0 = choosePartition(null, s, layout, st, draw).partition;
    expect(afterStickyAppend(st, 600, s, layout, false, draw)).toBeNull();
    expect(afterStickyAppend(st, 600, s, layout, false, draw)).toBeNull(); // 1200 bytes, but the batch is not full
    expect(st.sticky).toEqual({ partition: p0, producedBytes: 1_200 });
    expect(afterStickyAppend(st, 100, s, layout, true, draw)).not.toBeNull(); // full batch: switch
    expect(st.sticky?.producedBytes).toBe(0);
    const st2 = fresh();
    choosePartition(null, s, layout, st2, draw);
    expect(afterStickyAppend(st2, 1_999, s, layout, false, draw)).toBeNull();
    expect(afterStickyAppend(st2, 1, s, layout, false, draw)).not.toBeNull(); // 2 × batch.size
  });

  it("adaptive partitioning favours partitions with shorter queues", () => {
    const s = settings({ batchSize: 100 });
    const counts = [0, 0, 0];
    const l: TopicLayout = { numPartitions: 3, available: [0, 1, 2], queueSizes: [9, 0, 0] };
    const draw = counter();
    for (let i = 0; i < 3_000; i++) {
      const st: PartitionerState = { sticky: null, roundRobin: 0 };
      counts[choosePartition(null, s, l, st, draw).partition]++;
    }
    // Weights (max + 1 - queue): 1, 10, 10.
    expect(counts[0]).toBeLessThan(counts[1] / 5);
    const uniform = [0, 0, 0];
    for (let i = 0; i < 3_000; i++)
      uniform[choosePartition(null, settings({ adaptivePartitioning: false }), l, fresh(), draw).partition]++;
    expect(uniform[0]).toBeGreaterThan(800);
  });
});
