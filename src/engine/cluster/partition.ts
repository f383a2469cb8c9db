// The leader side of one partition (core/.../cluster/Partition.scala) and the
// follower's handling of fetch responses (ReplicaFetcherThread,
// AbstractFetcherThread), as reducers over plain data: each takes the state and
// the replica's log and returns new ones plus what to send (an AlterPartition)
// and one reason per decision for the trace. The engine owns time, messages and
// the controller; nothing here schedules anything.

import { fmtIds, includes, writeReasons, type BrokerId, type ReasonSource } from "./common.ts";
import { endOffsetFor } from "./epochCache.ts";
import type { KafkaErrorName } from "./errors.ts";
import {
  appendAsFollower,
  appendAsLeader,
  DEFAULT_LOG_CONFIG,
  EMPTY_SLICE,
  fetchUpperBound,
  latestEpochOf,
  maybeAssignEpochStartOffset,
  maybeIncrementHighWatermark,
  maybeIncrementLogStartOffset,
  read,
  truncateFullyAndStartAt,
  truncateTo,
  updateHighWatermark,
  type AppendResult,
  type LogConfig,
  type PartitionLog,
  type RecordInput,
  type RecordSlice,
} from "./log.ts";
import {
  checkCurrentLeaderEpoch,
  enoughReplicasReachOffset,
  checkLastFetchedEpoch,
  checkProduceBeforeAppend,
  computeLeaderHighWatermark,
  initialReplicaState,
  isCaughtUp,
  isFollowerInSync,
  isInflight,
  isReplicaIsrEligible,
  maximalIsr,
  offsetTruncationState,
  outOfRangeRecovery,
  outOfSyncReplicas,
  resetReplicaState,
  updateFetchState,
  brokerStatus,
  type FollowerReplicaState,
  type HighWatermarkResult,
  type IsrState,
  type MetadataView,
  type OffsetTruncationState,
  type ProduceResponseTiming,
  type ReplicasReachOffset,
} from "./replication.ts";

export interface PartitionConfig {
  /** min.insync.replicas */
  readonly minInsyncReplicas: number;
  /** replica.lag.time.max.ms */
  readonly replicaLagTimeMaxMs: number;
  /** KAFKA-15583 (3.7+) HW freeze under min ISR; default true (Kafka 3.9). */
  readonly freezeHighWatermarkUnderMinIsr?: boolean;
  readonly log: LogConfig;
}

export const DEFAULT_PARTITION_CONFIG: PartitionConfig = {
  minInsyncReplicas: 1,
  replicaLagTimeMaxMs: 30000,
  freezeHighWatermarkUnderMinIsr: true,
  log: DEFAULT_LOG_CONFIG,
};

/** What the leader knows about its partition (Partition.scala while isLeader). */
export interface LeaderPartition {
  readonly localBrokerId: BrokerId;
  /** The assignment, preferred leader first. */
  readonly replicas: readonly BrokerId[];
  readonly leaderEpoch: number;
  /** The leader's LEO when this epoch began: followers must reach it to join the ISR. */
  readonly leaderEpochStartOffset: number;
  readonly partitionEpoch: number;
  readonly isrState: IsrState;
  /** One per other replica, in assignment order. */
  readonly followers: readonly FollowerReplicaState[];
}

/** The AlterPartition the leader sends to the controller (KIP-497). */
export interface AlterPartitionRequest {
  readonly leaderId: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly newIsr: readonly BrokerId[];
  readonly kind: "expand" | "shrink";
}

export function replicationFactor(p: LeaderPartition): number {
  return p.replicas.length;
}

/** `Partition#isUnderMinIsr`: committed ISR smaller than the effective min ISR. */
export function isUnderMinIsr(p: LeaderPartition, config: PartitionConfig): boolean {
  return p.isrState.isr.length < Math.min(config.minInsyncReplicas, p.replicas.length);
}

/** `Partition#isUnderReplicated`: ISR smaller than the replication factor. */
export function isUnderReplicated(p: LeaderPartition): boolean {
  return p.isrState.isr.length < p.replicas.length;
}

// ---------------------------------------------------------------------------
// HW

