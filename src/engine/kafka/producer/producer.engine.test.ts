// The producer client end to end, in a KRaft cluster (Classroom timings:
// request.timeout.ms 5000, batch.size 1024, replica.lag.time.max.ms 3000).
// Broker-side duplicate checks run through testkit's wrapped broker kind
// until handleProduce calls producerState.ts itself.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { partitionForKey } from "../../clients/partitioner.ts";
import { recordSizeBytes } from "../../cluster/log.ts";
import { cloneWorld, Engine } from "../../world/engine.ts";
import type { InputEntry, SimInput } from "../../world/types.ts";
import { BATCH_OVERHEAD_BYTES } from "./accumulator.ts";
import { checkProducerExpectation } from "./expectations.ts";
import { producerData, producerState, type ProducerAckedRecord } from "./producerKind.ts";
import { TRANSACTION_STATE_TOPIC } from "./coordinatorModule.ts";
import { transactionPartition } from "./coordinator.ts";
import { abortedTransactionsInRange, isControlRecord } from "./producerState.ts";
import { readCommitted, visibleRecords } from "./readCommitted.ts";
import type { ProducerSpecInput } from "./schema.ts";
import { buildWorld, leaderLastStableOffset, leaderProducerState, leaderRecords, type TestWorld } from "./testkit.ts";
import { producerViews, writeStats } from "./views.ts";

const at = (atMs: number, input: SimInput): InputEntry => ({ atMs, input, source: "scenario" });

function world(
  producers: ProducerSpecInput[],
  topic: { partitions?: number; config?: Record<string, unknown>; assignment?: number[][] } = {},
  seed = 7,
): TestWorld {
  return buildWorld({
    seed,
    topics: [
      {
        name: "orders",
        partitions: topic.partitions ?? 1,
        replicationFactor: 3,
        config: topic.config,
        assignment: topic.assignment,
      },
    ],
    producers,
  });
}

const view = (w: TestWorld, id = "p1") => producerViews(w.engine).find((p) => p.id === id)!;
const acked = (w: TestWorld, id = "p1"): readonly ProducerAckedRecord[] =>
  producerData(w.engine.actor(id)).acked.view();

/** Records of every partition on its leader, with their batch ids. */
function batchesOf(w: TestWorld, partitions: number) {
  const out: { partition: number; batchId: number | undefined; values: string[] }[] = [];
  for (let p = 0; p < partitions; p++) {
    const l = leaderRecords(w.engine, "orders", p);
    for (const r of l?.records ?? []) {
      const last = out[out.length - 1];
      if (last && last.partition === p && last.batchId === r.batchId) last.values.push(r.value ?? "");
      else out.push({ partition: p, batchId: r.batchId, values: [r.value ?? ""] });
    }
  }
  return out;
}

/** Acknowledged records (acks=all) missing at their offset on the current leader. */
function lostAcked(w: TestWorld, id = "p1"): ProducerAckedRecord[] {
  return acked(w, id).filter((r) => {
    const l = leaderRecords(w.engine, r.topic, r.partition);
    if (!l) return false;
    return !l.records.some((x) => x.offset === r.offset && x.value === r.value);
  });
}

