// A simple load generator: produces records at a fixed rate to one topic,
// with a chosen acks, through the real produce path (metadata lookups,
// per-broker Produce requests, retries on retriable errors). It keeps a
// ledger of every acknowledged record so the checker can tell when an
// acknowledged write is lost.
//
// It stands in for the full producer client (batching by linger.ms and
// batch.size, idempotence, transactions), which replaces it; the UI labels
// it "load generator". Without idempotence, a retry after a lost answer
// writes a duplicate, exactly as a non-idempotent Kafka producer does.

import { partitionForKey, partitionsForKeys } from "../../clients/partitioner.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorKind, ActorRecord, SimEvent } from "../../world/types.ts";
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from "../broker/replicaManager.ts";
import type { MetadataRequest, MetadataResponse } from "../broker/metadataRequests.ts";
import type { ClusterContext } from "../context.ts";
import { brokerActorId } from "../ids.ts";
import { recordSizeBytes, type RecordInput } from "../../cluster/log.ts";
import { AppendLog } from "../../core/appendLog.ts";

export const LOADGEN_KIND = "load-generator";

export interface LoadGeneratorConfig extends Record<string, unknown> {
  id: string;
  topic: string;
  /** Records per second (0: idle until records are produced by hand). */
  ratePerSec: number;
  /** 0, 1 or -1 (all). */
  acks: number;
  /** Keys to cycle through; empty: null keys (spread round-robin). */
  keys: string[];
  /** retries: 0 gives up at the first error; the default retries until delivery.timeout.ms. */
  retries: number;
  /** delivery.timeout.ms */
  deliveryTimeoutMs: number;
  /** retry.backoff.ms */
  retryBackoffMs: number;
  /** request.timeout.ms */
  requestTimeoutMs: number;
  /** How often the generator wakes to produce (virtual ms). */
  tickMs: number;
  /** batch.size: one partition's batch in a request holds at most this many bytes. */
  batchSizeBytes: number;
}

export interface AckedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly acks: number;
  readonly ackedAtMs: number;
  readonly leaderEpoch: number;
  /** The ISR when the leader answered. */
  readonly isr: number[];
}

/** What the acknowledged records of one batch share: one object per batch. */
export interface AckedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly acks: number;
  readonly ackedAtMs: number;
  readonly leaderEpoch: number;
  readonly isr: number[];
}

const internedIsrs: (readonly number[])[] = [];
const NO_ISR: readonly number[] = Object.freeze([]);

/**
 * One frozen array per distinct ISR, shared by every ledger batch acknowledged
 * with it: each answer carries its own copy, and the ledger keeps one per
 * batch for the whole run (a batch holds two or three records in the
 * benchmarks, so the copies cost as much as the entries). A short list
 * scanned element by element: there are a handful of distinct ISRs, and a
 * joined string key per batch cost more than the scan.
 */
export function internIsr(isr: readonly number[]): number[] {
  if (isr.length === 0) return NO_ISR as number[];
  for (const shared of internedIsrs) {
    if (shared.length !== isr.length) continue;
    let same = true;
    for (let i = 0; i < isr.length; i++) {
      if (shared[i] !== isr[i]) {
        same = false;
        break;
      }
    }
    if (same) return shared as number[];
  }
  if (internedIsrs.length >= 64) internedIsrs.length = 0;
  const shared = Object.freeze(isr.slice());
  internedIsrs.push(shared);
  return shared as number[];
}

/**
 * A ledger entry: the record's own fields, the rest read from its batch.
 * Every acknowledged record is kept for the whole run (600k in a minute of
 * the cluster benchmark), and a flat entry per record copied the batch's
 * fields and boxed `ackedAtMs` (a fractional double) once per record: about
 * twice the memory, all of it copied by every young-generation GC it lived
 * through. Entries never change once pushed (checkpoints share them).
 */
export class AckedEntry implements AckedRecord {
  readonly batch: AckedBatch;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  constructor(batch: AckedBatch, offset: number, key: string | null, value: string | null) {
    this.batch = batch;
    this.offset = offset;
    this.key = key;
    this.value = value;
  }
  get topic(): string {
    return this.batch.topic;
  }
  get partition(): number {
    return this.batch.partition;
  }
  get acks(): number {
    return this.batch.acks;
  }
  get ackedAtMs(): number {
    return this.batch.ackedAtMs;
  }
  get leaderEpoch(): number {
    return this.batch.leaderEpoch;
  }
  get isr(): number[] {
    return this.batch.isr;
  }
}

