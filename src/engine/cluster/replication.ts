// Replication rules as pure functions over plain views: the follower fetch
// state the leader keeps (core/.../cluster/Replica.scala), the HW rule and the
// ISR rules (Partition.scala), produce acks (Partition#appendRecordsToLeader,
// #checkEnoughReplicasReachOffset, ReplicaManager), and follower truncation
// (Partition#readRecords' lastFetchedEpoch check, AbstractFetcherThread).
// partition.ts composes these with the log into the leader's state machine.

import { fmtIds, fmtTimeMs, includes, NEVER_MS, UNKNOWN_OFFSET, type BrokerId, type ControllerMode } from "./common.ts";
import { endOffsetFor, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET, type LeaderEpochCache } from "./epochCache.ts";
import type { KafkaErrorName } from "./errors.ts";

// ---------------------------------------------------------------------------
// The leader's view of one follower (Replica.scala ReplicaState)

export interface FollowerReplicaState {
  readonly brokerId: BrokerId;
  /** From the follower's last fetch; UNKNOWN_OFFSET (-1) before its first fetch to this leader. */
  readonly logStartOffset: number;
  /** The follower's LEO = its last fetch offset; UNKNOWN_OFFSET (-1) before its first fetch. */
  readonly logEndOffset: number;
  /** The leader's LEO when the previous fetch arrived. */
  readonly lastFetchLeaderLogEndOffset: number;
  readonly lastFetchTimeMs: number;
  /** The latest time t such that a fetch showed the follower had everything the leader had at t. */
  readonly lastCaughtUpTimeMs: number;
  /** The broker epoch carried by the last fetch (KRaft), null before any. */
  readonly brokerEpoch: number | null;
}

/** `ReplicaState.Empty`. */
export function initialReplicaState(brokerId: BrokerId): FollowerReplicaState {
  return {
    brokerId,
    logStartOffset: UNKNOWN_OFFSET,
    logEndOffset: UNKNOWN_OFFSET,
    lastFetchLeaderLogEndOffset: 0,
    lastFetchTimeMs: NEVER_MS,
    lastCaughtUpTimeMs: NEVER_MS,
    brokerEpoch: null,
  };
}

export interface CaughtUpResult {
  readonly caughtUp: boolean;
  readonly reason: string;
}

/**
 * `ReplicaState#isCaughtUp`: the follower has the leader's LEO, or was fully
 * caught up within replica.lag.time.max.ms. Lag is measured in time, never in
 * messages, so a silent follower of an idle partition stays in sync forever.
 */
export function isCaughtUp(
  replica: {
    readonly brokerId?: BrokerId;
    readonly logEndOffset: number;
    readonly lastCaughtUpTimeMs: number;
  },
  leaderLogEndOffset: number,
  nowMs: number,
  replicaLagTimeMaxMs: number,
): CaughtUpResult {
  const who = replica.brokerId === undefined ? "the follower" : `broker ${replica.brokerId}`;
  if (replica.logEndOffset === leaderLogEndOffset) {
    return {
      caughtUp: true,
      reason: `${who} has the leader's log end offset ${leaderLogEndOffset}`,
    };
  }
  const lagMs = nowMs - replica.lastCaughtUpTimeMs;
  if (lagMs <= replicaLagTimeMaxMs) {
    return {
      caughtUp: true,
      reason: `${who} was caught up ${lagMs} ms ago, within replica.lag.time.max.ms=${replicaLagTimeMaxMs}`,
    };
  }
  return {
    caughtUp: false,
    reason:
      replica.lastCaughtUpTimeMs === NEVER_MS
        ? `${who} has never caught up with this leader (replica.lag.time.max.ms=${replicaLagTimeMaxMs})`
        : `${who} has not caught up for ${lagMs} ms (replica.lag.time.max.ms=${replicaLagTimeMaxMs})`,
  };
}

export interface FollowerFetch {
  /** The fetch offset, which is the follower's LEO. */
  readonly fetchOffset: number;
  readonly followerLogStartOffset: number;
  readonly fetchTimeMs: number;
  /** The leader's LEO when the fetch was served (before any later append). */
  readonly leaderLogEndOffset: number;
  /** The follower's broker epoch from the request; -1 skips the KRaft epoch check. */
  readonly brokerEpoch: number;
}

/**
 * `Replica#updateFetchStateOrThrow`: records the fetch and moves
 * lastCaughtUpTimeMs: to this fetch's time if it reached the leader's current
 * LEO, else to the previous fetch's time if it reached the LEO the leader had
 * then (a follower that always fetches slightly behind a busy leader is still
 * in sync), else unchanged. A fetch with an older broker epoch than the
 * controller's (KRaft) is rejected with NOT_LEADER_OR_FOLLOWER.
 */
