// The partition leader's memory of idempotent and transactional producers
// (storage/.../log/ProducerStateManager.java, ProducerStateEntry.java,
// ProducerAppendInfo.java), as pure functions over plain data:
//
// - the duplicate check of KIP-98: per producer id the last 5 batches
//   (NUM_BATCHES_TO_RETAIN) with their sequence ranges and offsets; a batch
//   that repeats one of them is answered with the original offsets and not
//   appended again; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER; an older epoch is
//   INVALID_PRODUCER_EPOCH; a new epoch must start at sequence 0;
// - the transactions open on the partition (their first offsets), which
//   hold the last stable offset (LSO) back, and the aborted-transaction index
//   read_committed consumers need.
//
// Every function returns a new state and never changes its input, so a
// checkpoint can keep a state by reference. Producer entries are keyed
// `pid:<id>`, never by integer-like keys.

import type { ProducerRecordInput } from "./protocol.ts";

/** ProducerStateEntry.NUM_BATCHES_TO_RETAIN */
export const NUM_BATCHES_TO_RETAIN = 5;
/** RecordBatch.NO_PRODUCER_EPOCH: an epoch we do not know (state rebuilt from records that do not carry one). */
export const NO_PRODUCER_EPOCH = -1;
const INT_MAX = 2_147_483_647;

export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

export interface ProducerStateEntry {
  readonly producerId: number;
  readonly producerEpoch: number;
  /** The last batches appended, oldest first, at most NUM_BATCHES_TO_RETAIN. */
  readonly batches: readonly BatchMetadata[];
  /** First offset of this producer's open transaction on the partition, or -1. */
  readonly currentTxnFirstOffset: number;
}

export interface OpenTxn {
  readonly producerId: number;
  readonly firstOffset: number;
}

/** A transaction whose marker is written but not yet below the high watermark: still unstable. */
export interface UnreplicatedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly markerOffset: number;
}

/** An entry of the aborted-transaction index (Kafka's AbortedTxn; lastOffset is the ABORT marker's offset). */
export interface AbortedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

export interface PartitionProducerState {
  readonly producers: Readonly<Record<string, ProducerStateEntry>>;
  /** Open transactions in first-offset order (ProducerStateManager#ongoingTxns). */
  readonly ongoing: readonly OpenTxn[];
  /** Completed, marker not yet replicated (ProducerStateManager#unreplicatedTxns). */
  readonly unreplicated: readonly UnreplicatedTxn[];
  /** The aborted-transaction index, oldest first. */
  readonly aborted: readonly AbortedTxn[];
}

export const EMPTY_PRODUCER_STATE: PartitionProducerState = {
  producers: {},
  ongoing: [],
  unreplicated: [],
  aborted: [],
};

const pidKey = (producerId: number): string => `pid:${producerId}`;

export function producerEntry(state: PartitionProducerState, producerId: number): ProducerStateEntry | undefined {
  return state.producers[pidKey(producerId)];
}

/** One partition's records of a Produce request, reduced to what the check needs. */
export interface IncomingBatch {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly isTransactional: boolean;
  /** Set for a transaction marker (control batch). */
  readonly control?: "COMMIT" | "ABORT";
}

export type BatchVerdict =
  | { readonly kind: "append"; readonly reason: string }
  | { readonly kind: "duplicate"; readonly firstOffset: number; readonly lastOffset: number; readonly reason: string }
  | {
      readonly kind: "error";
      readonly error: "OUT_OF_ORDER_SEQUENCE_NUMBER" | "INVALID_PRODUCER_EPOCH";
      readonly reason: string;
    };

/** `ProducerAppendInfo#inSequence`: next = last + 1, wrapping at Int.MAX. */
export function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT_MAX);
}

/**
 * What a batch of records from a Produce request is, for the check: null for a
 * plain (non-idempotent) producer's records, which are appended unchecked.
 */
export function incomingBatchOf(records: readonly ProducerRecordInput[]): IncomingBatch | null {
  if (records.length === 0) return null;
  const first = records[0];
  const pid = first.producerId ?? -1;
  if (pid < 0) return null;
  const last = records[records.length - 1];
  return {
    producerId: pid,
    producerEpoch: first.producerEpoch ?? NO_PRODUCER_EPOCH,
    firstSeq: first.sequence ?? -1,
    lastSeq: last.sequence ?? -1,
    isTransactional: first.isTransactional === true || first.control !== undefined,
    control: first.control,
  };
}

/**
 * The leader's check before appending (UnifiedLog#analyzeAndValidateProducerState:
 * the duplicate lookup first, then ProducerAppendInfo's epoch and sequence checks).
 */