/** `Partition#maybeIncrementLeaderHW` over this partition's state and the leader's log. */
export function maybeIncrementLeaderHW(
  p: LeaderPartition,
  log: PartitionLog,
  nowMs: number,
  config: PartitionConfig,
  metadata: MetadataView,
): { log: PartitionLog; hw: HighWatermarkResult } {
  const maximal = maximalIsr(p.isrState);
  const followers = p.followers.map((f) => {
    const inMaximal = includes(maximal, f.brokerId);
    const waitFor =
      !inMaximal &&
      isCaughtUp(f, log.logEndOffset, nowMs, config.replicaLagTimeMaxMs).caughtUp &&
      isReplicaIsrEligible(metadata, f.brokerId, f.brokerEpoch).eligible;
    return {
      brokerId: f.brokerId,
      logEndOffset: f.logEndOffset,
      inMaximalIsr: inMaximal,
      caughtUpAndIsrEligible: waitFor,
    };
  });
  const hw = computeLeaderHighWatermark({
    leaderLogEndOffset: log.logEndOffset,
    highWatermark: log.highWatermark,
    committedIsrSize: p.isrState.isr.length,
    minInsyncReplicas: config.minInsyncReplicas,
    replicationFactor: p.replicas.length,
    followers,
    freezeUnderMinIsr: config.freezeHighWatermarkUnderMinIsr,
  });
  if (!hw.incremented) return { log, hw };
  return { log: maybeIncrementHighWatermark(log, hw.highWatermark).log, hw };
}

// ---------------------------------------------------------------------------
// Becoming leader

export interface LeaderAndIsr {
  readonly localBrokerId: BrokerId;
  readonly replicas: readonly BrokerId[];
  readonly isr: readonly BrokerId[];
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}

export interface LeaderStep {
  readonly partition: LeaderPartition;
  readonly log: PartitionLog;
  readonly hwIncremented: boolean;
  readonly reasons: readonly string[];
}

/**
 * `Partition#makeLeader`: on a new leader epoch the leader records that the
 * epoch starts at its LEO (epoch cache) and resets what it knows about the
 * followers (ISR members count as caught up now). Then the HW may move, e.g.
 * when the ISR is down to the leader alone.
 */
export function makeLeader(
  prev: LeaderPartition | null,
  req: LeaderAndIsr,
  log: PartitionLog,
  nowMs: number,
  config: PartitionConfig,
  metadata: MetadataView,
): LeaderStep {
  const reasons: string[] = [];
  const isNewLeader = prev === null;
  const isNewEpoch = prev === null || req.leaderEpoch > prev.leaderEpoch;
  let cur = log;
  let startOffset = prev === null ? log.logEndOffset : prev.leaderEpochStartOffset;
  const byId = new Map<BrokerId, FollowerReplicaState>();
  if (prev !== null) for (const f of prev.followers) byId.set(f.brokerId, f);
  let followers = req.replicas.filter((r) => r !== req.localBrokerId).map((r) => byId.get(r) ?? initialReplicaState(r));
  if (isNewEpoch) {
    startOffset = log.logEndOffset;
    const a = maybeAssignEpochStartOffset(cur, req.leaderEpoch, startOffset);
    cur = a.log;
    reasons.push(
      `broker ${req.localBrokerId} leads from leader epoch ${req.leaderEpoch}, starting at offset ${startOffset}`,
    );
    followers = followers.map((f) =>
      resetReplicaState(f, {
        nowMs,
        leaderLogEndOffset: startOffset,
        isNewLeader,
        isFollowerInSync: includes(req.isr, f.brokerId),
      }),
    );
  }
  const partition: LeaderPartition = {
    localBrokerId: req.localBrokerId,
    replicas: req.replicas.slice(),
    leaderEpoch: isNewEpoch ? req.leaderEpoch : (prev as LeaderPartition).leaderEpoch,
    leaderEpochStartOffset: startOffset,
    partitionEpoch: req.partitionEpoch,
    isrState: { isr: req.isr.slice(), pending: null },
    followers,
  };
  const hw = maybeIncrementLeaderHW(partition, cur, nowMs, config, metadata);
  reasons.push(hw.hw.reason);
  return { partition, log: hw.log, hwIncremented: hw.hw.incremented, reasons };
}