interface PendingRecord {
  key: string | null;
  /** null: a tombstone. */
  value: string | null;
  createdAtMs: number;
  attempts: number;
}

interface InFlight {
  requestId: number;
  broker: number;
  sentAtMs: number;
  /** Per partition key, the records sent. */
  batches: Record<string, PendingRecord[]>;
}

export interface LoadGeneratorData extends Record<string, unknown> {
  /** partition -> leader broker id (-1 unknown), from the last metadata response. */
  leaders: number[];
  numPartitions: number;
  metadataInFlight: boolean;
  nextRequestId: number;
  nextSequence: number;
  /** Fraction of a record carried to the next tick. */
  carry: number;
  roundRobin: number;
  queued: Record<string, PendingRecord[]>;
  inFlight: Record<string, InFlight>;
  /** Partitions with a request in flight (max.in.flight.requests.per.connection = 1 per partition here). */
  busy: Record<string, true>;
  /** Every acknowledged record, in order (shared by checkpoints, see AppendLog). */
  acked: AppendLog<AckedRecord>;
  sent: number;
  failed: { value: string | null; error: string; atMs: number }[];
  errors: Record<string, number>;
  ratePerSec: number;
  acks: number;
}

const RETRIABLE = new Set([
  "NETWORK_EXCEPTION",
  "NOT_LEADER_OR_FOLLOWER",
  "NOT_ENOUGH_REPLICAS",
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  "REQUEST_TIMED_OUT",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "UNKNOWN_LEADER_EPOCH",
  "FENCED_LEADER_EPOCH",
]);

const dataOf = (a: ActorRecord) => a.data as LoadGeneratorData;
const cfgOf = (a: ActorRecord) => a.config as LoadGeneratorConfig;

export function createLoadGeneratorKind(ctx: ClusterContext): ActorKind {
  return {
    kind: LOADGEN_KIND,
    createData(actor): LoadGeneratorData {
      const cfg = cfgOf(actor);
      return {
        leaders: [],
        numPartitions: 0,
        metadataInFlight: false,
        nextRequestId: 1,
        nextSequence: 0,
        carry: 0,
        roundRobin: 0,
        queued: {},
        inFlight: {},
        busy: {},
        acked: new AppendLog(),
        sent: 0,
        failed: [],
        errors: {},
        ratePerSec: cfg.ratePerSec,
        acks: cfg.acks,
      };
    },
    // A checkpoint shares the ledger entries (never changed once written)
    // instead of deep-copying every acknowledged record each time: with
    // time travel on, that copy grew with the run and dominated it.
    cloneData(data) {
      const { acked, failed, ...rest } = data as LoadGeneratorData;
      return { ...structuredClone(rest), acked: acked.copy(), failed: failed.slice() };
    },
    onEvent(engine, actor, event) {
      handle(ctx, engine, actor, event);
      return true;
    },
  };
}

/** Starts the generator: first a metadata request, then the produce ticks. */
export function startLoadGenerator(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  requestMetadata(ctx, engine, actor);
  engine.schedule(actor.id, cfgOf(actor).tickMs, { type: "loadgen.tick" }, "tick");
}

function handle(ctx: ClusterContext, engine: Engine, actor: ActorRecord, event: SimEvent): void {
  switch (event.type) {
    case "loadgen.tick":
      tick(ctx, engine, actor);
      engine.schedule(actor.id, cfgOf(actor).tickMs, { type: "loadgen.tick" }, "tick");
      return;
    case "loadgen.produceOne":
      enqueue(engine, actor, (event.key as string | null) ?? null, event.value as string | null | undefined);
      sendReady(ctx, engine, actor);
      return;
    case "MetadataResponse":
      onMetadata(ctx, engine, actor, event as unknown as MetadataResponse);
      return;
    case "ProduceResponse":
      onProduceResponse(ctx, engine, actor, event as unknown as ProduceResponse);
      return;
    case "loadgen.requestTimeout":
      onRequestTimeout(ctx, engine, actor, Number(event.requestId));
      return;
    case "ConnectionRefused":
      onConnectionRefused(ctx, engine, actor, event);
      return;
    case "loadgen.retry":
      sendReady(ctx, engine, actor);
      return;
    case "loadgen.metadataTimeout":
      dataOf(actor).metadataInFlight = false;
      requestMetadata(ctx, engine, actor);
      return;
  }
}