export function updateFetchState(
  replica: FollowerReplicaState,
  fetch: FollowerFetch,
  cachedBrokerEpoch: number | null = null,
): { replica: FollowerReplicaState; error: KafkaErrorName; reason: string } {
  if (fetch.brokerEpoch !== -1 && cachedBrokerEpoch !== null && cachedBrokerEpoch > fetch.brokerEpoch) {
    return {
      replica,
      error: "NOT_LEADER_OR_FOLLOWER",
      reason: `stale fetch from broker ${replica.brokerId}: broker epoch ${fetch.brokerEpoch} < ${cachedBrokerEpoch}`,
    };
  }
  let lastCaughtUpTimeMs = replica.lastCaughtUpTimeMs;
  let why: FetchStateWhy;
  if (fetch.fetchOffset >= fetch.leaderLogEndOffset) {
    lastCaughtUpTimeMs = Math.max(replica.lastCaughtUpTimeMs, fetch.fetchTimeMs);
    why = "reached";
  } else if (fetch.fetchOffset >= replica.lastFetchLeaderLogEndOffset) {
    lastCaughtUpTimeMs = Math.max(replica.lastCaughtUpTimeMs, replica.lastFetchTimeMs);
    why = "reachedPrevious";
  } else {
    why = "behind";
  }
  const next: FollowerReplicaState = {
    brokerId: replica.brokerId,
    logStartOffset: fetch.followerLogStartOffset,
    logEndOffset: fetch.fetchOffset,
    lastFetchLeaderLogEndOffset: Math.max(fetch.leaderLogEndOffset, replica.lastFetchLeaderLogEndOffset),
    lastFetchTimeMs: fetch.fetchTimeMs,
    lastCaughtUpTimeMs,
    brokerEpoch: fetch.brokerEpoch,
  };
  return new FetchStateUpdate(next, why, fetch.leaderLogEndOffset, replica.lastFetchLeaderLogEndOffset);
}

type FetchStateWhy = "reached" | "reachedPrevious" | "behind";

/** A recorded fetch whose reason is written when read (see writeReasons). */
class FetchStateUpdate {
  readonly replica: FollowerReplicaState;
  readonly error: KafkaErrorName = "NONE";
  private readonly why: FetchStateWhy;
  private readonly leaderLogEndOffset: number;
  private readonly previousLeaderLogEndOffset: number;
  constructor(
    replica: FollowerReplicaState,
    why: FetchStateWhy,
    leaderLogEndOffset: number,
    previousLeaderLogEndOffset: number,
  ) {
    this.replica = replica;
    this.why = why;
    this.leaderLogEndOffset = leaderLogEndOffset;
    this.previousLeaderLogEndOffset = previousLeaderLogEndOffset;
  }
  get reason(): string {
    const why =
      this.why === "reached"
        ? `it reached the leader's log end offset ${this.leaderLogEndOffset}`
        : this.why === "reachedPrevious"
          ? `it reached the leader's log end offset at its previous fetch (${this.previousLeaderLogEndOffset})`
          : `it is behind the leader's log end offset at its previous fetch (${this.previousLeaderLogEndOffset})`;
    // The replica's own fields are the fetch's offset and the new last-caught-up time.
    return `broker ${this.replica.brokerId} fetched at offset ${this.replica.logEndOffset}; last caught up ${fmtTimeMs(this.replica.lastCaughtUpTimeMs)} because ${why}`;
  }
}

/**
 * `Replica#resetReplicaState` at a leader election (new leader epoch): ISR
 * followers count as caught up now, the others as never, so a follower outside
 * the ISR does not hold the HW back. A brand-new leader forgets what it knew.
 */
export function resetReplicaState(
  replica: FollowerReplicaState,
  args: {
    readonly nowMs: number;
    readonly leaderLogEndOffset: number;
    readonly isNewLeader: boolean;
    readonly isFollowerInSync: boolean;
  },
): FollowerReplicaState {
  const lastCaughtUpTimeMs = args.isFollowerInSync ? args.nowMs : NEVER_MS;
  if (args.isNewLeader) {
    return {
      brokerId: replica.brokerId,
      logStartOffset: UNKNOWN_OFFSET,
      logEndOffset: UNKNOWN_OFFSET,
      lastFetchLeaderLogEndOffset: UNKNOWN_OFFSET,
      lastFetchTimeMs: NEVER_MS,
      lastCaughtUpTimeMs,
      brokerEpoch: null,
    };
  }
  return {
    ...replica,
    lastFetchLeaderLogEndOffset: args.leaderLogEndOffset,
    lastFetchTimeMs: args.isFollowerInSync ? args.nowMs : NEVER_MS,
    lastCaughtUpTimeMs,
  };
}