// ---------------------------------------------------------------------------
// Follower fetches at the leader

export interface FollowerFetchStep extends LeaderStep {
  readonly error: KafkaErrorName;
  readonly alterPartition: AlterPartitionRequest | null;
}

/**
 * `Partition#updateFollowerFetchState`: record the fetch, maybe expand the ISR
 * (`maybeExpandIsr`: not in ISR, eligible, no change in flight, and
 * `isFollowerInSync`), and if the follower's LEO moved, re-run the HW rule.
 */
export function updateFollowerFetchState(
  p: LeaderPartition,
  log: PartitionLog,
  fetch: {
    readonly brokerId: BrokerId;
    readonly fetchOffset: number;
    readonly followerLogStartOffset: number;
    readonly brokerEpoch: number;
    /** The leader's LEO when the fetch was read (defaults to the current one). */
    readonly leaderLogEndOffset?: number;
  },
  nowMs: number,
  config: PartitionConfig,
  metadata: MetadataView,
): FollowerFetchStep {
  // A loop, not findIndex: a closure per call on every partition of every replica fetch.
  let idx = -1;
  for (let i = 0; i < p.followers.length; i++) {
    if (p.followers[i].brokerId === fetch.brokerId) {
      idx = i;
      break;
    }
  }
  if (idx < 0) {
    return {
      partition: p,
      log,
      hwIncremented: false,
      error: "NOT_LEADER_OR_FOLLOWER",
      alterPartition: null,
      reasons: [`broker ${fetch.brokerId} is not a replica of this partition`],
    };
  }
  const before = p.followers[idx];
  const cached = metadata.mode === "kraft" ? (brokerStatus(metadata, fetch.brokerId)?.brokerEpoch ?? null) : null;
  const upd = updateFetchState(
    before,
    {
      fetchOffset: fetch.fetchOffset,
      followerLogStartOffset: fetch.followerLogStartOffset,
      fetchTimeMs: nowMs,
      leaderLogEndOffset: fetch.leaderLogEndOffset ?? log.logEndOffset,
      brokerEpoch: fetch.brokerEpoch,
    },
    cached,
  );
  if (upd.error !== "NONE") {
    return { partition: p, log, hwIncremented: false, error: upd.error, alterPartition: null, reasons: [upd.reason] };
  }
  const followers = p.followers.slice();
  followers[idx] = upd.replica;
  // Written out (no spread): this runs for every partition of every follower fetch.
  let cur: LeaderPartition = {
    localBrokerId: p.localBrokerId,
    replicas: p.replicas,
    leaderEpoch: p.leaderEpoch,
    leaderEpochStartOffset: p.leaderEpochStartOffset,
    partitionEpoch: p.partitionEpoch,
    isrState: p.isrState,
    followers,
  };
  const reasons: ReasonSource[] = [upd];
  let alter: AlterPartitionRequest | null = null;

  // maybeExpandIsr
  const st = cur.isrState;
  if (!isInflight(st) && !includes(st.isr, fetch.brokerId)) {
    const elig = isReplicaIsrEligible(metadata, fetch.brokerId, upd.replica.brokerEpoch);
    const sync = isFollowerInSync({
      followerLogEndOffset: upd.replica.logEndOffset,
      highWatermark: log.highWatermark,
      leaderEpochStartOffset: cur.leaderEpochStartOffset,
    });
    if (elig.eligible && sync.inSync) {
      const proposed = [...st.isr, fetch.brokerId];
      cur = {
        ...cur,
        isrState: { isr: st.isr, pending: { kind: "expand", brokerId: fetch.brokerId, proposedIsr: proposed } },
      };
      alter = {
        leaderId: cur.localBrokerId,
        leaderEpoch: cur.leaderEpoch,
        partitionEpoch: cur.partitionEpoch,
        newIsr: proposed,
        kind: "expand",
      };
      reasons.push(
        `broker ${fetch.brokerId} rejoins the ISR (AlterPartition to ${fmtIds(proposed)} sent): ${sync.reason}`,
      );
    } else if (!elig.eligible) {
      reasons.push(`broker ${fetch.brokerId} cannot join the ISR: ${elig.reason}`);
    } else {
      reasons.push(`broker ${fetch.brokerId} stays out of the ISR: ${sync.reason}`);
    }
  }
  let curLog = log;
  let hwIncremented = false;
  if (before.logEndOffset !== upd.replica.logEndOffset) {
    const hw = maybeIncrementLeaderHW(cur, log, nowMs, config, metadata);
    curLog = hw.log;
    hwIncremented = hw.hw.incremented;
    reasons.push(hw.hw);
  }
  return new FollowerFetchDone(cur, curLog, hwIncremented, alter, reasons);
}

