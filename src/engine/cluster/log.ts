// One replica's partition log (core/.../log/UnifiedLog.scala, LocalLog.scala,
// storage/.../log/LogSegment.java, LogCleaner.scala), as a persistent value.
//
// Representation (why it looks like this):
// - Every function returns a new PartitionLog and never changes its input, so a
//   checkpoint of the world can keep a log by reference.
// - Records are immutable objects shared by every replica that holds them.
// - `records` and `segments` are *shared append-only storage*: a log owns only
//   the span [start, end) of each array. Appending pushes onto the array when
//   the log's span ends at the array's end (nobody else can see past their own
//   span, so that is invisible to every other holder); otherwise it copies its
//   span first. Appending N records is therefore O(N) amortised, and a follower
//   that fetched from an empty log adopts the leader's storage and keeps
//   appending by just moving its span (zero copy) while it stays in lockstep.
// - Closed segments live in `segments`; the active segment is kept apart because
//   it changes on every append.
// - Offsets are looked up by binary search, because compaction leaves gaps.

import { lowerBound } from "./common.ts";
import {
  assignEpoch,
  checkEpochCache,
  EMPTY_EPOCH_CACHE,
  latestEntry,
  truncateFromEnd,
  truncateFromStart,
  type LeaderEpochCache,
} from "./epochCache.ts";
import type { KafkaErrorName } from "./errors.ts";

// ---------------------------------------------------------------------------
// Records

/** `RecordBatch.NO_PRODUCER_ID` / `NO_SEQUENCE`: a record from a non-idempotent producer. */
export const NO_PRODUCER_ID = -1;
export const NO_SEQUENCE = -1;
/** `RecordBatch.NO_TIMESTAMP`: used for "no timestamp" fields of empty segments. */
export const NO_TIMESTAMP = -1;

export interface KafkaRecord {
  readonly offset: number;
  readonly key: string | null;
  /** null is a tombstone: on a compacted topic it deletes the key. */
  readonly value: string | null;
  /** CreateTime, in virtual ms. */
  readonly timestamp: number;
  readonly producerId: number;
  readonly sequence: number;
  /** The epoch of the leader that appended the batch (`partitionLeaderEpoch`). */
  readonly leaderEpoch: number;
  /** The producer batch the record came in, for views; records of one batch share it. */
  readonly batchId?: number;
  /** Set by the cleaner on a tombstone it recopied: it may be dropped from then + delete.retention.ms. */
  readonly deleteHorizonMs?: number;
  /** The producer epoch of the batch (KIP-98), -1 without idempotence. */
  readonly producerEpoch?: number;
  /** Written inside a transaction. */
  readonly isTransactional?: boolean;
  /** A transaction marker (control record): never returned to applications. */
  readonly control?: "COMMIT" | "ABORT";
}

/** What a producer hands the leader: a record before the leader gives it an offset and an epoch. */
export interface RecordInput {
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
  readonly producerId?: number;
  readonly sequence?: number;
  readonly batchId?: number;
  readonly producerEpoch?: number;
  readonly isTransactional?: boolean;
  readonly control?: "COMMIT" | "ABORT";
}

/** Per-record overhead of the size model (offset delta, timestamp delta, lengths, attributes). */
export const RECORD_OVERHEAD_BYTES = 16;

/** The simulator's size model: overhead plus key and value lengths (one byte per character). */
export function recordSizeBytes(r: { readonly key: string | null; readonly value: string | null }): number {
  return RECORD_OVERHEAD_BYTES + (r.key === null ? 0 : r.key.length) + (r.value === null ? 0 : r.value.length);
}

/** A zero-copy span [from, to) of some log's record storage: what read() returns and fetches carry. */
export interface RecordSlice {
  readonly records: readonly KafkaRecord[];
  readonly from: number;
  readonly to: number;
}

export const EMPTY_SLICE: RecordSlice = { records: [], from: 0, to: 0 };

export function sliceLength(s: RecordSlice): number {
  return s.to - s.from;
}

export function sliceToArray(s: RecordSlice): KafkaRecord[] {
  return s.records.slice(s.from, s.to);
}

export function sliceOf(records: readonly KafkaRecord[]): RecordSlice {
  return { records, from: 0, to: records.length };
}

// ---------------------------------------------------------------------------
// Configuration (topic-level names from LogConfig, in camelCase with units last)

export type CleanupPolicy = "delete" | "compact" | "compact,delete";

export interface LogConfig {
  /** segment.bytes */
  readonly segmentBytes: number;
  /** segment.ms (segment.jitter.ms is 0) */
  readonly segmentMs: number;
  /** retention.ms; negative = unlimited */
  readonly retentionMs: number;
  /** retention.bytes; negative = unlimited */
  readonly retentionBytes: number;
  /** cleanup.policy */
  readonly cleanupPolicy: CleanupPolicy;
  /** min.cleanable.dirty.ratio */
  readonly minCleanableDirtyRatio: number;
  /** delete.retention.ms: how long a recopied tombstone survives */
  readonly deleteRetentionMs: number;
  /** min.compaction.lag.ms */
  readonly minCompactionLagMs: number;
  /** max.compaction.lag.ms */
  readonly maxCompactionLagMs: number;
  /** max.message.bytes: the largest batch the leader accepts */
  readonly maxMessageBytes: number;
}

/** Kafka's defaults (kafka-semantics.md section 0). Long.MAX_VALUE becomes MAX_SAFE_INTEGER. */
export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1073741824,
  segmentMs: 604800000,
  retentionMs: 604800000,
  retentionBytes: -1,
  cleanupPolicy: "delete",
  minCleanableDirtyRatio: 0.5,
  deleteRetentionMs: 86400000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  maxMessageBytes: 1048588,
};

function isCompact(c: LogConfig): boolean {
  return c.cleanupPolicy !== "delete";
}

function isDelete(c: LogConfig): boolean {
  return c.cleanupPolicy !== "compact";
}

// ---------------------------------------------------------------------------
// Segments and the log

export interface LogSegment {
  /** The first offset the segment can hold; it names the segment. */
  readonly baseOffset: number;
  readonly sizeBytes: number;
  readonly recordCount: number;
  /** Largest record timestamp (retention.ms compares against it); NO_TIMESTAMP when empty. */
  readonly maxTimestampMs: number;
  /** Max timestamp of the first batch appended (segment.ms measures from it); NO_TIMESTAMP when empty. */
  readonly rollingBasedTimestampMs: number;
  readonly createdAtMs: number;
  /** Stands in for the file's mtime: an empty segment's "largest timestamp". */
  readonly lastModifiedMs: number;
}

export interface PartitionLog {
  /** Shared record storage; this log is records[recordsStart, recordsEnd). Never mutate. */
  readonly records: readonly KafkaRecord[];
  readonly recordsStart: number;
  readonly recordsEnd: number;
  /** Shared storage of closed (rolled) segments; this log's are segments[segmentsStart, segmentsEnd). */
  readonly segments: readonly LogSegment[];
  readonly segmentsStart: number;
  readonly segmentsEnd: number;
  /** The segment taking appends (always present, possibly empty). */
  readonly activeSegment: LogSegment;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly leaderEpochCache: LeaderEpochCache;
  /** The cleaner checkpoint (firstDirtyOffset): everything before it has been compacted. */
  readonly cleanerCheckpoint: number;
  /** Total size of all segments. */
  readonly sizeBytes: number;
}