// ---------------------------------------------------------------------------
// ISR state (Partition.scala: CommittedPartitionState / PendingExpandIsr / PendingShrinkIsr)

export type PendingIsrChange =
  | {
      readonly kind: "expand";
      readonly brokerId: BrokerId;
      readonly proposedIsr: readonly BrokerId[];
    }
  | {
      readonly kind: "shrink";
      readonly removed: readonly BrokerId[];
      readonly proposedIsr: readonly BrokerId[];
    };

export interface IsrState {
  /** The committed ISR (as the controller last confirmed it). */
  readonly isr: readonly BrokerId[];
  /** The AlterPartition in flight, if any: only one may be. */
  readonly pending: PendingIsrChange | null;
}

/**
 * The "maximal" ISR (KIP-497): committed ISR plus a replica whose addition is
 * in flight; a replica whose removal is in flight still counts. Used for the
 * HW and acks=all, because assuming the larger set is always safe.
 */
export function maximalIsr(s: IsrState): BrokerId[] {
  if (s.pending !== null && s.pending.kind === "expand" && !includes(s.isr, s.pending.brokerId)) {
    return [...s.isr, s.pending.brokerId];
  }
  return s.isr.slice();
}

export function isInflight(s: IsrState): boolean {
  return s.pending !== null;
}

/** `Partition#effectiveMinIsr`: min.insync.replicas capped at the replication factor. */
export function effectiveMinIsr(minInsyncReplicas: number, replicationFactor: number): number {
  return Math.min(minInsyncReplicas, replicationFactor);
}

// ---------------------------------------------------------------------------
// ISR eligibility (Partition#isReplicaIsrEligible)

export interface BrokerStatus {
  readonly brokerId: BrokerId;
  /** ZooKeeper: registered (ephemeral znode present). KRaft: registered. */
  readonly alive: boolean;
  /** KRaft only. */
  readonly fenced: boolean;
  /** KRaft only: in controlled shutdown. */
  readonly inControlledShutdown: boolean;
  /** KRaft broker epoch as the metadata cache knows it. */
  readonly brokerEpoch: number;
}

/** What the leader's metadata cache says about brokers. */
export interface MetadataView {
  readonly mode: ControllerMode;
  readonly brokers: readonly BrokerStatus[];
}

export function brokerStatus(view: MetadataView, brokerId: BrokerId): BrokerStatus | undefined {
  // A loop, not find: a closure per call on every partition of every replica fetch (KRaft).
  for (const b of view.brokers) if (b.brokerId === brokerId) return b;
  return undefined;
}

/**
 * KRaft: the broker is registered, unfenced, not shutting down, and its fetch
 * carried the broker epoch the metadata knows (or -1). ZooKeeper: it is alive
 * (the controller keeps shutting-down brokers out itself).
 */
export function isReplicaIsrEligible(
  view: MetadataView,
  brokerId: BrokerId,
  fetchBrokerEpoch: number | null,
): { eligible: boolean; reason: string } {
  const b = brokerStatus(view, brokerId);
  if (b === undefined || !b.alive) return { eligible: false, reason: `broker ${brokerId} is not alive` };
  if (view.mode === "zk") return { eligible: true, reason: `broker ${brokerId} is alive` };
  if (b.fenced) return { eligible: false, reason: `broker ${brokerId} is fenced` };
  if (b.inControlledShutdown)
    return {
      eligible: false,
      reason: `broker ${brokerId} is in controlled shutdown`,
    };
  if (fetchBrokerEpoch === null)
    return {
      eligible: false,
      reason: `broker ${brokerId} has not fetched with a broker epoch yet`,
    };
  if (fetchBrokerEpoch !== -1 && fetchBrokerEpoch !== b.brokerEpoch) {
    return {
      eligible: false,
      reason: `broker ${brokerId} fetched with broker epoch ${fetchBrokerEpoch}, not ${b.brokerEpoch}`,
    };
  }
  return {
    eligible: true,
    reason: `broker ${brokerId} is registered, unfenced and not shutting down`,
  };
}

// ---------------------------------------------------------------------------
// The HW rule (Partition#maybeIncrementLeaderHW)