/** A follower fetch recorded without error (every partition of every replica fetch): reasons written when read. */
class FollowerFetchDone implements FollowerFetchStep {
  readonly partition: LeaderPartition;
  readonly log: PartitionLog;
  readonly hwIncremented: boolean;
  readonly error: KafkaErrorName = "NONE";
  readonly alterPartition: AlterPartitionRequest | null;
  readonly reasonSources: readonly ReasonSource[];
  constructor(
    partition: LeaderPartition,
    log: PartitionLog,
    hwIncremented: boolean,
    alterPartition: AlterPartitionRequest | null,
    reasonSources: readonly ReasonSource[],
  ) {
    this.partition = partition;
    this.log = log;
    this.hwIncremented = hwIncremented;
    this.alterPartition = alterPartition;
    this.reasonSources = reasonSources;
  }
  get reasons(): readonly string[] {
    return writeReasons(this.reasonSources);
  }
}

/** A follower fetch served with records (or none yet): the read's reason, then the step's. */
class ServedFollowerFetch implements FollowerFetchStep {
  readonly error: KafkaErrorName = "NONE";
  readonly response: FollowerFetchResponse;
  private readonly step: FollowerFetchDone;
  private readonly read: ReasonSource;
  constructor(step: FollowerFetchDone, read: ReasonSource, response: FollowerFetchResponse) {
    this.step = step;
    this.read = read;
    this.response = response;
  }
  get partition(): LeaderPartition {
    return this.step.partition;
  }
  get log(): PartitionLog {
    return this.step.log;
  }
  get hwIncremented(): boolean {
    return this.step.hwIncremented;
  }
  get alterPartition(): AlterPartitionRequest | null {
    return this.step.alterPartition;
  }
  get reasons(): readonly string[] {
    return writeReasons([this.read, ...this.step.reasonSources]);
  }
}

/** What the leader answers to one partition of a follower's Fetch. */
export interface FollowerFetchResponse {
  readonly error: KafkaErrorName;
  readonly records: RecordSlice;
  readonly divergingEpoch: { readonly epoch: number; readonly endOffset: number } | null;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
}

/**
 * A follower Fetch at the leader (`Partition#fetchRecords` for a follower):
 * check the request's leader epoch, the lastFetchedEpoch (divergingEpoch
 * instead of data when the logs diverge), read up to the LEO, then record the
 * fetch (unless diverging) as `updateFollowerFetchState` does, using the LEO
 * from before the read.
 */