export function checkBatch(state: PartitionProducerState, b: IncomingBatch): BatchVerdict {
  const entry = producerEntry(state, b.producerId);
  const knownEpoch = entry !== undefined && entry.producerEpoch !== NO_PRODUCER_EPOCH;
  if (knownEpoch && b.producerEpoch !== NO_PRODUCER_EPOCH && b.producerEpoch < entry.producerEpoch)
    return {
      kind: "error",
      error: "INVALID_PRODUCER_EPOCH",
      reason: `producer ${b.producerId} wrote with epoch ${b.producerEpoch}, older than its current epoch ${entry.producerEpoch}: a fenced (zombie) producer`,
    };
  if (b.control !== undefined) return { kind: "append", reason: `a ${b.control} marker for producer ${b.producerId}` };
  if (!entry)
    return { kind: "append", reason: `producer ${b.producerId} is new to this partition: any sequence is accepted` };
  const sameEpoch = !knownEpoch || b.producerEpoch === NO_PRODUCER_EPOCH || b.producerEpoch === entry.producerEpoch;
  if (sameEpoch) {
    const dup = entry.batches.find((m) => m.firstSeq === b.firstSeq && m.lastSeq === b.lastSeq);
    if (dup)
      return {
        kind: "duplicate",
        firstOffset: dup.firstOffset,
        lastOffset: dup.lastOffset,
        reason: `sequences ${b.firstSeq}..${b.lastSeq} of producer ${b.producerId} were already written at offsets ${dup.firstOffset}..${dup.lastOffset}: answered with those offsets, not written again`,
      };
    const lastSeq = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : -1;
    if (!inSequence(lastSeq, b.firstSeq))
      return {
        kind: "error",
        error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
        reason: `producer ${b.producerId} sent sequence ${b.firstSeq} but the next expected is ${lastSeq + 1}`,
      };
    return { kind: "append", reason: `sequence ${b.firstSeq} follows ${lastSeq}` };
  }
  // A newer epoch (after an epoch bump or a new transactional instance) restarts at 0.
  if (b.firstSeq !== 0)
    return {
      kind: "error",
      error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
      reason: `producer ${b.producerId} moved to epoch ${b.producerEpoch} but did not start at sequence 0 (got ${b.firstSeq})`,
    };
  return { kind: "append", reason: `producer ${b.producerId} starts epoch ${b.producerEpoch} at sequence 0` };
}

function withEntry(
  state: PartitionProducerState,
  entry: ProducerStateEntry,
): Readonly<Record<string, ProducerStateEntry>> {
  return { ...state.producers, [pidKey(entry.producerId)]: entry };
}

/**
 * Records a batch the leader (or a follower) has appended at [firstOffset, lastOffset]:
 * a data batch joins the producer's last batches (and may open a transaction),
 * a marker completes the producer's open transaction.
 */
export function recordAppend(
  state: PartitionProducerState,
  b: IncomingBatch,
  firstOffset: number,
  lastOffset: number,
): PartitionProducerState {
  const prev = producerEntry(state, b.producerId);
  const epoch = Math.max(prev?.producerEpoch ?? NO_PRODUCER_EPOCH, b.producerEpoch);
  if (b.control !== undefined) {
    const open = state.ongoing.find((t) => t.producerId === b.producerId);
    const entry: ProducerStateEntry = {
      producerId: b.producerId,
      producerEpoch: epoch,
      batches: prev?.batches ?? [],
      currentTxnFirstOffset: -1,
    };
    if (!open) return { ...state, producers: withEntry(state, entry) };
    return {
      producers: withEntry(state, entry),
      ongoing: state.ongoing.filter((t) => t !== open),
      unreplicated: [
        ...state.unreplicated,
        { producerId: b.producerId, firstOffset: open.firstOffset, markerOffset: firstOffset },
      ],
      aborted:
        b.control === "ABORT"
          ? [...state.aborted, { producerId: b.producerId, firstOffset: open.firstOffset, lastOffset: firstOffset }]
          : state.aborted,
    };
  }
  // A new epoch forgets the old epoch's batches (a new ProducerStateEntry in Kafka).
  const keep = prev && (prev.producerEpoch === epoch || b.producerEpoch === NO_PRODUCER_EPOCH) ? prev.batches : [];
  const batches = [...keep, { firstSeq: b.firstSeq, lastSeq: b.lastSeq, firstOffset, lastOffset }];
  if (batches.length > NUM_BATCHES_TO_RETAIN) batches.splice(0, batches.length - NUM_BATCHES_TO_RETAIN);
  const opens = b.isTransactional && (prev?.currentTxnFirstOffset ?? -1) < 0;
  const entry: ProducerStateEntry = {
    producerId: b.producerId,
    producerEpoch: epoch,
    batches,
    currentTxnFirstOffset: opens ? firstOffset : (prev?.currentTxnFirstOffset ?? -1),
  };
  return {
    ...state,
    producers: withEntry(state, entry),
    ongoing: opens ? [...state.ongoing, { producerId: b.producerId, firstOffset }] : state.ongoing,
  };
}

export type CheckAndRecordResult =
  | {
      readonly kind: "append";
      readonly state: PartitionProducerState;
      readonly firstOffset: number;
      readonly lastOffset: number;
    }
  | {
      readonly kind: "duplicate";
      readonly state: PartitionProducerState;
      readonly firstOffset: number;
      readonly lastOffset: number;
    }
  | { readonly kind: "error"; readonly state: PartitionProducerState; readonly error: string; readonly reason: string };

/**
 * The check and, when the batch is to be appended at `baseOffset`, its
 * record, in one call (one batch of lastSeq - firstSeq + 1 records).
 */