export interface HwFollowerView {
  readonly brokerId: BrokerId;
  readonly logEndOffset: number;
  /** In the maximal ISR (committed plus in-flight additions). */
  readonly inMaximalIsr: boolean;
  /** Not in the ISR but caught up (isCaughtUp) and ISR-eligible: the HW waits for it to join. */
  readonly caughtUpAndIsrEligible: boolean;
}

export interface HighWatermarkInput {
  readonly leaderLogEndOffset: number;
  /** The current HW. */
  readonly highWatermark: number;
  readonly committedIsrSize: number;
  readonly minInsyncReplicas: number;
  readonly replicationFactor: number;
  readonly followers: readonly HwFollowerView[];
  /** KAFKA-15583 (Kafka 3.7+): no HW progress while the ISR is below min ISR. Default true. */
  readonly freezeUnderMinIsr?: boolean;
}

export interface HighWatermarkResult {
  readonly highWatermark: number;
  readonly incremented: boolean;
  readonly frozenUnderMinIsr: boolean;
  /** The offset the rule arrived at before the never-go-back check. */
  readonly candidate: number;
  /** The follower that bounded the candidate, or null when it is the leader's LEO. */
  readonly boundedBy: BrokerId | null;
  readonly reason: string;
}

/**
 * The leader's HW: frozen while the committed ISR is smaller than the effective
 * min ISR (3.7+); otherwise the leader's LEO lowered to the LEO of every
 * follower in the maximal ISR, and of every follower outside it that is caught
 * up and eligible (so a recovering follower is not out-run forever). The HW
 * only ever moves up.
 */
export function computeLeaderHighWatermark(input: HighWatermarkInput): HighWatermarkResult {
  const minIsr = effectiveMinIsr(input.minInsyncReplicas, input.replicationFactor);
  if ((input.freezeUnderMinIsr ?? true) && input.committedIsrSize < minIsr) {
    return {
      highWatermark: input.highWatermark,
      incremented: false,
      frozenUnderMinIsr: true,
      candidate: input.highWatermark,
      boundedBy: null,
      reason:
        `high watermark stays at ${input.highWatermark}: the ISR has ${input.committedIsrSize} member(s), ` +
        `fewer than min.insync.replicas=${input.minInsyncReplicas}` +
        (input.minInsyncReplicas > input.replicationFactor
          ? ` (capped at the replication factor ${input.replicationFactor})`
          : ""),
    };
  }
  let candidate = input.leaderLogEndOffset;
  let boundedBy: BrokerId | null = null;
  let boundWhy = "";
  for (const f of input.followers) {
    if (f.logEndOffset < candidate && (f.inMaximalIsr || f.caughtUpAndIsrEligible)) {
      candidate = f.logEndOffset;
      boundedBy = f.brokerId;
      boundWhy = f.inMaximalIsr ? "an ISR member" : "caught up and about to join the ISR";
    }
  }
  return new ComputedHighWatermark(input.highWatermark, candidate, boundedBy, boundWhy);
}

/** The HW rule's answer (not frozen), its reason written when read (see writeReasons). */
class ComputedHighWatermark implements HighWatermarkResult {
  readonly highWatermark: number;
  readonly incremented: boolean;
  readonly frozenUnderMinIsr = false;
  readonly candidate: number;
  readonly boundedBy: BrokerId | null;
  private readonly previous: number;
  private readonly boundWhy: string;
  constructor(previous: number, candidate: number, boundedBy: BrokerId | null, boundWhy: string) {
    this.incremented = candidate > previous;
    this.highWatermark = this.incremented ? candidate : previous;
    this.candidate = candidate;
    this.boundedBy = boundedBy;
    this.previous = previous;
    this.boundWhy = boundWhy;
  }
  get reason(): string {
    const hw = this.highWatermark;
    const { boundedBy, boundWhy, candidate } = this;
    if (this.incremented) {
      return boundedBy === null
        ? `high watermark moved from ${this.previous} to ${hw}: every ISR member has the leader's log end offset`
        : `high watermark moved from ${this.previous} to ${hw}: broker ${boundedBy} (${boundWhy}) has log end offset ${hw}`;
    }
    if (boundedBy !== null) {
      return `high watermark stays at ${hw}: broker ${boundedBy} (${boundWhy}) is at log end offset ${candidate < 0 ? "unknown" : candidate}`;
    }
    return `high watermark stays at ${hw}: it already equals the leader's log end offset`;
  }
}

// ---------------------------------------------------------------------------
// ISR shrink and expand