export function handleFollowerFetch(
  p: LeaderPartition,
  log: PartitionLog,
  req: {
    readonly replicaId: BrokerId;
    readonly fetchOffset: number;
    readonly lastFetchedEpoch: number;
    readonly currentLeaderEpoch: number;
    readonly followerLogStartOffset: number;
    readonly brokerEpoch: number;
    readonly maxRecords?: number;
    readonly maxBytes?: number;
  },
  nowMs: number,
  config: PartitionConfig,
  metadata: MetadataView,
): FollowerFetchStep & { readonly response: FollowerFetchResponse } {
  const base = { highWatermark: log.highWatermark, logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset };
  const epochCheck = checkCurrentLeaderEpoch(req.currentLeaderEpoch, p.leaderEpoch);
  if (epochCheck.error !== "NONE") return followerFetchFailed(p, log, base, epochCheck.error, epochCheck.reason);
  if (!includes(p.replicas, req.replicaId) || req.replicaId === p.localBrokerId) {
    return followerFetchFailed(
      p,
      log,
      base,
      "NOT_LEADER_OR_FOLLOWER",
      `broker ${req.replicaId} is not a follower of this partition`,
    );
  }
  const div = checkLastFetchedEpoch({
    leaderEpochCache: log.leaderEpochCache,
    leaderLogEndOffset: log.logEndOffset,
    leaderLogStartOffset: log.logStartOffset,
    fetchOffset: req.fetchOffset,
    lastFetchedEpoch: req.lastFetchedEpoch,
  });
  if (div.error !== "NONE") return followerFetchFailed(p, log, base, div.error, div.reason);
  if (div.divergingEpoch !== null) {
    return {
      partition: p,
      log,
      hwIncremented: false,
      error: "NONE",
      alterPartition: null,
      reasons: [div.reason],
      response: { ...base, error: "NONE", records: EMPTY_SLICE, divergingEpoch: div.divergingEpoch },
    };
  }
  const r = read(log, req.fetchOffset, {
    upperBound: fetchUpperBound(log, "LOG_END"),
    maxRecords: req.maxRecords,
    maxBytes: req.maxBytes,
  });
  if (r.error !== "NONE") return followerFetchFailed(p, log, base, r.error, r.reason);
  const step = updateFollowerFetchState(
    p,
    log,
    {
      brokerId: req.replicaId,
      fetchOffset: req.fetchOffset,
      followerLogStartOffset: req.followerLogStartOffset,
      brokerEpoch: req.brokerEpoch,
      leaderLogEndOffset: base.logEndOffset,
    },
    nowMs,
    config,
    metadata,
  );
  if (step instanceof FollowerFetchDone) {
    // Every partition of every replica fetch: reasons stay unwritten (see writeReasons).
    return new ServedFollowerFetch(step, r, {
      error: "NONE",
      records: r.records,
      divergingEpoch: null,
      // The HW in the response is the one after this fetch's HW update.
      highWatermark: step.log.highWatermark,
      logStartOffset: base.logStartOffset,
      logEndOffset: base.logEndOffset,
    });
  }
  // Written out field by field: object spreads were a visible share of a busy run.
  const reasons = [r.reason];
  for (const reason of step.reasons) reasons.push(reason);
  return {
    partition: step.partition,
    log: step.log,
    hwIncremented: step.hwIncremented,
    error: step.error,
    alterPartition: step.alterPartition,
    reasons,
    response: {
      error: step.error,
      records: step.error === "NONE" ? r.records : EMPTY_SLICE,
      divergingEpoch: null,
      // The HW in the response is the one after this fetch's HW update.
      highWatermark: step.log.highWatermark,
      logStartOffset: base.logStartOffset,
      logEndOffset: base.logEndOffset,
    },
  };
}

function followerFetchFailed(
  p: LeaderPartition,
  log: PartitionLog,
  base: { readonly highWatermark: number; readonly logStartOffset: number; readonly logEndOffset: number },
  error: KafkaErrorName,
  reason: string,
): FollowerFetchStep & { readonly response: FollowerFetchResponse } {
  return {
    partition: p,
    log,
    hwIncremented: false,
    error,
    alterPartition: null,
    reasons: [reason],
    response: { ...base, error, records: EMPTY_SLICE, divergingEpoch: null },
  };
}

/**
 * OffsetsForLeaderEpoch on this replica (`Partition#lastOffsetForLeaderEpoch`):
 * check the request's leader epoch, then answer where `requestedEpoch` ends
 * here; an unknown epoch answers (-1, -1) without an error.
 */
export function lastOffsetForLeaderEpoch(
  log: PartitionLog,
  localLeaderEpoch: number,
  currentLeaderEpoch: number,
  requestedEpoch: number,
): { error: KafkaErrorName; epoch: number; endOffset: number; reason: string } {
  const check = checkCurrentLeaderEpoch(currentLeaderEpoch, localLeaderEpoch);
  if (check.error !== "NONE") return { error: check.error, epoch: -1, endOffset: -1, reason: check.reason };
  const e = endOffsetFor(log.leaderEpochCache, requestedEpoch, log.logEndOffset);
  return { error: "NONE", epoch: e.epoch, endOffset: e.endOffset, reason: e.reason };
}

