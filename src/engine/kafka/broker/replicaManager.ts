// The broker's data plane (ReplicaManager, Partition, the fetcher threads and
// the purgatories), as plain functions over the broker's data. Records never
// go through a state machine: appends, reads and fetches are function calls,
// and the rule layer in src/engine/cluster decides every outcome.

import {
  EMPTY_SLICE,
  createLog,
  deleteOldSegments,
  cleanLog,
  fetchUpperBound,
  logRecords,
  read,
  sliceToArray,
  updateHighWatermark,
} from "../../cluster/log.ts";
import type { LogConfig, PartitionLog, RecordInput, RecordSlice } from "../../cluster/log.ts";
import {
  appendRecordsToLeader,
  checkEnoughReplicasReachOffset,
  followerFetchRequest,
  handleAlterPartitionResponse,
  handleFollowerFetch,
  makeLeader,
  maybeShrinkIsr,
  processFetchResponse,
  type AlterPartitionRequest as RuleAlterPartitionRequest,
  type FollowerFetchResponse,
  type LeaderPartition,
  type PartitionConfig,
} from "../../cluster/partition.ts";
import type { MetadataView } from "../../cluster/replication.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { AlterPartitionResult } from "../controlPlane.ts";
import type { ClusterContext } from "../context.ts";
import type { Timings } from "../profile.ts";
import { brokerActorId } from "../ids.ts";
import { applyChanges, tpKey, type MetadataChange, type PartitionState, type TopicConfig } from "../metadata.ts";
import type { BrokerData, FetchPartitionRequest, ParkedFetch, ParkedProduce, ReplicaState } from "./brokerData.ts";
import {
  EMPTY_PRODUCER_STATE,
  checkBatch,
  incomingBatchOf,
  onHighWatermark as producerStateOnHighWatermark,
  rebuildProducerState,
  recordAppend,
} from "../producer/producerState.ts";
import { wakeConsumerFetches } from "./consumerFetch.ts";

// ----------------------------------------------------------------- messages

export interface ProduceRequest extends SimEvent {
  type: "Produce";
  requestId: number;
  acks: number;
  timeoutMs: number;
  partitions: { topic: string; partition: number; records: RecordInput[] }[];
}

export interface ProducePartitionResponse {
  topic: string;
  partition: number;
  error: string;
  baseOffset: number;
  /** The leader epoch the records were appended in (for the ledger). */
  leaderEpoch: number;
  /** The committed ISR when the answer was sent, so a later loss can be explained. */
  isr?: number[];
}

export interface ProduceResponse extends SimEvent {
  type: "ProduceResponse";
  requestId: number;
  broker: number;
  partitions: ProducePartitionResponse[];
}

export interface ReplicaFetchRequest extends SimEvent {
  type: "Fetch";
  replicaId: number;
  brokerEpoch: number;
  fetchSeq: number;
  maxWaitMs: number;
  partitions: FetchPartitionRequest[];
}

export interface ReplicaFetchPartitionResponse extends FollowerFetchResponse {
  topic: string;
  partition: number;
}

export interface ReplicaFetchResponse extends SimEvent {
  type: "FetchResponse";
  leaderId: number;
  fetchSeq: number;
  partitions: ReplicaFetchPartitionResponse[];
}

/** Timers of the broker core (the control-plane modules use their own prefixes). */
export const BROKER_TIMER = {
  isrShrink: "broker.isrShrinkTick",
  hwCheckpoint: "broker.hwCheckpointTick",
  retention: "broker.retentionTick",
  cleaner: "broker.cleanerTick",
  produceTimeout: "broker.produceTimeout",
  fetchWaitExpired: "broker.fetchWaitExpired",
  fetchRequestTimeout: "broker.fetchRequestTimeout",
  fetchBackoff: "broker.fetchBackoff",
} as const;

// ----------------------------------------------------------------- helpers

export const dataOf = (actor: ActorRecord): BrokerData => actor.data as BrokerData;

export function logConfigOf(config: TopicConfig): LogConfig {
  return {
    segmentBytes: config.segmentBytes,
    segmentMs: config.segmentMs,
    retentionMs: config.retentionMs,
    retentionBytes: config.retentionBytes,
    cleanupPolicy: config.cleanupPolicy,
    minCleanableDirtyRatio: config.minCleanableDirtyRatio,
    deleteRetentionMs: config.deleteRetentionMs,
    minCompactionLagMs: config.minCompactionLagMs,
    maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
    maxMessageBytes: 1_048_588,
  };
}

// Per-topic configs and the metadata view are derived from immutable values
// (a topic state, an image): computed once per value, not on every request.
const partitionConfigCache = new WeakMap<object, PartitionConfig>();
const metadataViewCache = new WeakMap<object, MetadataView>();

function partitionConfig(ctx: ClusterContext, d: BrokerData, topic: string): PartitionConfig {
  const t = d.image.topics[topic];
  if (t) {
    let cached = partitionConfigCache.get(t);
    if (!cached) {
      cached = computePartitionConfig(ctx, d, topic);
      partitionConfigCache.set(t, cached);
    }
    return cached;
  }
  return computePartitionConfig(ctx, d, topic);
}

function computePartitionConfig(ctx: ClusterContext, d: BrokerData, topic: string): PartitionConfig {
  const t = d.image.topics[topic];
  const config = t ? t.config : null;
  return {
    minInsyncReplicas: config ? config.minInsyncReplicas : ctx.spec.brokerConfig.minInsyncReplicas,
    replicaLagTimeMaxMs: ctx.spec.timings.replicaLagTimeMaxMs,
    freezeHighWatermarkUnderMinIsr: true,
    log: config ? logConfigOf(config) : logConfigOf({ ...defaultTopicConfig(ctx) }),
  };
}