/**
 * `Partition#getOutOfSyncReplicas`: ISR followers that are not caught up. None
 * while an AlterPartition is in flight (only one ISR change at a time). The
 * leader runs this every replica.lag.time.max.ms / 2.
 */
export function outOfSyncReplicas(args: {
  readonly isrState: IsrState;
  readonly localBrokerId: BrokerId;
  readonly followers: readonly FollowerReplicaState[];
  readonly leaderLogEndOffset: number;
  readonly nowMs: number;
  readonly replicaLagTimeMaxMs: number;
}): { outOfSync: BrokerId[]; reasons: string[] } {
  if (isInflight(args.isrState)) return { outOfSync: [], reasons: ["an ISR change is already in flight"] };
  const out: BrokerId[] = [];
  const reasons: string[] = [];
  for (const id of args.isrState.isr) {
    if (id === args.localBrokerId) continue;
    const f = args.followers.find((r) => r.brokerId === id);
    if (f === undefined) {
      out.push(id);
      reasons.push(`broker ${id} is not a replica of this leader any more`);
      continue;
    }
    const c = isCaughtUp(f, args.leaderLogEndOffset, args.nowMs, args.replicaLagTimeMaxMs);
    if (!c.caughtUp) {
      out.push(id);
      reasons.push(`broker ${id} leaves the ISR: ${c.reason}`);
    }
  }
  return { outOfSync: out, reasons };
}

/**
 * `Partition#isFollowerInSync` (the expand test): the follower's LEO has
 * reached the leader's HW AND the start offset of the leader's current epoch
 * (KAFKA-7128): otherwise it could be elected without committed records the
 * new leader wrote between its HW and its LEO.
 */
export function isFollowerInSync(args: {
  readonly followerLogEndOffset: number;
  readonly highWatermark: number;
  readonly leaderEpochStartOffset: number;
}): { inSync: boolean; reason: string } {
  if (args.followerLogEndOffset < args.highWatermark) {
    return {
      inSync: false,
      reason: `its log end offset ${args.followerLogEndOffset} is below the high watermark ${args.highWatermark}`,
    };
  }
  if (args.followerLogEndOffset < args.leaderEpochStartOffset) {
    return {
      inSync: false,
      reason: `its log end offset ${args.followerLogEndOffset} is below the start offset ${args.leaderEpochStartOffset} of the current leader epoch`,
    };
  }
  return {
    inSync: true,
    reason: `its log end offset ${args.followerLogEndOffset} reached the high watermark ${args.highWatermark} and the current leader epoch's start offset ${args.leaderEpochStartOffset}`,
  };
}

// ---------------------------------------------------------------------------
// Produce acks

export type ProduceResponseTiming =
  /** acks=0: no response is ever sent; the producer counts the send as done when written. */
  | "none"
  /** acks=1: as soon as the leader has appended. */
  | "leaderAppend"
  /** acks=all: parked until the HW passes the batch (or request.timeout.ms). */
  | "highWatermark";

export interface ProduceCheck {
  /** NONE means: append. */
  readonly error: KafkaErrorName;
  readonly response: ProduceResponseTiming;
  readonly reason: string;
}

/**
 * Before appending (`ReplicaManager#isValidRequiredAcks`,
 * `Partition#appendRecordsToLeader`): acks other than -1, 0, 1 are
 * INVALID_REQUIRED_ACKS; a non-leader answers NOT_LEADER_OR_FOLLOWER; acks=all
 * with a committed ISR smaller than the effective min ISR is rejected with
 * NOT_ENOUGH_REPLICAS and nothing is written. acks=0/1 ignore min.insync.replicas.
 */
export function checkProduceBeforeAppend(args: {
  readonly acks: number;
  readonly isLeader: boolean;
  readonly isrSize: number;
  readonly minInsyncReplicas: number;
  readonly replicationFactor: number;
}): ProduceCheck {
  if (args.acks !== -1 && args.acks !== 0 && args.acks !== 1) {
    return {
      error: "INVALID_REQUIRED_ACKS",
      response: "leaderAppend",
      reason: `acks=${args.acks} is not one of -1 (all), 0, 1`,
    };
  }
  const response: ProduceResponseTiming = args.acks === 0 ? "none" : args.acks === 1 ? "leaderAppend" : "highWatermark";
  if (!args.isLeader) {
    return {
      error: "NOT_LEADER_OR_FOLLOWER",
      response,
      reason: "this broker is not the partition leader; the client refreshes metadata and retries",
    };
  }
  const minIsr = effectiveMinIsr(args.minInsyncReplicas, args.replicationFactor);
  if (args.acks === -1 && args.isrSize < minIsr) {
    return {
      error: "NOT_ENOUGH_REPLICAS",
      response,
      reason: `rejected before appending: the ISR has ${args.isrSize} member(s), fewer than min.insync.replicas=${minIsr}`,
    };
  }
  const reason =
    args.acks === 0
      ? "acks=0: appended, and no response is ever sent"
      : args.acks === 1
        ? "acks=1: success as soon as the leader has appended (min.insync.replicas is not checked)"
        : `acks=all: appended, answered once every ISR member has it (ISR ${args.isrSize} >= min.insync.replicas=${minIsr})`;
  return { error: "NONE", response, reason };
}