export function checkAndRecordBatch(
  state: PartitionProducerState,
  producerId: number,
  producerEpoch: number,
  firstSeq: number,
  lastSeq: number,
  baseOffset: number,
  isTransactional = false,
): CheckAndRecordResult {
  const b: IncomingBatch = { producerId, producerEpoch, firstSeq, lastSeq, isTransactional };
  const v = checkBatch(state, b);
  if (v.kind === "error") return { kind: "error", state, error: v.error, reason: v.reason };
  if (v.kind === "duplicate") return { kind: "duplicate", state, firstOffset: v.firstOffset, lastOffset: v.lastOffset };
  const lastOffset = baseOffset + (lastSeq - firstSeq);
  return { kind: "append", state: recordAppend(state, b, baseOffset, lastOffset), firstOffset: baseOffset, lastOffset };
}

// ---------------------------------------------------------------------------
// Rebuilding from a log (a broker that becomes leader, or restarts)

/** The fields of a log record (cluster/log.ts KafkaRecord) this module reads. */
export interface LogRecordLike {
  readonly offset: number;
  readonly key: string | null;
  readonly producerId: number;
  readonly sequence: number;
  readonly batchId?: number;
  readonly producerEpoch?: number;
  readonly isTransactional?: boolean;
  readonly control?: "COMMIT" | "ABORT";
}

/**
 * A transaction marker. Markers carry a producer id but no sequence (Kafka's
 * control batches have baseSequence -1), and their key names the type, as a
 * control record's key does in Kafka; `control` is set when the log keeps it.
 */
export function isControlRecord(r: LogRecordLike): boolean {
  return r.control !== undefined || (r.producerId >= 0 && r.sequence < 0);
}

export function controlTypeOf(r: LogRecordLike): "COMMIT" | "ABORT" | null {
  if (!isControlRecord(r)) return null;
  if (r.control !== undefined) return r.control;
  return r.key === "ABORT" ? "ABORT" : "COMMIT";
}

/**
 * Replays a log's records (offset order) into a fresh producer state, as a
 * broker does from its producer snapshots and log when it becomes leader
 * (ProducerStateManager#loadProducerState + UnifiedLog#rebuildProducerState).
 * A batch is a run of records with the same producer id and batch id.
 */
export function rebuildProducerState(
  records: Iterable<LogRecordLike>,
  highWatermark = Infinity,
): PartitionProducerState {
  let state = EMPTY_PRODUCER_STATE;
  let run: LogRecordLike[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const first = run[0];
    const last = run[run.length - 1];
    const control = controlTypeOf(first);
    state = recordAppend(
      state,
      {
        producerId: first.producerId,
        producerEpoch: first.producerEpoch ?? NO_PRODUCER_EPOCH,
        firstSeq: first.sequence,
        lastSeq: last.sequence,
        isTransactional: first.isTransactional === true,
        control: control ?? undefined,
      },
      first.offset,
      last.offset,
    );
    run = [];
  };
  for (const r of records) {
    if (r.producerId < 0) {
      flush();
      continue;
    }
    const prev = run[run.length - 1];
    const sameBatch =
      prev !== undefined &&
      !isControlRecord(r) &&
      !isControlRecord(prev) &&
      prev.producerId === r.producerId &&
      (prev.batchId !== undefined ? prev.batchId === r.batchId : r.sequence === prev.sequence + 1);
    if (!sameBatch) flush();
    run.push(r);
  }
  flush();
  return onHighWatermark(state, highWatermark);
}

// ---------------------------------------------------------------------------
// The last stable offset and the aborted-transaction index

/** Forgets completed transactions whose marker is now below the high watermark (they no longer hold the LSO). */
export function onHighWatermark(state: PartitionProducerState, highWatermark: number): PartitionProducerState {
  if (!state.unreplicated.some((t) => t.markerOffset < highWatermark)) return state;
  return { ...state, unreplicated: state.unreplicated.filter((t) => t.markerOffset >= highWatermark) };
}

/**
 * `UnifiedLog#lastStableOffset`: the first offset of the oldest transaction
 * that is open or whose marker is not yet replicated, or the HW if there is
 * none; never above the HW.
 */
export function lastStableOffset(state: PartitionProducerState, highWatermark: number): number {
  let lso = highWatermark;
  for (const t of state.ongoing) if (t.firstOffset < lso) lso = t.firstOffset;
  for (const t of state.unreplicated) if (t.markerOffset >= highWatermark && t.firstOffset < lso) lso = t.firstOffset;
  return lso;
}

/**
 * The aborted transactions a read_committed fetch from `fetchOffset` up to
 * `upperBound` (exclusive; the LSO) must be told about
 * (UnifiedLog#collectAbortedTransactions: lastOffset >= fetchOffset and firstOffset < upperBound).
 */
export function abortedTransactionsInRange(
  state: PartitionProducerState,
  fetchOffset: number,
  upperBound: number,
): AbortedTxn[] {
  return state.aborted.filter((t) => t.lastOffset >= fetchOffset && t.firstOffset < upperBound);
}