function defaultTopicConfig(ctx: ClusterContext): TopicConfig {
  return {
    minInsyncReplicas: ctx.spec.brokerConfig.minInsyncReplicas,
    uncleanLeaderElectionEnable: ctx.spec.brokerConfig.uncleanLeaderElectionEnable,
    cleanupPolicy: "delete",
    retentionMs: ctx.spec.timings.retentionMs,
    retentionBytes: -1,
    segmentBytes: ctx.spec.timings.segmentBytes,
    segmentMs: ctx.spec.timings.segmentMs,
    minCleanableDirtyRatio: 0.5,
    deleteRetentionMs: ctx.spec.timings.deleteRetentionMs,
    minCompactionLagMs: 0,
  };
}

export function metadataView(ctx: ClusterContext, d: BrokerData): MetadataView {
  const brokersById = d.image.brokers;
  let cached = metadataViewCache.get(brokersById);
  if (!cached) {
    cached = computeMetadataView(ctx, d);
    metadataViewCache.set(brokersById, cached);
  }
  return cached;
}

function computeMetadataView(ctx: ClusterContext, d: BrokerData): MetadataView {
  const brokers = Object.values(d.image.brokers)
    .map((b) => ({
      brokerId: b.id,
      alive: ctx.spec.mode === "zookeeper" ? !b.fenced : true,
      fenced: b.fenced,
      inControlledShutdown: b.inControlledShutdown,
      brokerEpoch: b.epoch,
    }))
    .sort((a, b) => a.brokerId - b.brokerId);
  return { mode: ctx.spec.mode === "kraft" ? "kraft" : "zk", brokers };
}

function logOf(d: BrokerData, key: string, nowMs: number): PartitionLog {
  let log = d.disk.logs[key];
  if (!log) {
    log = createLog({ nowMs });
    d.disk.logs[key] = log;
  }
  return log;
}

function setLog(d: BrokerData, key: string, log: PartitionLog): void {
  d.disk.logs[key] = log;
}

// Every follower fetch walks this broker's replicas in key order. The set of
// keys changes only when a replica is added or removed (metadata), so the
// sorted list is kept per `replicas` record and dropped on those changes.
const sortedReplicaKeysCache = new WeakMap<BrokerData["replicas"], readonly string[]>();

function sortedReplicaKeys(d: BrokerData): readonly string[] {
  let keys = sortedReplicaKeysCache.get(d.replicas);
  if (keys === undefined) {
    keys = Object.keys(d.replicas).sort();
    sortedReplicaKeysCache.set(d.replicas, keys);
  }
  return keys;
}

/** Call after adding or deleting a key of `d.replicas` (replacing a value keeps the keys). */
function replicaKeysChanged(d: BrokerData): void {
  sortedReplicaKeysCache.delete(d.replicas);
}

/** The same replica state with a new leader view (written out: this runs on every follower fetch). */
function withLeaderPartition(
  rs: ReplicaState,
  leaderPartition: LeaderPartition,
  partitionEpoch = rs.partitionEpoch,
): ReplicaState {
  const next: ReplicaState = {
    topic: rs.topic,
    partition: rs.partition,
    role: rs.role,
    leader: rs.leader,
    leaderEpoch: rs.leaderEpoch,
    partitionEpoch,
    leaderPartition,
  };
  return next;
}

// Timer ids per broker id, built once: fetches re-arm them on every round trip.
const fetchTimeoutTimerIds: string[] = [];
const fetchWaitTimerIds: string[] = [];
function fetchTimeoutTimerId(leader: number): string {
  return (fetchTimeoutTimerIds[leader] ??= `fetchTimeout:${leader}`);
}
function fetchWaitTimerId(replicaId: number): string {
  return (fetchWaitTimerIds[replicaId] ??= `fetchWait:${replicaId}`);
}

function traceReasons(
  engine: Engine,
  actor: string,
  reasons: readonly string[],
  topicPartition: string,
  data?: Record<string, unknown>,
): void {
  for (const r of reasons) engine.record("note", actor, `${topicPartition}: ${r}`, data);
}

// ----------------------------------------------------------------- metadata

/**
 * Applies metadata from the controller and acts on it: become leader or
 * follower where the leader epoch went up, follow ISR changes of partitions
 * it leads, create logs for new replicas and drop deleted ones.
 */
export function applyMetadata(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  changes: readonly MetadataChange[],
  why: string,
): void {
  const d = dataOf(actor);
  d.image = applyChanges(d.image, changes);
  let touchedFetchers = false;
  // Like a broker applying a metadata delta: act once per partition, on its
  // final state in this batch, never on intermediate states of a replay.
  const lastPartitionChange = new Map<string, number>();
  changes.forEach((c, i) => {
    if (c.type === "partition") lastPartitionChange.set(tpKey(c.state.topic, c.state.partition), i);
  });
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    if (c.type === "partition" && lastPartitionChange.get(tpKey(c.state.topic, c.state.partition)) !== i) continue;
    if (c.type === "topicDeleted") {
      for (const key of Object.keys(d.replicas).sort()) {
        if (d.replicas[key].topic !== c.name) continue;
        failParkedProduce(engine, d, key, "UNKNOWN_TOPIC_OR_PARTITION");
        delete d.replicas[key];
        replicaKeysChanged(d);
        delete d.disk.logs[key];
        delete d.disk.hwCheckpoint[key];
        engine.record("note", actor.id, `${key}: replica deleted (topic ${c.name} was deleted) (${why})`);
        touchedFetchers = true;
      }
      continue;
    }
    if (c.type !== "partition") continue;
    if (applyPartitionState(ctx, engine, actor, c.state, why)) touchedFetchers = true;
  }
  if (touchedFetchers) ensureFetchers(ctx, engine, actor);
  for (const m of ctx.brokerModules) m.onMetadata?.(engine, actor, changes);
}