function requestMetadata(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = dataOf(actor);
  if (d.metadataInFlight) return;
  // Ask any broker (bootstrap.servers): pick one at random from the seeded stream.
  const brokers = Array.from({ length: ctx.spec.brokers }, (_, i) => i + 1);
  const broker = engine.rng(`client.${actor.id}`).pick(brokers);
  const req: MetadataRequest = {
    type: "Metadata",
    from: actor.id,
    refusable: true,
    requestId: d.nextRequestId++,
    topics: [cfgOf(actor).topic],
  };
  d.metadataInFlight = true;
  engine.send(actor.id, brokerActorId(broker), req);
  engine.schedule(actor.id, cfgOf(actor).requestTimeoutMs, { type: "loadgen.metadataTimeout" }, "metadataTimeout");
}

function onMetadata(ctx: ClusterContext, engine: Engine, actor: ActorRecord, res: MetadataResponse): void {
  const d = dataOf(actor);
  d.metadataInFlight = false;
  engine.cancel(actor.id, "metadataTimeout");
  const t = res.topics.find((x) => x.name === cfgOf(actor).topic);
  if (!t || t.error !== "NONE" || t.partitions.length === 0) {
    engine.schedule(actor.id, cfgOf(actor).retryBackoffMs, { type: "loadgen.metadataTimeout" }, "metadataRetry");
    return;
  }
  d.numPartitions = Math.max(...t.partitions.map((p) => p.partition)) + 1;
  const leaders = new Array<number>(d.numPartitions).fill(-1);
  for (const p of t.partitions) leaders[p.partition] = p.leader;
  d.leaders = leaders;
  if (leaders.some((l) => l < 0))
    engine.schedule(actor.id, cfgOf(actor).retryBackoffMs * 2, { type: "loadgen.metadataTimeout" }, "metadataRetry");
  sendReady(ctx, engine, actor);
}

function tick(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = dataOf(actor);
  const cfg = cfgOf(actor);
  const exact = (d.ratePerSec * cfg.tickMs) / 1000 + d.carry;
  const n = Math.floor(exact);
  d.carry = exact - n;
  const keys = cfg.keys;
  // Thousands of records a second cycle through the same keys: look their partitions up by index.
  const partitions = keys.length > 0 && d.numPartitions > 0 ? partitionsForKeys(keys, d.numPartitions) : null;
  for (let i = 0; i < n; i++) {
    if (keys.length === 0) enqueue(engine, actor, null);
    else {
      const k = d.nextSequence % keys.length;
      enqueue(engine, actor, keys[k], undefined, partitions === null ? undefined : partitions[k]);
    }
  }
  expireOld(engine, actor);
  if (n > 0) sendReady(ctx, engine, actor);
}

/** Queues one record; `knownPartition` is the key's partition when the caller has it at hand. */
function enqueue(
  engine: Engine,
  actor: ActorRecord,
  key: string | null,
  value?: string | null,
  knownPartition?: number,
): void {
  const d = dataOf(actor);
  if (d.numPartitions === 0) {
    // No metadata yet: count it as failed to send rather than buffering without bound.
    d.failed.push({ value: value ?? `${actor.id}-${d.nextSequence++}`, error: "no metadata yet", atMs: engine.nowMs });
    return;
  }
  const partition =
    key === null
      ? d.roundRobin++ % d.numPartitions
      : knownPartition !== undefined
        ? knownPartition
        : cachedPartition(key, d.numPartitions);
  const record: PendingRecord = {
    key,
    value: value === undefined ? `${actor.id}-${d.nextSequence}` : value,
    createdAtMs: engine.nowMs,
    attempts: 0,
  };
  d.nextSequence++;
  (d.queued[partition] ??= []).push(record);
}

// murmur2 over the UTF-8 key is pure: remember it per (partition count, key).
// Two levels of maps, so a lookup per record builds no combined key string.
const partitionCache = new Map<number, Map<string, number>>();
function cachedPartition(key: string, numPartitions: number): number {
  let byKey = partitionCache.get(numPartitions);
  if (byKey === undefined) {
    byKey = new Map();
    partitionCache.set(numPartitions, byKey);
  }
  let p = byKey.get(key);
  if (p === undefined) {
    p = partitionForKey(key, numPartitions);
    if (byKey.size > 100_000) byKey.clear();
    byKey.set(key, p);
  }
  return p;
}