export interface ReplicasReachOffset {
  /** True when the request can be answered now. */
  readonly done: boolean;
  readonly error: KafkaErrorName;
  readonly reason: string;
}

/**
 * `Partition#checkEnoughReplicasReachOffset` for a parked acks=all request:
 * done when the HW has reached `requiredOffset` (last offset + 1); then
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the maximal ISR has meanwhile shrunk
 * below min ISR (the data stays in the log). Not the leader any more:
 * NOT_LEADER_OR_FOLLOWER. A request still waiting at request.timeout.ms gets
 * REQUEST_TIMED_OUT from the purgatory (see produceTimeout).
 */
export function enoughReplicasReachOffset(args: {
  readonly requiredOffset: number;
  readonly isLeader: boolean;
  readonly highWatermark: number;
  readonly maximalIsrSize: number;
  readonly minInsyncReplicas: number;
  readonly replicationFactor: number;
}): ReplicasReachOffset {
  if (!args.isLeader) {
    return {
      done: true,
      error: "NOT_LEADER_OR_FOLLOWER",
      reason: "this broker lost leadership before the batch was replicated",
    };
  }
  if (args.highWatermark < args.requiredOffset) return new ReachOffset(false, args.highWatermark, args.requiredOffset);
  const minIsr = effectiveMinIsr(args.minInsyncReplicas, args.replicationFactor);
  if (args.maximalIsrSize < minIsr) {
    return {
      done: true,
      error: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
      reason: `the batch is committed but the ISR shrank to ${args.maximalIsrSize}, below min.insync.replicas=${minIsr}; the data stays in the log`,
    };
  }
  return new ReachOffset(true, args.highWatermark, args.requiredOffset);
}

/** Waiting or done without error, checked on every HW move of every parked request: reason written when read. */
class ReachOffset implements ReplicasReachOffset {
  readonly done: boolean;
  readonly error: KafkaErrorName = "NONE";
  private readonly highWatermark: number;
  private readonly requiredOffset: number;
  constructor(done: boolean, highWatermark: number, requiredOffset: number) {
    this.done = done;
    this.highWatermark = highWatermark;
    this.requiredOffset = requiredOffset;
  }
  get reason(): string {
    return this.done
      ? `every ISR member has the batch: high watermark ${this.highWatermark} >= ${this.requiredOffset}`
      : `waiting: the high watermark ${this.highWatermark} has not reached ${this.requiredOffset}`;
  }
}

/** `DelayedProduce#onExpiration`: a parked acks=all request whose timeout passed first. */
export function produceTimeout(requestTimeoutMs: number): {
  error: KafkaErrorName;
  reason: string;
} {
  return {
    error: "REQUEST_TIMED_OUT",
    reason: `the ISR did not replicate the batch within request.timeout.ms=${requestTimeoutMs}; the batch may still be in the log`,
  };
}

// ---------------------------------------------------------------------------
// Leader epochs on requests and follower truncation (KIP-101, KIP-279)

/**
 * `Partition#checkCurrentLeaderEpoch`: a request carrying an older leader epoch
 * is FENCED_LEADER_EPOCH (the sender is behind); a newer one is
 * UNKNOWN_LEADER_EPOCH (this broker is behind); -1 skips the check.
 */
export function checkCurrentLeaderEpoch(
  requestLeaderEpoch: number,
  localLeaderEpoch: number,
): { error: KafkaErrorName; reason: string } {
  if (requestLeaderEpoch === UNDEFINED_EPOCH) return { error: "NONE", reason: "no leader epoch in the request" };
  if (requestLeaderEpoch < localLeaderEpoch) {
    return {
      error: "FENCED_LEADER_EPOCH",
      reason: `request leader epoch ${requestLeaderEpoch} is older than this broker's ${localLeaderEpoch}`,
    };
  }
  if (requestLeaderEpoch > localLeaderEpoch) {
    return {
      error: "UNKNOWN_LEADER_EPOCH",
      reason: `request leader epoch ${requestLeaderEpoch} is newer than this broker's ${localLeaderEpoch}`,
    };
  }
  return new LeaderEpochMatches(localLeaderEpoch);
}