/** Returns true when the set of partitions this broker fetches may have changed. */
function applyPartitionState(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  st: PartitionState,
  why: string,
): boolean {
  const d = dataOf(actor);
  const me = d.brokerId;
  const key = tpKey(st.topic, st.partition);
  const prev = d.replicas[key];
  if (!st.replicas.includes(me)) {
    if (prev) {
      // StopReplica: the replica was moved away.
      failParkedProduce(engine, d, key, "NOT_LEADER_OR_FOLLOWER");
      delete d.replicas[key];
      replicaKeysChanged(d);
      delete d.disk.logs[key];
      engine.record("note", actor.id, `${key}: no longer a replica here (${why})`);
      return true;
    }
    return false;
  }
  if (prev && st.leaderEpoch < prev.leaderEpoch) {
    engine.record(
      "note",
      actor.id,
      `${key}: ignored stale metadata (leader epoch ${st.leaderEpoch} < ${prev.leaderEpoch})`,
    );
    return false;
  }
  const nowMs = engine.nowMs;
  const log = logOf(d, key, nowMs);
  const config = partitionConfig(ctx, d, st.topic);
  const view = metadataView(ctx, d);
  const newEpoch = !prev || st.leaderEpoch > prev.leaderEpoch;

  if (st.leader === me) {
    if (!prev || prev.role !== "leader" || newEpoch || st.partitionEpoch > prev.partitionEpoch) {
      const step = makeLeader(
        prev && prev.role === "leader" ? prev.leaderPartition : null,
        {
          localBrokerId: me,
          replicas: st.replicas,
          isr: st.isr,
          leaderEpoch: st.leaderEpoch,
          partitionEpoch: st.partitionEpoch,
        },
        log,
        nowMs,
        config,
        view,
      );
      setLog(d, key, step.log);
      if (!prev || prev.role !== "leader" || newEpoch) {
        // A new leader rebuilds its producer state from its log (ProducerStateManager#loadProducerState).
        d.producerStates[key] = rebuildProducerState(sliceToArray(logRecords(step.log)), step.log.highWatermark);
      }
      if (!prev) replicaKeysChanged(d);
      d.replicas[key] = {
        topic: st.topic,
        partition: st.partition,
        role: "leader",
        leader: me,
        leaderEpoch: st.leaderEpoch,
        partitionEpoch: st.partitionEpoch,
        leaderPartition: step.partition,
      };
      if (!prev || prev.role !== "leader" || newEpoch) {
        engine.record(
          "state",
          actor.id,
          `${key}: broker ${me} is now the leader (leader epoch ${st.leaderEpoch}, ISR [${st.isr.join(",")}]) — ${why}`,
          {
            topic: st.topic,
            partition: st.partition,
            role: "leader",
            leaderEpoch: st.leaderEpoch,
          },
        );
      }
      if (step.hwIncremented) onHighWatermarkIncrement(ctx, engine, actor, key);
      return true;
    }
    return false;
  }

  const role = st.leader < 0 ? "offline" : "follower";
  // Only a leader keeps producer state; a follower rebuilds it if it ever leads.
  delete d.producerStates[key];
  if (prev && prev.role === "leader") failParkedProduce(engine, d, key, "NOT_LEADER_OR_FOLLOWER");
  if (!prev || prev.role !== role || newEpoch || prev.leader !== st.leader) {
    if (!prev) replicaKeysChanged(d);
    d.replicas[key] = {
      topic: st.topic,
      partition: st.partition,
      role,
      leader: st.leader,
      leaderEpoch: st.leaderEpoch,
      partitionEpoch: st.partitionEpoch,
      leaderPartition: null,
    };
    engine.record(
      "state",
      actor.id,
      role === "offline"
        ? `${key}: no leader (offline); broker ${me} waits (${why})`
        : `${key}: broker ${me} now follows broker ${st.leader} (leader epoch ${st.leaderEpoch}) — ${why}`,
      { topic: st.topic, partition: st.partition, role, leaderEpoch: st.leaderEpoch },
    );
    return true;
  }
  d.replicas[key] = { ...prev, partitionEpoch: st.partitionEpoch };
  return false;
}

// ----------------------------------------------------------------- produce

