// The producer client as an actor of kind "producer": its lifecycle machine
// (producer.machine.ts) plus plain code for everything records touch — the
// load it generates, the RecordAccumulator (accumulator.ts), the Sender
// (per-broker Produce requests, at most max.in.flight.requests.per.connection
// unanswered per broker, retries with exponential backoff, request.timeout.ms
// and delivery.timeout.ms), metadata lookups and refreshes, idempotence
// (producer id, epoch, per-partition sequence numbers) and the client half of
// transactions (FindCoordinator, InitProducerId, AddPartitionsToTxn, EndTxn).
//
// It keeps a ledger of acknowledged records in the load generator's
// AckedRecord shape (plus producer id, sequence and attempts), so the
// checker can judge losses and duplicates the same way.

import { partitionsForKeys } from "../../clients/partitioner.ts";
import { fnv1a32 } from "../../core/hash.ts";
import { stateLabel } from "../../machines/host.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorKind, ActorRecord, SimEvent } from "../../world/types.ts";
import type { MetadataRequest, MetadataResponse } from "../broker/metadataRequests.ts";
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from "../broker/replicaManager.ts";
import type { ClusterContext } from "../context.ts";
import { brokerActorId, brokerIdOf } from "../ids.ts";
import { AckedEntry, internIsr, type AckedBatch, type AckedRecord } from "../loadgen/loadGenerator.ts";
import {
  afterStickyAppend,
  appendToQueue,
  batchReadiness,
  choosePartition,
  pendingRecordSize,
  reenqueue,
  retryBackoffMs,
  type PartitionerState,
  type PendingRecord,
  type ProducerBatch,
  type ReadyReason,
  type RecordHeader,
  type TopicLayout,
} from "./accumulator.ts";
import { producerMachine, type ProducerMachineInput, type ProducerState } from "./producer.machine.ts";
import type {
  AddPartitionsToTxnResponse,
  EndTxnResponse,
  FindCoordinatorResponse,
  InitProducerIdResponse,
  ProducerRecordInput,
} from "./protocol.ts";
import { acksText, type ProducerSettings } from "./settings.ts";
import { AppendLog } from "../../core/appendLog.ts";

export const PRODUCER_KIND = "producer";

/** How a producer generates records by itself. */
export interface LoadShape {
  /** Records per second (0: only records produced by hand, and bursts). */
  ratePerSec: number;
  /** Keys to use; empty: null keys (the sticky partitioner). */
  keys: string[];
  /** 0: cycle through `keys` in order; > 0: draw key i with weight 1/(i+1)^keySkew (Zipf). */
  keySkew: number;
  /** Extra records all at once at given times. */
  bursts: { atMs: number; count: number }[];
  /** Pad each generated value to at least this many characters (to fill batch.size faster). */
  valueBytes: number;
}

export interface ProducerActorConfig extends Record<string, unknown> {
  id: string;
  topic: string;
  load: LoadShape;
  settings: ProducerSettings;
  /** The settings as written (Kafka names), for setProducer. */
  written: Record<string, unknown>;
  /** What resolution changed silently (traced at start). */
  notes: string[];
}

/** The ledger entry of an acknowledged record: the load generator's shape plus idempotence details. */
export interface ProducerAckedRecord extends AckedRecord {
  /** -1 without idempotence. */
  readonly producerId: number;
  /** The record's sequence number, -1 without idempotence. */
  readonly sequence: number;
  /** The producer's running number for the record. */
  readonly serial: number;
  /** How many times its batch was sent before this acknowledgement. */
  readonly attempts: number;
  readonly transactional: boolean;
}

/** What the acknowledged records of one producer batch share. */
export interface ProducerAckedBatch extends AckedBatch {
  readonly producerId: number;
  readonly attempts: number;
  readonly transactional: boolean;
}

/** A producer's ledger entry: the record's own fields, the batch's read from it (see AckedEntry). */
export class ProducerAckedEntry extends AckedEntry implements ProducerAckedRecord {
  declare readonly batch: ProducerAckedBatch;
  readonly sequence: number;
  readonly serial: number;
  constructor(
    batch: ProducerAckedBatch,
    offset: number,
    key: string | null,
    value: string | null,
    sequence: number,
    serial: number,
  ) {
    super(batch, offset, key, value);
    this.sequence = sequence;
    this.serial = serial;
  }
  get producerId(): number {
    return this.batch.producerId;
  }
  get attempts(): number {
    return this.batch.attempts;
  }
  get transactional(): boolean {
    return this.batch.transactional;
  }
}

export interface FailedRecord {
  serial: number;
  value: string;
  partition: number;
  error: string;
  atMs: number;
  attempts: number;
}

export interface InFlightRequest {
  requestId: number;
  broker: number;
  sentAtMs: number;
  batches: ProducerBatch[];
}

export type TxnRequestKind = "FindCoordinator" | "InitProducerId" | "AddPartitionsToTxn" | "EndTxn";

export interface TxnClientState {
  /** Transaction coordinator (broker id), -1 unknown. */
  coordinator: number;
  /** Partitions in the open transaction (AddPartitionsToTxn answered). */
  added: number[];
  /** Partitions with records that still need AddPartitionsToTxn. */
  pending: number[];
  /** The one transactional request in flight (they go one at a time). */
  request: { kind: TxnRequestKind; requestId: number; broker: number; partitions: number[] } | null;
  retryAtMs: number;
  retries: number;
  committed: number;
  aborted: number;
  lastError: string | null;
}

export interface ProducerMetadata {
  numPartitions: number;
  /** partition -> leader broker id, -1 unknown */
  leaders: number[];
  leaderEpochs: number[];
  /** Live brokers as the last answer listed them (bootstrap: all). */
  brokers: number[];
  inFlight: boolean;
  requestId: number;
}

export interface ProducerData extends Record<string, unknown> {
  settings: ProducerSettings;
  written: Record<string, unknown>;
  load: LoadShape;
  meta: ProducerMetadata;
  /** Per partition (index), the batches waiting, oldest first. */
  queues: ProducerBatch[][];
  /** Records sent before the first metadata arrived (send() blocks up to max.block.ms). */
  waiting: PendingRecord[];
  partitioner: PartitionerState;
  batchIdBase: number;
  nextBatch: number;
  inFlight: InFlightRequest[];
  nextRequestId: number;
  /** When the armed sender wake-up fires (linger, backoff, expiry), or -1. */
  wakeAtMs: number;
  ticking: boolean;
  carry: number;
  keyCursor: number;
  /** Idempotence: producer id and epoch (-1 before InitProducerId), next sequence per partition. */
  producerId: number;
  producerEpoch: number;
  nextSequence: number[];
  /** A batch with a sequence failed for good: the epoch must be bumped before sending more (KIP-360). */
  epochBumpNeeded: boolean;
  txn: TxnClientState;
  nextSerial: number;
  /** Records handed to send(). */
  produced: number;
  /** Record sends, retries included. */
  sent: number;
  /** Records put back for a retry. */
  retried: number;
  /** Every acknowledged record, in order (shared by checkpoints, see AppendLog). */
  acked: AppendLog<ProducerAckedRecord>;
  failed: FailedRecord[];
  errors: Record<string, number>;
}

export const producerData = (a: ActorRecord): ProducerData => a.data as ProducerData;
const cfgOf = (a: ActorRecord): ProducerActorConfig => a.config as ProducerActorConfig;

/** The machine's state name. */
export function producerState(a: ActorRecord): ProducerState | "CLOSED" {
  if (!a.alive) return "CLOSED";
  return stateLabel(a.snapshot?.value) as ProducerState;
}