/** The check passed (every partition of every fetch): its reason is written when read. */
class LeaderEpochMatches {
  readonly error: KafkaErrorName = "NONE";
  private readonly epoch: number;
  constructor(epoch: number) {
    this.epoch = epoch;
  }
  get reason(): string {
    return `leader epoch ${this.epoch} matches`;
  }
}

export interface DivergingEpochCheck {
  /** OFFSET_OUT_OF_RANGE when the epoch's end is unknown or the fetch offset is below the log start. */
  readonly error: KafkaErrorName;
  /** Present when the follower's log diverges: it must truncate instead of receiving data. */
  readonly divergingEpoch: {
    readonly epoch: number;
    readonly endOffset: number;
  } | null;
  readonly reason: string;
}

/**
 * The leader's lastFetchedEpoch check on a follower fetch (`Partition#readRecords`,
 * truncation on fetch since IBP 2.7): look up where the follower's last epoch
 * ends here; if that answer is from an earlier epoch, or ends before the
 * fetch offset, the follower has records the leader does not, and the
 * response carries divergingEpoch = (epoch, endOffset) instead of data.
 */
export function checkLastFetchedEpoch(args: {
  readonly leaderEpochCache: LeaderEpochCache;
  readonly leaderLogEndOffset: number;
  readonly leaderLogStartOffset: number;
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
}): DivergingEpochCheck {
  if (args.lastFetchedEpoch === UNDEFINED_EPOCH) {
    return {
      error: "NONE",
      divergingEpoch: null,
      reason: "the fetch carries no last fetched epoch",
    };
  }
  const e = endOffsetFor(args.leaderEpochCache, args.lastFetchedEpoch, args.leaderLogEndOffset);
  if (e.endOffset === UNDEFINED_EPOCH_OFFSET || e.epoch === UNDEFINED_EPOCH) {
    return {
      error: "OFFSET_OUT_OF_RANGE",
      divergingEpoch: null,
      reason: `the leader cannot tell where epoch ${args.lastFetchedEpoch} ends: ${e.reason}`,
    };
  }
  if (args.fetchOffset < args.leaderLogStartOffset) {
    return {
      error: "OFFSET_OUT_OF_RANGE",
      divergingEpoch: null,
      reason: `fetch offset ${args.fetchOffset} is below the leader's log start offset ${args.leaderLogStartOffset}`,
    };
  }
  if (isDiverging(e, args.lastFetchedEpoch, args.fetchOffset)) {
    return {
      error: "NONE",
      divergingEpoch: { epoch: e.epoch, endOffset: e.endOffset },
      reason: `the follower's log diverges: on the leader epoch ${args.lastFetchedEpoch} ends as (epoch ${e.epoch}, offset ${e.endOffset}) but the follower fetches at ${args.fetchOffset}`,
    };
  }
  return new LastFetchedEpochMatches(args.lastFetchedEpoch, e.endOffset);
}

/** No divergence (every partition of every follower fetch): its reason is written when read. */
class LastFetchedEpochMatches implements DivergingEpochCheck {
  readonly error: KafkaErrorName = "NONE";
  readonly divergingEpoch = null;
  private readonly lastFetchedEpoch: number;
  private readonly endOffset: number;
  constructor(lastFetchedEpoch: number, endOffset: number) {
    this.lastFetchedEpoch = lastFetchedEpoch;
    this.endOffset = endOffset;
  }
  get reason(): string {
    return `epoch ${this.lastFetchedEpoch} matches the leader up to ${this.endOffset}`;
  }
}

/**
 * The divergence test itself: the leader's (epoch, endOffset) for the
 * follower's last fetched epoch is from an earlier epoch, or ends before the
 * follower's fetch offset.
 */
export function isDiverging(
  leaderAnswer: { readonly epoch: number; readonly endOffset: number },
  lastFetchedEpoch: number,
  fetchOffset: number,
): boolean {
  return leaderAnswer.epoch < lastFetchedEpoch || leaderAnswer.endOffset < fetchOffset;
}

export interface OffsetTruncationState {
  readonly truncateTo: number;
  /** False when the follower must ask again after this intermediate truncation (KIP-279). */
  readonly truncationCompleted: boolean;
  readonly reason: string;
}

