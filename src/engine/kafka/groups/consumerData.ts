// A consumer's state, as plain data. Most of it is process memory (lost on a
// crash); the ledger of what the application processed, the commit history
// and the counters are observations that survive restarts, so a checker can
// see duplicates and skips across a crash.

import type { ActorRecord } from "../../world/types.ts";
import type { ConsumerConfig } from "./config.ts";
import { AppendLog } from "../../core/appendLog.ts";
import { packMs, unpackMs, type PackedMs } from "../../core/trace.ts";

/** One record the application finished processing. Never mutated once written. */
export interface LedgerEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  /** The record's timestamp. */
  readonly timestamp: number;
  /** When poll() returned it. */
  readonly polledAtMs: number;
  /** When the application finished processing it. */
  readonly readAtMs: number;
  /** The generation (classic) or member epoch (consumer protocol) it was read in. */
  readonly generation: number;
  /** Position run: bumped whenever the position was set by anything but reading (assignment, reset, seek). */
  readonly run: number;
  /** The member was itself in a rebalance when poll() returned it. */
  readonly rebalancing: boolean;
  readonly incarnation: number;
}

export type CommitKind = "auto" | "sync" | "async" | "rebalance" | "revoke" | "close";

export interface CommitRecord {
  atMs: number;
  kind: CommitKind;
  generation: number;
  offsets: { topic: string; partition: number; offset: number }[];
  /** "pending", "NONE" or the error. */
  result: string;
  answeredAtMs: number;
}

/** The fields of a fetched record the application reads: the log's own record object, never a copy. */
export interface ApplicationRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly timestamp: number;
}

export interface DeliveredRecord {
  topic: string;
  partition: number;
  /** The fetched record itself (log records are immutable, so it is shared, not copied). */
  record: ApplicationRecord;
  generation: number;
  run: number;
  rebalancing: boolean;
}

/** What the ledger entries of one partition's records processed together share: one object per run. */
export interface LedgerRead {
  readonly topic: string;
  readonly partition: number;
  readonly polledAtMs: number;
  readonly generation: number;
  readonly run: number;
  readonly rebalancing: boolean;
  readonly incarnation: number;
}

/**
 * A ledger entry: the record (the log's own object), what its read shares with
 * the rest of the run, and when processing finished. Every record every
 * consumer processed is kept for the whole run (about 840k entries in a
 * minute of Boxing Day); a flat entry copied a dozen fields and boxed three
 * fractional doubles per entry (180 bytes), all copied by the young-generation
 * GC. Never changed once pushed (checkpoints share them, see AppendLog).
 */
export class ConsumedEntry implements LedgerEntry {
  readonly read: LedgerRead;
  readonly record: ApplicationRecord;
  /** Packed like a trace event's time (packMs): a fractional double would be a heap box per entry. */
  private readonly packedReadAt: PackedMs;
  constructor(read: LedgerRead, record: ApplicationRecord, readAtMs: number) {
    this.read = read;
    this.record = record;
    this.packedReadAt = packMs(readAtMs);
  }
  get readAtMs(): number {
    return unpackMs(this.packedReadAt);
  }
  get topic(): string {
    return this.read.topic;
  }
  get partition(): number {
    return this.read.partition;
  }
  get offset(): number {
    return this.record.offset;
  }
  get key(): string | null {
    return this.record.key;
  }
  get value(): string | null {
    return this.record.value;
  }
  get timestamp(): number {
    return this.record.timestamp;
  }
  get polledAtMs(): number {
    return this.read.polledAtMs;
  }
  get generation(): number {
    return this.read.generation;
  }
  get run(): number {
    return this.read.run;
  }
  get rebalancing(): boolean {
    return this.read.rebalancing;
  }
  get incarnation(): number {
    return this.read.incarnation;
  }
}

export interface BufferedBatch {
  tp: string;
  topic: string;
  partition: number;
  /** The position this batch continues from. */
  fetchOffset: number;
  records: ApplicationRecord[];
}

export interface InflightRequest {
  type: string;
  broker: number;
  sentAtMs: number;
  /** ConsumerFetch: tp -> fetch offset. */
  fetchOffsets?: Record<string, number>;
  /** OffsetFetch / ListOffsets: the partitions asked about. */
  tps?: string[];
  /** ListOffsets: why the position is being set. */
  why?: string;
  /** OffsetCommit: index into commits; what to do when answered. */
  commitIndex?: number;
  then?: "join" | "poll" | "revoke" | "none";
  /** ConsumerGroupHeartbeat: a leave. */
  leaving?: boolean;
}

export type AppState =
  "starting" | "polling" | "waiting" | "processing" | "stalled" | "committing" | "closed" | "failed";

export interface ConsumerStats {
  polls: number;
  delivered: number;
  deliveredWhileRebalancing: number;
  processed: number;
  duplicates: number;
  rebalancesJoined: number;
}

