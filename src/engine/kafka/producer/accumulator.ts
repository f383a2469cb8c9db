// The producer's RecordAccumulator and partitioner as plain code over plain
// data (clients/.../producer/internals/RecordAccumulator.java,
// BuiltInPartitioner.java, RoundRobinPartitioner.java, ExponentialBackoff):
// per-partition queues of batches, a batch closing at batch.size, a batch
// becoming sendable when full or after linger.ms (retry backoff for a
// retried one), and the choice of partition for each record. No randomness
// is drawn here: callers pass draws from the engine's seeded streams.

import {
  computePartitionLoadStats,
  nextStickyPartition,
  partitionForKey,
  updateStickyPartitionInfo,
  type StickyPartitionInfo,
} from "../../clients/partitioner.ts";
import { recordSizeBytes } from "../../cluster/log.ts";
import type { ProducerSettings } from "./settings.ts";

export interface RecordHeader {
  key: string;
  value: string;
}

/** One record handed to send(), waiting in a batch. */
export interface PendingRecord {
  /** The producer's running number for the record (0, 1, …): its identity in the ledger and the checks. */
  serial: number;
  key: string | null;
  value: string;
  headers: RecordHeader[];
  sizeBytes: number;
  /** When send() was called. */
  sentAtMs: number;
}

/** A ProducerBatch: the records of one partition that travel together. */
export interface ProducerBatch {
  /** Written as every record's batchId. */
  id: number;
  partition: number;
  records: PendingRecord[];
  sizeBytes: number;
  createdAtMs: number;
  /** Closed for appends: batch.size reached, or a newer batch behind it, or drained once. */
  full: boolean;
  /** How many times it was sent. */
  sends: number;
  /** How many times it was put back for a retry (Kafka's attempts). */
  retries: number;
  lastAttemptAtMs: number;
  /** The backoff drawn when it was put back (retry.backoff.ms growing to retry.backoff.max.ms). */
  backoffMs: number;
  /** The leader it was last sent to: a new leader means no backoff (KIP-951). */
  lastLeader: number;
  /** First sequence number (idempotence), -1 until first drained. */
  baseSequence: number;
  producerId: number;
  producerEpoch: number;
  transactional: boolean;
  /** createdAtMs + delivery.timeout.ms */
  deadlineMs: number;
  done: boolean;
}

export interface RecordInputParts {
  key: string | null;
  value: string;
}

export function pendingRecordSize(r: RecordInputParts, headers: readonly RecordHeader[] = []): number {
  let h = 0;
  for (const x of headers) h += x.key.length + x.value.length;
  return recordSizeBytes(r) + h;
}

// ---------------------------------------------------------------------------
// Choosing the partition (KafkaProducer#partition)

export interface PartitionerState {
  /** KIP-794 sticky partition for records without a key, or null before the first. */
  sticky: StickyPartitionInfo | null;
  /** RoundRobinPartitioner's counter. */
  roundRobin: number;
}

export interface TopicLayout {
  numPartitions: number;
  /** Partitions with a known leader, ascending. */
  available: readonly number[];
  /** Batches queued per partition (for adaptive partitioning). */
  queueSizes: readonly number[];
}

/** A fresh non-negative 31-bit draw, like Utils.toPositive(random.nextInt()). */
export type Draw = () => number;

/**
 * The partition for one record, before it is appended. Keyed records
 * (unless partitioner.ignore.keys) go to murmur2(key) mod all partitions;
 * the rest to the sticky partition, or round-robin when
 * partitioner.class=RoundRobinPartitioner (which ignores keys, as Kafka's does).
 */
export function choosePartition(
  key: string | null,
  settings: ProducerSettings,
  layout: TopicLayout,
  state: PartitionerState,
  draw: Draw,
): { partition: number; how: "key" | "sticky" | "round-robin" } {
  if (settings.partitioner === "round-robin") {
    const n = state.roundRobin++;
    const list = layout.available.length > 0 ? layout.available : range(layout.numPartitions);
    return { partition: list[n % list.length], how: "round-robin" };
  }
  if (key !== null && !settings.ignoreKeys)
    return { partition: partitionForKey(key, layout.numPartitions), how: "key" };
  if (state.sticky === null || state.sticky.partition >= layout.numPartitions)
    state.sticky = { partition: pickSticky(settings, layout, draw), producedBytes: 0 };
  return { partition: state.sticky.partition, how: "sticky" };
}

function pickSticky(settings: ProducerSettings, layout: TopicLayout, draw: Draw): number {
  let stats = null;
  if (settings.adaptivePartitioning && layout.available.length > 0) {
    const sizes = layout.available.map((p) => layout.queueSizes[p] ?? 0);
    stats = computePartitionLoadStats(sizes, layout.available);
  }
  return nextStickyPartition(draw(), stats, layout.available, layout.numPartitions);
}

/**
 * After a record went to the sticky partition: count its bytes and switch
 * once batch.size bytes went there and its batch is full (or at twice
 * batch.size regardless). Returns the new partition when it switched.
 */