export function handleProduce(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  from: string,
  req: ProduceRequest,
): void {
  const d = dataOf(actor);
  d.stats.produceRequests++;
  const nowMs = engine.nowMs;
  const results: ProducePartitionResponse[] = [];
  const waiting: ParkedProduce["partitions"] = [];
  for (const p of req.partitions) {
    const key = tpKey(p.topic, p.partition);
    const rs = d.replicas[key];
    // A fenced or partitioned leader does not know it was replaced: it keeps
    // accepting writes until metadata tells it otherwise (the zombie leader).
    const notLeader = !rs || rs.role !== "leader" || !rs.leaderPartition;
    if (notLeader) {
      const error = d.image.topics[p.topic] || rs ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION";
      results.push({ topic: p.topic, partition: p.partition, error, baseOffset: -1, leaderEpoch: -1 });
      continue;
    }
    const config = partitionConfig(ctx, d, p.topic);
    // Idempotence (KIP-98): a batch already written is answered with its
    // original offsets and not appended again; a gap or an old epoch is refused.
    const batch = incomingBatchOf(p.records);
    const producerState = d.producerStates[key] ?? EMPTY_PRODUCER_STATE;
    if (batch !== null) {
      const verdict = checkBatch(producerState, batch);
      if (verdict.kind === "error") {
        d.stats.produceErrors[verdict.error] = (d.stats.produceErrors[verdict.error] ?? 0) + 1;
        engine.record(
          "note",
          actor.id,
          `${key}: produce from ${from} rejected with ${verdict.error}: ${verdict.reason}`,
          { error: verdict.error, topic: p.topic, partition: p.partition },
        );
        results.push({
          topic: p.topic,
          partition: p.partition,
          error: verdict.error,
          baseOffset: -1,
          leaderEpoch: rs.leaderEpoch,
        });
        continue;
      }
      if (verdict.kind === "duplicate") {
        engine.record(
          "note",
          actor.id,
          `${key}: a retried batch of producer ${batch.producerId} (sequence ${batch.firstSeq}–${batch.lastSeq}) is already at offset ${verdict.firstOffset}: answered, not written again (enable.idempotence)`,
          { duplicate: true },
        );
        if (req.acks === -1) {
          const check = checkEnoughReplicasReachOffset(
            rs.leaderPartition,
            logOf(d, key, nowMs),
            verdict.lastOffset + 1,
            config,
          );
          if (check.done)
            results.push({
              topic: p.topic,
              partition: p.partition,
              error: check.error,
              baseOffset: verdict.firstOffset,
              leaderEpoch: rs.leaderEpoch,
            });
          else
            waiting.push({
              topic: p.topic,
              partition: p.partition,
              requiredOffset: verdict.lastOffset + 1,
              baseOffset: verdict.firstOffset,
              error: "NONE",
              done: false,
            });
        } else
          results.push({
            topic: p.topic,
            partition: p.partition,
            error: "NONE",
            baseOffset: verdict.firstOffset,
            leaderEpoch: rs.leaderEpoch,
          });
        continue;
      }
    }
    const step = appendRecordsToLeader(
      rs.leaderPartition,
      logOf(d, key, nowMs),
      p.records,
      req.acks,
      nowMs,
      config,
      metadataView(ctx, d),
    );
    setLog(d, key, step.log);
    if (batch !== null && step.error === "NONE" && step.append) {
      d.producerStates[key] = recordAppend(producerState, batch, step.append.firstOffset, step.append.lastOffset);
    }
    if (step.error !== "NONE") {
      d.stats.produceErrors[step.error] = (d.stats.produceErrors[step.error] ?? 0) + 1;
      engine.record("note", actor.id, `${key}: produce from ${from} rejected with ${step.error}: ${step.reasons[0]}`, {
        error: step.error,
        topic: p.topic,
        partition: p.partition,
      });
      results.push({
        topic: p.topic,
        partition: p.partition,
        error: step.error,
        baseOffset: -1,
        leaderEpoch: rs.leaderEpoch,
      });
      continue;
    }
    const baseOffset = step.append ? step.append.firstOffset : -1;
    d.stats.recordsAppended += p.records.length;
    wakeParkedFetches(ctx, engine, actor, key);
    if (step.hwIncremented) onHighWatermarkIncrement(ctx, engine, actor, key);
    if (req.acks === -1) {
      const check = checkEnoughReplicasReachOffset(
        d.replicas[key].leaderPartition,
        d.disk.logs[key],
        step.requiredOffset,
        config,
      );
      if (check.done)
        results.push({
          topic: p.topic,
          partition: p.partition,
          error: check.error,
          baseOffset,
          leaderEpoch: rs.leaderEpoch,
        });
      else
        waiting.push({
          topic: p.topic,
          partition: p.partition,
          requiredOffset: step.requiredOffset,
          baseOffset,
          error: "NONE",
          done: false,
        });
    } else {
      results.push({ topic: p.topic, partition: p.partition, error: "NONE", baseOffset, leaderEpoch: rs.leaderEpoch });
    }
  }
  if (req.acks === 0) return; // acks=0: no response, ever
  if (waiting.length === 0) {
    sendProduceResponse(engine, actor, from, req.requestId, results);
    return;
  }
  // Parked in the produce purgatory until the HW passes every batch, or the request times out.
  const parked: ParkedProduce = {
    requestId: req.requestId,
    client: from,
    timeoutAtMs: nowMs + req.timeoutMs,
    partitions: [
      ...results.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        requiredOffset: -1,
        baseOffset: r.baseOffset,
        error: r.error,
        done: true,
      })),
      ...waiting,
    ],
  };
  d.produceParked.push(parked);
  engine.schedule(
    actor.id,
    req.timeoutMs,
    { type: BROKER_TIMER.produceTimeout, client: from, requestId: req.requestId },
    `produce:${from}:${req.requestId}`,
  );
}

function sendProduceResponse(
  engine: Engine,
  actor: ActorRecord,
  client: string,
  requestId: number,
  partitions: ProducePartitionResponse[],
): void {
  const d = dataOf(actor);
  for (const p of partitions) {
    const lp = d.replicas[tpKey(p.topic, p.partition)]?.leaderPartition;
    if (lp) p.isr = [...lp.isrState.isr];
  }
  const response: ProduceResponse = { type: "ProduceResponse", requestId, broker: d.brokerId, partitions };
  engine.send(actor.id, client, response);
}

/** Re-checks parked acks=all requests touching `key` (after the HW moved, the ISR changed, or leadership was lost). */
function completeParkedProduce(ctx: ClusterContext, engine: Engine, actor: ActorRecord, key: string): void {
  const d = dataOf(actor);
  if (d.produceParked.length === 0) return;
  const rs = d.replicas[key];
  const remaining: ParkedProduce[] = [];
  for (const parked of d.produceParked) {
    for (const p of parked.partitions) {
      if (p.done || tpKey(p.topic, p.partition) !== key) continue;
      const config = partitionConfig(ctx, d, p.topic);
      const check = checkEnoughReplicasReachOffset(
        rs && rs.role === "leader" ? rs.leaderPartition : null,
        d.disk.logs[key] ?? createLog(),
        p.requiredOffset,
        config,
      );
      if (check.done) {
        p.done = true;
        p.error = check.error;
        if (check.error !== "NONE")
          engine.record(
            "note",
            actor.id,
            `${key}: acks=all request ${parked.requestId} of ${parked.client} answered ${check.error}: ${check.reason}`,
            { error: check.error },
          );
      }
    }
    if (parked.partitions.every((p) => p.done)) {
      engine.cancel(actor.id, `produce:${parked.client}:${parked.requestId}`);
      const epoch = rs ? rs.leaderEpoch : -1;
      sendProduceResponse(
        engine,
        actor,
        parked.client,
        parked.requestId,
        parked.partitions.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          error: p.error,
          baseOffset: p.error === "NONE" ? p.baseOffset : p.baseOffset,
          leaderEpoch: epoch,
        })),
      );
    } else remaining.push(parked);
  }
  d.produceParked = remaining;
}