export interface ConsumerData extends Record<string, unknown> {
  // ---- runtime knobs and observations (carried over a restart)
  processingMsPerRecord: number;
  /** Every record the application processed, in order (shared by checkpoints, see AppendLog). */
  ledger: AppendLog<LedgerEntry>;
  commits: CommitRecord[];
  stats: ConsumerStats;
  /** tp -> inclusive offset ranges already processed (for duplicate counting). */
  readRanges: Record<string, [number, number][]>;
  nextRun: number;
  // ---- process memory
  nextRequestId: number;
  /**
   * Requests awaiting an answer, by request id, in the order they were sent.
   * A Map: ids are unique and only grow, and one is added and removed per
   * request (thousands a second on a busy group).
   */
  inflight: Map<number, InflightRequest>;
  coordinator: number;
  findInFlight: boolean;
  /** Consecutive coordinator failures: the rediscovery backs off exponentially (retry.backoff.ms up to 1000 ms). */
  coordinatorFailures: number;
  /** The coordinator found last time (to trace only changes). */
  lastCoordinator: number;
  /** No FindCoordinator before this time (the backoff). */
  findNotBeforeMs: number;
  /** topic -> per partition leader and leader epoch, from the last Metadata response. */
  metadata: Record<string, { leader: number; leaderEpoch: number }[]>;
  metadataInFlight: boolean;
  memberId: string;
  generation: number;
  protocolName: string | null;
  isLeader: boolean;
  rebalanceProtocol: "EAGER" | "COOPERATIVE";
  /** Consumer protocol: the member epoch (0 = not joined). */
  memberEpoch: number;
  heartbeatIntervalMs: number;
  joinInFlight: boolean;
  syncInFlight: boolean;
  heartbeatInFlight: boolean;
  /** onJoinPrepare's commitSync is out. */
  commitBeforeJoinInFlight: boolean;
  /** Consumer protocol: partitions being revoked (waiting for their commit). */
  revoking: string[];
  rejoinNeeded: boolean;
  rejoinReason: string;
  /** A fatal error the application would see (the consumer stops taking part). */
  fatal: string | null;
  /** Partition counts the leader used for its last assignment (to notice new partitions). */
  assignedTopicCounts: Record<string, number>;
  assigned: string[];
  positions: Record<string, number>;
  committed: Record<string, number>;
  offsetFetchPending: string[];
  resetting: string[];
  noOffset: string[];
  paused: string[];
  buffer: BufferedBatch[];
  /** `b${brokerId}` -> request id of the fetch in flight to that broker. */
  fetching: Record<string, number>;
  highWatermarks: Record<string, number>;
  runs: Record<string, number>;
  lastDelivered: Record<string, number>;
  appState: AppState;
  batch: DeliveredRecord[];
  batchPolledAtMs: number;
  lastPollMs: number;
  stalledUntilMs: number;
  lastAutoCommitMs: number;
}

export const consumerData = (a: ActorRecord): ConsumerData => a.data as ConsumerData;
export const consumerConfig = (a: ActorRecord): ConsumerConfig => a.config as unknown as ConsumerConfig;

export function freshConsumerData(cfg: ConsumerConfig, previous: Partial<ConsumerData>): ConsumerData {
  return {
    processingMsPerRecord: previous.processingMsPerRecord ?? cfg.processingMsPerRecord,
    ledger: previous.ledger ?? new AppendLog(),
    commits: previous.commits ?? [],
    stats: previous.stats ?? {
      polls: 0,
      delivered: 0,
      deliveredWhileRebalancing: 0,
      processed: 0,
      duplicates: 0,
      rebalancesJoined: 0,
    },
    readRanges: previous.readRanges ?? {},
    nextRun: previous.nextRun ?? 1,
    nextRequestId: 1,
    inflight: new Map(),
    coordinator: -1,
    findInFlight: false,
    coordinatorFailures: 0,
    lastCoordinator: -1,
    findNotBeforeMs: 0,
    metadata: {},
    metadataInFlight: false,
    memberId: "",
    generation: -1,
    protocolName: null,
    isLeader: false,
    rebalanceProtocol: "EAGER",
    memberEpoch: 0,
    heartbeatIntervalMs: 0,
    joinInFlight: false,
    syncInFlight: false,
    heartbeatInFlight: false,
    commitBeforeJoinInFlight: false,
    revoking: [],
    rejoinNeeded: false,
    rejoinReason: "",
    fatal: null,
    assignedTopicCounts: {},
    assigned: [],
    positions: {},
    committed: {},
    offsetFetchPending: [],
    resetting: [],
    noOffset: [],
    paused: [],
    buffer: [],
    fetching: {},
    highWatermarks: {},
    runs: {},
    lastDelivered: {},
    appState: "starting",
    batch: [],
    batchPolledAtMs: 0,
    lastPollMs: 0,
    stalledUntilMs: 0,
    lastAutoCommitMs: 0,
  };
}

/** A checkpoint copy: the ledger and commit history are append-only with immutable entries, so they are shared. */
export function cloneConsumerData(data: Record<string, unknown>): Record<string, unknown> {
  const d = data as ConsumerData;
  const { ledger, commits, ...rest } = d;
  const copy = structuredClone(rest) as Omit<ConsumerData, "ledger" | "commits">;
  return { ...copy, ledger: ledger.copy(), commits: commits.map((c) => ({ ...c })) };
}

/** Adds `offset` to a partition's processed ranges; returns true if it was already there (a duplicate). */
export function markRead(ranges: [number, number][], offset: number): boolean {
  for (let i = ranges.length - 1; i >= 0; i--) {
    const r = ranges[i];
    if (offset >= r[0] && offset <= r[1]) return true;
  }
  let i = ranges.length;
  while (i > 0 && ranges[i - 1][0] > offset) i--;
  const prev = i > 0 ? ranges[i - 1] : null;
  const next = i < ranges.length ? ranges[i] : null;
  if (prev && prev[1] + 1 === offset && next && offset + 1 === next[0]) {
    prev[1] = next[1];
    ranges.splice(i, 1);
  } else if (prev && prev[1] + 1 === offset) prev[1] = offset;
  else if (next && offset + 1 === next[0]) next[0] = offset;
  else ranges.splice(i, 0, [offset, offset]);
  return false;
}