export function afterStickyAppend(
  state: PartitionerState,
  appendedBytes: number,
  settings: ProducerSettings,
  layout: TopicLayout,
  lastBatchFull: boolean,
  draw: Draw,
): number | null {
  if (state.sticky === null) return null;
  const next = updateStickyPartitionInfo(
    state.sticky,
    appendedBytes,
    Math.max(1, settings.batchSize),
    lastBatchFull,
    () => pickSticky(settings, layout, draw),
  );
  state.sticky = next;
  // A switch starts a fresh count (it may land on the same partition again, as in Kafka).
  return next.producedBytes === 0 ? next.partition : null;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

// ---------------------------------------------------------------------------
// Batches

/** DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the header every record batch carries. */
export const BATCH_OVERHEAD_BYTES = 61;

export interface AppendResult {
  batch: ProducerBatch;
  /** True when the record started a new batch (the previous one, if any, is now full). */
  newBatch: boolean;
  /** Bytes the append added (a new batch counts its header), as the sticky partitioner counts them. */
  appendedBytes: number;
}

/**
 * RecordAccumulator#append: into the partition's last batch if it has room
 * for the record within batch.size, else into a new batch (which always
 * takes its first record, even one larger than batch.size). A batch is full
 * once it reaches batch.size or a record did not fit.
 */
export function appendToQueue(
  queue: ProducerBatch[],
  partition: number,
  record: PendingRecord,
  settings: ProducerSettings,
  nowMs: number,
  nextBatchId: () => number,
  owner: { producerId: number; producerEpoch: number; transactional: boolean },
): AppendResult {
  const last = queue[queue.length - 1];
  if (last && !last.full && last.sizeBytes + record.sizeBytes <= settings.batchSize) {
    last.records.push(record);
    last.sizeBytes += record.sizeBytes;
    if (last.sizeBytes >= settings.batchSize) last.full = true;
    return { batch: last, newBatch: false, appendedBytes: record.sizeBytes };
  }
  if (last) last.full = true;
  const size = BATCH_OVERHEAD_BYTES + record.sizeBytes;
  const batch: ProducerBatch = {
    id: nextBatchId(),
    partition,
    records: [record],
    sizeBytes: size,
    createdAtMs: nowMs,
    full: size >= settings.batchSize,
    sends: 0,
    retries: 0,
    lastAttemptAtMs: nowMs,
    backoffMs: 0,
    lastLeader: -1,
    baseSequence: -1,
    producerId: owner.producerId,
    producerEpoch: owner.producerEpoch,
    transactional: owner.transactional,
    deadlineMs: nowMs + settings.deliveryTimeoutMs,
    done: false,
  };
  queue.push(batch);
  return { batch, newBatch: true, appendedBytes: size };
}

/**
 * ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2)#backoff:
 * retry.backoff.ms × 2^attempts, ±20 % jitter, capped at retry.backoff.max.ms.
 * `jitter` is a uniform draw in [0, 1).
 */
export function retryBackoffMs(attempts: number, settings: ProducerSettings, jitter: number): number {
  const initial = settings.retryBackoffMs;
  const max = settings.retryBackoffMaxMs;
  if (max <= initial) return initial;
  // Doubling by multiplication only (no Math.pow/log): the same bits in every JavaScript engine.
  // Kafka caps the exponent at log2(max / initial); the cap below gives the same result.
  let term = initial;
  for (let i = 0; i < attempts && term < max; i++) term *= 2;
  const randomFactor = 0.8 + 0.4 * jitter;
  return Math.min(Math.floor(randomFactor * term), max);
}

export type ReadyReason = "batch.size" | "linger.ms" | "retry.backoff.ms" | "new leader" | "flush";

/**
 * RecordAccumulator#ready for a partition's first batch: sendable when full
 * (batch.size, or another batch already waits behind it), when the producer
 * flushes (a commit), or once linger.ms has passed; a retried batch waits
 * for its backoff unless its partition has a new leader (KIP-951). Returns
 * the time it will be ready when it is not yet.
 */
export function batchReadiness(
  queue: readonly ProducerBatch[],
  settings: ProducerSettings,
  nowMs: number,
  leaderNow: number,
  flushing: boolean,
): { ready: true; reason: ReadyReason } | { ready: false; atMs: number } {
  const first = queue[0];
  if (first.retries > 0) {
    if (leaderNow !== first.lastLeader) return { ready: true, reason: "new leader" };
    const at = first.lastAttemptAtMs + first.backoffMs;
    return nowMs >= at ? { ready: true, reason: "retry.backoff.ms" } : { ready: false, atMs: at };
  }
  if (first.full || queue.length > 1) return { ready: true, reason: "batch.size" };
  if (flushing) return { ready: true, reason: "flush" };
  const at = first.createdAtMs + settings.lingerMs;
  return nowMs >= at ? { ready: true, reason: "linger.ms" } : { ready: false, atMs: at };
}

/** Puts a retried batch back: at the front (Kafka's addFirst), or in sequence order when it has a sequence. */
export function reenqueue(queue: ProducerBatch[], batch: ProducerBatch): void {
  if (batch.baseSequence < 0) {
    queue.unshift(batch);
    return;
  }
  let i = 0;
  while (i < queue.length && queue[i].baseSequence >= 0 && queue[i].baseSequence < batch.baseSequence) i++;
  queue.splice(i, 0, batch);
}