/** delivery.timeout.ms: a record not acknowledged in time fails. */
function expireOld(engine: Engine, actor: ActorRecord): void {
  const d = dataOf(actor);
  const cfg = cfgOf(actor);
  for (const p of Object.keys(d.queued)) {
    const queue = d.queued[p];
    // This runs on every tick; usually nothing has expired, and then the queue stays as it is.
    let i = 0;
    while (i < queue.length && !(engine.nowMs - queue[i].createdAtMs > cfg.deliveryTimeoutMs)) i++;
    if (i === queue.length) continue;
    const keep = queue.slice(0, i);
    for (; i < queue.length; i++) {
      const r = queue[i];
      if (engine.nowMs - r.createdAtMs > cfg.deliveryTimeoutMs) {
        d.failed.push({ value: r.value, error: "delivery.timeout.ms expired", atMs: engine.nowMs });
        d.errors["TIMEOUT"] = (d.errors["TIMEOUT"] ?? 0) + 1;
      } else keep.push(r);
    }
    d.queued[p] = keep;
  }
}

/** Sends every queued batch whose partition has a known leader and nothing in flight, one request per broker. */
function sendReady(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = dataOf(actor);
  const cfg = cfgOf(actor);
  const byBroker = new Map<number, { partition: number; records: PendingRecord[] }[]>();
  let needMetadata = false;
  // Keys are partition numbers: Object.keys lists integer keys in ascending numeric order already.
  for (const p of Object.keys(d.queued)) {
    const q = d.queued[p];
    if (q.length === 0 || d.busy[p]) continue;
    const leader = d.leaders[Number(p)] ?? -1;
    if (leader < 0) {
      needMetadata = true;
      continue;
    }
    const batch = q.splice(0, batchLength(q, cfg.batchSizeBytes));
    let list = byBroker.get(leader);
    if (!list) byBroker.set(leader, (list = []));
    list.push({ partition: Number(p), records: batch });
  }
  if (needMetadata) requestMetadata(ctx, engine, actor);
  for (const broker of [...byBroker.keys()].sort((a, b) => a - b)) {
    const list = byBroker.get(broker)!;
    const requestId = d.nextRequestId++;
    const partitions = list.map(({ partition, records }) => ({
      topic: cfg.topic,
      partition,
      records: records.map((r): RecordInput => ({ key: r.key, value: r.value, timestamp: r.createdAtMs })),
    }));
    const req: ProduceRequest & { from: string } = {
      type: "Produce",
      from: actor.id,
      refusable: true,
      requestId,
      acks: d.acks,
      timeoutMs: cfg.requestTimeoutMs,
      partitions,
    };
    for (const { records } of list) {
      for (const r of records) r.attempts++;
      d.sent += records.length;
    }
    engine.send(actor.id, brokerActorId(broker), req);
    if (d.acks === 0) continue; // nothing will come back: the send is "done" when written
    const batches: Record<string, PendingRecord[]> = {};
    for (const { partition, records } of list) {
      batches[String(partition)] = records;
      d.busy[String(partition)] = true;
    }
    d.inFlight[String(requestId)] = { requestId, broker, sentAtMs: engine.nowMs, batches };
    engine.schedule(
      actor.id,
      cfg.requestTimeoutMs,
      { type: "loadgen.requestTimeout", requestId },
      `request:${requestId}`,
    );
  }
}

/** How many queued records fit in one batch of at most `batchSizeBytes` (always at least one). */
function batchLength(queue: readonly PendingRecord[], batchSizeBytes: number): number {
  let bytes = 0;
  let n = 0;
  for (const r of queue) {
    bytes += recordSizeBytes({ key: r.key, value: r.value });
    if (n > 0 && bytes > batchSizeBytes) break;
    n++;
  }
  return n;
}

function onProduceResponse(ctx: ClusterContext, engine: Engine, actor: ActorRecord, res: ProduceResponse): void {
  const d = dataOf(actor);
  const inflight = d.inFlight[String(res.requestId)];
  if (!inflight) return; // answered after we gave up on it
  delete d.inFlight[String(res.requestId)];
  engine.cancel(actor.id, `request:${res.requestId}`);
  for (const p of res.partitions) settle(ctx, engine, actor, inflight, p);
  sendReady(ctx, engine, actor);
}