function emptySegment(baseOffset: number, nowMs: number): LogSegment {
  return {
    baseOffset,
    sizeBytes: 0,
    recordCount: 0,
    maxTimestampMs: NO_TIMESTAMP,
    rollingBasedTimestampMs: NO_TIMESTAMP,
    createdAtMs: nowMs,
    lastModifiedMs: nowMs,
  };
}

export function createLog(options: { startOffset?: number; nowMs?: number } = {}): PartitionLog {
  const start = options.startOffset ?? 0;
  const nowMs = options.nowMs ?? 0;
  return {
    records: [],
    recordsStart: 0,
    recordsEnd: 0,
    segments: [],
    segmentsStart: 0,
    segmentsEnd: 0,
    activeSegment: emptySegment(start, nowMs),
    logStartOffset: start,
    logEndOffset: start,
    highWatermark: start,
    leaderEpochCache: EMPTY_EPOCH_CACHE,
    cleanerCheckpoint: start,
    sizeBytes: 0,
  };
}

/** Number of records physically in the log (offsets may have gaps). */
export function recordCount(log: PartitionLog): number {
  return log.recordsEnd - log.recordsStart;
}

/** The log's records as a zero-copy slice. */
export function logRecords(log: PartitionLog): RecordSlice {
  return { records: log.records, from: log.recordsStart, to: log.recordsEnd };
}

/** Every segment, oldest first, the active one last (a fresh array). */
export function segmentsOf(log: PartitionLog): LogSegment[] {
  const out = log.segments.slice(log.segmentsStart, log.segmentsEnd);
  out.push(log.activeSegment);
  return out;
}

/** The record at `offset`, or undefined (never written, removed, or compacted away). */
export function recordAt(log: PartitionLog, offset: number): KafkaRecord | undefined {
  const i = lowerBound(log.records, log.recordsStart, log.recordsEnd, offset, recordOffset);
  return i < log.recordsEnd && log.records[i].offset === offset ? log.records[i] : undefined;
}

/** The epoch of the last record batch (`lastFetchedEpoch` for a follower), -1 if unknown. */
export function latestEpochOf(log: PartitionLog): number {
  const e = latestEntry(log.leaderEpochCache);
  return e === undefined ? -1 : e.epoch;
}

function recordOffset(r: KafkaRecord): number {
  return r.offset;
}

function segmentBase(s: LogSegment): number {
  return s.baseOffset;
}

/** `LogSegment#largestTimestamp`: newest record timestamp, else the mtime. */
export function largestTimestampMs(s: LogSegment): number {
  return s.maxTimestampMs >= 0 ? s.maxTimestampMs : s.lastModifiedMs;
}

// ---------------------------------------------------------------------------
// Shared append-only storage

interface Span<T> {
  readonly items: readonly T[];
  readonly start: number;
  readonly end: number;
}

/** Appends items[from, to) of `src` after span [start, end) of `items`; see the file comment. */
function pushSpan<T>(
  items: readonly T[],
  start: number,
  end: number,
  src: readonly T[],
  from: number,
  to: number,
): Span<T> {
  let target: T[];
  let s = start;
  let e = end;
  if (items.length === end) {
    // Nobody can observe indexes >= end through their own span, so extending in place is safe.
    target = items as T[];
  } else {
    target = items.slice(start, end);
    s = 0;
    e = end - start;
  }
  for (let i = from; i < to; i++) target.push(src[i]);
  return { items: target, start: s, end: e + (to - from) };
}

/** Drops a dead prefix once it outweighs the live part, so retained logs do not pin old records forever. */
function maybeCompactSpan<T>(items: readonly T[], start: number, end: number): Span<T> {
  if (start > 1024 && start > end - start) return { items: items.slice(start, end), start: 0, end: end - start };
  return { items, start, end };
}

// ---------------------------------------------------------------------------
// Append

export interface AppendResult {
  readonly log: PartitionLog;
  readonly error: KafkaErrorName;
  /** Offsets assigned (leader) or accepted (follower); -1 when nothing was appended. */
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** The appended records as a slice of the new log's storage. */
  readonly appended: RecordSlice;
  /** Base offsets of segments rolled by this append. */
  readonly rolledSegments: readonly number[];
  readonly reason: string;
}

function rejected(log: PartitionLog, error: KafkaErrorName, reason: string): AppendResult {
  return {
    log,
    error,
    firstOffset: -1,
    lastOffset: -1,
    appended: EMPTY_SLICE,
    rolledSegments: [],
    reason,
  };
}

/** `LogSegment#shouldRoll` with jitter 0 and no index limits. Returns the governing setting, or null. */
export function shouldRoll(
  active: LogSegment,
  batchSizeBytes: number,
  batchMaxTimestampMs: number,
  nowMs: number,
  config: LogConfig,
): string | null {
  if (active.sizeBytes > config.segmentBytes - batchSizeBytes) {
    return `the active segment (${active.sizeBytes} bytes) cannot take a ${batchSizeBytes}-byte batch within segment.bytes=${config.segmentBytes}`;
  }
  if (active.sizeBytes > 0) {
    const waitedMs =
      active.rollingBasedTimestampMs >= 0
        ? batchMaxTimestampMs - active.rollingBasedTimestampMs
        : nowMs - active.createdAtMs;
    if (waitedMs > config.segmentMs) {
      return `the active segment's first batch is ${waitedMs} ms older than the new batch (segment.ms=${config.segmentMs})`;
    }
  }
  return null;
}

/** Closes the active segment and opens an empty one at `baseOffset`. */
function roll(log: PartitionLog, baseOffset: number, nowMs: number): PartitionLog {
  const w = pushSpan(log.segments, log.segmentsStart, log.segmentsEnd, [log.activeSegment], 0, 1);
  return {
    ...log,
    segments: w.items,
    segmentsStart: w.start,
    segmentsEnd: w.end,
    activeSegment: emptySegment(baseOffset, nowMs),
  };
}

/** Adds the records of one batch (already in storage, indexes [from, to)) to the active segment's stats. */
function accountBatch(
  active: LogSegment,
  records: readonly KafkaRecord[],
  from: number,
  to: number,
  nowMs: number,
): { seg: LogSegment; bytes: number } {
  let bytes = 0;
  let maxTs = NO_TIMESTAMP;
  for (let i = from; i < to; i++) {
    bytes += recordSizeBytes(records[i]);
    if (records[i].timestamp > maxTs) maxTs = records[i].timestamp;
  }
  // Every field written out (no spread): this runs on every append of every replica.
  const seg: LogSegment = {
    baseOffset: active.baseOffset,
    sizeBytes: active.sizeBytes + bytes,
    recordCount: active.recordCount + (to - from),
    maxTimestampMs: Math.max(active.maxTimestampMs, maxTs),
    rollingBasedTimestampMs: active.recordCount === 0 ? maxTs : active.rollingBasedTimestampMs,
    createdAtMs: active.createdAtMs,
    lastModifiedMs: nowMs,
  };
  return { seg, bytes };
}

/**
 * `UnifiedLog#appendAsLeader`: the batch gets the next offsets from the LEO and
 * the leader's epoch. Validation as Kafka does it: a compacted topic rejects a
 * record without a key (INVALID_RECORD); a batch over max.message.bytes is
 * MESSAGE_TOO_LARGE; a batch over segment.bytes is RECORD_LIST_TOO_LARGE.
 * The HW is not touched here: the partition's HW rule decides (replication.ts).
 */