/** Errors Kafka retries (subclasses of RetriableException). */
const RETRIABLE = new Set([
  "NOT_LEADER_OR_FOLLOWER",
  "NOT_ENOUGH_REPLICAS",
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  "REQUEST_TIMED_OUT",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "UNKNOWN_LEADER_EPOCH",
  "FENCED_LEADER_EPOCH",
  "NETWORK_EXCEPTION",
  "KAFKA_STORAGE_ERROR",
  "CORRUPT_MESSAGE",
]);

/** InvalidMetadataException subclasses: the client refreshes metadata. */
const INVALID_METADATA = new Set([
  "NOT_LEADER_OR_FOLLOWER",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "LEADER_NOT_AVAILABLE",
  "UNKNOWN_LEADER_EPOCH",
  "FENCED_LEADER_EPOCH",
  "NETWORK_EXCEPTION",
  "KAFKA_STORAGE_ERROR",
]);

const TXN_RETRIABLE = new Set([
  "CONCURRENT_TRANSACTIONS",
  "COORDINATOR_NOT_AVAILABLE",
  "NOT_COORDINATOR",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "REQUEST_TIMED_OUT",
  "NETWORK_EXCEPTION",
]);

const FATAL_TXN = new Set([
  "PRODUCER_FENCED",
  "INVALID_PRODUCER_EPOCH",
  "INVALID_PRODUCER_ID_MAPPING",
  "INVALID_TXN_STATE",
]);

// ------------------------------------------------------------------ the kind

export function createProducerKind(ctx: ClusterContext): ActorKind {
  return {
    kind: PRODUCER_KIND,
    machine: producerMachine,
    machineInput(actor): ProducerMachineInput {
      const cfg = cfgOf(actor);
      return {
        id: actor.id,
        idempotent: cfg.settings.idempotent,
        transactional: cfg.settings.transactionalId !== null,
      };
    },
    createData(actor): ProducerData {
      const cfg = cfgOf(actor);
      // A restarted application keeps its ledger and its record numbering (values stay unique);
      // everything else was process memory.
      const before = actor.data as Partial<ProducerData>;
      return {
        settings: { ...cfg.settings },
        written: { ...cfg.written },
        load: structuredClone(cfg.load),
        meta: {
          numPartitions: 0,
          leaders: [],
          leaderEpochs: [],
          brokers: Array.from({ length: ctx.spec.brokers }, (_, i) => i + 1),
          inFlight: false,
          requestId: -1,
        },
        queues: [],
        waiting: [],
        partitioner: { sticky: null, roundRobin: 0 },
        batchIdBase: (fnv1a32(actor.id) % 2000) * 1_000_000 + actor.incarnation * 100_000,
        nextBatch: 0,
        inFlight: [],
        nextRequestId: 1,
        wakeAtMs: -1,
        ticking: false,
        carry: 0,
        keyCursor: 0,
        producerId: -1,
        producerEpoch: -1,
        nextSequence: [],
        epochBumpNeeded: false,
        txn: {
          coordinator: -1,
          added: [],
          pending: [],
          request: null,
          retryAtMs: 0,
          retries: 0,
          committed: before.txn?.committed ?? 0,
          aborted: before.txn?.aborted ?? 0,
          lastError: null,
        },
        nextSerial: before.nextSerial ?? 0,
        produced: before.produced ?? 0,
        sent: before.sent ?? 0,
        retried: before.retried ?? 0,
        acked: before.acked ?? new AppendLog(),
        failed: before.failed ?? [],
        errors: before.errors ?? {},
      };
    },
    // Ledger entries are never changed once written: share them (the acked
    // ledger without even copying its array, see AppendLog).
    cloneData(data) {
      const { acked, failed, ...rest } = data as ProducerData;
      return { ...structuredClone(rest), acked: acked.copy(), failed: failed.slice() };
    },
    onEvent(engine, actor, event) {
      return handle(ctx, engine, actor, event);
    },
    effects: {
      requestProducerId(engine, actor) {
        pump(ctx, engine, actor);
      },
      enteredReady(engine, actor) {
        pump(ctx, engine, actor);
      },
      beganTransaction(engine, actor) {
        const t = producerData(actor).txn;
        t.added = [];
        t.pending = [];
        t.lastError = null;
        ensureTicking(engine, actor);
      },
      beginCompleting(engine, actor) {
        pump(ctx, engine, actor);
      },
      enteredAbortableError(engine, actor, params) {
        const d = producerData(actor);
        d.txn.lastError = String(params.error);
        engine.record(
          "note",
          actor.id,
          `${actor.id} can no longer commit this transaction (${params.error}): it must abort it (abortTransaction)`,
          { error: params.error },
        );
        pump(ctx, engine, actor);
      },
      enteredFatalError(engine, actor, params) {
        const d = producerData(actor);
        d.txn.lastError = String(params.error);
        engine.record(
          "note",
          actor.id,
          `${actor.id} hit a fatal error (${params.error}): it sends nothing more; only a new producer can continue`,
          { error: params.error },
        );
        failAllBatches(engine, actor, String(params.error));
      },
    },
    onRestart(engine, actor) {
      startProducer(ctx, engine, actor);
    },
    // Records still in the producer's memory die with it (they are in the ledger as failed).
    onCrash(engine, actor) {
      failAllBatches(engine, actor, "ProducerCrashed");
    },
    onStop(engine, actor) {
      failAllBatches(engine, actor, "ProducerClosed");
    },
  };
}

/** Starts a spawned (or restarted) producer: metadata first, the producer id, then the load. */
export function startProducer(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const cfg = cfgOf(actor);
  const s = cfg.settings;
  engine.record(
    "note",
    actor.id,
    `${actor.id} starts producing to ${cfg.topic}: acks=${acksText(s.acks)}, enable.idempotence=${s.idempotent}, linger.ms=${s.lingerMs}, batch.size=${s.batchSize}, max.in.flight.requests.per.connection=${s.maxInFlight}${s.transactionalId ? `, transactional.id=${s.transactionalId}` : ""}`,
    { settings: { ...s } },
  );
  for (const n of cfg.notes) engine.record("note", actor.id, `${actor.id}: ${n}`);
  requestMetadata(ctx, engine, actor);
  engine.dispatch(actor.id, { type: "producer.start" });
  ensureTicking(engine, actor);
  const d = producerData(actor);
  d.load.bursts.forEach((b, i) => {
    if (b.atMs >= engine.nowMs)
      engine.schedule(actor.id, b.atMs - engine.nowMs, { type: "producer.burst", count: b.count }, `burst:${i}`);
  });
}

// ------------------------------------------------------------------ events