function failParkedProduce(engine: Engine, d: BrokerData, key: string, error: string): void {
  for (const parked of d.produceParked) {
    for (const p of parked.partitions) {
      if (!p.done && tpKey(p.topic, p.partition) === key) {
        p.done = true;
        p.error = error;
      }
    }
  }
  // The responses go out on the next completion pass; make it happen now.
  const remaining: ParkedProduce[] = [];
  for (const parked of d.produceParked) {
    if (parked.partitions.every((p) => p.done)) {
      const broker = brokerActorId(d.brokerId);
      engine.cancel(broker, `produce:${parked.client}:${parked.requestId}`);
      const response: ProduceResponse = {
        type: "ProduceResponse",
        requestId: parked.requestId,
        broker: d.brokerId,
        partitions: parked.partitions.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          error: p.error,
          baseOffset: p.baseOffset,
          leaderEpoch: -1,
        })),
      };
      engine.send(broker, parked.client, response);
    } else remaining.push(parked);
  }
  d.produceParked = remaining;
}

export function onProduceTimeout(engine: Engine, actor: ActorRecord, client: string, requestId: number): void {
  const d = dataOf(actor);
  const idx = d.produceParked.findIndex((p) => p.client === client && p.requestId === requestId);
  if (idx < 0) return;
  const parked = d.produceParked[idx];
  d.produceParked.splice(idx, 1);
  for (const p of parked.partitions) {
    if (!p.done) {
      p.done = true;
      p.error = "REQUEST_TIMED_OUT";
      engine.record(
        "note",
        actor.id,
        `${tpKey(p.topic, p.partition)}: acks=all request ${requestId} of ${client} timed out waiting for the ISR (request.timeout.ms); the records stay in the log`,
        { error: "REQUEST_TIMED_OUT" },
      );
    }
  }
  sendProduceResponse(
    engine,
    actor,
    client,
    requestId,
    parked.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      error: p.error,
      baseOffset: p.baseOffset,
      leaderEpoch: -1,
    })),
  );
}

function onHighWatermarkIncrement(ctx: ClusterContext, engine: Engine, actor: ActorRecord, key: string): void {
  const d = dataOf(actor);
  const ps = d.producerStates[key];
  const log = d.disk.logs[key];
  if (ps && log) d.producerStates[key] = producerStateOnHighWatermark(ps, log.highWatermark);
  completeParkedProduce(ctx, engine, actor, key);
  wakeConsumerFetches(engine, actor, key);
  if (ctx.brokerModules.length > 0) {
    const rs = dataOf(actor).replicas[key];
    if (rs) for (const m of ctx.brokerModules) m.onHighWatermark?.(engine, actor, rs.topic, rs.partition);
  }
}

// ----------------------------------------------------------------- replica fetch: leader side

export function handleReplicaFetch(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  req: ReplicaFetchRequest,
): void {
  const d = dataOf(actor);
  d.stats.fetchRequests++;
  const nowMs = engine.nowMs;
  const view = metadataView(ctx, d);
  const responses: ReplicaFetchPartitionResponse[] = [];
  let anyData = false;
  for (const p of req.partitions) {
    const key = tpKey(p.topic, p.partition);
    const rs = d.replicas[key];
    if (!rs || rs.role !== "leader" || !rs.leaderPartition) {
      const error = !rs
        ? "UNKNOWN_TOPIC_OR_PARTITION"
        : p.currentLeaderEpoch < rs.leaderEpoch
          ? "FENCED_LEADER_EPOCH"
          : p.currentLeaderEpoch > rs.leaderEpoch
            ? "UNKNOWN_LEADER_EPOCH"
            : "NOT_LEADER_OR_FOLLOWER";
      responses.push({
        topic: p.topic,
        partition: p.partition,
        error: error as FollowerFetchResponse["error"],
        records: EMPTY_SLICE,
        divergingEpoch: null,
        highWatermark: -1,
        logStartOffset: -1,
        logEndOffset: -1,
      });
      anyData = true; // errors are answered at once
      continue;
    }
    const config = partitionConfig(ctx, d, p.topic);
    const step = handleFollowerFetch(
      rs.leaderPartition,
      logOf(d, key, nowMs),
      {
        replicaId: req.replicaId,
        fetchOffset: p.fetchOffset,
        lastFetchedEpoch: p.lastFetchedEpoch,
        currentLeaderEpoch: p.currentLeaderEpoch,
        followerLogStartOffset: p.logStartOffset,
        brokerEpoch: req.brokerEpoch,
        maxRecords: 500,
      },
      nowMs,
      config,
      view,
    );
    setLog(d, key, step.log);
    d.replicas[key] = withLeaderPartition(rs, step.partition);
    if (step.alterPartition) sendAlterPartition(ctx, engine, actor, key, step.alterPartition, step.reasons);
    if (step.hwIncremented) onHighWatermarkIncrement(ctx, engine, actor, key);
    if (
      step.response.error !== "NONE" ||
      step.response.divergingEpoch !== null ||
      step.response.records.to > step.response.records.from
    )
      anyData = true;
    if (step.response.divergingEpoch !== null) {
      engine.record(
        "note",
        actor.id,
        `${key}: broker ${req.replicaId}'s log diverges from the leader's: ${step.reasons[0]}`,
        { divergingEpoch: step.response.divergingEpoch },
      );
    }
    const res = step.response;
    responses.push({
      topic: p.topic,
      partition: p.partition,
      error: res.error,
      records: res.records,
      divergingEpoch: res.divergingEpoch,
      highWatermark: res.highWatermark,
      logStartOffset: res.logStartOffset,
      logEndOffset: res.logEndOffset,
    });
  }
  if (anyData || req.maxWaitMs <= 0) {
    sendFetchResponse(engine, actor, req.replicaId, req.fetchSeq, responses);
    return;
  }
  // Long-poll: nothing new, park it until data arrives or replica.fetch.wait.max.ms passes.
  const parked: ParkedFetch = {
    replicaId: req.replicaId,
    fetchSeq: req.fetchSeq,
    expiresAtMs: nowMs + req.maxWaitMs,
    partitions: req.partitions,
  };
  d.fetchParked[String(req.replicaId)] = parked;
  engine.schedule(
    actor.id,
    req.maxWaitMs,
    { type: BROKER_TIMER.fetchWaitExpired, replicaId: req.replicaId, fetchSeq: req.fetchSeq },
    fetchWaitTimerId(req.replicaId),
  );
}