// ---------------------------------------------------------------------------
// ISR shrink and the AlterPartition round trip

/**
 * `Partition#maybeShrinkIsr` (the isr-expiration task, every
 * replica.lag.time.max.ms / 2): propose the ISR without the followers that are
 * not caught up. The maximal ISR keeps them until the controller confirms, so
 * the HW does not run ahead of a change that may fail.
 */
export function maybeShrinkIsr(
  p: LeaderPartition,
  log: PartitionLog,
  nowMs: number,
  config: PartitionConfig,
): { partition: LeaderPartition; alterPartition: AlterPartitionRequest | null; reasons: string[] } {
  const o = outOfSyncReplicas({
    isrState: p.isrState,
    localBrokerId: p.localBrokerId,
    followers: p.followers,
    leaderLogEndOffset: log.logEndOffset,
    nowMs,
    replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
  });
  if (o.outOfSync.length === 0) {
    return {
      partition: p,
      alterPartition: null,
      reasons: o.reasons.length > 0 ? o.reasons : ["every ISR member is caught up"],
    };
  }
  const proposed = p.isrState.isr.filter((id) => !includes(o.outOfSync, id));
  const partition: LeaderPartition = {
    ...p,
    isrState: { isr: p.isrState.isr, pending: { kind: "shrink", removed: o.outOfSync, proposedIsr: proposed } },
  };
  return {
    partition,
    alterPartition: {
      leaderId: p.localBrokerId,
      leaderEpoch: p.leaderEpoch,
      partitionEpoch: p.partitionEpoch,
      newIsr: proposed,
      kind: "shrink",
    },
    reasons: [...o.reasons, `AlterPartition to ISR ${fmtIds(proposed)} sent`],
  };
}

export type AlterPartitionResponse =
  | {
      readonly error: "NONE";
      readonly isr: readonly BrokerId[];
      readonly leaderEpoch: number;
      readonly partitionEpoch: number;
    }
  | { readonly error: Exclude<KafkaErrorName, "NONE"> };

/**
 * `Partition#handleAlterPartitionUpdate` / `#handleAlterPartitionError`. On
 * success the committed ISR becomes the controller's answer and the HW is
 * re-evaluated. OPERATION_NOT_ATTEMPTED and INELIGIBLE_REPLICA revert to the
 * last committed state; other errors leave the change pending until new
 * metadata (makeLeader) arrives.
 */
export function handleAlterPartitionResponse(
  p: LeaderPartition,
  log: PartitionLog,
  response: AlterPartitionResponse,
  nowMs: number,
  config: PartitionConfig,
  metadata: MetadataView,
): LeaderStep {
  if (p.isrState.pending === null)
    return { partition: p, log, hwIncremented: false, reasons: ["no ISR change was in flight"] };
  if (response.error !== "NONE") {
    if (response.error === "OPERATION_NOT_ATTEMPTED" || response.error === "INELIGIBLE_REPLICA") {
      return {
        partition: { ...p, isrState: { isr: p.isrState.isr, pending: null } },
        log,
        hwIncremented: false,
        reasons: [`the controller rejected the ISR change (${response.error}); back to ISR ${fmtIds(p.isrState.isr)}`],
      };
    }
    return {
      partition: p,
      log,
      hwIncremented: false,
      reasons: [`the ISR change failed (${response.error}); waiting for new metadata`],
    };
  }
  if (response.leaderEpoch !== p.leaderEpoch || response.partitionEpoch < p.partitionEpoch) {
    return { partition: p, log, hwIncremented: false, reasons: ["ignored a stale AlterPartition response"] };
  }
  const partition: LeaderPartition = {
    ...p,
    isrState: { isr: response.isr.slice(), pending: null },
    partitionEpoch: response.partitionEpoch,
  };
  const hw = maybeIncrementLeaderHW(partition, log, nowMs, config, metadata);
  return {
    partition,
    log: hw.log,
    hwIncremented: hw.hw.incremented,
    reasons: [`ISR is now ${fmtIds(response.isr)} (partition epoch ${response.partitionEpoch})`, hw.hw.reason],
  };
}