function settle(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  inflight: InFlight,
  p: ProducePartitionResponse,
): void {
  const d = dataOf(actor);
  const cfg = cfgOf(actor);
  const records = inflight.batches[String(p.partition)] ?? [];
  delete d.busy[String(p.partition)];
  if (p.error === "NONE") {
    const batch: AckedBatch = {
      topic: cfg.topic,
      partition: p.partition,
      acks: d.acks,
      ackedAtMs: engine.nowMs,
      leaderEpoch: p.leaderEpoch,
      isr: internIsr(p.isr ?? []),
    };
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      d.acked.push(new AckedEntry(batch, p.baseOffset + i, r.key, r.value));
    }
    return;
  }
  d.errors[p.error] = (d.errors[p.error] ?? 0) + 1;
  if (RETRIABLE.has(p.error) && records.every((r) => r.attempts <= cfg.retries)) {
    engine.record(
      "note",
      actor.id,
      `${cfg.topic}-${p.partition}: ${records.length} record(s) failed with ${p.error}; retrying after ${cfg.retryBackoffMs} ms (retry.backoff.ms)`,
      { error: p.error },
    );
    // Retried batches go back to the front of the queue, in order.
    d.queued[String(p.partition)] = [...records, ...(d.queued[String(p.partition)] ?? [])];
    if (
      p.error === "NETWORK_EXCEPTION" ||
      p.error === "NOT_LEADER_OR_FOLLOWER" ||
      p.error === "UNKNOWN_TOPIC_OR_PARTITION" ||
      p.error === "FENCED_LEADER_EPOCH" ||
      p.error === "UNKNOWN_LEADER_EPOCH" ||
      p.error === "LEADER_NOT_AVAILABLE"
    ) {
      d.leaders[p.partition] = -1;
      requestMetadata(ctx, engine, actor);
    }
    engine.schedule(actor.id, cfg.retryBackoffMs, { type: "loadgen.retry" }, `retry:${p.partition}`);
    return;
  }
  for (const r of records) d.failed.push({ value: r.value, error: p.error, atMs: engine.nowMs });
  engine.record(
    "note",
    actor.id,
    `${cfg.topic}-${p.partition}: ${records.length} record(s) failed for good with ${p.error}`,
    { error: p.error },
  );
}

/** The broker's process is gone: the connection is refused at once (NETWORK_EXCEPTION), so retry elsewhere. */
function onConnectionRefused(ctx: ClusterContext, engine: Engine, actor: ActorRecord, event: SimEvent): void {
  const d = dataOf(actor);
  if (event.requestType === "Metadata") {
    d.metadataInFlight = false;
    engine.cancel(actor.id, "metadataTimeout");
    engine.schedule(actor.id, cfgOf(actor).retryBackoffMs, { type: "loadgen.metadataTimeout" }, "metadataRetry");
    return;
  }
  const inflight = d.inFlight[String(event.requestId)];
  if (!inflight) return;
  delete d.inFlight[String(event.requestId)];
  engine.cancel(actor.id, `request:${event.requestId}`);
  engine.record(
    "note",
    actor.id,
    `broker ${inflight.broker} refused the connection (its process is down): NETWORK_EXCEPTION, refreshing metadata`,
    { error: "NETWORK_EXCEPTION" },
  );
  for (const p of Object.keys(inflight.batches).sort((a, b) => Number(a) - Number(b))) {
    settle(ctx, engine, actor, inflight, {
      topic: cfgOf(actor).topic,
      partition: Number(p),
      error: "NETWORK_EXCEPTION",
      baseOffset: -1,
      leaderEpoch: -1,
    });
  }
}

function onRequestTimeout(ctx: ClusterContext, engine: Engine, actor: ActorRecord, requestId: number): void {
  const d = dataOf(actor);
  const inflight = d.inFlight[String(requestId)];
  if (!inflight) return;
  delete d.inFlight[String(requestId)];
  engine.record(
    "note",
    actor.id,
    `produce request ${requestId} to broker ${inflight.broker} got no answer within ${cfgOf(actor).requestTimeoutMs} ms (request.timeout.ms): the outcome is unknown`,
    { error: "REQUEST_TIMED_OUT" },
  );
  for (const p of Object.keys(inflight.batches).sort((a, b) => Number(a) - Number(b))) {
    settle(ctx, engine, actor, inflight, {
      topic: cfgOf(actor).topic,
      partition: Number(p),
      error: "REQUEST_TIMED_OUT",
      baseOffset: -1,
      leaderEpoch: -1,
    });
  }
  d.leaders = d.leaders.map(() => -1);
  requestMetadata(ctx, engine, actor);
}