export function appendAsLeader(
  log: PartitionLog,
  batch: readonly RecordInput[],
  leaderEpoch: number,
  nowMs: number,
  config: LogConfig = DEFAULT_LOG_CONFIG,
): AppendResult {
  if (batch.length === 0) return rejected(log, "NONE", "empty batch: nothing appended");
  let batchBytes = 0;
  let batchMaxTs = NO_TIMESTAMP;
  for (const r of batch) {
    if (isCompact(config) && r.key === null) {
      return rejected(
        log,
        "INVALID_RECORD",
        `a compacted topic (cleanup.policy=${config.cleanupPolicy}) cannot accept a record without a key`,
      );
    }
    batchBytes += recordSizeBytes(r);
    if (r.timestamp > batchMaxTs) batchMaxTs = r.timestamp;
  }
  if (batchBytes > config.maxMessageBytes) {
    return rejected(
      log,
      "MESSAGE_TOO_LARGE",
      `the ${batchBytes}-byte batch exceeds max.message.bytes=${config.maxMessageBytes}`,
    );
  }
  if (batchBytes > config.segmentBytes) {
    return rejected(
      log,
      "RECORD_LIST_TOO_LARGE",
      `the ${batchBytes}-byte batch exceeds segment.bytes=${config.segmentBytes}`,
    );
  }
  const firstOffset = log.logEndOffset;
  const created: KafkaRecord[] = new Array<KafkaRecord>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i];
    // Every leader append is one batch: without a producer batch id, the batch is
    // named by its first offset, so followers copy it as one batch too.
    // One object shape for every record keeps property access monomorphic.
    created[i] = {
      offset: firstOffset + i,
      key: r.key,
      value: r.value,
      timestamp: r.timestamp,
      producerId: r.producerId ?? NO_PRODUCER_ID,
      sequence: r.sequence ?? NO_SEQUENCE,
      leaderEpoch,
      batchId: r.batchId ?? firstOffset,
      producerEpoch: r.producerEpoch ?? -1,
      isTransactional: r.isTransactional === true,
      control: r.control,
    };
  }
  return appendBatches(log, created, 0, created.length, nowMs, config, true);
}

/**
 * `UnifiedLog#appendAsFollower`: records keep the leader's offsets and epochs.
 * The fetched slice must start at or after this log's LEO (the fetcher always
 * fetches from its LEO; gaps are fine, they come from compaction). Segments roll
 * per producer batch (records sharing a batchId), a simplification of Kafka
 * rolling once per fetched record set. When this log is empty it adopts the
 * source storage, so a follower in lockstep with its leader never copies.
 */
export function appendAsFollower(
  log: PartitionLog,
  fetched: RecordSlice,
  nowMs: number,
  config: LogConfig = DEFAULT_LOG_CONFIG,
): AppendResult {
  if (fetched.to <= fetched.from) return rejected(log, "NONE", "empty fetch: nothing appended");
  const src = fetched.records;
  if (src[fetched.from].offset < log.logEndOffset) {
    // Kafka throws UnexpectedAppendOffsetException: the fetch protocol never does this.
    throw new RangeError(
      `follower append at offset ${src[fetched.from].offset} is below the log end offset ${log.logEndOffset}`,
    );
  }
  let base = log;
  if (log.recordsEnd === log.recordsStart && log.records !== src) {
    // Adopt the leader's storage: an empty span at `from` then grows in place of copying.
    base = {
      ...log,
      records: src,
      recordsStart: fetched.from,
      recordsEnd: fetched.from,
    };
  }
  return appendBatches(base, src, fetched.from, fetched.to, nowMs, config, false);
}

/** Shared tail of both appends: per batch, maybe roll, then extend storage, segment, LEO and epoch cache. */
function appendBatches(
  log: PartitionLog,
  src: readonly KafkaRecord[],
  from: number,
  to: number,
  nowMs: number,
  config: LogConfig,
  asLeader: boolean,
): AppendResult {
  let cur = log;
  // Allocated on the first roll only: most appends roll nothing.
  let rolled: number[] | null = null;
  let rollReasons: string[] | null = null;
  let i = from;
  while (i < to) {
    // One batch: the whole input for a leader; a run of equal batchId for a follower.
    let j = i + 1;
    if (!asLeader) {
      const b = src[i].batchId;
      if (b === undefined) j = i + 1;
      else while (j < to && src[j].batchId === b) j++;
    } else {
      j = to;
    }
    let batchBytes = 0;
    let batchMaxTs = NO_TIMESTAMP;
    for (let k = i; k < j; k++) {
      if (k > i && src[k].offset <= src[k - 1].offset) throw new RangeError("offsets in a batch must increase");
      batchBytes += recordSizeBytes(src[k]);
      if (src[k].timestamp > batchMaxTs) batchMaxTs = src[k].timestamp;
    }
    if (!asLeader && batchBytes > config.segmentBytes) {
      // A replicated batch larger than segment.bytes: Kafka's RecordBatchTooLargeException.
      return rejected(
        log,
        "RECORD_LIST_TOO_LARGE",
        `a replicated ${batchBytes}-byte batch exceeds segment.bytes=${config.segmentBytes}`,
      );
    }
    const why = shouldRoll(cur.activeSegment, batchBytes, batchMaxTs, nowMs, config);
    if (why !== null) {
      cur = roll(cur, src[i].offset, nowMs);
      (rolled ??= []).push(src[i].offset);
      (rollReasons ??= []).push(`rolled a new segment at offset ${src[i].offset}: ${why}`);
    }
    // Extend the record span: in place when sharing the source storage in lockstep.
    let w: Span<KafkaRecord>;
    if (cur.records === src && cur.recordsEnd === i) {
      w = { items: src, start: cur.recordsStart, end: j };
    } else {
      w = pushSpan(cur.records, cur.recordsStart, cur.recordsEnd, src, i, j);
    }
    const batchStartIndex = w.end - (j - i);
    const acc = accountBatch(cur.activeSegment, w.items, batchStartIndex, w.end, nowMs);
    // Every batch records its epoch start (a no-op unless the epoch changes): `maybeAssignEpochStartOffset`.
    let cache = cur.leaderEpochCache;
    for (let k = i; k < j; k++) {
      const latest = latestEntry(cache);
      if (latest === undefined || latest.epoch !== src[k].leaderEpoch || latest.startOffset > src[k].offset) {
        cache = assignEpoch(cache, src[k].leaderEpoch, src[k].offset).cache;
      }
    }
    cur = {
      records: w.items,
      recordsStart: w.start,
      recordsEnd: w.end,
      segments: cur.segments,
      segmentsStart: cur.segmentsStart,
      segmentsEnd: cur.segmentsEnd,
      activeSegment: acc.seg,
      logStartOffset: cur.logStartOffset,
      logEndOffset: src[j - 1].offset + 1,
      highWatermark: cur.highWatermark,
      leaderEpochCache: cache,
      cleanerCheckpoint: cur.cleanerCheckpoint,
      sizeBytes: cur.sizeBytes + acc.bytes,
    };
    i = j;
  }
  const count = to - from;
  // Earlier batches of this append are inside the span even if it was copied, so the run ends the span.
  const appended: RecordSlice = {
    records: cur.records,
    from: cur.recordsEnd - count,
    to: cur.recordsEnd,
  };
  return new Appended(
    cur,
    src[from].offset,
    src[to - 1].offset,
    appended,
    rolled ?? NO_ROLLS,
    asLeader,
    rollReasons ?? NO_ROLL_REASONS,
  );
}