function handle(ctx: ClusterContext, engine: Engine, actor: ActorRecord, event: SimEvent): boolean {
  const d = producerData(actor);
  switch (event.type) {
    case "producer.tick":
      d.ticking = false;
      generate(engine, actor, tickCount(d));
      ensureTicking(engine, actor);
      break;
    case "producer.burst":
      engine.record("note", actor.id, `${actor.id} sends a burst of ${event.count} records`);
      generate(engine, actor, Number(event.count));
      break;
    case "producer.send":
      send(
        engine,
        actor,
        (event.key as string | null | undefined) ?? null,
        event.value as string | undefined,
        (event.headers as RecordHeader[] | undefined) ?? [],
      );
      break;
    case "producer.wake":
      d.wakeAtMs = -1;
      break;
    case "producer.loadChanged":
      ensureTicking(engine, actor);
      break;
    case "MetadataResponse":
      onMetadata(engine, actor, event as unknown as MetadataResponse);
      break;
    case "producer.metadataTimeout":
      d.meta.inFlight = false;
      requestMetadata(ctx, engine, actor);
      break;
    case "ProduceResponse":
      onProduceResponse(ctx, engine, actor, event as unknown as ProduceResponse);
      break;
    case "producer.requestTimeout":
      onRequestTimeout(ctx, engine, actor, Number(event.requestId));
      break;
    case "ConnectionRefused":
      onConnectionRefused(ctx, engine, actor, event);
      break;
    case "txn.FindCoordinatorResponse":
    case "txn.InitProducerIdResponse":
    case "txn.AddPartitionsToTxnResponse":
    case "txn.EndTxnResponse":
      onTxnResponse(engine, actor, event);
      break;
    case "producer.txnTimeout":
      onTxnTimeout(engine, actor);
      break;
    default:
      return false; // the lifecycle machine's events
  }
  pump(ctx, engine, actor);
  return true;
}

/** One pass of the Sender loop: transactional requests first, then produce requests, then the next wake-up. */
function pump(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  if (!actor.alive) return;
  pumpTransactional(engine, actor);
  runSender(ctx, engine, actor);
}

// ------------------------------------------------------------------ load

function tickMsOf(rate: number): number {
  return Math.min(100, Math.max(10, Math.round(1000 / rate)));
}

function tickCount(d: ProducerData): number {
  const rate = d.load.ratePerSec;
  if (rate <= 0) return 0;
  const exact = (rate * tickMsOf(rate)) / 1000 + d.carry;
  const n = Math.floor(exact);
  d.carry = exact - n;
  return n;
}

function ensureTicking(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  if (d.ticking || d.load.ratePerSec <= 0) return;
  d.ticking = true;
  engine.schedule(actor.id, tickMsOf(d.load.ratePerSec), { type: "producer.tick" }, "tick");
}

/** Whether the application would call send() now: a transactional producer only inside a transaction. */
function generating(actor: ActorRecord): boolean {
  const s = producerState(actor);
  if (cfgOf(actor).settings.transactionalId !== null) return s === "IN_TRANSACTION";
  return s !== "FATAL_ERROR" && s !== "CLOSED";
}

function generate(engine: Engine, actor: ActorRecord, n: number): void {
  if (n <= 0 || !generating(actor)) return;
  const d = producerData(actor);
  const keys = d.load.keys;
  // The partition of each key, looked up once per tick rather than hashed per record.
  const partitions = keys.length > 0 && d.meta.numPartitions > 0 ? partitionsForKeys(keys, d.meta.numPartitions) : null;
  for (let i = 0; i < n; i++) {
    const k = nextKeyIndex(engine, actor);
    send(engine, actor, k < 0 ? null : keys[k], undefined, [], k < 0 || partitions === null ? -1 : partitions[k]);
  }
}