/**
 * `AbstractFetcherThread#getOffsetTruncationState`, given the leader's answer
 * (E, O) for the follower's latest epoch (OffsetsForLeaderEpoch or a
 * divergingEpoch):
 * - O undefined: truncate to the initial fetch offset (the follower's HW);
 * - E undefined (old protocol): min(O, LEO);
 * - the follower's own end for E is (F, E): min(F, O, LEO);
 * - the follower's largest epoch <= E is another epoch E' ending at F: truncate
 *   to min(F, LEO) and ask again (KIP-279: the leader did not know its epoch);
 * - the follower knows no epoch <= E: min(O, LEO).
 */
export function offsetTruncationState(args: {
  readonly followerEpochCache: LeaderEpochCache;
  readonly followerLogEndOffset: number;
  readonly leaderEpochEndOffset: {
    readonly epoch: number;
    readonly endOffset: number;
  };
  /** The fetch offset the fetcher started from; the follower's HW when truncating via OffsetsForLeaderEpoch. */
  readonly initialFetchOffset: number;
}): OffsetTruncationState {
  const { epoch, endOffset } = args.leaderEpochEndOffset;
  const leo = args.followerLogEndOffset;
  if (endOffset === UNDEFINED_EPOCH_OFFSET) {
    return {
      truncateTo: args.initialFetchOffset,
      truncationCompleted: true,
      reason: `the leader does not know the follower's epoch; truncating to the initial fetch offset ${args.initialFetchOffset} (the high watermark)`,
    };
  }
  if (epoch === UNDEFINED_EPOCH) {
    return {
      truncateTo: Math.min(endOffset, leo),
      truncationCompleted: true,
      reason: `the leader answered without an epoch; truncating to its offset ${Math.min(endOffset, leo)}`,
    };
  }
  const mine = endOffsetFor(args.followerEpochCache, epoch, leo);
  if (mine.endOffset === UNDEFINED_EPOCH_OFFSET) {
    const t = Math.min(endOffset, leo);
    return {
      truncateTo: t,
      truncationCompleted: true,
      reason: `the follower tracks no epoch up to ${epoch}; truncating to the leader's end offset ${t}`,
    };
  }
  if (mine.epoch !== epoch) {
    const t = Math.min(mine.endOffset, leo);
    return {
      truncateTo: t,
      truncationCompleted: false,
      reason: `the follower never had epoch ${epoch}; its earlier epoch ${mine.epoch} ends at ${mine.endOffset}, so it truncates to ${t} and asks again (KIP-279)`,
    };
  }
  const t = Math.min(mine.endOffset, endOffset, leo);
  return {
    truncateTo: t,
    truncationCompleted: true,
    reason: `epoch ${epoch} ends at ${endOffset} on the leader and at ${mine.endOffset} here; truncating to ${t} (KIP-101)`,
  };
}

/**
 * `AbstractFetcherThread#fetchOffsetAndTruncate`, after OFFSET_OUT_OF_RANGE:
 * if the leader's LEO is below the follower's, truncate to it (only possible
 * after an unclean election); else, if the leader's log start is beyond the
 * follower's LEO, restart the follower's log there; else fetch from max(start, LEO).
 */
export function outOfRangeRecovery(args: {
  readonly followerLogEndOffset: number;
  readonly leaderLogStartOffset: number;
  readonly leaderLogEndOffset: number;
}): {
  action: "truncate" | "restartAt" | "fetchFrom";
  offset: number;
  reason: string;
} {
  if (args.leaderLogEndOffset < args.followerLogEndOffset) {
    return {
      action: "truncate",
      offset: args.leaderLogEndOffset,
      reason: `the leader's log ends at ${args.leaderLogEndOffset}, before this replica's ${args.followerLogEndOffset}: truncating (records may be lost)`,
    };
  }
  if (args.leaderLogStartOffset > args.followerLogEndOffset) {
    return {
      action: "restartAt",
      offset: args.leaderLogStartOffset,
      reason: `the leader's log now starts at ${args.leaderLogStartOffset}, after this replica's end ${args.followerLogEndOffset}: restarting the log there`,
    };
  }
  const offset = Math.max(args.leaderLogStartOffset, args.followerLogEndOffset);
  return { action: "fetchFrom", offset, reason: `fetching from ${offset}` };
}

/** Sorted copy, for comparing replica sets. */
export function sortedIds(ids: readonly BrokerId[]): BrokerId[] {
  return ids.slice().sort((a, b) => a - b);
}

/** "[1,2]" of a sorted copy: reasons that name a set. */
export function fmtIdSet(ids: readonly BrokerId[]): string {
  return fmtIds(sortedIds(ids));
}