const NO_ROLLS: readonly number[] = Object.freeze([]);
const NO_ROLL_REASONS: readonly string[] = Object.freeze([]);

/** A successful append (three per produced batch): its reason is written when read (see writeReasons). */
class Appended implements AppendResult {
  readonly log: PartitionLog;
  readonly error: KafkaErrorName = "NONE";
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly appended: RecordSlice;
  readonly rolledSegments: readonly number[];
  private readonly asLeader: boolean;
  private readonly rollReasons: readonly string[];
  constructor(
    log: PartitionLog,
    firstOffset: number,
    lastOffset: number,
    appended: RecordSlice,
    rolledSegments: readonly number[],
    asLeader: boolean,
    rollReasons: readonly string[],
  ) {
    this.log = log;
    this.firstOffset = firstOffset;
    this.lastOffset = lastOffset;
    this.appended = appended;
    this.rolledSegments = rolledSegments;
    this.asLeader = asLeader;
    this.rollReasons = rollReasons;
  }
  get reason(): string {
    const count = this.appended.to - this.appended.from;
    const head = `${this.asLeader ? "appended" : "replicated"} ${count} record(s) at offsets ${this.firstOffset}..${this.lastOffset}`;
    return this.rollReasons.length === 0 ? head : `${head}; ${this.rollReasons.join("; ")}`;
  }
}

/**
 * `UnifiedLog#maybeAssignEpochStartOffset`: a new leader records that its epoch
 * starts at its LEO before appending anything (Partition#makeLeader), so a
 * follower asking about a later epoch it wrote on its own gets a safe answer.
 */
export function maybeAssignEpochStartOffset(
  log: PartitionLog,
  leaderEpoch: number,
  startOffset: number,
): { log: PartitionLog; reason: string } {
  const r = assignEpoch(log.leaderEpochCache, leaderEpoch, startOffset);
  return {
    log: r.changed ? { ...log, leaderEpochCache: r.cache } : log,
    reason: r.reason,
  };
}

// ---------------------------------------------------------------------------
// High watermark and log start offset

/**
 * `UnifiedLog#updateHighWatermark`: sets the HW clamped into [logStartOffset, LEO].
 * A follower uses this with the leader's HW from each fetch response, so its HW
 * is min(leader HW, own LEO) and may even go down after a truncation.
 */
export function updateHighWatermark(log: PartitionLog, hw: number): PartitionLog {
  const clamped = hw < log.logStartOffset ? log.logStartOffset : hw > log.logEndOffset ? log.logEndOffset : hw;
  return clamped === log.highWatermark ? log : withHighWatermark(log, clamped);
}

/** The log with another HW, every field written out (HW moves on most fetches: no spread). */
function withHighWatermark(log: PartitionLog, highWatermark: number): PartitionLog {
  return {
    records: log.records,
    recordsStart: log.recordsStart,
    recordsEnd: log.recordsEnd,
    segments: log.segments,
    segmentsStart: log.segmentsStart,
    segmentsEnd: log.segmentsEnd,
    activeSegment: log.activeSegment,
    logStartOffset: log.logStartOffset,
    logEndOffset: log.logEndOffset,
    highWatermark,
    leaderEpochCache: log.leaderEpochCache,
    cleanerCheckpoint: log.cleanerCheckpoint,
    sizeBytes: log.sizeBytes,
  };
}

/** `UnifiedLog#maybeIncrementHighWatermark`: the leader only ever raises its HW, never past its LEO. */
export function maybeIncrementHighWatermark(
  log: PartitionLog,
  newHighWatermark: number,
): { log: PartitionLog; incremented: boolean } {
  if (newHighWatermark > log.logEndOffset) {
    throw new RangeError(`high watermark ${newHighWatermark} exceeds the log end offset ${log.logEndOffset}`);
  }
  if (newHighWatermark <= log.highWatermark) return { log, incremented: false };
  return {
    log: withHighWatermark(log, newHighWatermark),
    incremented: true,
  };
}

/**
 * `UnifiedLog#maybeIncrementLogStartOffset` (DeleteRecords, a follower copying
 * the leader's log start offset, segment deletion). Never beyond the HW
 * (OFFSET_OUT_OF_RANGE); the epoch cache is truncated from the start. The
 * records below stay on disk until their segment is deleted.
 */
export function maybeIncrementLogStartOffset(
  log: PartitionLog,
  newLogStartOffset: number,
): { log: PartitionLog; error: KafkaErrorName; reason: string } {
  if (newLogStartOffset > log.highWatermark) {
    return {
      log,
      error: "OFFSET_OUT_OF_RANGE",
      reason: `cannot move the log start offset to ${newLogStartOffset}: it is beyond the high watermark ${log.highWatermark}`,
    };
  }
  if (newLogStartOffset <= log.logStartOffset)
    return {
      log,
      error: "NONE",
      reason: `log start offset stays ${log.logStartOffset}`,
    };
  const cache = truncateFromStart(log.leaderEpochCache, newLogStartOffset).cache;
  return {
    log: { ...log, logStartOffset: newLogStartOffset, leaderEpochCache: cache },
    error: "NONE",
    reason: `log start offset moved from ${log.logStartOffset} to ${newLogStartOffset}`,
  };
}

// ---------------------------------------------------------------------------
// Read

/** `FetchIsolation`: how far a fetch may read. */
export type FetchIsolation = "LOG_END" | "HIGH_WATERMARK" | "TXN_COMMITTED";

/** Replicas read to the LEO, read_uncommitted consumers to the HW, read_committed ones to the LSO. */
export function fetchUpperBound(
  log: PartitionLog,
  isolation: FetchIsolation,
  lastStableOffset: number = log.highWatermark,
): number {
  if (isolation === "LOG_END") return log.logEndOffset;
  if (isolation === "HIGH_WATERMARK") return log.highWatermark;
  return Math.min(lastStableOffset, log.highWatermark);
}

export interface ReadOptions {
  /** Exclusive bound from fetchUpperBound(). */
  readonly upperBound: number;
  readonly maxRecords?: number;
  /** Like fetch.max.bytes: at least one record is returned even if it is larger. */
  readonly maxBytes?: number;
}

export interface ReadResult {
  readonly error: KafkaErrorName;
  readonly records: RecordSlice;
  /** The offset to fetch next (last returned + 1, or the fetch offset). */
  readonly nextFetchOffset: number;
  readonly reason: string;
}

/**
 * `UnifiedLog#read` / `LocalLog#read`: OFFSET_OUT_OF_RANGE below the log start
 * offset or beyond the LEO; an empty result (not an error) from the upper bound
 * on. Kafka returns whole batches, possibly starting before the fetch offset;
 * here the result starts at the first record at or after it (gaps are skipped).
 */