/** The index in the load's keys of the next record's key, or -1 for no key. */
function nextKeyIndex(engine: Engine, actor: ActorRecord): number {
  const { keys, keySkew } = producerData(actor).load;
  if (keys.length === 0) return -1;
  if (keySkew <= 0) return producerData(actor).keyCursor++ % keys.length;
  const { weights, total } = zipfWeights(keys, keySkew);
  let u = engine.rng(`producer.${actor.id}.keys`).int(0, total - 1);
  for (let i = 0; i < keys.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return keys.length - 1;
}

/**
 * Zipf weights, rounded to integers so that an engine's last-bit difference
 * in Math.pow cannot change a draw. A pure function of the key list and the
 * skew, so computed once per list instead of once per record.
 */
function zipfWeights(keys: readonly string[], keySkew: number): { weights: number[]; total: number } {
  let bySkew = zipfWeightsByKeys.get(keys);
  if (bySkew === undefined) {
    bySkew = new Map();
    zipfWeightsByKeys.set(keys, bySkew);
  }
  let w = bySkew.get(keySkew);
  if (w === undefined) {
    const weights = keys.map((_, i) => Math.max(1, Math.round(1_000_000 / Math.pow(i + 1, keySkew))));
    let total = 0;
    for (const x of weights) total += x;
    w = { weights, total };
    bySkew.set(keySkew, w);
  }
  return w;
}
const zipfWeightsByKeys = new WeakMap<readonly string[], Map<number, { weights: number[]; total: number }>>();

// ------------------------------------------------------------------ send() and the accumulator

/**
 * KafkaProducer#send: checks the state, then waits for metadata or goes into
 * a batch. `keyPartition`: partitionForKey(key) when the caller has it at hand, else -1.
 */
function send(
  engine: Engine,
  actor: ActorRecord,
  key: string | null,
  value: string | undefined,
  headers: RecordHeader[],
  keyPartition = -1,
): void {
  const d = producerData(actor);
  const serial = d.nextSerial++;
  const v = value ?? padValue(`${actor.id}-${serial}`, d.load.valueBytes);
  const record: PendingRecord = {
    serial,
    key,
    value: v,
    headers,
    sizeBytes: pendingRecordSize({ key, value: v }, headers),
    sentAtMs: engine.nowMs,
  };
  d.produced++;
  const state = producerState(actor);
  const transactional = d.settings.transactionalId !== null;
  let refusal: string | null = null;
  if (state === "FATAL_ERROR" || state === "ABORTABLE_ERROR")
    refusal = `${d.txn.lastError ?? "KafkaException"} (the producer is in ${state})`;
  else if (transactional && state !== "IN_TRANSACTION")
    refusal = `IllegalStateException: send() outside a transaction (state ${state}; call beginTransaction first)`;
  if (refusal !== null) {
    const error = refusal.split(" ")[0].replace(/:$/, "");
    failRecord(d, record, -1, error, engine.nowMs, 0);
    engine.record("note", actor.id, `${actor.id} cannot send ${v}: ${refusal}`, { error });
    return;
  }
  if (d.meta.numPartitions === 0) {
    d.waiting.push(record);
    return;
  }
  append(engine, actor, record, keyPartition);
}

function padValue(v: string, bytes: number): string {
  return v.length >= bytes ? v : v + ".".repeat(bytes - v.length);
}

function layoutOf(d: ProducerData): TopicLayout {
  const available: number[] = [];
  for (let p = 0; p < d.meta.numPartitions; p++) if ((d.meta.leaders[p] ?? -1) >= 0) available.push(p);
  return {
    numPartitions: d.meta.numPartitions,
    available,
    queueSizes: Array.from({ length: d.meta.numPartitions }, (_, p) => d.queues[p]?.length ?? 0),
  };
}

const NOTHING: readonly number[] = [];
function keyedLayout(numPartitions: number): TopicLayout {
  return { numPartitions, available: NOTHING, queueSizes: NOTHING };
}

function draw31(engine: Engine, actor: ActorRecord): () => number {
  return () => Math.floor(engine.rng(`producer.${actor.id}.partitioner`).next() * 2147483648);
}

/**
 * RecordAccumulator#append, with the partitioner's choice before and the
 * sticky switch after. `keyPartition` (or -1): partitionForKey of the
 * record's key with the current partition count, already known.
 */
function append(engine: Engine, actor: ActorRecord, record: PendingRecord, keyPartition = -1): void {
  const d = producerData(actor);
  // A keyed record needs only the partition count; availability and queue
  // sizes (rebuilt per record) matter to round-robin and sticky choices only.
  const byKeyOnly = record.key !== null && !d.settings.ignoreKeys && d.settings.partitioner !== "round-robin";
  const layout = byKeyOnly ? keyedLayout(d.meta.numPartitions) : layoutOf(d);
  const draw = draw31(engine, actor);
  // A known key partition is the answer choosePartition gives a keyed record.
  const { partition, how } =
    byKeyOnly && keyPartition >= 0
      ? { partition: keyPartition, how: "key" as const }
      : choosePartition(record.key, d.settings, layout, d.partitioner, draw);
  const queue = (d.queues[partition] ??= []);
  const added = appendToQueue(queue, partition, record, d.settings, engine.nowMs, () => d.batchIdBase + d.nextBatch++, {
    producerId: d.producerId,
    producerEpoch: d.producerEpoch,
    transactional: d.settings.transactionalId !== null,
  });
  if (how === "sticky") {
    const last = queue[queue.length - 1];
    const switched = afterStickyAppend(d.partitioner, added.appendedBytes, d.settings, layoutOf(d), last.full, draw);
    if (switched !== null && switched !== partition)
      engine.record(
        "note",
        actor.id,
        `${actor.id}'s sticky partition for records without a key moves from ${topicOf(actor)}-${partition} to ${topicOf(actor)}-${switched}: batch.size=${d.settings.batchSize} bytes went to ${topicOf(actor)}-${partition} (KIP-794${d.settings.adaptivePartitioning ? ", weighted towards shorter queues: partitioner.adaptive.partitioning.enable" : ""})`,
        { from: partition, to: switched },
      );
  }
  if (d.settings.transactionalId !== null && !d.txn.added.includes(partition) && !d.txn.pending.includes(partition)) {
    d.txn.pending.push(partition);
    d.txn.pending.sort((a, b) => a - b);
  }
}

const topicOf = (actor: ActorRecord): string => cfgOf(actor).topic;

// ------------------------------------------------------------------ metadata

function requestMetadata(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  if (d.meta.inFlight) return;
  const brokers =
    d.meta.brokers.length > 0 ? d.meta.brokers : Array.from({ length: ctx.spec.brokers }, (_, i) => i + 1);
  const broker = engine.rng(`producer.${actor.id}.nodes`).pick(brokers);
  const requestId = d.nextRequestId++;
  const req: MetadataRequest = {
    type: "Metadata",
    from: actor.id,
    requestId,
    topics: [topicOf(actor)],
    refusable: true,
  };
  d.meta.inFlight = true;
  d.meta.requestId = requestId;
  engine.send(actor.id, brokerActorId(broker), req);
  engine.schedule(actor.id, d.settings.requestTimeoutMs, { type: "producer.metadataTimeout" }, "metadata");
}

function retryMetadataLater(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  d.meta.inFlight = true; // holds further requests until the backoff ends
  engine.schedule(actor.id, d.settings.retryBackoffMs, { type: "producer.metadataTimeout" }, "metadata");
}

function onMetadata(engine: Engine, actor: ActorRecord, res: MetadataResponse): void {
  const d = producerData(actor);
  if (res.requestId !== d.meta.requestId || !d.meta.inFlight) return;
  d.meta.inFlight = false;
  engine.cancel(actor.id, "metadata");
  if (res.brokers.length > 0) d.meta.brokers = [...res.brokers];
  const t = res.topics.find((x) => x.name === topicOf(actor));
  if (!t || t.error !== "NONE" || t.partitions.length === 0) {
    const error = t?.error ?? "UNKNOWN_TOPIC_OR_PARTITION";
    count(d, error);
    engine.record(
      "note",
      actor.id,
      `${actor.id} cannot find ${topicOf(actor)} in broker ${res.broker}'s metadata (${error}); asking again after retry.backoff.ms=${d.settings.retryBackoffMs}`,
      { error },
    );
    retryMetadataLater(engine, actor);
    return;
  }
  const n = Math.max(d.meta.numPartitions, ...t.partitions.map((p) => p.partition + 1));
  const changed: string[] = [];
  for (const p of t.partitions) {
    const knownEpoch = d.meta.leaderEpochs[p.partition] ?? -1;
    if (p.leaderEpoch < knownEpoch) continue; // older than what we know (KIP-320)
    if (p.leaderEpoch > knownEpoch && knownEpoch >= 0)
      changed.push(
        p.leader >= 0
          ? `${topicOf(actor)}-${p.partition} is led by broker ${p.leader} (leader epoch ${p.leaderEpoch})`
          : `${topicOf(actor)}-${p.partition} has no leader`,
      );
    d.meta.leaders[p.partition] = p.leader;
    d.meta.leaderEpochs[p.partition] = p.leaderEpoch;
  }
  for (let p = 0; p < n; p++) d.meta.leaders[p] ??= -1;
  const first = d.meta.numPartitions === 0;
  d.meta.numPartitions = n;
  if (changed.length > 0 && !first)
    engine.record("note", actor.id, `${actor.id} learns from broker ${res.broker}'s metadata: ${changed.join(", ")}`);
  if (d.meta.leaders.some((l) => l < 0)) retryMetadataLater(engine, actor);
  if (d.waiting.length > 0) {
    const waiting = d.waiting;
    d.waiting = [];
    for (const r of waiting) append(engine, actor, r);
  }
}

// ------------------------------------------------------------------ the Sender

const SENDING: ReadonlySet<string> = new Set([
  "READY",
  "IN_TRANSACTION",
  "COMMITTING_TRANSACTION",
  "ABORTING_TRANSACTION",
]);

function inFlightTo(d: ProducerData, broker: number): number {
  let n = 0;
  for (const r of d.inFlight) if (r.broker === broker) n++;
  return n;
}

function partitionInFlight(d: ProducerData, partition: number): ProducerBatch[] {
  const out: ProducerBatch[] = [];
  for (const r of d.inFlight) for (const b of r.batches) if (b.partition === partition && !b.done) out.push(b);
  return out;
}

function runSender(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  const s = d.settings;
  const now = engine.nowMs;
  expire(engine, actor);
  expireWaiting(engine, actor);
  const state = producerState(actor);
  let nextWake = Infinity;
  const idempotent = s.idempotent;
  if (idempotent && d.settings.transactionalId === null && d.epochBumpNeeded && state === "READY") {
    if (d.inFlight.length === 0) {
      engine.record(
        "note",
        actor.id,
        `${actor.id} bumps its producer epoch: a batch with sequence numbers failed for good, so the broker's sequence for its partition is unknown (KIP-360)`,
      );
      engine.dispatch(actor.id, { type: "producer.bumpEpoch" });
    }
    scheduleWake(engine, actor, nextWakeOf(d, nextWake, now));
    return;
  }
  const canSend = SENDING.has(state) && (!idempotent || d.producerId >= 0);
  if (canSend) {
    const flushing = state === "COMMITTING_TRANSACTION";
    const transactional = s.transactionalId !== null;
    let needMetadata = false;
    const byBroker = new Map<number, { batch: ProducerBatch; reason: ReadyReason }[]>();
    for (let p = 0; p < d.queues.length; p++) {
      const queue = d.queues[p];
      if (!queue || queue.length === 0) continue;
      const leader = d.meta.leaders[p] ?? -1;
      if (leader < 0) {
        needMetadata = true;
        continue;
      }
      if (transactional && !d.txn.added.includes(p)) continue; // AddPartitionsToTxn first
      const r = batchReadiness(queue, s, now, leader, flushing);
      if (!r.ready) {
        nextWake = Math.min(nextWake, r.atMs);
        continue;
      }
      if (!byBroker.has(leader) && s.acks !== 0 && inFlightTo(d, leader) >= s.maxInFlight) continue;
      const inFlightHere = partitionInFlight(d, p);
      // max.in.flight.requests.per.connection=1 keeps order by muting a partition while it has a batch out.
      if (s.maxInFlight === 1 && inFlightHere.length > 0) continue;
      const batch = queue[0];
      // An idempotent producer resends a retried batch only when it is the oldest unacknowledged one.
      if (idempotent && batch.baseSequence >= 0 && inFlightHere.some((b) => b.baseSequence < batch.baseSequence))
        continue;
      queue.shift();
      batch.full = true;
      if (idempotent && batch.baseSequence < 0) {
        batch.baseSequence = d.nextSequence[p] ?? 0;
        d.nextSequence[p] = batch.baseSequence + batch.records.length;
        batch.producerId = d.producerId;
        batch.producerEpoch = d.producerEpoch;
      }
      batch.transactional = transactional;
      let list = byBroker.get(leader);
      if (!list) byBroker.set(leader, (list = []));
      list.push({ batch, reason: r.reason });
    }
    if (needMetadata) requestMetadata(ctx, engine, actor);
    for (const broker of [...byBroker.keys()].sort((a, b) => a - b))
      sendProduce(engine, actor, broker, byBroker.get(broker)!);
  }
  scheduleWake(engine, actor, nextWakeOf(d, nextWake, now));
}

/** The earliest deadline among waiting records and batches, combined with the next readiness time. */
function nextWakeOf(d: ProducerData, readyAt: number, nowMs: number): number {
  let t = readyAt;
  for (const q of d.queues) if (q) for (const b of q) if (b.deadlineMs < t) t = b.deadlineMs;
  for (const r of d.inFlight) for (const b of r.batches) if (!b.done && b.deadlineMs < t) t = b.deadlineMs;
  for (const r of d.waiting) if (r.sentAtMs + d.settings.maxBlockMs < t) t = r.sentAtMs + d.settings.maxBlockMs;
  if (d.txn.request === null && d.txn.retryAtMs > nowMs && d.txn.retryAtMs < t) t = d.txn.retryAtMs;
  return t;
}

function scheduleWake(engine: Engine, actor: ActorRecord, atMs: number): void {
  const d = producerData(actor);
  if (!Number.isFinite(atMs)) return;
  const at = Math.max(atMs, engine.nowMs);
  if (d.wakeAtMs >= 0 && d.wakeAtMs <= at && d.wakeAtMs >= engine.nowMs) return; // an earlier wake-up is armed
  d.wakeAtMs = at;
  engine.schedule(actor.id, at - engine.nowMs, { type: "producer.wake" }, "wake");
}

const REASON_TEXT: Record<ReadyReason, (s: ProducerSettings) => string> = {
  "batch.size": (s) => `full at batch.size=${s.batchSize}`,
  "linger.ms": (s) => `after linger.ms=${s.lingerMs}`,
  "retry.backoff.ms": () => "a retry after its backoff",
  "new leader": () => "a retry to the new leader",
  flush: () => "flushed for the commit",
};

function sendProduce(
  engine: Engine,
  actor: ActorRecord,
  broker: number,
  list: { batch: ProducerBatch; reason: ReadyReason }[],
): void {
  const d = producerData(actor);
  const s = d.settings;
  const now = engine.nowMs;
  const topic = topicOf(actor);
  const requestId = d.nextRequestId++;
  const partitions = list.map(({ batch }) => ({
    topic,
    partition: batch.partition,
    records: batch.records.map((r, i): ProducerRecordInput =>
      s.idempotent
        ? {
            key: r.key,
            value: r.value,
            timestamp: r.sentAtMs,
            batchId: batch.id,
            producerId: batch.producerId,
            producerEpoch: batch.producerEpoch,
            sequence: batch.baseSequence + i,
            isTransactional: batch.transactional,
          }
        : { key: r.key, value: r.value, timestamp: r.sentAtMs, batchId: batch.id },
    ),
  }));
  let records = 0;
  for (const { batch } of list) {
    batch.sends++;
    batch.lastAttemptAtMs = now;
    batch.lastLeader = broker;
    records += batch.records.length;
  }
  d.sent += records;
  const parts = list.map(
    ({ batch, reason }) =>
      `${topic}-${batch.partition} (${batch.records.length}${s.idempotent ? `, seq ${batch.baseSequence}` : ""}, ${REASON_TEXT[reason](s)})`,
  );
  engine.record(
    "note",
    actor.id,
    `${actor.id} sends ${records} record(s) to broker ${broker} with acks=${acksText(s.acks)}: ${parts.join(", ")}`,
    { requestId, broker, records },
  );
  const req: ProduceRequest & { from: string; transactionalId: string | null } = {
    type: "Produce",
    from: actor.id,
    requestId,
    acks: s.acks,
    timeoutMs: s.requestTimeoutMs,
    transactionalId: s.transactionalId,
    refusable: true,
    partitions,
  };
  engine.send(actor.id, brokerActorId(broker), req);
  const batches = list.map((x) => x.batch);
  if (s.acks === 0) {
    // acks=0: done once written to the socket; the offset is unknown.
    for (const b of batches) ackBatch(engine, actor, b, -1, -1, []);
    return;
  }
  d.inFlight.push({ requestId, broker, sentAtMs: now, batches });
  // Timer id: the request id itself, a number (the producer's only numbered timers; bursts are "burst:i").
  engine.schedule(actor.id, s.requestTimeoutMs, { type: "producer.requestTimeout", requestId }, requestId);
}

// ------------------------------------------------------------------ outcomes

function onProduceResponse(ctx: ClusterContext, engine: Engine, actor: ActorRecord, res: ProduceResponse): void {
  const d = producerData(actor);
  const req = d.inFlight.find((r) => r.requestId === res.requestId);
  if (!req) {
    engine.record(
      "note",
      actor.id,
      `${actor.id} ignores broker ${res.broker}'s late answer to request ${res.requestId}: it already gave up on it (request.timeout.ms)`,
    );
    return;
  }
  // Partitions are settled as their answers come (a broker answers them all at once).
  const answered: ProducerBatch[] = [];
  for (const batch of req.batches) {
    const p = res.partitions.find((x) => x.topic === topicOf(actor) && x.partition === batch.partition);
    if (p) answered.push(batch);
  }
  req.batches = req.batches.filter((b) => !answered.includes(b));
  if (req.batches.length === 0) {
    d.inFlight = d.inFlight.filter((r) => r !== req);
    engine.cancel(actor.id, req.requestId);
  }
  for (const batch of answered) {
    const p = res.partitions.find((x) => x.topic === topicOf(actor) && x.partition === batch.partition)!;
    completeBatch(ctx, engine, actor, batch, p);
  }
}

function missing(batch: ProducerBatch): ProducePartitionResponse {
  return { topic: "", partition: batch.partition, error: "NETWORK_EXCEPTION", baseOffset: -1, leaderEpoch: -1 };
}

function completeBatch(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  batch: ProducerBatch,
  p: ProducePartitionResponse,
): void {
  if (batch.done) return;
  const d = producerData(actor);
  const s = d.settings;
  if (p.error === "NONE" || p.error === "DUPLICATE_SEQUENCE_NUMBER") {
    ackBatch(engine, actor, batch, p.error === "NONE" ? p.baseOffset : -1, p.leaderEpoch, p.isr ?? []);
    return;
  }
  count(d, p.error);
  const tp = `${topicOf(actor)}-${batch.partition}`;
  if (INVALID_METADATA.has(p.error) || p.error === "REQUEST_TIMED_OUT") {
    if (INVALID_METADATA.has(p.error)) d.meta.leaders[batch.partition] = -1;
    requestMetadata(ctx, engine, actor);
  }
  const why = retryRefusal(d, batch, p.error, engine.nowMs);
  if (why === null) {
    batch.retries++;
    batch.backoffMs = retryBackoffMs(batch.retries - 1, s, engine.rng(`producer.${actor.id}.backoff`).next());
    batch.lastAttemptAtMs = engine.nowMs;
    reenqueue((d.queues[batch.partition] ??= []), batch);
    d.retried += batch.records.length;
    engine.record(
      "note",
      actor.id,
      `${actor.id} retries ${batch.records.length} record(s) for ${tp} after ${batch.backoffMs} ms (retry.backoff.ms=${s.retryBackoffMs}, doubling up to retry.backoff.max.ms=${s.retryBackoffMaxMs}): ${p.error}${
        !s.idempotent &&
        (p.error === "NOT_ENOUGH_REPLICAS_AFTER_APPEND" ||
          p.error === "REQUEST_TIMED_OUT" ||
          p.error === "NETWORK_EXCEPTION")
          ? " — the first copy may already be in the log, and without enable.idempotence the retry writes it again"
          : ""
      }`,
      { error: p.error, partition: batch.partition, retry: batch.retries },
    );
    return;
  }
  failBatch(engine, actor, batch, p.error, why);
}

/** Null when the batch may be retried (Sender#canRetry), else why not. */
function retryRefusal(d: ProducerData, batch: ProducerBatch, error: string, nowMs: number): string | null {
  if (nowMs >= batch.deadlineMs) return `delivery.timeout.ms=${d.settings.deliveryTimeoutMs} has passed`;
  if (batch.retries >= d.settings.retries) return `retries=${d.settings.retries} exhausted`;
  if (error === "OUT_OF_ORDER_SEQUENCE_NUMBER") {
    // Retriable when an earlier batch of the partition is still unresolved: it failed first, this one only followed.
    const earlier =
      partitionInFlight(d, batch.partition).some((b) => b !== batch && b.baseSequence < batch.baseSequence) ||
      (d.queues[batch.partition] ?? []).some((b) => b.baseSequence >= 0 && b.baseSequence < batch.baseSequence);
    return earlier ? null : "the broker saw a gap in the sequence numbers";
  }
  if (!RETRIABLE.has(error)) return "the error is not retriable";
  return null;
}

function ackBatch(
  engine: Engine,
  actor: ActorRecord,
  batch: ProducerBatch,
  baseOffset: number,
  leaderEpoch: number,
  isr: number[],
): void {
  const d = producerData(actor);
  batch.done = true;
  const topic = topicOf(actor);
  // One object for what the batch's records share, and one ISR array for all
  // batches with the same ISR: every acknowledged record is kept for the run.
  const shared: ProducerAckedBatch = {
    topic,
    partition: batch.partition,
    acks: d.settings.acks,
    ackedAtMs: engine.nowMs,
    leaderEpoch,
    isr: internIsr(isr),
    producerId: d.settings.idempotent ? batch.producerId : -1,
    attempts: batch.sends,
    transactional: batch.transactional,
  };
  for (let i = 0; i < batch.records.length; i++) {
    const r = batch.records[i];
    d.acked.push(
      new ProducerAckedEntry(
        shared,
        baseOffset >= 0 ? baseOffset + i : -1,
        r.key,
        r.value,
        d.settings.idempotent ? batch.baseSequence + i : -1,
        r.serial,
      ),
    );
  }
}

function failRecord(
  d: ProducerData,
  r: PendingRecord,
  partition: number,
  error: string,
  atMs: number,
  attempts: number,
): void {
  d.failed.push({ serial: r.serial, value: r.value, partition, error, atMs, attempts });
  count(d, error);
}

function failBatch(engine: Engine, actor: ActorRecord, batch: ProducerBatch, error: string, why: string): void {
  const d = producerData(actor);
  batch.done = true;
  for (const r of batch.records)
    d.failed.push({
      serial: r.serial,
      value: r.value,
      partition: batch.partition,
      error,
      atMs: engine.nowMs,
      attempts: batch.sends,
    });
  engine.record(
    "note",
    actor.id,
    `${actor.id}: ${batch.records.length} record(s) for ${topicOf(actor)}-${batch.partition} failed for good with ${error} (${why})`,
    { error, partition: batch.partition },
  );
  afterFailedBatch(engine, actor, batch, error);
}

/** TransactionManager#handleFailedBatch: a transaction cannot commit; an idempotent producer's sequence is now unknown. */
function afterFailedBatch(engine: Engine, actor: ActorRecord, batch: ProducerBatch, error: string): void {
  const d = producerData(actor);
  const state = producerState(actor);
  if (error === "PRODUCER_FENCED") {
    engine.dispatch(actor.id, { type: "producer.fatalError", error });
    return;
  }
  if (d.settings.transactionalId !== null) {
    if (state === "IN_TRANSACTION" || state === "COMMITTING_TRANSACTION")
      engine.dispatch(actor.id, { type: "producer.abortableError", error });
    return;
  }
  if (d.settings.idempotent && batch.baseSequence >= 0 && !d.epochBumpNeeded) d.epochBumpNeeded = true;
}

/** delivery.timeout.ms: batches not acknowledged in time fail, queued or in flight (Sender#getExpiredInflightBatches). */
function expire(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  const now = engine.nowMs;
  const expired: ProducerBatch[] = [];
  for (const q of d.queues) {
    if (!q) continue;
    for (let i = 0; i < q.length;) {
      if (q[i].deadlineMs <= now) expired.push(...q.splice(i, 1));
      else i++;
    }
  }
  for (const r of d.inFlight) for (const b of r.batches) if (!b.done && b.deadlineMs <= now) expired.push(b);
  for (const b of expired) {
    count(d, "TimeoutException");
    failBatch(
      engine,
      actor,
      b,
      "TimeoutException",
      `${now - b.createdAtMs} ms have passed since the batch was created (delivery.timeout.ms=${d.settings.deliveryTimeoutMs})`,
    );
  }
}

/** max.block.ms: send() gives up waiting for metadata. */
function expireWaiting(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  if (d.waiting.length === 0) return;
  const now = engine.nowMs;
  const keep: PendingRecord[] = [];
  let n = 0;
  for (const r of d.waiting) {
    if (now - r.sentAtMs >= d.settings.maxBlockMs) {
      failRecord(d, r, -1, "TimeoutException", now, 0);
      n++;
    } else keep.push(r);
  }
  d.waiting = keep;
  if (n > 0)
    engine.record(
      "note",
      actor.id,
      `${actor.id}: ${n} record(s) failed with TimeoutException: no metadata for ${topicOf(actor)} within max.block.ms=${d.settings.maxBlockMs}`,
      { error: "TimeoutException" },
    );
}

/** No answer within request.timeout.ms: the client closes the connection, failing everything in flight on it. */
function onRequestTimeout(ctx: ClusterContext, engine: Engine, actor: ActorRecord, requestId: number): void {
  const d = producerData(actor);
  const req = d.inFlight.find((r) => r.requestId === requestId);
  if (!req) return;
  const others = d.inFlight.filter((r) => r.broker === req.broker && r !== req);
  d.inFlight = d.inFlight.filter((r) => r.broker !== req.broker);
  for (const o of others) engine.cancel(actor.id, o.requestId);
  engine.record(
    "note",
    actor.id,
    `${actor.id} got no answer from broker ${req.broker} to request ${requestId} within request.timeout.ms=${d.settings.requestTimeoutMs}: it closes the connection; the outcome of those records is unknown (REQUEST_TIMED_OUT${others.length > 0 ? `; ${others.length} other request(s) on the connection fail with NETWORK_EXCEPTION` : ""})`,
    { error: "REQUEST_TIMED_OUT", broker: req.broker },
  );
  for (const b of req.batches) completeBatch(ctx, engine, actor, b, { ...missing(b), error: "REQUEST_TIMED_OUT" });
  for (const o of others) for (const b of o.batches) completeBatch(ctx, engine, actor, b, missing(b));
}

/** The broker's process is gone: its connection is refused, and every request on the old connection is lost. */
function onConnectionRefused(ctx: ClusterContext, engine: Engine, actor: ActorRecord, event: SimEvent): void {
  const d = producerData(actor);
  const broker = brokerIdOf(String(event.from)) ?? -1;
  if (event.requestType === "Metadata") {
    if (d.meta.requestId === event.requestId) {
      engine.cancel(actor.id, "metadata");
      retryMetadataLater(engine, actor);
    }
    return;
  }
  if (typeof event.requestType === "string" && event.requestType.startsWith("txn.")) {
    const r = d.txn.request;
    if (r && r.requestId === event.requestId) {
      engine.cancel(actor.id, "txnRequest");
      d.txn.request = null;
      if (r.kind !== "FindCoordinator") d.txn.coordinator = -1;
      txnRetryLater(engine, actor, "NETWORK_EXCEPTION", `broker ${r.broker} refused the connection`);
    }
    return;
  }
  const lost = d.inFlight.filter((r) => r.broker === broker);
  if (lost.length === 0) return;
  d.inFlight = d.inFlight.filter((r) => r.broker !== broker);
  engine.record(
    "note",
    actor.id,
    `broker ${broker} refused ${actor.id}'s connection (its process is down): ${lost.length} request(s) fail with NETWORK_EXCEPTION and metadata is refreshed`,
    { error: "NETWORK_EXCEPTION", broker },
  );
  for (const r of lost) {
    engine.cancel(actor.id, r.requestId);
    for (const b of r.batches) completeBatch(ctx, engine, actor, b, missing(b));
  }
}

/** A fatal error or a closed producer: every batch fails. */
function failAllBatches(engine: Engine, actor: ActorRecord, error: string): void {
  const d = producerData(actor);
  for (let p = 0; p < d.queues.length; p++) {
    const q = d.queues[p];
    if (!q) continue;
    d.queues[p] = [];
    for (const b of q) if (!b.done) failQuietly(d, b, error, engine.nowMs);
  }
  for (const r of d.inFlight) {
    engine.cancel(actor.id, r.requestId);
    for (const b of r.batches) if (!b.done) failQuietly(d, b, error, engine.nowMs);
  }
  d.inFlight = [];
  for (const r of d.waiting) failRecord(d, r, -1, error, engine.nowMs, 0);
  d.waiting = [];
}

function failQuietly(d: ProducerData, b: ProducerBatch, error: string, atMs: number): void {
  b.done = true;
  for (const r of b.records)
    d.failed.push({ serial: r.serial, value: r.value, partition: b.partition, error, atMs, attempts: b.sends });
  count(d, error);
}

function count(d: ProducerData, error: string): void {
  d.errors[error] = (d.errors[error] ?? 0) + 1;
}

// ------------------------------------------------------------------ transactions and the producer id (client side)

function hasIncomplete(d: ProducerData): boolean {
  return d.queues.some((q) => q && q.length > 0) || d.inFlight.some((r) => r.batches.some((b) => !b.done));
}

/** Sender#maybeSendAndPollTransactionalRequest: one transactional request at a time, in TransactionManager's order. */
function pumpTransactional(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  const s = d.settings;
  const state = producerState(actor);
  const transactional = s.transactionalId !== null;
  if (state === "ABORTABLE_ERROR" || state === "ABORTING_TRANSACTION") abortUndrained(engine, actor, state);
  if (d.txn.request !== null) return;
  if (engine.nowMs < d.txn.retryAtMs) return;
  switch (state) {
    case "INITIALIZING":
      if (transactional && d.txn.coordinator < 0) sendFindCoordinator(engine, actor);
      else sendInitProducerId(engine, actor);
      return;
    case "IN_TRANSACTION":
    case "COMMITTING_TRANSACTION":
      if (d.txn.pending.length > 0) {
        if (d.txn.coordinator < 0) sendFindCoordinator(engine, actor);
        else sendAddPartitions(engine, actor);
        return;
      }
      if (state === "COMMITTING_TRANSACTION" && !hasIncomplete(d)) endTransaction(engine, actor, true);
      return;
    case "ABORTING_TRANSACTION":
      if (!hasIncomplete(d)) endTransaction(engine, actor, false);
      return;
    default:
      return;
  }
}

/** Aborting (or unable to commit): batches not yet sent fail instead (RecordAccumulator#abortUndrainedBatches). */
function abortUndrained(engine: Engine, actor: ActorRecord, state: string): void {
  const d = producerData(actor);
  const error =
    state === "ABORTING_TRANSACTION" ? "TransactionAbortedException" : (d.txn.lastError ?? "KafkaException");
  let n = 0;
  for (let p = 0; p < d.queues.length; p++) {
    const q = d.queues[p];
    if (!q || q.length === 0) continue;
    const keep: ProducerBatch[] = [];
    for (const b of q) {
      if (b.sends > 0)
        keep.push(b); // already sent once: its fate must be resolved first
      else {
        failQuietly(d, b, error, engine.nowMs);
        n += b.records.length;
      }
    }
    d.queues[p] = keep;
  }
  d.txn.pending = [];
  if (n > 0)
    engine.record("note", actor.id, `${actor.id} drops ${n} unsent record(s) of the transaction: ${error}`, { error });
}

function sendTxnRequest(
  engine: Engine,
  actor: ActorRecord,
  kind: TxnRequestKind,
  broker: number,
  event: Record<string, unknown>,
  partitions: number[] = [],
): void {
  const d = producerData(actor);
  const requestId = d.nextRequestId++;
  d.txn.request = { kind, requestId, broker, partitions };
  engine.send(actor.id, brokerActorId(broker), {
    type: `txn.${kind}`,
    from: actor.id,
    requestId,
    refusable: true,
    ...event,
  });
  engine.schedule(actor.id, d.settings.requestTimeoutMs, { type: "producer.txnTimeout" }, "txnRequest");
}

function anyBroker(engine: Engine, actor: ActorRecord): number {
  const d = producerData(actor);
  return engine.rng(`producer.${actor.id}.nodes`).pick(d.meta.brokers);
}

function sendFindCoordinator(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  sendTxnRequest(engine, actor, "FindCoordinator", anyBroker(engine, actor), {
    transactionalId: d.settings.transactionalId,
  });
}

function sendInitProducerId(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  const transactional = d.settings.transactionalId !== null;
  const bump = !transactional && d.producerId >= 0;
  engine.record(
    "note",
    actor.id,
    transactional
      ? `${actor.id} asks its transaction coordinator (broker ${d.txn.coordinator}) for a producer id for transactional.id=${d.settings.transactionalId} (InitProducerId; this fences older instances)`
      : bump
        ? `${actor.id} asks for epoch ${d.producerEpoch + 1} of producer id ${d.producerId} (InitProducerId, KIP-360)`
        : `${actor.id} asks for a producer id (InitProducerId): enable.idempotence=true`,
  );
  sendTxnRequest(engine, actor, "InitProducerId", transactional ? d.txn.coordinator : anyBroker(engine, actor), {
    transactionalId: d.settings.transactionalId,
    transactionTimeoutMs: d.settings.transactionTimeoutMs,
    producerId: bump ? d.producerId : -1,
    producerEpoch: bump ? d.producerEpoch : -1,
  });
}

function sendAddPartitions(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  const partitions = [...d.txn.pending];
  sendTxnRequest(
    engine,
    actor,
    "AddPartitionsToTxn",
    d.txn.coordinator,
    {
      transactionalId: d.settings.transactionalId,
      producerId: d.producerId,
      producerEpoch: d.producerEpoch,
      partitions: partitions.map((partition) => ({ topic: topicOf(actor), partition })),
    },
    partitions,
  );
}

function endTransaction(engine: Engine, actor: ActorRecord, commit: boolean): void {
  const d = producerData(actor);
  if (d.txn.added.length > 0 && d.txn.coordinator < 0) {
    sendFindCoordinator(engine, actor); // the coordinator moved: find it first
    return;
  }
  if (d.txn.added.length === 0) {
    // Nothing was written: Kafka completes the transaction without asking the coordinator.
    engine.record(
      "note",
      actor.id,
      `${actor.id}'s transaction wrote nothing: it ${commit ? "commits" : "aborts"} without EndTxn`,
    );
    if (commit) d.txn.committed++;
    else d.txn.aborted++;
    engine.dispatch(actor.id, { type: "producer.transactionCompleted" });
    return;
  }
  sendTxnRequest(engine, actor, "EndTxn", d.txn.coordinator, {
    transactionalId: d.settings.transactionalId,
    producerId: d.producerId,
    producerEpoch: d.producerEpoch,
    commit,
  });
}

function txnRetryLater(engine: Engine, actor: ActorRecord, error: string, why: string): void {
  const d = producerData(actor);
  count(d, error);
  d.txn.retries++;
  const backoff = retryBackoffMs(d.txn.retries - 1, d.settings, engine.rng(`producer.${actor.id}.backoff`).next());
  d.txn.retryAtMs = engine.nowMs + backoff;
  engine.record(
    "note",
    actor.id,
    `${actor.id} retries its transactional request after ${backoff} ms (retry.backoff.ms): ${error} — ${why}`,
    {
      error,
    },
  );
}

function onTxnTimeout(engine: Engine, actor: ActorRecord): void {
  const d = producerData(actor);
  const r = d.txn.request;
  if (!r) return;
  d.txn.request = null;
  if (r.kind !== "FindCoordinator") d.txn.coordinator = -1;
  txnRetryLater(
    engine,
    actor,
    "REQUEST_TIMED_OUT",
    `no answer to ${r.kind} from broker ${r.broker} within request.timeout.ms=${d.settings.requestTimeoutMs}`,
  );
}

function onTxnResponse(engine: Engine, actor: ActorRecord, event: SimEvent): void {
  const d = producerData(actor);
  const r = d.txn.request;
  if (!r || r.requestId !== event.requestId) return;
  d.txn.request = null;
  engine.cancel(actor.id, "txnRequest");
  const error = String(event.error);
  if (error === "NONE") d.txn.retries = 0;
  switch (event.type) {
    case "txn.FindCoordinatorResponse": {
      const res = event as unknown as FindCoordinatorResponse;
      if (error !== "NONE") return txnRetryLater(engine, actor, error, "no transaction coordinator yet");
      d.txn.coordinator = res.coordinator;
      engine.record(
        "note",
        actor.id,
        `${actor.id}'s transaction coordinator is broker ${res.coordinator}, the leader of __transaction_state-${res.partition} (hash of transactional.id=${d.settings.transactionalId})`,
      );
      return;
    }
    case "txn.InitProducerIdResponse": {
      const res = event as unknown as InitProducerIdResponse;
      if (error !== "NONE") return txnFailure(engine, actor, error, "InitProducerId");
      const bumped = res.producerId === d.producerId;
      d.producerId = res.producerId;
      d.producerEpoch = res.producerEpoch;
      d.nextSequence = [];
      d.epochBumpNeeded = false;
      // Batches not yet sent get their sequence under the new epoch.
      for (const q of d.queues) if (q) for (const b of q) if (!b.done) b.baseSequence = -1;
      engine.record(
        "note",
        actor.id,
        `${actor.id} ${bumped ? "now writes with" : "got"} producer id ${res.producerId}, epoch ${res.producerEpoch}: sequence numbers start at 0 on every partition`,
        { producerId: res.producerId, producerEpoch: res.producerEpoch },
      );
      engine.dispatch(actor.id, { type: "producer.producerIdAssigned" });
      return;
    }
    case "txn.AddPartitionsToTxnResponse": {
      const res = event as unknown as AddPartitionsToTxnResponse;
      if (res.error !== "NONE") return txnFailure(engine, actor, error, "AddPartitionsToTxn");
      d.txn.added = [...new Set([...d.txn.added, ...r.partitions])].sort((a, b) => a - b);
      d.txn.pending = d.txn.pending.filter((p) => !r.partitions.includes(p));
      engine.record(
        "note",
        actor.id,
        `${actor.id} added ${r.partitions.map((p) => `${topicOf(actor)}-${p}`).join(", ")} to its transaction (AddPartitionsToTxn)`,
      );
      return;
    }
    case "txn.EndTxnResponse": {
      const res = event as unknown as EndTxnResponse;
      if (res.error !== "NONE") return txnFailure(engine, actor, error, "EndTxn");
      const commit = producerState(actor) === "COMMITTING_TRANSACTION";
      if (commit) d.txn.committed++;
      else d.txn.aborted++;
      engine.record(
        "note",
        actor.id,
        `${actor.id}'s transaction is ${commit ? "committed" : "aborted"}: the coordinator now writes ${commit ? "COMMIT" : "ABORT"} markers to ${d.txn.added.map((p) => `${topicOf(actor)}-${p}`).join(", ")}`,
      );
      d.txn.added = [];
      engine.dispatch(actor.id, { type: "producer.transactionCompleted" });
      return;
    }
  }
}

function txnFailure(engine: Engine, actor: ActorRecord, error: string, request: string): void {
  const d = producerData(actor);
  if (TXN_RETRIABLE.has(error)) {
    if (error === "NOT_COORDINATOR" || error === "COORDINATOR_NOT_AVAILABLE") d.txn.coordinator = -1;
    txnRetryLater(engine, actor, error, `${request} was refused for now`);
    return;
  }
  count(d, error);
  if (FATAL_TXN.has(error) || producerState(actor) === "INITIALIZING") {
    engine.dispatch(actor.id, { type: "producer.fatalError", error });
    return;
  }
  engine.dispatch(actor.id, { type: "producer.abortableError", error });
}

// ------------------------------------------------------------------ used by inputs

/** Applies live settings and load changes (setProducer). */
export function applyProducerChange(
  engine: Engine,
  actor: ActorRecord,
  change: { settings?: ProducerSettings; written?: Record<string, unknown>; load?: Partial<LoadShape> },
): void {
  const d = producerData(actor);
  if (change.settings) d.settings = { ...change.settings };
  if (change.written) d.written = { ...change.written };
  if (change.load) d.load = { ...d.load, ...change.load };
  if (change.load?.ratePerSec !== undefined && !d.ticking) engine.dispatch(actor.id, { type: "producer.loadChanged" });
}