describe("partitioning and batching", () => {
  it("sends keyed records to murmur2(key) mod partitions", () => {
    const keys = ["alice", "bob", "carol", "dave", "erin", "frank"];
    const w = world([{ id: "p1", topic: "orders", ratePerSec: 100, keys }], { partitions: 4 });
    w.engine.runUntil(3_000);
    const records = acked(w);
    expect(records.length).toBeGreaterThan(250);
    for (const r of records) expect(r.partition).toBe(partitionForKey(r.key!, 4));
    for (let p = 0; p < 4; p++)
      for (const r of leaderRecords(w.engine, "orders", p)!.records) expect(partitionForKey(r.key!, 4)).toBe(p);
  });

  it("linger.ms gathers records into bigger batches; batch.size caps them", () => {
    const run = (config: Record<string, number>, valueBytes = 0) => {
      const w = world([{ id: "p1", topic: "orders", ratePerSec: 400, keys: ["k"], valueBytes, config }]);
      w.engine.runUntil(3_000);
      const batches = batchesOf(w, 1);
      return { w, sizes: batches.map((b) => b.values.length) };
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const eager = run({ "linger.ms": 0 });
    const lingering = run({ "linger.ms": 100 });
    // 400 records/s arrive 4 per 10 ms tick: linger.ms=0 sends each tick's records at once;
    // linger.ms=100 waits for about 40.
    expect(mean(eager.sizes)).toBeLessThan(6);
    expect(mean(lingering.sizes)).toBeGreaterThan(25);
    expect(eager.w.engine.trace.some((e) => e.text.includes("after linger.ms=0"))).toBe(true);
    expect(lingering.w.engine.trace.some((e) => e.text.includes("after linger.ms=100"))).toBe(true);
    // Records of 16 + 100 bytes: 61 + 8 × 116 = 989 <= 1024 < 989 + 116, so at most 8 per batch.
    const capped = run({ "linger.ms": 1_000 }, 98);
    const recordBytes = recordSizeBytes({ key: "k", value: "x".repeat(99) });
    expect(recordBytes).toBe(116);
    expect(Math.max(...capped.sizes)).toBe(Math.floor((1_024 - BATCH_OVERHEAD_BYTES) / recordBytes));
    expect(capped.w.engine.trace.some((e) => e.text.includes("full at batch.size=1024"))).toBe(true);
  });

  it("the sticky partitioner keeps records without a key on one partition for batch.size to 2 × batch.size bytes", () => {
    const w = world([{ id: "p1", topic: "orders", ratePerSec: 500, valueBytes: 50 }], { partitions: 6 });
    w.engine.runUntil(4_000);
    // The bytes each record added, as the partitioner counts them (a new batch adds its header).
    const added = new Map<string, number>();
    for (const b of batchesOf(w, 6))
      b.values.forEach((v, i) =>
        added.set(v, recordSizeBytes({ key: null, value: v }) + (i === 0 ? BATCH_OVERHEAD_BYTES : 0)),
      );
    const records = [...acked(w)].sort((a, b) => a.serial - b.serial);
    const runs: { partition: number; bytes: number }[] = [];
    for (const r of records) {
      const last = runs[runs.length - 1];
      const bytes = added.get(r.value ?? "") ?? 0;
      if (last && last.partition === r.partition) last.bytes += bytes;
      else runs.push({ partition: r.partition, bytes });
    }
    expect(new Set(runs.map((r) => r.partition)).size).toBeGreaterThanOrEqual(4);
    // A run ends at a switch (a switch may also land on the same partition: then two runs merge).
    for (const run of runs.slice(1, -1)) expect(run.bytes).toBeGreaterThanOrEqual(1_024);
    expect(w.engine.trace.some((e) => e.text.includes("sticky partition for records without a key moves"))).toBe(true);
  });

  it("partitioner.ignore.keys puts keyed records on the sticky partition too", () => {
    const w = world(
      [{ id: "p1", topic: "orders", ratePerSec: 50, keys: ["alice"], config: { "partitioner.ignore.keys": true } }],
      { partitions: 6 },
    );
    w.engine.runUntil(3_000);
    expect(new Set(acked(w).map((r) => r.partition)).size).toBeGreaterThan(1);
  });
});

describe("retries, timeouts and duplicates", () => {
  it("recovers after a leader failover: retries reach the new leader, nothing acknowledged is lost, nothing is written twice", () => {
    const w = world([{ id: "p1", topic: "orders", ratePerSec: 200, keys: ["a", "b", "c", "d", "e"] }], {
      partitions: 3,
      config: { "min.insync.replicas": 2 },
    });
    w.engine.inputs = [at(2_000, { type: "crash", node: "b1" })];
    w.engine.runUntil(4_500);
    const mid = view(w).acknowledged;
    w.engine.runUntil(10_000);
    const v = view(w);
    expect(v.errors["NETWORK_EXCEPTION"] ?? 0).toBeGreaterThan(0);
    expect(v.acknowledged).toBeGreaterThan(mid + 900);
    expect(v.failed).toBe(0);
    expect(lostAcked(w)).toEqual([]);
    const s = writeStats(w.engine, w.module.ctx, "orders");
    expect(s.duplicates).toEqual([]);
    expect(s.reordered).toEqual([]);
    expect(
      w.engine.trace.some((e) => e.actor === "p1" && e.text.includes("retries") && e.text.includes("retry.backoff.ms")),
    ).toBe(true);
  });

  for (const idempotent of [false, true]) {
    it(`after a request timeout, a retry ${idempotent ? "is recognised as a duplicate (enable.idempotence=true)" : "writes a duplicate (enable.idempotence=false)"}`, () => {
      const w = world([{ id: "p1", topic: "orders", ratePerSec: 20, config: { "enable.idempotence": idempotent } }], {
        assignment: [[1, 2, 3]],
        config: { "min.insync.replicas": 2 },
      });
      // Both followers stall: acks=all requests wait for the ISR until request.timeout.ms, then are retried.
      w.engine.inputs = [
        at(1_000, { type: "pause", node: "b2", forMs: 6_000 }),
        at(1_000, { type: "pause", node: "b3", forMs: 6_000 }),
      ];
      w.engine.runUntil(12_000);
      const v = view(w);
      expect(v.errors["REQUEST_TIMED_OUT"]).toBeGreaterThan(0);
      const s = writeStats(w.engine, w.module.ctx, "orders");
      const expectation = checkProducerExpectation(
        idempotent
          ? { type: "noDuplicatesWritten", topic: "orders" }
          : { type: "duplicatesWritten", topic: "orders", atLeast: 1 },
        w.engine,
        w.module.ctx,
      );
      expect(expectation.ok, expectation.detail).toBe(true);
      if (idempotent) {
        expect(s.duplicates).toEqual([]);
        expect(w.engine.trace.some((e) => e.actor === "b1" && e.text.includes("duplicate batch"))).toBe(true);
      } else {
        expect(s.duplicates.length).toBeGreaterThan(0);
        expect(
          w.engine.trace.some((e) => e.text.includes("without enable.idempotence the retry writes it again")),
        ).toBe(true);
      }
      expect(v.failed).toBe(0);
    });
  }

  for (const idempotent of [false, true]) {
    it(`a lost request with 5 in flight ${idempotent ? "keeps the order with idempotence" : "reorders records without idempotence"}`, () => {
      const w = world(
        [
          {
            id: "p1",
            topic: "orders",
            ratePerSec: 100,
            config: { "enable.idempotence": idempotent, "max.in.flight.requests.per.connection": 5 },
          },
        ],
        { assignment: [[1, 2, 3]] },
      );
      // 30 ms of lost requests from p1 to the leader; the requests after them get through.
      w.engine.inputs = [at(1_000, { type: "cutLink", from: ["p1"], to: ["b1"] }), at(1_030, { type: "heal" })];
      w.engine.runUntil(9_000);
      const s = writeStats(w.engine, w.module.ctx, "orders");
      expect(s.duplicates).toEqual([]);
      if (idempotent) {
        expect(s.reordered).toEqual([]);
        expect(view(w).errors["OUT_OF_ORDER_SEQUENCE_NUMBER"]).toBeGreaterThan(0);
      } else {
        expect(s.reordered.length).toBeGreaterThan(0);
        expect(
          checkProducerExpectation({ type: "reorderedWritten", topic: "orders", atLeast: 1 }, w.engine, w.module.ctx)
            .ok,
        ).toBe(true);
      }
      expect(view(w).failed).toBe(0);
    });
  }

  it("NOT_ENOUGH_REPLICAS is retried until delivery.timeout.ms, then the records fail with TimeoutException", () => {
    const w = world(
      [
        {
          id: "p1",
          topic: "orders",
          ratePerSec: 10,
          config: { "delivery.timeout.ms": 3_000, "request.timeout.ms": 1_000 },
        },
      ],
      { assignment: [[1, 2, 3]], config: { "min.insync.replicas": 3 } },
    );
    w.engine.inputs = [at(500, { type: "crash", node: "b3" })];
    w.engine.runUntil(9_000);
    const v = view(w);
    expect(v.errors["NOT_ENOUGH_REPLICAS"]).toBeGreaterThan(0);
    expect(v.errors["TimeoutException"]).toBeGreaterThan(0);
    expect(v.failed).toBeGreaterThan(0);
    expect(w.engine.trace.some((e) => e.actor === "b1" && e.text.includes("NOT_ENOUGH_REPLICAS"))).toBe(true);
    expect(w.engine.trace.some((e) => e.text.includes("delivery.timeout.ms=3000"))).toBe(true);
    expect(
      checkProducerExpectation(
        { type: "producerErrorSeen", producer: "p1", error: "NOT_ENOUGH_REPLICAS", seen: true },
        w.engine,
        w.module.ctx,
      ).ok,
    ).toBe(true);
  });

  it("retries=0 gives up at the first error", () => {
    const w = world(
      [{ id: "p1", topic: "orders", ratePerSec: 10, config: { retries: 0, "request.timeout.ms": 1_000 } }],
      {
        assignment: [[1, 2, 3]],
        config: { "min.insync.replicas": 3 },
      },
    );
    w.engine.inputs = [at(500, { type: "crash", node: "b3" })];
    w.engine.runUntil(5_000);
    const v = view(w);
    expect(v.idempotent).toBe(false); // retries=0 turned it off
    expect(v.retried).toBe(0);
    expect(v.failed).toBeGreaterThan(0);
    expect(
      w.engine.trace.some((e) => e.text.includes("failed for good with NOT_ENOUGH_REPLICAS (retries=0 exhausted)")),
    ).toBe(true);
  });

  it("acks=0 forgets a record once it is sent: offset unknown", () => {
    const w = world([{ id: "p1", topic: "orders", ratePerSec: 50, config: { acks: 0 } }]);
    w.engine.runUntil(2_000);
    const records = acked(w);
    expect(records.length).toBeGreaterThan(90);
    expect(records.every((r) => r.offset === -1 && r.acks === 0)).toBe(true);
    expect(view(w).inFlight).toBe(0);
  });
});

describe("transactions", () => {
  function txnWorld(extra: ProducerSpecInput[] = [], config: Record<string, unknown> = {}) {
    return world(
      [
        {
          id: "p1",
          topic: "orders",
          ratePerSec: 40,
          keys: ["a", "d", "b", "f"],
          config: { "transactional.id": "orders-tx", ...config },
        },
        ...extra,
      ],
      { partitions: 2 },
    );
  }

  it("commits and aborts with markers; read_committed never sees the aborted records, and waits at the LSO", () => {
    const w = txnWorld();
    w.engine.inputs = [
      at(500, { type: "beginTransaction", producer: "p1" }),
      at(1_500, { type: "commitTransaction", producer: "p1" }),
      at(2_000, { type: "beginTransaction", producer: "p1" }),
      at(2_600, { type: "abortTransaction", producer: "p1" }),
      at(3_000, { type: "beginTransaction", producer: "p1" }),
    ];
    w.engine.runUntil(1_200);
    // Mid-transaction: the LSO sits at the transaction's first offset, below the HW.
    for (let p = 0; p < 2; p++) {
      const l = leaderRecords(w.engine, "orders", p)!;
      if (l.records.length === 0) continue;
      expect(leaderLastStableOffset(l.broker, "orders", p)).toBe(l.records[0].offset);
      expect(l.log.highWatermark).toBeGreaterThan(l.records[0].offset);
    }
    w.engine.runUntil(3_400);
    const v = view(w);
    expect(v).toMatchObject({ committedTransactions: 1, abortedTransactions: 1, state: "IN_TRANSACTION" });
    // Every record of a transaction is acknowledged before its EndTxn is sent.
    const committed = new Set(
      acked(w)
        .filter((r) => r.ackedAtMs < 2_000)
        .map((r) => r.value),
    );
    const aborted = new Set(
      acked(w)
        .filter((r) => r.ackedAtMs > 2_000 && r.ackedAtMs < 3_000)
        .map((r) => r.value),
    );
    expect(committed.size).toBeGreaterThan(20);
    expect(aborted.size).toBeGreaterThan(10);
    let markers = 0;
    for (let p = 0; p < 2; p++) {
      const l = leaderRecords(w.engine, "orders", p)!;
      markers += l.records.filter(isControlRecord).length;
      const state = leaderProducerState(l.broker, "orders", p)!;
      const lso = leaderLastStableOffset(l.broker, "orders", p);
      const seen = readCommitted(l.records, lso, abortedTransactionsInRange(state, 0, lso)).map((r) => r.value!);
      for (const v2 of seen) expect(aborted.has(v2)).toBe(false);
      for (const r of l.records) if (committed.has(r.value!)) expect(seen).toContain(r.value);
      // The third transaction is open: nothing of it is readable yet.
      expect(seen.every((x) => committed.has(x))).toBe(true);
      // read_uncommitted sees the aborted records, never the markers.
      const all = visibleRecords(l.records, []).map((r) => r.value);
      expect(all.some((x) => aborted.has(x!))).toBe(true);
      expect(all).not.toContain("coordinatorEpoch=0");
    }
    expect(markers).toBe(4); // a COMMIT and an ABORT on each partition
    expect(w.engine.trace.some((e) => e.text.includes("writes a COMMIT marker"))).toBe(true);
    expect(
      checkProducerExpectation(
        { type: "transactionsCompleted", producer: "p1", committed: 1, aborted: 1 },
        w.engine,
        w.module.ctx,
      ).ok,
    ).toBe(true);
  });

  it("survives a coordinator crash: the new coordinator loads the transaction from __transaction_state and commits it", () => {
    const w = txnWorld();
    const p = transactionPartition("orders-tx", 5); // 5 partitions in the Classroom profile
    const coordinator = w.module.ctx.controlPlane
      .describe(w.engine)
      .partitions.find((x) => x.topic === TRANSACTION_STATE_TOPIC && x.partition === p)!.leader;
    w.engine.inputs = [
      at(500, { type: "beginTransaction", producer: "p1" }),
      at(1_000, { type: "crash", node: `b${coordinator}` }),
      at(4_000, { type: "commitTransaction", producer: "p1" }),
    ];
    w.engine.runUntil(6_000);
    expect(view(w)).toMatchObject({ committedTransactions: 1, state: "READY", failed: 0 });
    expect(w.engine.trace.some((e) => e.text.includes("loaded 1 transactional id(s) from the log"))).toBe(true);
    expect(w.engine.trace.some((e) => e.text.includes("is CompleteCommit"))).toBe(true);
  });

  it("the first transactional producer of a cluster creates __transaction_state", () => {
    const w = world([{ id: "p0", topic: "orders", ratePerSec: 10 }], { partitions: 2 });
    w.engine.inputs = [
      at(300, {
        type: "addProducer",
        id: "p1",
        topic: "orders",
        ratePerSec: 40,
        keys: ["a", "d"],
        config: { "transactional.id": "late-tx" },
      }),
      at(2_000, { type: "beginTransaction", producer: "p1" }),
      at(2_800, { type: "commitTransaction", producer: "p1" }),
    ];
    w.engine.runUntil(4_000);
    expect(w.engine.trace.some((e) => e.text.includes("creates __transaction_state"))).toBe(true);
    expect(view(w)).toMatchObject({ committedTransactions: 1, state: "READY" });
    expect(w.module.ctx.controlPlane.describe(w.engine).topics.some((t) => t.name === "__transaction_state")).toBe(
      true,
    );
  });

  it("records sent outside a transaction fail with IllegalStateException", () => {
    const w = txnWorld();
    w.engine.inputs = [at(500, { type: "produce", producer: "p1", key: "a", value: "lonely" })];
    w.engine.runUntil(1_000);
    expect(view(w).errors["IllegalStateException"]).toBe(1);
    expect(view(w).acknowledged).toBe(0); // the load waits for beginTransaction
  });

  it("a second instance with the same transactional.id fences the first (zombie fencing)", () => {
    const w = txnWorld();
    w.engine.inputs = [
      at(500, { type: "beginTransaction", producer: "p1" }),
      at(1_200, {
        type: "addProducer",
        id: "p2",
        topic: "orders",
        ratePerSec: 0,
        config: { "transactional.id": "orders-tx" },
      }),
      // The application tries to commit (refused if a write already failed), then aborts.
      at(2_500, { type: "commitTransaction", producer: "p1" }),
      at(2_600, { type: "abortTransaction", producer: "p1" }),
    ];
    w.engine.runUntil(5_000);
    expect(producerState(w.engine.actor("p1"))).toBe("FATAL_ERROR");
    expect(Object.keys(view(w).errors).some((e) => e === "PRODUCER_FENCED" || e === "INVALID_PRODUCER_EPOCH")).toBe(
      true,
    );
    const p2 = view(w, "p2");
    expect(p2.state).toBe("READY");
    expect(p2.producerEpoch).toBeGreaterThan(0);
    // The fenced instance's open transaction was aborted for it.
    expect(w.engine.trace.some((e) => e.text.includes("writes an ABORT marker"))).toBe(true);
  });

  it("the coordinator aborts a transaction that outlives transaction.timeout.ms", () => {
    const w = txnWorld([], { "transaction.timeout.ms": 1_500 });
    w.engine.inputs = [at(500, { type: "beginTransaction", producer: "p1" })];
    w.engine.runUntil(5_000);
    expect(w.engine.trace.some((e) => e.text.includes("transaction.timeout.ms=1500: aborted"))).toBe(true);
    for (let p = 0; p < 2; p++) {
      const l = leaderRecords(w.engine, "orders", p)!;
      if (!l.records.some(isControlRecord)) continue;
      expect(l.records.filter(isControlRecord).map((r) => r.key)).toContain("ABORT");
    }
    expect(["ABORTABLE_ERROR", "FATAL_ERROR"]).toContain(producerState(w.engine.actor("p1")));
  });
});

describe("inputs and determinism", () => {
  it("produce by hand, setProducer and removeProducer", () => {
    const w = world([{ id: "p1", topic: "orders", ratePerSec: 0 }]);
    w.engine.inputs = [
      at(300, { type: "produce", producer: "p1", key: "k1", value: "by-hand", headers: [{ key: "h", value: "v" }] }),
      at(600, { type: "setProducer", producer: "p1", ratePerSec: 50, config: { "linger.ms": 20 } }),
      at(700, { type: "setProducer", producer: "p1", config: { "transactional.id": "nope" } }),
      at(2_000, { type: "removeProducer", producer: "p1" }),
    ];
    w.engine.runUntil(3_000);
    const l = leaderRecords(w.engine, "orders", 0)!;
    expect(l.records[0]).toMatchObject({ key: "k1", value: "by-hand" });
    expect(l.records.length).toBeGreaterThan(50);
    expect(producerData(w.engine.actor("p1")).settings.lingerMs).toBe(20);
    expect(w.engine.trace.some((e) => e.text.includes("keeps its transactional.id"))).toBe(true);
    expect(view(w).state).toBe("CLOSED");
  });

  it("a crashed producer loses what it had not sent; restarted, it keeps its ledger and numbering and gets a new producer id", () => {
    const w = world([{ id: "p1", topic: "orders", ratePerSec: 100, config: { "linger.ms": 200 } }]);
    w.engine.inputs = [at(1_050, { type: "crash", node: "p1" }), at(1_500, { type: "restart", node: "p1" })];
    w.engine.runUntil(1_100);
    const before = acked(w).length;
    expect(view(w).errors["ProducerCrashed"]).toBeGreaterThan(0);
    w.engine.runUntil(3_000);
    const v = view(w);
    expect(acked(w).length).toBeGreaterThan(before + 100);
    expect(v.producerId).toBe(1); // InitProducerId again: a new id
    expect(writeStats(w.engine, w.module.ctx, "orders").duplicates).toEqual([]);
  });

  it("is deterministic, and a checkpoint of the world (data cloned) replays to the same trace", () => {
    const build = () => {
      const w = world([{ id: "p1", topic: "orders", ratePerSec: 300, config: { "linger.ms": 5 } }], { partitions: 3 });
      w.engine.inputs = [at(1_000, { type: "crash", node: "b2" }), at(2_500, { type: "restart", node: "b2" })];
      return w;
    };
    const a = build();
    const b = build();
    a.engine.runUntil(2_000);
    const saved = cloneWorld(a.engine.world, a.engine.registry.kinds);
    const savedTrace = a.engine.trace.slice();
    a.engine.runUntil(4_000);
    b.engine.runUntil(4_000);
    expect(a.engine.traceHash()).toBe(b.engine.traceHash());
    const c = new Engine(a.engine.registry, { seed: 7 });
    c.inputs = a.engine.inputs;
    c.restore(cloneWorld(saved, a.engine.registry.kinds), savedTrace);
    c.runUntil(4_000);
    expect(c.traceHash()).toBe(a.engine.traceHash());
  });

  it("property: an idempotent producer never writes a duplicate or reorders, whatever the faults", () => {
    const fault = fc.oneof(
      fc.record({
        atMs: fc.integer({ min: 300, max: 5_000 }),
        input: fc.constantFrom<SimInput>(
          { type: "crash", node: "b1" },
          { type: "crash", node: "b2" },
          { type: "restart", node: "b1" },
          { type: "restart", node: "b2" },
          { type: "pause", node: "b1", forMs: 2_500 },
          { type: "pause", node: "b3", forMs: 6_000 },
          { type: "cutLink", from: ["p1"], to: ["b1"] },
          { type: "cutLink", from: ["b1"], to: ["p1"] },
          { type: "cutLink", from: ["b2"], to: ["p1"] },
          { type: "setLoss", lossProbability: 0.05 },
          { type: "heal" },
          { type: "setLoss", lossProbability: 0 },
        ),
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fault, { maxLength: 6 }), (seed, faults) => {
        const w = world(
          [{ id: "p1", topic: "orders", ratePerSec: 150, keys: ["a", "b", "c", "d"] }],
          { partitions: 2 },
          seed,
        );
        w.engine.inputs = [
          ...faults,
          { atMs: 6_000, input: { type: "heal" } },
          { atMs: 6_000, input: { type: "setLoss", lossProbability: 0 } },
        ]
          .sort((x, y) => x.atMs - y.atMs)
          .map((f) => at(f.atMs, f.input));
        w.engine.runUntil(9_000);
        const s = writeStats(w.engine, w.module.ctx, "orders");
        const why = `seed ${seed}, faults ${JSON.stringify(faults)}`;
        expect(s.duplicates, why).toEqual([]);
        expect(s.reordered, why).toEqual([]);
      }),
      { numRuns: 12, seed: 20_240_601 },
    );
  });
});