// ---------------------------------------------------------------------------
// Produce

export interface ProduceStep {
  readonly log: PartitionLog;
  readonly error: KafkaErrorName;
  readonly append: AppendResult | null;
  /** last offset + 1: the HW an acks=all request waits for; -1 when nothing was appended. */
  readonly requiredOffset: number;
  readonly response: ProduceResponseTiming;
  readonly hwIncremented: boolean;
  readonly reasons: readonly string[];
}

/**
 * `Partition#appendRecordsToLeader`: acks checks (INVALID_REQUIRED_ACKS,
 * NOT_ENOUGH_REPLICAS before writing), append with the leader epoch, then the
 * HW rule (with an ISR of one the HW moves on the append itself).
 */
export function appendRecordsToLeader(
  p: LeaderPartition | null,
  log: PartitionLog,
  batch: readonly RecordInput[],
  acks: number,
  nowMs: number,
  config: PartitionConfig,
  metadata: MetadataView,
): ProduceStep {
  const check = checkProduceBeforeAppend({
    acks,
    isLeader: p !== null,
    isrSize: p === null ? 0 : p.isrState.isr.length,
    minInsyncReplicas: config.minInsyncReplicas,
    replicationFactor: p === null ? 1 : p.replicas.length,
  });
  if (check.error !== "NONE" || p === null) {
    return {
      log,
      error: check.error,
      append: null,
      requiredOffset: -1,
      response: check.response,
      hwIncremented: false,
      reasons: [check.reason],
    };
  }
  const a = appendAsLeader(log, batch, p.leaderEpoch, nowMs, config.log);
  if (a.error !== "NONE" || a.firstOffset < 0) {
    return {
      log,
      error: a.error,
      append: a,
      requiredOffset: -1,
      response: check.response,
      hwIncremented: false,
      reasons: [a.reason],
    };
  }
  const hw = maybeIncrementLeaderHW(p, a.log, nowMs, config, metadata);
  return new Produced(hw.log, a, check.response, hw.hw.incremented, [check.reason, a, hw.hw]);
}

/** A leader append without error (every produced batch): reasons written when read (see writeReasons). */
class Produced implements ProduceStep {
  readonly log: PartitionLog;
  readonly error: KafkaErrorName = "NONE";
  readonly append: AppendResult;
  readonly requiredOffset: number;
  readonly response: ProduceResponseTiming;
  readonly hwIncremented: boolean;
  private readonly reasonSources: readonly ReasonSource[];
  constructor(
    log: PartitionLog,
    append: AppendResult,
    response: ProduceResponseTiming,
    hwIncremented: boolean,
    reasonSources: readonly ReasonSource[],
  ) {
    this.log = log;
    this.append = append;
    this.requiredOffset = append.lastOffset + 1;
    this.response = response;
    this.hwIncremented = hwIncremented;
    this.reasonSources = reasonSources;
  }
  get reasons(): readonly string[] {
    return writeReasons(this.reasonSources);
  }
}

/** `Partition#checkEnoughReplicasReachOffset` for a parked acks=all request (null partition: not the leader). */
export function checkEnoughReplicasReachOffset(
  p: LeaderPartition | null,
  log: PartitionLog,
  requiredOffset: number,
  config: PartitionConfig,
): ReplicasReachOffset {
  return enoughReplicasReachOffset({
    requiredOffset,
    isLeader: p !== null,
    highWatermark: log.highWatermark,
    maximalIsrSize: p === null ? 0 : maximalIsr(p.isrState).length,
    minInsyncReplicas: config.minInsyncReplicas,
    replicationFactor: p === null ? 1 : p.replicas.length,
  });
}

// ---------------------------------------------------------------------------
// Follower side