export function read(log: PartitionLog, fetchOffset: number, options: ReadOptions): ReadResult {
  if (fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) {
    return {
      error: "OFFSET_OUT_OF_RANGE",
      records: EMPTY_SLICE,
      nextFetchOffset: fetchOffset,
      reason: `offset ${fetchOffset} is outside the log's range [${log.logStartOffset}, ${log.logEndOffset}]`,
    };
  }
  if (fetchOffset >= options.upperBound) {
    return new ReadDone(
      {
        records: log.records,
        from: log.recordsEnd,
        to: log.recordsEnd,
      },
      fetchOffset,
      fetchOffset,
      options.upperBound,
    );
  }
  const from = lowerBound(log.records, log.recordsStart, log.recordsEnd, fetchOffset, recordOffset);
  let to = lowerBound(log.records, from, log.recordsEnd, options.upperBound, recordOffset);
  if (options.maxRecords !== undefined && to - from > options.maxRecords) to = from + Math.max(0, options.maxRecords);
  if (options.maxBytes !== undefined) {
    let bytes = 0;
    for (let i = from; i < to; i++) {
      bytes += recordSizeBytes(log.records[i]);
      if (bytes > options.maxBytes && i > from) {
        to = i;
        break;
      }
    }
  }
  const next = to > from ? log.records[to - 1].offset + 1 : fetchOffset;
  return new ReadDone({ records: log.records, from, to }, next, fetchOffset, options.upperBound);
}

/** A read without error (every fetch of every replica): its reason is written when read (see writeReasons). */
class ReadDone implements ReadResult {
  readonly error: KafkaErrorName = "NONE";
  readonly records: RecordSlice;
  readonly nextFetchOffset: number;
  private readonly fetchOffset: number;
  private readonly upperBound: number;
  constructor(records: RecordSlice, nextFetchOffset: number, fetchOffset: number, upperBound: number) {
    this.records = records;
    this.nextFetchOffset = nextFetchOffset;
    this.fetchOffset = fetchOffset;
    this.upperBound = upperBound;
  }
  get reason(): string {
    if (this.fetchOffset >= this.upperBound)
      return `nothing readable at ${this.fetchOffset}: the read bound is ${this.upperBound}`;
    return `read ${this.records.to - this.records.from} record(s) from offset ${this.fetchOffset} (bound ${this.upperBound})`;
  }
}

// ---------------------------------------------------------------------------
// Truncation

export interface TruncateResult {
  readonly log: PartitionLog;
  /** True when records were removed (targetOffset < LEO). */
  readonly truncated: boolean;
  readonly removedRecords: number;
  readonly reason: string;
}

/** Recomputes a segment's stats from the records it still holds in [from, to). */
function resegment(seg: LogSegment, records: readonly KafkaRecord[], from: number, to: number): LogSegment {
  let size = 0;
  let maxTs = NO_TIMESTAMP;
  for (let i = from; i < to; i++) {
    size += recordSizeBytes(records[i]);
    if (records[i].timestamp > maxTs) maxTs = records[i].timestamp;
  }
  const count = to - from;
  return {
    ...seg,
    sizeBytes: size,
    recordCount: count,
    maxTimestampMs: maxTs,
    rollingBasedTimestampMs: count === 0 ? NO_TIMESTAMP : seg.rollingBasedTimestampMs,
  };
}

/**
 * `UnifiedLog#truncateTo`: removes every record at or after `targetOffset` and
 * keeps the epoch cache consistent (truncateFromEnd), the HW <= LEO and the
 * cleaner checkpoint <= LEO. Truncating at or past the LEO only trims the epoch
 * cache (a leader may have recorded an epoch start it never wrote to). Below the
 * first segment the log is emptied and restarted at `targetOffset`.
 */
export function truncateTo(log: PartitionLog, targetOffset: number, nowMs: number): TruncateResult {
  if (targetOffset < 0) throw new RangeError(`cannot truncate to a negative offset (${targetOffset})`);
  if (targetOffset >= log.logEndOffset) {
    const cache = truncateFromEnd(log.leaderEpochCache, log.logEndOffset).cache;
    return {
      log: cache === log.leaderEpochCache ? log : { ...log, leaderEpochCache: cache },
      truncated: false,
      removedRecords: 0,
      reason: `truncating to ${targetOffset} has no effect: the log ends at ${log.logEndOffset}`,
    };
  }
  const firstBase =
    log.segmentsEnd > log.segmentsStart ? log.segments[log.segmentsStart].baseOffset : log.activeSegment.baseOffset;
  if (firstBase > targetOffset) {
    const removed = recordCount(log);
    return {
      log: truncateFullyAndStartAt(log, targetOffset, nowMs),
      truncated: true,
      removedRecords: removed,
      reason: `truncated the whole log and restarted it at offset ${targetOffset}`,
    };
  }
  const recordsEnd = lowerBound(log.records, log.recordsStart, log.recordsEnd, targetOffset, recordOffset);
  const removed = log.recordsEnd - recordsEnd;
  let segmentsEnd = log.segmentsEnd;
  let active = log.activeSegment;
  if (active.baseOffset > targetOffset) {
    // Segments starting after the target go; the last one at or below it becomes active again.
    segmentsEnd = lowerBound(log.segments, log.segmentsStart, log.segmentsEnd, targetOffset + 1, segmentBase);
    active = log.segments[segmentsEnd - 1];
    segmentsEnd -= 1;
  }
  const activeFrom = lowerBound(log.records, log.recordsStart, recordsEnd, active.baseOffset, recordOffset);
  active = resegment(active, log.records, activeFrom, recordsEnd);
  let size = active.sizeBytes;
  for (let i = log.segmentsStart; i < segmentsEnd; i++) size += log.segments[i].sizeBytes;
  const newLeo = targetOffset;
  const next: PartitionLog = {
    ...log,
    recordsEnd,
    segmentsEnd,
    activeSegment: active,
    logEndOffset: newLeo,
    logStartOffset: Math.min(targetOffset, log.logStartOffset),
    highWatermark: log.highWatermark >= newLeo ? newLeo : log.highWatermark,
    leaderEpochCache: truncateFromEnd(log.leaderEpochCache, targetOffset).cache,
    cleanerCheckpoint: Math.min(log.cleanerCheckpoint, targetOffset),
    sizeBytes: size,
  };
  return {
    log: next,
    truncated: true,
    removedRecords: removed,
    reason: `truncated to offset ${targetOffset}: removed ${removed} record(s) from offset ${targetOffset} to the old log end ${log.logEndOffset}`,
  };
}

/** `UnifiedLog#truncateFullyAndStartAt`: an empty log whose next offset is `newOffset`. */
export function truncateFullyAndStartAt(_log: PartitionLog, newOffset: number, nowMs: number): PartitionLog {
  return createLog({ startOffset: newOffset, nowMs });
}

// ---------------------------------------------------------------------------
// Retention (cleanup.policy=delete)

export interface RetentionResult {
  readonly log: PartitionLog;
  readonly deletedSegments: readonly LogSegment[];
  /** One line per pass that deleted something or was held back, naming the setting. */
  readonly reasons: readonly string[];
}

type SegmentPredicate = (seg: LogSegment, nextBaseOffset: number | null) => boolean;

/** Segment i of all segments (closed then active), and the base offset of the one after it. */
function segmentAt(log: PartitionLog, i: number): { seg: LogSegment; next: number | null } {
  const closed = log.segmentsEnd - log.segmentsStart;
  const seg = i < closed ? log.segments[log.segmentsStart + i] : log.activeSegment;
  const next =
    i + 1 < closed
      ? log.segments[log.segmentsStart + i + 1].baseOffset
      : i + 1 === closed
        ? log.activeSegment.baseOffset
        : null;
  return { seg, next };
}