function sendFetchResponse(
  engine: Engine,
  actor: ActorRecord,
  replicaId: number,
  fetchSeq: number,
  partitions: ReplicaFetchPartitionResponse[],
): void {
  const response: ReplicaFetchResponse = {
    type: "FetchResponse",
    leaderId: dataOf(actor).brokerId,
    fetchSeq,
    partitions,
  };
  engine.send(actor.id, brokerActorId(replicaId), response);
}

/** Answers a parked fetch with what is readable now (DelayedFetch#onComplete). */
function completeParkedFetch(engine: Engine, actor: ActorRecord, parked: ParkedFetch): void {
  const d = dataOf(actor);
  delete d.fetchParked[String(parked.replicaId)];
  engine.cancel(actor.id, fetchWaitTimerId(parked.replicaId));
  const responses: ReplicaFetchPartitionResponse[] = parked.partitions.map((p) => {
    const key = tpKey(p.topic, p.partition);
    const rs = d.replicas[key];
    const log = d.disk.logs[key];
    if (!rs || rs.role !== "leader" || !log) {
      return {
        topic: p.topic,
        partition: p.partition,
        error: "NOT_LEADER_OR_FOLLOWER",
        records: EMPTY_SLICE,
        divergingEpoch: null,
        highWatermark: -1,
        logStartOffset: -1,
        logEndOffset: -1,
      };
    }
    const r = read(log, p.fetchOffset, { upperBound: fetchUpperBound(log, "LOG_END"), maxRecords: 500 });
    const records: RecordSlice = r.error === "NONE" ? r.records : EMPTY_SLICE;
    return {
      topic: p.topic,
      partition: p.partition,
      error: r.error as FollowerFetchResponse["error"],
      records,
      divergingEpoch: null,
      highWatermark: log.highWatermark,
      logStartOffset: log.logStartOffset,
      logEndOffset: log.logEndOffset,
    };
  });
  sendFetchResponse(engine, actor, parked.replicaId, parked.fetchSeq, responses);
}

function wakeParkedFetches(_ctx: ClusterContext, engine: Engine, actor: ActorRecord, key: string): void {
  const d = dataOf(actor);
  const ids = Object.keys(d.fetchParked);
  if (ids.length > 1) ids.sort();
  for (const id of ids) {
    const parked = d.fetchParked[id];
    if (parked.partitions.some((p) => tpKey(p.topic, p.partition) === key)) completeParkedFetch(engine, actor, parked);
  }
}

export function onFetchWaitExpired(engine: Engine, actor: ActorRecord, replicaId: number, fetchSeq: number): void {
  const parked = dataOf(actor).fetchParked[String(replicaId)];
  if (parked && parked.fetchSeq === fetchSeq) completeParkedFetch(engine, actor, parked);
}

// ----------------------------------------------------------------- replica fetch: follower side

/** Starts a fetch towards every leader this broker follows and is not already fetching from. */
export function ensureFetchers(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = dataOf(actor);
  const leaders = new Set<number>();
  for (const key of Object.keys(d.replicas)) {
    const rs = d.replicas[key];
    if (rs.role === "follower" && rs.leader >= 0) leaders.add(rs.leader);
  }
  for (const id of Object.keys(d.fetchers)) if (!leaders.has(Number(id))) delete d.fetchers[id];
  for (const leader of [...leaders].sort((a, b) => a - b)) {
    const f = d.fetchers[String(leader)];
    if (!f) d.fetchers[String(leader)] = { leaderId: leader, inFlight: false, fetchSeq: 0 };
    if (!d.fetchers[String(leader)].inFlight) sendReplicaFetch(ctx, engine, actor, leader);
  }
}

function sendReplicaFetch(ctx: ClusterContext, engine: Engine, actor: ActorRecord, leader: number): void {
  const d = dataOf(actor);
  const f = d.fetchers[String(leader)];
  if (!f) return;
  const partitions: FetchPartitionRequest[] = [];
  for (const key of sortedReplicaKeys(d)) {
    const rs = d.replicas[key];
    if (rs.role !== "follower" || rs.leader !== leader) continue;
    const req = followerFetchRequest(logOf(d, key, engine.nowMs), rs.leaderEpoch);
    partitions.push({
      topic: rs.topic,
      partition: rs.partition,
      fetchOffset: req.fetchOffset,
      lastFetchedEpoch: req.lastFetchedEpoch,
      currentLeaderEpoch: req.currentLeaderEpoch,
      logStartOffset: req.followerLogStartOffset,
    });
  }
  if (partitions.length === 0) {
    delete d.fetchers[String(leader)];
    return;
  }
  f.inFlight = true;
  f.fetchSeq += 1;
  const request: ReplicaFetchRequest = {
    type: "Fetch",
    refusable: true,
    replicaId: d.brokerId,
    brokerEpoch: d.brokerEpoch,
    fetchSeq: f.fetchSeq,
    maxWaitMs: ctx.spec.timings.replicaFetchWaitMaxMs,
    partitions,
  };
  engine.send(actor.id, brokerActorId(leader), request);
  // A lost request or response must not stall the fetcher forever.
  engine.schedule(
    actor.id,
    ctx.spec.timings.replicaFetchWaitMaxMs + ctx.spec.timings.requestTimeoutMs,
    { type: BROKER_TIMER.fetchRequestTimeout, leader, fetchSeq: f.fetchSeq },
    fetchTimeoutTimerId(leader),
  );
}