/** The follower's Fetch for one partition: from its LEO, with the epoch of its last batch. */
export function followerFetchRequest(
  log: PartitionLog,
  currentLeaderEpoch: number,
): {
  fetchOffset: number;
  lastFetchedEpoch: number;
  currentLeaderEpoch: number;
  followerLogStartOffset: number;
} {
  return {
    fetchOffset: log.logEndOffset,
    lastFetchedEpoch: latestEpochOf(log),
    currentLeaderEpoch,
    followerLogStartOffset: log.logStartOffset,
  };
}

export interface FollowerResponseStep {
  readonly log: PartitionLog;
  readonly action: "appended" | "truncated" | "restarted" | "none" | "error";
  readonly truncation: OffsetTruncationState | null;
  readonly reasons: readonly string[];
}

/**
 * The follower applying a fetch response (`ReplicaFetcherThread#processPartitionData`
 * and `AbstractFetcherThread`): a divergingEpoch truncates with
 * `offsetTruncationState`; OFFSET_OUT_OF_RANGE recovers as
 * `fetchOffsetAndTruncate`; otherwise append the records, take HW =
 * min(leader HW, own LEO) and follow the leader's log start offset.
 */
export function processFetchResponse(
  log: PartitionLog,
  response: FollowerFetchResponse,
  nowMs: number,
  config: LogConfig = DEFAULT_LOG_CONFIG,
): FollowerResponseStep {
  if (response.error === "OFFSET_OUT_OF_RANGE") {
    const rec = outOfRangeRecovery({
      followerLogEndOffset: log.logEndOffset,
      leaderLogStartOffset: response.logStartOffset,
      leaderLogEndOffset: response.logEndOffset,
    });
    if (rec.action === "truncate") {
      const t = truncateTo(log, rec.offset, nowMs);
      return { log: t.log, action: "truncated", truncation: null, reasons: [rec.reason, t.reason] };
    }
    if (rec.action === "restartAt") {
      return {
        log: truncateFullyAndStartAt(log, rec.offset, nowMs),
        action: "restarted",
        truncation: null,
        reasons: [rec.reason],
      };
    }
    return { log, action: "none", truncation: null, reasons: [rec.reason] };
  }
  if (response.error !== "NONE") {
    return { log, action: "error", truncation: null, reasons: [`fetch failed with ${response.error}`] };
  }
  if (response.divergingEpoch !== null) {
    const st = offsetTruncationState({
      followerEpochCache: log.leaderEpochCache,
      followerLogEndOffset: log.logEndOffset,
      leaderEpochEndOffset: response.divergingEpoch,
      initialFetchOffset: log.highWatermark,
    });
    const t = truncateTo(log, st.truncateTo, nowMs);
    return { log: t.log, action: "truncated", truncation: st, reasons: [st.reason, t.reason] };
  }
  let cur = log;
  let appended: AppendResult | null = null;
  if (response.records.to > response.records.from) {
    const a = appendAsFollower(cur, response.records, nowMs, config);
    if (a.error !== "NONE") return { log, action: "error", truncation: null, reasons: [a.reason] };
    cur = a.log;
    appended = a;
  }
  cur = updateHighWatermark(cur, response.highWatermark);
  const lso = maybeIncrementLogStartOffset(cur, response.logStartOffset);
  if (lso.error === "NONE") cur = lso.log;
  return new FollowerApplied(cur, appended, response.highWatermark);
}

/** A fetch response applied by a follower (every partition of every replica fetch): reasons written when read. */
class FollowerApplied implements FollowerResponseStep {
  readonly log: PartitionLog;
  readonly action: "appended" | "none";
  readonly truncation = null;
  private readonly appended: AppendResult | null;
  private readonly leaderHighWatermark: number;
  constructor(log: PartitionLog, appended: AppendResult | null, leaderHighWatermark: number) {
    this.log = log;
    this.action = appended === null ? "none" : "appended";
    this.appended = appended;
    this.leaderHighWatermark = leaderHighWatermark;
  }
  get reasons(): readonly string[] {
    const hw = `high watermark is now ${this.log.highWatermark} (leader's ${this.leaderHighWatermark}, own log end ${this.log.logEndOffset})`;
    return this.appended === null ? [hw] : [this.appended.reason, hw];
  }
}