/** `UnifiedLog#deletableSegments`: oldest first, while fully below the HW and the predicate holds. */
function deletableCount(
  log: PartitionLog,
  predicate: SegmentPredicate,
): { count: number; heldByHw: LogSegment | null } {
  const n = log.segmentsEnd - log.segmentsStart + 1;
  for (let i = 0; i < n; i++) {
    const { seg, next } = segmentAt(log, i);
    const upperBound = next ?? log.logEndOffset;
    // Un-replicated data is never deleted: the log start offset must never pass the HW.
    if (log.highWatermark < upperBound) return { count: i, heldByHw: seg };
    const isLastAndEmpty = next === null && seg.recordCount === 0;
    if (!predicate(seg, next) || isLastAndEmpty) return { count: i, heldByHw: null };
  }
  return { count: n, heldByHw: null };
}

/** `UnifiedLog#deleteSegments`: drops the first `count` segments (rolling first if that is all of them). */
function deleteFirstSegments(
  log: PartitionLog,
  count: number,
  nowMs: number,
): { log: PartitionLog; deleted: LogSegment[] } {
  let cur = log;
  const total = cur.segmentsEnd - cur.segmentsStart + 1;
  if (count === total) {
    // A log always keeps a segment: roll a fresh empty active one at the LEO first.
    cur = roll(cur, cur.logEndOffset, nowMs);
  }
  const deleted = cur.segments.slice(cur.segmentsStart, cur.segmentsStart + count);
  const segmentsStart = cur.segmentsStart + count;
  const newFirstBase =
    segmentsStart < cur.segmentsEnd ? cur.segments[segmentsStart].baseOffset : cur.activeSegment.baseOffset;
  let freed = 0;
  for (const s of deleted) freed += s.sizeBytes;
  const recordsStart = lowerBound(cur.records, cur.recordsStart, cur.recordsEnd, newFirstBase, recordOffset);
  const rw = maybeCompactSpan(cur.records, recordsStart, cur.recordsEnd);
  const sw = maybeCompactSpan(cur.segments, segmentsStart, cur.segmentsEnd);
  cur = {
    ...cur,
    records: rw.items,
    recordsStart: rw.start,
    recordsEnd: rw.end,
    segments: sw.items,
    segmentsStart: sw.start,
    segmentsEnd: sw.end,
    sizeBytes: cur.sizeBytes - freed,
  };
  // The log start offset becomes the base of the first remaining segment.
  cur = maybeIncrementLogStartOffset(cur, newFirstBase).log;
  return { log: cur, deleted };
}

function fmtBases(segs: readonly LogSegment[]): string {
  return segs.map((s) => s.baseOffset).join(",");
}

/**
 * `UnifiedLog#deleteOldSegments`, run by the retention task every
 * log.retention.check.interval.ms: segments below the log start offset, then
 * (cleanup.policy contains delete) retention.bytes, then retention.ms. Whole
 * segments only, oldest first, stopping at the first one that is not
 * deletable, and only segments entirely below the HW. The active segment can go
 * too (a new empty one is rolled first).
 */
export function deleteOldSegments(
  log: PartitionLog,
  nowMs: number,
  config: LogConfig = DEFAULT_LOG_CONFIG,
): RetentionResult {
  let cur = log;
  const deletedAll: LogSegment[] = [];
  const reasons: string[] = [];

  const startBreach = deletableCount(cur, (_s, next) => next !== null && next <= cur.logStartOffset);
  if (startBreach.count > 0) {
    const r = deleteFirstSegments(cur, startBreach.count, nowMs);
    reasons.push(
      `deleted segment(s) at ${fmtBases(r.deleted)}: entirely below the log start offset ${cur.logStartOffset}`,
    );
    cur = r.log;
    deletedAll.push(...r.deleted);
  }

  if (isDelete(config) && config.retentionBytes >= 0 && cur.sizeBytes >= config.retentionBytes) {
    let diff = cur.sizeBytes - config.retentionBytes;
    const sizeBefore = cur.sizeBytes;
    const res = deletableCount(cur, (s) => {
      if (diff - s.sizeBytes >= 0) {
        diff -= s.sizeBytes;
        return true;
      }
      return false;
    });
    if (res.count > 0) {
      const r = deleteFirstSegments(cur, res.count, nowMs);
      reasons.push(
        `deleted segment(s) at ${fmtBases(r.deleted)}: the log was ${sizeBefore} bytes, over retention.bytes=${config.retentionBytes}`,
      );
      cur = r.log;
      deletedAll.push(...r.deleted);
    }
    if (res.heldByHw !== null && diff - res.heldByHw.sizeBytes >= 0) {
      reasons.push(
        `segment at ${res.heldByHw.baseOffset} is over retention.bytes=${config.retentionBytes} but not yet below the high watermark ${cur.highWatermark}`,
      );
    }
  }

  if (isDelete(config) && config.retentionMs >= 0) {
    const expired = (s: LogSegment): boolean => nowMs - largestTimestampMs(s) > config.retentionMs;
    const res = deletableCount(cur, expired);
    if (res.count > 0) {
      const r = deleteFirstSegments(cur, res.count, nowMs);
      reasons.push(
        `deleted segment(s) at ${fmtBases(r.deleted)}: their newest record is older than retention.ms=${config.retentionMs}`,
      );
      cur = r.log;
      deletedAll.push(...r.deleted);
    }
    if (res.heldByHw !== null && res.heldByHw.recordCount > 0 && expired(res.heldByHw)) {
      reasons.push(
        `segment at ${res.heldByHw.baseOffset} is past retention.ms=${config.retentionMs} but not yet below the high watermark ${cur.highWatermark}`,
      );
    }
  }
  return { log: cur, deletedSegments: deletedAll, reasons };
}

// ---------------------------------------------------------------------------
// Compaction (cleanup.policy=compact)

export interface CleanableRange {
  readonly firstDirtyOffset: number;
  /** Base offset of the first segment the cleaner may not touch. */
  readonly firstUncleanableOffset: number;
  readonly cleanBytes: number;
  readonly cleanableBytes: number;
  readonly cleanableRatio: number;
  /** max.compaction.lag.ms forces a clean regardless of the ratio. */
  readonly needCompactionNow: boolean;
  readonly eligible: boolean;
  readonly reason: string;
}

/** Index (in all-segments numbering) of the segment containing `offset` (the floor), or 0 if before all. */
function floorSegmentIndex(log: PartitionLog, offset: number): number {
  const n = log.segmentsEnd - log.segmentsStart;
  if (log.activeSegment.baseOffset <= offset) return n;
  const i = lowerBound(log.segments, log.segmentsStart, log.segmentsEnd, offset + 1, segmentBase) - log.segmentsStart;
  return i === 0 ? 0 : i - 1;
}

/** Sum of sizes of segments whose base lies in [floor(from), to): `UnifiedLog#logSegments(from, to)`. */
function bytesOfSegments(log: PartitionLog, from: number, to: number): number {
  if (from >= to) return 0;
  const n = log.segmentsEnd - log.segmentsStart + 1;
  let sum = 0;
  for (let i = floorSegmentIndex(log, from); i < n; i++) {
    const { seg } = segmentAt(log, i);
    if (seg.baseOffset >= to) break;
    sum += seg.sizeBytes;
  }
  return sum;
}