export function handleReplicaFetchResponse(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  res: ReplicaFetchResponse,
): void {
  const d = dataOf(actor);
  const f = d.fetchers[String(res.leaderId)];
  if (!f || f.fetchSeq !== res.fetchSeq) return; // a late answer to a fetch we gave up on
  f.inFlight = false;
  engine.cancel(actor.id, fetchTimeoutTimerId(res.leaderId));
  let failed = false;
  for (const p of res.partitions) {
    const key = tpKey(p.topic, p.partition);
    const rs = d.replicas[key];
    if (!rs || rs.role !== "follower" || rs.leader !== res.leaderId) continue;
    const error: string = p.error;
    if (
      error === "FENCED_LEADER_EPOCH" ||
      error === "NOT_LEADER_OR_FOLLOWER" ||
      error === "UNKNOWN_LEADER_EPOCH" ||
      error === "UNKNOWN_TOPIC_OR_PARTITION"
    ) {
      failed = true;
      continue;
    }
    const before = logOf(d, key, engine.nowMs);
    const config = partitionConfig(ctx, d, p.topic);
    const step = processFetchResponse(before, p, engine.nowMs, config.log);
    setLog(d, key, step.log);
    if (step.action === "truncated" || step.action === "restarted") {
      traceReasons(engine, actor.id, step.reasons, key, {
        truncatedFrom: before.logEndOffset,
        truncatedTo: step.log.logEndOffset,
      });
    }
    if (step.action === "error") failed = true;
  }
  if (failed) {
    engine.schedule(
      actor.id,
      ctx.spec.timings.replicaFetchBackoffMs,
      { type: BROKER_TIMER.fetchBackoff, leader: res.leaderId },
      `fetchBackoff:${res.leaderId}`,
    );
    f.inFlight = true; // holds the fetcher until the backoff ends
    return;
  }
  sendReplicaFetch(ctx, engine, actor, res.leaderId);
}

/** The leader's process is gone: back off, then try again (by then metadata may name another leader). */
export function onFetchConnectionRefused(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  leader: number,
  fetchSeq: number,
): void {
  const f = dataOf(actor).fetchers[String(leader)];
  if (!f || f.fetchSeq !== fetchSeq) return;
  engine.cancel(actor.id, fetchTimeoutTimerId(leader));
  engine.schedule(
    actor.id,
    ctx.spec.timings.replicaFetchBackoffMs,
    { type: BROKER_TIMER.fetchBackoff, leader },
    `fetchBackoff:${leader}`,
  );
}

export function onFetchRequestTimeout(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  leader: number,
  fetchSeq: number,
): void {
  const f = dataOf(actor).fetchers[String(leader)];
  if (!f || f.fetchSeq !== fetchSeq) return;
  f.inFlight = false;
  sendReplicaFetch(ctx, engine, actor, leader);
}

export function onFetchBackoff(ctx: ClusterContext, engine: Engine, actor: ActorRecord, leader: number): void {
  const f = dataOf(actor).fetchers[String(leader)];
  if (!f) return;
  f.inFlight = false;
  sendReplicaFetch(ctx, engine, actor, leader);
}

// ----------------------------------------------------------------- ISR changes

function sendAlterPartition(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  key: string,
  req: RuleAlterPartitionRequest,
  reasons: readonly string[],
): void {
  const d = dataOf(actor);
  const rs = d.replicas[key];
  const verb = req.kind === "shrink" ? "shrink" : "expand";
  engine.record(
    "note",
    actor.id,
    `${key}: leader asks the controller to ${verb} the ISR to [${req.newIsr.join(",")}] — ${reasons.filter((r) => /ISR|caught up|lag|rejoin/i.test(r)).join("; ") || reasons.join("; ")}`,
    {
      topic: rs.topic,
      partition: rs.partition,
      alterPartition: req.kind,
      newIsr: [...req.newIsr],
    },
  );
  transmitAlterPartition(ctx, engine, actor, key);
}

/** Sends (or re-sends) the ISR change in flight for `key`, and arms a retry in case no answer comes. */
function transmitAlterPartition(ctx: ClusterContext, engine: Engine, actor: ActorRecord, key: string): void {
  const d = dataOf(actor);
  const rs = d.replicas[key];
  const lp = rs?.leaderPartition;
  if (!rs || rs.role !== "leader" || !lp || lp.isrState.pending === null) return;
  ctx.controlPlane.sendAlterPartition(engine, actor, {
    topic: rs.topic,
    partition: rs.partition,
    leaderId: lp.localBrokerId,
    leaderEpoch: lp.leaderEpoch,
    partitionEpoch: lp.partitionEpoch,
    newIsr: lp.isrState.pending.proposedIsr,
    brokerEpoch: d.brokerEpoch,
  });
  engine.schedule(
    actor.id,
    ctx.spec.timings.requestTimeoutMs,
    { type: "broker.alterPartitionRetry", key },
    `alterPartitionRetry:${key}`,
  );
}

export function onAlterPartitionRetry(ctx: ClusterContext, engine: Engine, actor: ActorRecord, key: string): void {
  transmitAlterPartition(ctx, engine, actor, key);
}

export function alterPartitionResponse(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  topic: string,
  partition: number,
  result: AlterPartitionResult,
): void {
  const d = dataOf(actor);
  const key = tpKey(topic, partition);
  const rs = d.replicas[key];
  if (!rs || rs.role !== "leader" || !rs.leaderPartition) return;
  engine.cancel(actor.id, `alterPartitionRetry:${key}`);
  if (result.error === "NOT_CONTROLLER" || result.error === "REQUEST_TIMED_OUT") {
    // AlterPartitionManager retries until the controller answers.
    engine.schedule(
      actor.id,
      ctx.spec.timings.replicaFetchBackoffMs,
      { type: "broker.alterPartitionRetry", key },
      `alterPartitionRetry:${key}`,
    );
    return;
  }
  const ruleResult =
    result.error === "NONE"
      ? result
      : {
          error:
            result.error === "UNKNOWN_TOPIC_OR_PARTITION" || result.error === "STALE_BROKER_EPOCH"
              ? ("STALE_BROKER_EPOCH" as const)
              : result.error,
        };
  const step = handleAlterPartitionResponse(
    rs.leaderPartition,
    logOf(d, key, engine.nowMs),
    ruleResult,
    engine.nowMs,
    partitionConfig(ctx, d, topic),
    metadataView(ctx, d),
  );
  setLog(d, key, step.log);
  const lp: LeaderPartition = step.partition;
  d.replicas[key] = { ...rs, leaderPartition: lp, partitionEpoch: lp.partitionEpoch };
  engine.record("note", actor.id, `${key}: ${step.reasons[0]}`, {
    topic,
    partition,
    isr: [...lp.isrState.isr],
    error: result.error,
  });
  if (step.hwIncremented) onHighWatermarkIncrement(ctx, engine, actor, key);
  completeParkedProduce(ctx, engine, actor, key);
}

// The broker's periodic tasks, each with the setting that spaces it: one
// table, so starting them and re-arming each after it runs cannot drift apart.
const PERIODIC_TASKS = {
  isrShrink: { event: BROKER_TIMER.isrShrink, intervalMs: (t: Timings) => t.replicaLagTimeMaxMs / 2 },
  hwCheckpoint: {
    event: BROKER_TIMER.hwCheckpoint,
    intervalMs: (t: Timings) => t.replicaHighWatermarkCheckpointIntervalMs,
  },
  retention: { event: BROKER_TIMER.retention, intervalMs: (t: Timings) => t.logRetentionCheckIntervalMs },
  cleaner: { event: BROKER_TIMER.cleaner, intervalMs: (t: Timings) => t.logCleanerBackoffMs },
} as const;

function scheduleTask(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  task: keyof typeof PERIODIC_TASKS,
): void {
  const { event, intervalMs } = PERIODIC_TASKS[task];
  engine.schedule(actor.id, intervalMs(ctx.spec.timings), { type: event }, task);
}

/** The periodic ISR check (every replica.lag.time.max.ms / 2). */
export function onIsrShrinkTick(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = dataOf(actor);
  for (const key of Object.keys(d.replicas).sort()) {
    const rs = d.replicas[key];
    if (rs.role !== "leader" || !rs.leaderPartition) continue;
    const config = partitionConfig(ctx, d, rs.topic);
    const step = maybeShrinkIsr(rs.leaderPartition, logOf(d, key, engine.nowMs), engine.nowMs, config);
    if (step.alterPartition) {
      d.replicas[key] = { ...rs, leaderPartition: step.partition };
      sendAlterPartition(ctx, engine, actor, key, step.alterPartition, step.reasons);
    }
  }
  scheduleTask(ctx, engine, actor, "isrShrink");
}

/** replication-offset-checkpoint: the HW reaches disk only this often, so a crash can forget recent HW moves (KIP-101). */
export function onHwCheckpointTick(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  const d = dataOf(actor);
  const next: Record<string, number> = {};
  for (const key of Object.keys(d.disk.logs).sort()) next[key] = d.disk.logs[key].highWatermark;
  d.disk.hwCheckpoint = next;
  scheduleTask(ctx, engine, actor, "hwCheckpoint");
}

/**
 * Runs a log-maintenance pass over every log this broker hosts: `pass` gets
 * the log and its config and returns a new log plus the reasons to trace, or
 * null when it changed nothing.
 */
function maintainLogs(
  ctx: ClusterContext,
  engine: Engine,
  actor: ActorRecord,
  pass: (
    log: PartitionLog,
    config: LogConfig,
  ) => { log: PartitionLog; reasons: readonly string[]; data?: Record<string, unknown> } | null,
): void {
  const d = dataOf(actor);
  for (const key of Object.keys(d.disk.logs).sort()) {
    const rs = d.replicas[key];
    if (!rs) continue;
    const res = pass(d.disk.logs[key], partitionConfig(ctx, d, rs.topic).log);
    if (res === null) continue;
    setLog(d, key, res.log);
    traceReasons(engine, actor.id, res.reasons, key, res.data);
  }
}

/** Retention (log.retention.check.interval.ms): delete whole expired segments below the HW. */
export function onRetentionTick(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  maintainLogs(ctx, engine, actor, (log, config) => {
    const res = deleteOldSegments(log, engine.nowMs, config);
    return res.deletedSegments.length > 0
      ? { log: res.log, reasons: res.reasons, data: { logStartOffset: res.log.logStartOffset } }
      : null;
  });
  scheduleTask(ctx, engine, actor, "retention");
}

/** The log cleaner (one thread): compacts the dirtiest eligible compacted log. */
export function onCleanerTick(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  maintainLogs(ctx, engine, actor, (log, config) => {
    if (config.cleanupPolicy === "delete") return null;
    const res = cleanLog(log, engine.nowMs, config);
    return res.cleaned ? { log: res.log, reasons: [res.reason] } : null;
  });
  scheduleTask(ctx, engine, actor, "cleaner");
}

/** Starts the broker's periodic tasks (after bootstrap or once RUNNING). */
export function startPeriodicTasks(ctx: ClusterContext, engine: Engine, actor: ActorRecord): void {
  for (const task of Object.keys(PERIODIC_TASKS) as (keyof typeof PERIODIC_TASKS)[])
    scheduleTask(ctx, engine, actor, task);
}

/** After a crash: the in-memory HW is gone; the broker restarts from the checkpoint file (clamped to the log). */
export function recoverLogsAfterRestart(d: BrokerData): void {
  for (const key of Object.keys(d.disk.logs)) {
    const checkpoint = d.disk.hwCheckpoint[key] ?? 0;
    d.disk.logs[key] = updateHighWatermark(d.disk.logs[key], checkpoint);
  }
}