/**
 * `LogCleanerManager#cleanableOffsets`, `#calculateCleanableBytes` and the
 * selection rule of `#grabFilthiestCompactedLog`: the dirty range starts at the
 * cleaner checkpoint and ends before the LSO (hence the HW), the active segment
 * and any segment newer than min.compaction.lag.ms, rounded down to a segment
 * base. The log is eligible when dirty / total > min.cleanable.dirty.ratio, or
 * when max.compaction.lag.ms has passed for some dirty data.
 */
export function cleanableRange(
  log: PartitionLog,
  nowMs: number,
  config: LogConfig,
  lastStableOffset: number = log.highWatermark,
): CleanableRange {
  const checkpoint = log.cleanerCheckpoint;
  const firstDirty = checkpoint < log.logStartOffset || checkpoint > log.logEndOffset ? log.logStartOffset : checkpoint;
  const active = log.activeSegment;
  const closed = log.segmentsEnd - log.segmentsStart;
  // Dirty non-active segments, from the one containing firstDirty.
  const dirtyFrom = firstDirty > active.baseOffset ? closed : floorSegmentIndex(log, firstDirty);
  let uncleanable = Math.min(lastStableOffset, active.baseOffset);
  let lagHeld: number | null = null;
  if (config.minCompactionLagMs > 0) {
    for (let i = dirtyFrom; i < closed; i++) {
      const s = log.segments[log.segmentsStart + i];
      if (largestTimestampMs(s) > nowMs - config.minCompactionLagMs) {
        if (s.baseOffset < uncleanable) {
          uncleanable = s.baseOffset;
          lagHeld = s.baseOffset;
        }
        break;
      }
    }
  }
  // Round down to the base of the segment containing the uncleanable offset (never past the active one).
  const firstUncleanableOffset =
    uncleanable >= active.baseOffset
      ? active.baseOffset
      : segmentAt(log, floorSegmentIndex(log, uncleanable)).seg.baseOffset;
  const cleanableBytes = bytesOfSegments(log, Math.min(firstDirty, firstUncleanableOffset), firstUncleanableOffset);
  const cleanBytes = bytesOfSegments(log, Number.MIN_SAFE_INTEGER, firstDirty);
  const total = cleanBytes + cleanableBytes;
  const ratio = total > 0 ? cleanableBytes / total : 0;
  // `maxCompactionDelay`: the earliest first-batch timestamp of a dirty non-active segment.
  let earliest = Number.MAX_SAFE_INTEGER;
  for (let i = dirtyFrom; i < closed; i++) {
    const ts = log.segments[log.segmentsStart + i].rollingBasedTimestampMs;
    if (ts >= 0 && ts < earliest) earliest = ts;
  }
  const needNow = earliest < nowMs - Math.max(config.maxCompactionLagMs, 0);
  const eligible = total > 0 && ((needNow && cleanableBytes > 0) || ratio > config.minCleanableDirtyRatio);
  let reason: string;
  if (log.sizeBytes === 0) reason = "nothing to clean: the log is empty";
  else if (cleanableBytes === 0) {
    reason =
      lagHeld !== null
        ? `nothing cleanable: the segment at ${lagHeld} is newer than min.compaction.lag.ms=${config.minCompactionLagMs}`
        : firstUncleanableOffset === active.baseOffset
          ? `nothing cleanable: only the active segment (from offset ${active.baseOffset}) or data at/above the high watermark is dirty, and neither is ever compacted`
          : `nothing cleanable below offset ${firstUncleanableOffset} (the last stable offset / high watermark bound)`;
  } else if (ratio > config.minCleanableDirtyRatio) {
    reason = `dirty ratio ${ratio.toFixed(2)} is above min.cleanable.dirty.ratio=${config.minCleanableDirtyRatio}`;
  } else if (needNow) {
    reason = `dirty data is older than max.compaction.lag.ms=${config.maxCompactionLagMs}`;
  } else {
    reason = `dirty ratio ${ratio.toFixed(2)} is not above min.cleanable.dirty.ratio=${config.minCleanableDirtyRatio}`;
  }
  return {
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset,
    cleanBytes,
    cleanableBytes,
    cleanableRatio: ratio,
    needCompactionNow: needNow,
    eligible,
    reason,
  };
}

export interface CleanResult {
  readonly log: PartitionLog;
  readonly cleaned: boolean;
  /** Records dropped because a later record has the same key (or no key). */
  readonly removedSuperseded: number;
  /** Tombstones dropped because their delete horizon had passed. */
  readonly removedTombstones: number;
  /** The new cleaner checkpoint when cleaned. */
  readonly endOffset: number;
  readonly reason: string;
}

/**
 * One pass of the log cleaner over this log (`Cleaner#doClean`), if the log is
 * eligible (or `force`). Builds key -> latest offset over the dirty range, then
 * recopies every segment below the end of that range, grouping neighbours up to
 * segment.bytes, keeping a record only if it is the latest for its key and, for
 * a tombstone, its delete horizon (set when first recopied, now +
 * delete.retention.ms) has not passed. Offsets are preserved; the checkpoint
 * moves to the end of the cleaned range. The active segment and everything
 * from the LSO/HW on are never touched.
 */
export function cleanLog(
  log: PartitionLog,
  nowMs: number,
  config: LogConfig,
  options: {
    readonly lastStableOffset?: number;
    readonly force?: boolean;
  } = {},
): CleanResult {
  const none = (reason: string): CleanResult => ({
    log,
    cleaned: false,
    removedSuperseded: 0,
    removedTombstones: 0,
    endOffset: log.cleanerCheckpoint,
    reason,
  });
  if (!isCompact(config)) return none(`cleanup.policy=${config.cleanupPolicy}: the log is not compacted`);
  const range = cleanableRange(log, nowMs, config, options.lastStableOffset ?? log.highWatermark);
  if (!range.eligible && !(options.force === true && range.cleanableBytes > 0)) return none(range.reason);

  // buildOffsetMap over [firstDirty, firstUncleanable).
  const dirtyFrom = lowerBound(log.records, log.recordsStart, log.recordsEnd, range.firstDirtyOffset, recordOffset);
  const dirtyTo = lowerBound(log.records, dirtyFrom, log.recordsEnd, range.firstUncleanableOffset, recordOffset);
  if (dirtyTo <= dirtyFrom) return none("nothing to clean: the dirty range holds no records");
  const latestByKey = new Map<string, number>();
  for (let i = dirtyFrom; i < dirtyTo; i++) {
    const r = log.records[i];
    if (r.key !== null) latestByKey.set(r.key, r.offset);
  }
  const latestOffset = log.records[dirtyTo - 1].offset;
  const endOffset = latestOffset + 1;

  // Segments to recopy: all closed segments with base < endOffset, grouped by size.
  const closedEnd = lowerBound(log.segments, log.segmentsStart, log.segmentsEnd, endOffset, segmentBase);
  const newSegments: LogSegment[] = [];
  const newRecords: KafkaRecord[] = [];
  let removedSuperseded = 0;
  let removedTombstones = 0;
  let g = log.segmentsStart;
  while (g < closedEnd) {
    const first = log.segments[g];
    let groupBytes = first.sizeBytes;
    let h = g + 1;
    while (h < closedEnd && groupBytes + log.segments[h].sizeBytes <= config.segmentBytes) {
      groupBytes += log.segments[h].sizeBytes;
      h++;
    }
    const groupEnd = h < log.segmentsEnd ? log.segments[h].baseOffset : log.activeSegment.baseOffset;
    const from = lowerBound(log.records, log.recordsStart, log.recordsEnd, first.baseOffset, recordOffset);
    const to = lowerBound(log.records, from, log.recordsEnd, groupEnd, recordOffset);
    let size = 0;
    let count = 0;
    let maxTs = NO_TIMESTAMP;
    let firstTs = NO_TIMESTAMP;
    for (let i = from; i < to; i++) {
      let r = log.records[i];
      if (r.offset <= latestOffset) {
        if (r.key === null) {
          removedSuperseded++; // invalid on a compacted topic: the cleaner discards it
          continue;
        }
        const found = latestByKey.get(r.key) ?? -1;
        if (r.offset < found) {
          removedSuperseded++;
          continue;
        }
        if (r.value === null) {
          if (r.deleteHorizonMs !== undefined && nowMs >= r.deleteHorizonMs) {
            removedTombstones++;
            continue;
          }
          // First recopy of a tombstone: it may be dropped after delete.retention.ms.
          if (r.deleteHorizonMs === undefined) r = { ...r, deleteHorizonMs: nowMs + config.deleteRetentionMs };
        }
      }
      newRecords.push(r);
      size += recordSizeBytes(r);
      count++;
      if (r.timestamp > maxTs) maxTs = r.timestamp;
      if (firstTs === NO_TIMESTAMP) firstTs = r.timestamp;
    }
    newSegments.push({
      baseOffset: first.baseOffset,
      sizeBytes: size,
      recordCount: count,
      maxTimestampMs: maxTs,
      rollingBasedTimestampMs: firstTs,
      createdAtMs: first.createdAtMs,
      lastModifiedMs: log.segments[h - 1].lastModifiedMs,
    });
    g = h;
  }
  // Everything from the first segment that was not recopied stays as it is.
  const boundary = closedEnd < log.segmentsEnd ? log.segments[closedEnd].baseOffset : log.activeSegment.baseOffset;
  const restFrom = lowerBound(log.records, log.recordsStart, log.recordsEnd, boundary, recordOffset);
  for (let i = restFrom; i < log.recordsEnd; i++) newRecords.push(log.records[i]);
  for (let i = closedEnd; i < log.segmentsEnd; i++) newSegments.push(log.segments[i]);
  let total = log.activeSegment.sizeBytes;
  for (const s of newSegments) total += s.sizeBytes;
  const next: PartitionLog = {
    ...log,
    records: newRecords,
    recordsStart: 0,
    recordsEnd: newRecords.length,
    segments: newSegments,
    segmentsStart: 0,
    segmentsEnd: newSegments.length,
    cleanerCheckpoint: endOffset,
    sizeBytes: total,
  };
  return {
    log: next,
    cleaned: true,
    removedSuperseded,
    removedTombstones,
    endOffset,
    reason:
      `compacted offsets below ${endOffset} (${range.reason}): removed ${removedSuperseded} record(s) superseded by a later value for the same key` +
      (removedTombstones > 0
        ? ` and ${removedTombstones} tombstone(s) older than delete.retention.ms=${config.deleteRetentionMs}`
        : ""),
  };
}

// ---------------------------------------------------------------------------
// Invariants (for tests and the engine's checker)

/** Every structural invariant of a log; returns the problems found (empty when sound). */
export function checkLogInvariants(log: PartitionLog): string[] {
  const problems: string[] = [];
  if (!(log.logStartOffset <= log.highWatermark && log.highWatermark <= log.logEndOffset)) {
    problems.push(
      `expected logStartOffset ${log.logStartOffset} <= HW ${log.highWatermark} <= LEO ${log.logEndOffset}`,
    );
  }
  const segs = segmentsOf(log);
  if (log.activeSegment.baseOffset > log.logEndOffset) {
    problems.push(`active segment base ${log.activeSegment.baseOffset} is beyond the LEO ${log.logEndOffset}`);
  }
  if (log.logStartOffset < segs[0].baseOffset) {
    problems.push(`log start offset ${log.logStartOffset} is below the first segment ${segs[0].baseOffset}`);
  }
  let size = 0;
  let ri = log.recordsStart;
  for (let s = 0; s < segs.length; s++) {
    const seg = segs[s];
    const upper = s + 1 < segs.length ? segs[s + 1].baseOffset : log.logEndOffset;
    if (s + 1 < segs.length && segs[s + 1].baseOffset <= seg.baseOffset)
      problems.push(`segment bases not increasing at ${seg.baseOffset}`);
    let count = 0;
    let bytes = 0;
    let maxTs = NO_TIMESTAMP;
    while (ri < log.recordsEnd && log.records[ri].offset < upper) {
      const r = log.records[ri];
      if (r.offset < seg.baseOffset) problems.push(`record ${r.offset} is below its segment base ${seg.baseOffset}`);
      count++;
      bytes += recordSizeBytes(r);
      if (r.timestamp > maxTs) maxTs = r.timestamp;
      ri++;
    }
    if (count !== seg.recordCount || bytes !== seg.sizeBytes || maxTs !== seg.maxTimestampMs) {
      problems.push(
        `segment ${seg.baseOffset} stats (${seg.recordCount} records, ${seg.sizeBytes} bytes) do not match its records (${count}, ${bytes})`,
      );
    }
    size += seg.sizeBytes;
  }
  if (ri !== log.recordsEnd)
    problems.push(`record at offset ${log.records[ri].offset} lies beyond the LEO ${log.logEndOffset}`);
  if (size !== log.sizeBytes) problems.push(`log size ${log.sizeBytes} does not match its segments (${size})`);
  for (let i = log.recordsStart + 1; i < log.recordsEnd; i++) {
    if (log.records[i].offset <= log.records[i - 1].offset) {
      problems.push(`offsets not strictly increasing at ${log.records[i].offset}`);
      break;
    }
  }
  const cacheProblem = checkEpochCache(log.leaderEpochCache);
  if (cacheProblem !== null) problems.push(cacheProblem);
  // Each record's epoch is the cache's epoch for its offset (one merge-walk over records and cache).
  // Records before the first entry have no known epoch (Kafka can truncate below a moved log start).
  const cache = log.leaderEpochCache;
  let ci = 0;
  for (let i = log.recordsStart; i < log.recordsEnd && cache.length > 0; i++) {
    const r = log.records[i];
    if (r.offset < log.logStartOffset || r.offset < cache[0].startOffset) continue;
    while (ci + 1 < cache.length && cache[ci + 1].startOffset <= r.offset) ci++;
    if (cache[ci].epoch !== r.leaderEpoch) {
      problems.push(`record ${r.offset} has epoch ${r.leaderEpoch} but the epoch cache says ${cache[ci].epoch}`);
      break;
    }
  }
  const latest = latestEntry(log.leaderEpochCache);
  if (latest !== undefined && latest.startOffset > log.logEndOffset) {
    problems.push(`epoch ${latest.epoch} starts at ${latest.startOffset}, beyond the LEO ${log.logEndOffset}`);
  }
  return problems;
}
