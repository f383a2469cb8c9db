// The consumer client (KafkaConsumer with its ConsumerCoordinator, Fetcher and
// heartbeat thread), as an actor of kind "consumer". The membership lifecycle
// is a statechart (memberMachine.ts); the poll loop, fetching and commits are
// plain code, like Kafka's application thread.
//
// The application loop: poll() → process the returned records
// (processingMsPerRecord each) → poll() again. poll() is where a consumer
// (re)joins its group, auto-commits, and takes records from what the
// background fetches buffered. The heartbeat thread runs beside it; it leaves
// the group if poll() is not called within max.poll.interval.ms.

import { visibleRecords } from "../producer/readCommitted.ts";
import { clientRebalanceProtocol } from "../../groups/protocolSelection.ts";
import { sliceToArray, type RecordSlice } from "../../cluster/log.ts";
import { isControlRecord, type AbortedTxn } from "../producer/producerState.ts";
import { stateLabel } from "../../machines/host.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorKind, ActorRecord, SimEvent } from "../../world/types.ts";
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  type ConsumerFetchRequest,
  type ConsumerFetchResponse,
  type ListOffsetsResponse,
} from "../broker/consumerFetch.ts";
import type { MetadataResponse } from "../broker/metadataRequests.ts";
import type { ClusterContext } from "../context.ts";
import { brokerActorId } from "../ids.ts";
import { tpKey } from "../metadata.ts";
import type { ConsumerConfig } from "./config.ts";
import {
  cloneConsumerData,
  consumerConfig,
  consumerData,
  freshConsumerData,
  markRead,
  type BufferedBatch,
  type CommitKind,
  type ConsumerData,
  type DeliveredRecord,
  type InflightRequest,
  ConsumedEntry,
  type LedgerRead,
} from "./consumerData.ts";
import {
  maybeJoin,
  onConsumerGroupHeartbeatResponse,
  onHeartbeatResponse,
  onHeartbeatTick,
  onJoinGroupResponse,
  onMembershipRequestFailed,
  onPollTimeout,
  onSyncGroupResponse,
  closeMembership,
  afterCommitForJoin,
  afterRevokeCommit,
} from "./membership.ts";
import { memberMachine, type MemberStateName } from "./memberMachine.ts";
import type {
  FindCoordinatorResponse,
  HeartbeatResponse,
  JoinGroupResponse,
  OffsetCommitResponse,
  OffsetFetchResponse,
  SyncGroupResponse,
  ConsumerGroupHeartbeatResponse,
} from "./protocol.ts";

export const CONSUMER_KIND = "consumer";

/** What a consumer's code needs at hand. */
export interface Cons {
  ctx: ClusterContext;
  engine: Engine;
  actor: ActorRecord;
  d: ConsumerData;
  cfg: ConsumerConfig;
}

export const CONSUMER_TIMER = {
  start: "consumer.start",
  poll: "consumer.poll",
  processed: "consumer.processed",
  heartbeat: "consumer.heartbeat",
  pollTimeout: "consumer.pollTimeout",
  requestTimeout: "consumer.requestTimeout",
  findRetry: "consumer.findRetry",
  metadataRefresh: "consumer.metadataRefresh",
} as const;

/** Inputs reach a consumer as these events. */
export const CONSUMER_INPUT = {
  close: "consumer.close",
  stall: "consumer.stall",
  seek: "consumer.seek",
  pause: "consumer.pause",
  resume: "consumer.resume",
  set: "consumer.set",
} as const;

export function createConsumerKind(ctx: ClusterContext): ActorKind {
  return {
    kind: CONSUMER_KIND,
    machine: memberMachine,
    machineInput: (actor) => ({ protocol: consumerConfig(actor).groupProtocol }),
    createData(actor) {
      const cfg = consumerConfig(actor);
      const d = freshConsumerData(cfg, actor.data as Partial<ConsumerData>);
      d.rebalanceProtocol = clientRebalanceProtocol(cfg.assignmentStrategy);
      d.heartbeatIntervalMs = cfg.heartbeatIntervalMs;
      return d;
    },
    cloneData: cloneConsumerData,
    onEvent(engine, actor, event) {
      if (event.type.startsWith("member.")) return false; // the membership machine
      handleConsumerEvent({ ctx, engine, actor, d: consumerData(actor), cfg: consumerConfig(actor) }, event);
      return true;
    },
    onCrash(engine, actor) {
      // What the application had finished processing before it died still counts as read.
      const k: Cons = { ctx, engine, actor, d: consumerData(actor), cfg: consumerConfig(actor) };
      recordProcessed(k, engine.nowMs);
    },
    onRestart(engine, actor) {
      engine.record(
        "note",
        actor.id,
        `${actor.id} starts again: a new process with no member id, generation or positions`,
      );
      startConsumer(engine, actor, 0);
    },
  };
}

/** Starts the application (after `delayMs`). */
export function startConsumer(engine: Engine, actor: ActorRecord, delayMs: number): void {
  engine.schedule(actor.id, Math.max(0, delayMs), { type: CONSUMER_TIMER.start }, "start");
}

export function memberState(k: Cons): MemberStateName {
  return stateLabel(k.actor.snapshot?.value) as MemberStateName;
}

export function member(
  k: Cons,
  type: "member.joinSent" | "member.joined" | "member.synced" | "member.reconcile" | "member.stable" | "member.reset",
): void {
  k.engine.dispatch(k.actor.id, { type });
}

export function isRebalancing(k: Cons): boolean {
  const s = memberState(k);
  return s === "PREPARING_REBALANCE" || s === "COMPLETING_REBALANCE" || s === "JOINING" || s === "RECONCILING";
}

export function note(k: Cons, text: string, data?: Record<string, unknown>): void {
  k.engine.record("note", k.actor.id, text, { consumer: k.actor.id, group: k.cfg.groupId, ...data });
}

export const list = (xs: readonly string[]) => (xs.length === 0 ? "nothing" : `[${xs.join(", ")}]`);

/** "orders-3" → { topic: "orders", partition: 3 }: one shared, frozen answer per key (every poll asks). */
export function splitTp(tp: string): Readonly<{ topic: string; partition: number }> {
  let split = splitTps.get(tp);
  if (split === undefined) {
    const i = tp.lastIndexOf("-");
    split = Object.freeze({ topic: tp.slice(0, i), partition: Number(tp.slice(i + 1)) });
    if (splitTps.size >= 10_000) splitTps.clear();
    splitTps.set(tp, split);
  }
  return split;
}
const splitTps = new Map<string, Readonly<{ topic: string; partition: number }>>();

// ------------------------------------------------------------------ events

function handleConsumerEvent(k: Cons, event: SimEvent): void {
  const d = k.d;
  if (d.appState === "closed") return;
  switch (event.type) {
    case CONSUMER_TIMER.start:
      note(
        k,
        `${k.actor.id} starts: group ${k.cfg.groupId}, topics ${k.cfg.topics.join(", ")} (group.protocol=${k.cfg.groupProtocol}${k.cfg.groupProtocol === "classic" ? `, partition.assignment.strategy=${k.cfg.assignmentStrategy.join(",")}, ${d.rebalanceProtocol.toLowerCase()} rebalancing` : ""}${k.cfg.groupInstanceId ? `, group.instance.id=${k.cfg.groupInstanceId}` : ""})`,
      );
      requestMetadata(k);
      k.engine.schedule(k.actor.id, k.cfg.metadataMaxAgeMs, { type: CONSUMER_TIMER.metadataRefresh }, "metadata");
      return poll(k);
    case CONSUMER_TIMER.poll:
      return poll(k);
    case CONSUMER_TIMER.processed:
      return onProcessed(k);
    case CONSUMER_TIMER.heartbeat:
      return onHeartbeatTick(k);
    case CONSUMER_TIMER.pollTimeout:
      return onPollTimeout(k);
    case CONSUMER_TIMER.requestTimeout:
      return onRequestFailed(k, Number(event.requestId), "REQUEST_TIMED_OUT", `no answer within request.timeout.ms`);
    case CONSUMER_TIMER.findRetry:
      ensureCoordinator(k);
      return wakeApp(k);
    case CONSUMER_TIMER.metadataRefresh:
      requestMetadata(k);
      k.engine.schedule(k.actor.id, k.cfg.metadataMaxAgeMs, { type: CONSUMER_TIMER.metadataRefresh }, "metadata");
      return;
    case "ConnectionRefused":
      return onRequestFailed(
        k,
        Number(event.requestId),
        "NETWORK_EXCEPTION",
        `${String(event.from)} refused the connection (its process is down)`,
      );
    case "MetadataResponse":
      return onMetadata(k, event as unknown as MetadataResponse);
    case "FindCoordinatorResponse":
      return onFindCoordinator(k, event as unknown as FindCoordinatorResponse);
    case "JoinGroupResponse": {
      const f = takeInflight(k, Number(event.requestId));
      if (f) onJoinGroupResponse(k, event as unknown as JoinGroupResponse);
      return;
    }
    case "SyncGroupResponse": {
      const f = takeInflight(k, Number(event.requestId));
      if (f) onSyncGroupResponse(k, event as unknown as SyncGroupResponse);
      return;
    }
    case "HeartbeatResponse": {
      const f = takeInflight(k, Number(event.requestId));
      if (f) onHeartbeatResponse(k, event as unknown as HeartbeatResponse);
      return;
    }
    case "ConsumerGroupHeartbeatResponse": {
      const f = takeInflight(k, Number(event.requestId));
      if (f) onConsumerGroupHeartbeatResponse(k, event as unknown as ConsumerGroupHeartbeatResponse, f);
      return;
    }
    case "LeaveGroupResponse":
      takeInflight(k, Number(event.requestId));
      return;
    case "OffsetCommitResponse":
      return onOffsetCommitResponse(k, event as unknown as OffsetCommitResponse);
    case "OffsetFetchResponse":
      return onOffsetFetchResponse(k, event as unknown as OffsetFetchResponse);
    case "ConsumerFetchResponse":
      return onFetchResponse(k, event as unknown as ConsumerFetchResponse);
    case "ListOffsetsResponse":
      return onListOffsetsResponse(k, event as unknown as ListOffsetsResponse);
    case CONSUMER_INPUT.close:
      return close(k);
    case CONSUMER_INPUT.stall:
      return stall(k, Number(event.forMs));
    case CONSUMER_INPUT.seek:
      return seek(k, event);
    case CONSUMER_INPUT.pause:
    case CONSUMER_INPUT.resume:
      return pauseResume(k, event);
    case CONSUMER_INPUT.set:
      if (typeof event.processingMsPerRecord === "number") {
        d.processingMsPerRecord = event.processingMsPerRecord;
        note(k, `${k.actor.id}'s application now takes ${event.processingMsPerRecord} ms per record`);
      }
      return;
  }
}

// ------------------------------------------------------------------ requests

export function sendRequest(
  k: Cons,
  broker: number,
  event: Record<string, unknown> & { type: string },
  meta: Omit<InflightRequest, "type" | "broker" | "sentAtMs">,
  timeoutMs = k.cfg.requestTimeoutMs,
): number {
  const id = k.d.nextRequestId++;
  k.d.inflight.set(id, { ...meta, type: event.type, broker, sentAtMs: k.engine.nowMs });
  k.engine.send(k.actor.id, brokerActorId(broker), { ...event, from: k.actor.id, requestId: id, refusable: true });
  armRequestTimeout(k, id, timeoutMs);
  return id;
}

/** The timeout's timer id is the request id itself, a number: the consumer's only numbered timers. */
function armRequestTimeout(k: Cons, id: number, timeoutMs: number): void {
  k.engine.schedule(k.actor.id, timeoutMs, { type: CONSUMER_TIMER.requestTimeout, requestId: id }, id);
}

export function takeInflight(k: Cons, requestId: number): InflightRequest | undefined {
  const f = k.d.inflight.get(requestId);
  if (!f) return undefined;
  k.d.inflight.delete(requestId);
  k.engine.cancel(k.actor.id, requestId);
  return f;
}

function onRequestFailed(k: Cons, requestId: number, error: string, why: string): void {
  const f = takeInflight(k, requestId);
  if (!f) return;
  const d = k.d;
  switch (f.type) {
    case "Metadata":
      d.metadataInFlight = false;
      k.engine.schedule(k.actor.id, k.cfg.retryBackoffMs, { type: CONSUMER_TIMER.metadataRefresh }, "metadata");
      return;
    case "FindCoordinator":
      d.findInFlight = false;
      d.coordinatorFailures++;
      d.findNotBeforeMs = k.engine.nowMs + backoffMs(k);
      k.engine.schedule(k.actor.id, backoffMs(k), { type: CONSUMER_TIMER.findRetry }, "findRetry");
      return;
    case "ConsumerFetch":
      delete d.fetching[`b${f.broker}`];
      if (error === "NETWORK_EXCEPTION") {
        for (const tp of Object.keys(f.fetchOffsets ?? {})) markLeaderUnknown(k, tp);
        requestMetadata(k);
      }
      return;
    case "ListOffsets":
      d.resetting = d.resetting.filter((tp) => !(f.tps ?? []).includes(tp));
      return;
    case "OffsetFetch":
      d.offsetFetchPending = d.offsetFetchPending.filter((tp) => !(f.tps ?? []).includes(tp));
      coordinatorUnknown(k, `${f.type} failed: ${error} (${why})`);
      return;
    case "OffsetCommit":
      settleCommit(k, f, error);
      coordinatorUnknown(k, `${f.type} failed: ${error} (${why})`);
      return continueAfterCommit(k, f);
    default:
      onMembershipRequestFailed(k, f, error, why);
  }
}

/** retry.backoff.ms, doubling with each consecutive failure up to retry.backoff.max.ms (1000). */
function backoffMs(k: Cons): number {
  const n = Math.max(0, k.d.coordinatorFailures - 1);
  return Math.min(k.cfg.retryBackoffMs * 2 ** Math.min(n, 10), Math.max(1_000, k.cfg.retryBackoffMs));
}

export function coordinatorUnknown(k: Cons, why: string): void {
  const d = k.d;
  if (d.coordinator < 0) return;
  if (d.coordinatorFailures === 0)
    note(
      k,
      `${k.actor.id} lost its group coordinator (broker ${d.coordinator}): ${why}; looking it up again (FindCoordinator, backing off from retry.backoff.ms=${k.cfg.retryBackoffMs})`,
    );
  d.coordinator = -1;
  d.coordinatorFailures++;
  d.findNotBeforeMs = k.engine.nowMs + backoffMs(k);
  k.engine.schedule(k.actor.id, backoffMs(k), { type: CONSUMER_TIMER.findRetry }, "findRetry");
}

/** A normal answer from the coordinator: the rediscovery backoff starts over. */
export function coordinatorAnswered(k: Cons): void {
  k.d.coordinatorFailures = 0;
}

export function randomBroker(k: Cons): number {
  const brokers = Array.from({ length: k.ctx.spec.brokers }, (_, i) => i + 1);
  return k.engine.rng(`consumer.${k.actor.id}`).pick(brokers);
}

export function ensureCoordinator(k: Cons): void {
  const d = k.d;
  if (d.coordinator >= 0 || d.findInFlight || k.engine.nowMs < d.findNotBeforeMs) return;
  d.findInFlight = true;
  sendRequest(k, randomBroker(k), { type: "FindCoordinator", key: k.cfg.groupId, keyType: "GROUP" }, {});
}

function onFindCoordinator(k: Cons, res: FindCoordinatorResponse): void {
  const f = takeInflight(k, res.requestId);
  if (!f) return;
  const d = k.d;
  d.findInFlight = false;
  if (res.error !== "NONE" || res.nodeId < 0) {
    d.coordinatorFailures++;
    d.findNotBeforeMs = k.engine.nowMs + backoffMs(k);
    k.engine.schedule(k.actor.id, backoffMs(k), { type: CONSUMER_TIMER.findRetry }, "findRetry");
    return;
  }
  d.coordinator = res.nodeId;
  if (res.nodeId !== d.lastCoordinator)
    note(
      k,
      `${k.actor.id}: the coordinator of group ${k.cfg.groupId} is broker ${res.nodeId} (leader of its __consumer_offsets partition)`,
      {
        coordinator: res.nodeId,
      },
    );
  d.lastCoordinator = res.nodeId;
  if (memberState(k) === "STABLE" || memberState(k) === "RECONCILING") onHeartbeatTick(k);
  wakeApp(k);
}

export function requestMetadata(k: Cons): void {
  const d = k.d;
  if (d.metadataInFlight) return;
  d.metadataInFlight = true;
  sendRequest(k, randomBroker(k), { type: "Metadata", topics: [] }, {});
}

function onMetadata(k: Cons, res: MetadataResponse): void {
  const f = takeInflight(k, res.requestId);
  if (!f) return;
  const d = k.d;
  d.metadataInFlight = false;
  let missingLeader = false;
  for (const t of res.topics) {
    if (t.error !== "NONE") continue;
    const parts: { leader: number; leaderEpoch: number }[] = [];
    for (const p of t.partitions) parts[p.partition] = { leader: p.leader, leaderEpoch: p.leaderEpoch };
    for (let i = 0; i < parts.length; i++) if (!parts[i]) parts[i] = { leader: -1, leaderEpoch: -1 };
    d.metadata[t.name] = parts;
    if (k.cfg.topics.includes(t.name) && parts.some((p) => p.leader < 0)) missingLeader = true;
  }
  // The group leader notices new partitions of subscribed topics and makes the group rebalance.
  if (k.cfg.groupProtocol === "classic" && d.isLeader && memberState(k) === "STABLE") {
    for (const t of Object.keys(d.assignedTopicCounts).sort()) {
      const now = d.metadata[t]?.length ?? 0;
      if (now !== d.assignedTopicCounts[t] && !d.rejoinNeeded) {
        d.rejoinNeeded = true;
        d.rejoinReason = `topic ${t} now has ${now} partitions`;
        note(
          k,
          `${k.actor.id} (the group leader) sees ${t} now has ${now} partitions: it rejoins so the group is reassigned`,
        );
      }
    }
  }
  if (missingLeader)
    k.engine.schedule(k.actor.id, k.cfg.retryBackoffMs * 2, { type: CONSUMER_TIMER.metadataRefresh }, "metadata");
  sendFetches(k);
  wakeApp(k);
}

function markLeaderUnknown(k: Cons, tp: string): void {
  const { topic, partition } = splitTp(tp);
  const parts = k.d.metadata[topic];
  if (parts && parts[partition]) parts[partition] = { leader: -1, leaderEpoch: parts[partition].leaderEpoch };
}

// ------------------------------------------------------------------ the application loop

function isBuffered(buffer: readonly { tp: string }[], tp: string): boolean {
  for (const b of buffer) if (b.tp === tp) return true;
  return false;
}

function isBeingFetched(fetches: readonly InflightRequest[], tp: string): boolean {
  for (const f of fetches) if (f.fetchOffsets !== undefined && Object.hasOwn(f.fetchOffsets, tp)) return true;
  return false;
}

/** If the application is blocked in poll() waiting for records, let it return now. */
export function wakeApp(k: Cons): void {
  if (k.d.appState === "waiting") k.engine.schedule(k.actor.id, 0, { type: CONSUMER_TIMER.poll }, "poll");
}

function armPollTimer(k: Cons): void {
  k.engine.schedule(k.actor.id, k.cfg.maxPollIntervalMs, { type: CONSUMER_TIMER.pollTimeout }, "pollTimeout");
}

export function poll(k: Cons): void {
  const d = k.d;
  if (d.appState === "closed") return;
  if (d.fatal) {
    d.appState = "failed"; // the application got an exception from poll()
    return;
  }
  if (k.engine.nowMs < d.stalledUntilMs) {
    d.appState = "stalled";
    k.engine.schedule(k.actor.id, d.stalledUntilMs - k.engine.nowMs, { type: CONSUMER_TIMER.poll }, "poll");
    return;
  }
  k.engine.cancel(k.actor.id, "poll");
  d.stats.polls++;
  d.lastPollMs = k.engine.nowMs;
  armPollTimer(k);
  d.appState = "polling";
  ensureCoordinator(k);
  maybeJoin(k);
  maybeAutoCommit(k);
  ensurePositions(k);
  // While onJoinPrepare's commitSync is out, the application thread is blocked inside poll().
  const records = d.commitBeforeJoinInFlight ? [] : drain(k);
  sendFetches(k);
  if (records.length > 0) return startProcessing(k, records);
  d.appState = "waiting";
  k.engine.schedule(k.actor.id, k.cfg.pollTimeoutMs, { type: CONSUMER_TIMER.poll }, "poll");
}

function drain(k: Cons): DeliveredRecord[] {
  const d = k.d;
  const out: DeliveredRecord[] = [];
  let budget = k.cfg.maxPollRecords;
  const keep = [];
  const rebalancing = isRebalancing(k);
  const generation = k.cfg.groupProtocol === "classic" ? d.generation : d.memberEpoch;
  for (const b of d.buffer) {
    if (!d.assigned.includes(b.tp) || d.revoking.includes(b.tp)) continue;
    const pos = d.positions[b.tp];
    if (pos === undefined || b.fetchOffset !== pos) continue; // stale: the position moved (seek, reset)
    if (budget === 0 || d.paused.includes(b.tp)) {
      keep.push(b);
      continue;
    }
    const take = b.records.slice(0, budget);
    const run = d.runs[b.tp] ?? 0;
    // The record itself, not a copy of its fields: the ledger keeps it.
    for (const r of take) out.push({ topic: b.topic, partition: b.partition, record: r, generation, run, rebalancing });
    budget -= take.length;
    const last = take[take.length - 1].offset;
    d.positions[b.tp] = last + 1;
    d.lastDelivered[b.tp] = last;
    const rest = b.records.slice(take.length);
    if (rest.length > 0) keep.push({ ...b, fetchOffset: last + 1, records: rest });
  }
  d.buffer = keep;
  return out;
}

function startProcessing(k: Cons, records: DeliveredRecord[]): void {
  const d = k.d;
  d.appState = "processing";
  d.batch = records;
  d.batchPolledAtMs = k.engine.nowMs;
  d.stats.delivered += records.length;
  if (records[0].rebalancing) d.stats.deliveredWhileRebalancing += records.length;
  const processingMs = records.length * d.processingMsPerRecord;
  // An application that takes no time is done at once: a 0 ms timer would
  // only add an event per poll (thousands a second on a busy group). The
  // depth guard keeps a long backlog from nesting poll() too deeply.
  if (processingMs === 0 && inlineProcessingDepth < MAX_INLINE_PROCESSING_DEPTH) {
    inlineProcessingDepth++;
    try {
      onProcessed(k);
    } finally {
      inlineProcessingDepth--;
    }
    return;
  }
  k.engine.schedule(k.actor.id, processingMs, { type: CONSUMER_TIMER.processed }, "processed");
}

let inlineProcessingDepth = 0;
const MAX_INLINE_PROCESSING_DEPTH = 32;

/** Moves the records of the current batch whose processing is finished by `atMs` into the ledger. */
function recordProcessed(k: Cons, atMs: number): void {
  const d = k.d;
  if (d.batch.length === 0) return;
  const per = d.processingMsPerRecord;
  let done = 0;
  // A batch holds runs of one partition: look its read ranges up once per run.
  let runTopic: string | null = null;
  let runPartition = -1;
  let ranges: [number, number][] = [];
  // The entries of a run share one LedgerRead (see ConsumedEntry).
  let read: LedgerRead | null = null;
  for (const r of d.batch) {
    const readAtMs = d.batchPolledAtMs + (done + 1) * per;
    if (readAtMs > atMs) break;
    if (r.topic !== runTopic || r.partition !== runPartition) {
      runTopic = r.topic;
      runPartition = r.partition;
      ranges = d.readRanges[tpKey(r.topic, r.partition)] ??= [];
    }
    if (markRead(ranges, r.record.offset)) d.stats.duplicates++;
    if (
      read === null ||
      read.topic !== r.topic ||
      read.partition !== r.partition ||
      read.generation !== r.generation ||
      read.run !== r.run ||
      read.rebalancing !== r.rebalancing
    ) {
      read = {
        topic: r.topic,
        partition: r.partition,
        polledAtMs: d.batchPolledAtMs,
        generation: r.generation,
        run: r.run,
        rebalancing: r.rebalancing,
        incarnation: k.actor.incarnation,
      };
    }
    d.ledger.push(new ConsumedEntry(read, r.record, Math.min(readAtMs, atMs)));
    d.stats.processed++;
    done++;
  }
  d.batch = d.batch.slice(done);
}

function onProcessed(k: Cons): void {
  const d = k.d;
  if (k.engine.nowMs < d.stalledUntilMs) {
    d.appState = "stalled";
    k.engine.schedule(k.actor.id, d.stalledUntilMs - k.engine.nowMs, { type: CONSUMER_TIMER.processed }, "processed");
    return;
  }
  // A stall may have stretched the batch: everything is done now.
  d.batchPolledAtMs = Math.min(d.batchPolledAtMs, k.engine.nowMs - d.batch.length * d.processingMsPerRecord);
  recordProcessed(k, k.engine.nowMs);
  d.batch = [];
  if (!k.cfg.enableAutoCommit && d.assigned.length > 0) {
    if (k.cfg.manualCommit === "sync") {
      if (commit(k, "sync", "poll")) {
        d.appState = "committing";
        return;
      }
    } else commit(k, "async", "none");
  }
  poll(k);
}

function stall(k: Cons, forMs: number): void {
  const d = k.d;
  d.stalledUntilMs = Math.max(d.stalledUntilMs, k.engine.nowMs + forMs);
  note(
    k,
    `${k.actor.id}'s application stops calling poll() for ${forMs} ms (a slow call, a long GC in the app thread); its heartbeat thread keeps running, and leaves the group if poll() is not called within ${k.cfg.maxPollIntervalMs} ms (max.poll.interval.ms)`,
    { stalledUntilMs: d.stalledUntilMs },
  );
  if (d.appState === "waiting") {
    d.appState = "stalled";
    k.engine.schedule(k.actor.id, forMs, { type: CONSUMER_TIMER.poll }, "poll");
  }
}

function close(k: Cons): void {
  const d = k.d;
  recordProcessed(k, k.engine.nowMs);
  note(
    k,
    `${k.actor.id} closes (consumer.close())${k.cfg.enableAutoCommit ? ": it commits its positions (enable.auto.commit)" : ""}` +
      (k.cfg.groupInstanceId === null
        ? " and leaves the group at once"
        : k.cfg.groupProtocol === "classic"
          ? `; as a static member (group.instance.id=${k.cfg.groupInstanceId}) it sends no LeaveGroup: its partitions wait for it until session.timeout.ms`
          : `; as a static member it leaves only for now (member epoch -2): its partitions wait for it until group.consumer.session.timeout.ms`),
  );
  if (k.cfg.enableAutoCommit) commit(k, "close", "none");
  closeMembership(k);
  d.appState = "closed";
  k.engine.stop(k.actor.id, "closed by the application (consumer.close())");
}

// ------------------------------------------------------------------ positions

export function setPosition(k: Cons, tp: string, offset: number, why: string): void {
  const d = k.d;
  d.positions[tp] = offset;
  d.runs[tp] = d.nextRun++;
  d.buffer = d.buffer.filter((b) => b.tp !== tp);
  d.noOffset = d.noOffset.filter((x) => x !== tp);
  note(k, `${k.actor.id} reads ${tp} from offset ${offset} (${why})`, { tp, position: offset });
  wakeApp(k);
}

/** Drops a partition's position and buffered records (it was revoked or lost). */
export function forgetPartition(k: Cons, tp: string): void {
  const d = k.d;
  delete d.positions[tp];
  delete d.lastDelivered[tp];
  d.buffer = d.buffer.filter((b) => b.tp !== tp);
  d.offsetFetchPending = d.offsetFetchPending.filter((x) => x !== tp);
  d.resetting = d.resetting.filter((x) => x !== tp);
  d.noOffset = d.noOffset.filter((x) => x !== tp);
  d.runs[tp] = d.nextRun++;
}

function ensurePositions(k: Cons): void {
  const d = k.d;
  if (d.coordinator < 0) return;
  const need = d.assigned.filter(
    (tp) =>
      d.positions[tp] === undefined &&
      !d.offsetFetchPending.includes(tp) &&
      !d.resetting.includes(tp) &&
      !d.noOffset.includes(tp) &&
      !d.revoking.includes(tp),
  );
  if (need.length === 0) return;
  d.offsetFetchPending.push(...need);
  sendRequest(
    k,
    d.coordinator,
    { type: "OffsetFetch", groupId: k.cfg.groupId, partitions: need.map(splitTp) },
    { tps: need },
  );
}

function onOffsetFetchResponse(k: Cons, res: OffsetFetchResponse): void {
  const f = takeInflight(k, res.requestId);
  if (!f) return;
  const d = k.d;
  d.offsetFetchPending = d.offsetFetchPending.filter((tp) => !(f.tps ?? []).includes(tp));
  if (res.error !== "NONE") return coordinatorUnknown(k, `OffsetFetch answered ${res.error}`);
  for (const p of res.partitions) {
    const tp = tpKey(p.topic, p.partition);
    if (!d.assigned.includes(tp) || d.positions[tp] !== undefined) continue;
    if (p.offset >= 0) {
      d.committed[tp] = p.offset;
      setPosition(k, tp, p.offset, `the group's committed offset`);
    } else
      resetPosition(k, tp, k.cfg.autoOffsetReset, `no committed offset: auto.offset.reset=${k.cfg.autoOffsetReset}`);
  }
}

type ResetTo = "earliest" | "latest" | "none" | { timestampMs: number };

export function resetPosition(k: Cons, tp: string, to: ResetTo, why: string): void {
  const d = k.d;
  if (to === "none") {
    if (!d.noOffset.includes(tp)) d.noOffset.push(tp);
    note(
      k,
      `${k.actor.id} has no valid position for ${tp} and auto.offset.reset=none: NoOffsetForPartitionException (the application must seek) — ${why}`,
      {
        error: "NoOffsetForPartitionException",
      },
    );
    return;
  }
  const { topic, partition } = splitTp(tp);
  const leader = d.metadata[topic]?.[partition]?.leader ?? -1;
  if (leader < 0) {
    requestMetadata(k);
    return;
  }
  delete d.positions[tp];
  d.buffer = d.buffer.filter((b) => b.tp !== tp);
  if (!d.resetting.includes(tp)) d.resetting.push(tp);
  const timestamp = to === "earliest" ? EARLIEST_TIMESTAMP : to === "latest" ? LATEST_TIMESTAMP : to.timestampMs;
  sendRequest(
    k,
    leader,
    { type: "ListOffsets", isolationLevel: k.cfg.isolationLevel, partitions: [{ topic, partition, timestamp }] },
    { tps: [tp], why },
  );
}

function onListOffsetsResponse(k: Cons, res: ListOffsetsResponse): void {
  const f = takeInflight(k, res.requestId);
  if (!f) return;
  const d = k.d;
  d.resetting = d.resetting.filter((tp) => !(f.tps ?? []).includes(tp));
  for (const p of res.partitions) {
    const tp = tpKey(p.topic, p.partition);
    if (!d.assigned.includes(tp)) continue;
    if (p.error !== "NONE") {
      markLeaderUnknown(k, tp);
      requestMetadata(k);
      continue;
    }
    // offsetsForTimes found nothing at or after the timestamp: go to the end.
    if (p.offset < 0) resetPosition(k, tp, "latest", `${f.why ?? ""}; no record that late, so the end`);
    else setPosition(k, tp, p.offset, f.why ?? "ListOffsets");
  }
}

function seek(k: Cons, event: SimEvent): void {
  const d = k.d;
  const topic = String(event.topic);
  const tps = d.assigned.filter((tp) => {
    const s = splitTp(tp);
    return s.topic === topic && (event.partition === undefined || s.partition === Number(event.partition));
  });
  if (tps.length === 0) {
    note(
      k,
      `${k.actor.id} cannot seek ${topic}${event.partition !== undefined ? `-${String(event.partition)}` : ""}: not assigned to it (IllegalStateException)`,
    );
    return;
  }
  const to = event.to as "beginning" | "end" | { offset: number } | { timestampMs: number };
  for (const tp of tps) {
    if (to === "beginning") resetPosition(k, tp, "earliest", "seekToBeginning()");
    else if (to === "end") resetPosition(k, tp, "latest", "seekToEnd()");
    else if ("offset" in to) setPosition(k, tp, to.offset, "seek()");
    else resetPosition(k, tp, { timestampMs: to.timestampMs }, `seek to offsetsForTimes(${to.timestampMs})`);
  }
}

function pauseResume(k: Cons, event: SimEvent): void {
  const d = k.d;
  const pause = event.type === CONSUMER_INPUT.pause;
  const tps = d.assigned.filter((tp) => {
    const s = splitTp(tp);
    return (
      (event.topic === undefined || s.topic === event.topic) &&
      (event.partition === undefined || s.partition === Number(event.partition))
    );
  });
  if (pause) d.paused = [...new Set([...d.paused, ...tps])].sort();
  else d.paused = d.paused.filter((tp) => !tps.includes(tp));
  note(
    k,
    `${k.actor.id} ${pause ? "pauses" : "resumes"} ${list(tps)} (consumer.${pause ? "pause" : "resume"}(): ${pause ? "no records from them until resumed; it stays in the group" : "fetching again"})`,
  );
  if (!pause) wakeApp(k);
}

// ------------------------------------------------------------------ fetching

export function sendFetches(k: Cons): void {
  const d = k.d;
  // Called on every poll (thousands of times a second on a busy group), for
  // a handful of partitions: plain loops over small arrays, no sets or maps.
  const fetches: InflightRequest[] = [];
  for (const f of d.inflight.values()) if (f.type === "ConsumerFetch") fetches.push(f);
  const byBroker = new Map<
    number,
    { topic: string; partition: number; fetchOffset: number; currentLeaderEpoch: number }[]
  >();
  let needMetadata = false;
  for (const tp of d.assigned) {
    const pos = d.positions[tp];
    if (
      pos === undefined ||
      d.paused.includes(tp) ||
      isBuffered(d.buffer, tp) ||
      isBeingFetched(fetches, tp) ||
      d.revoking.includes(tp)
    )
      continue;
    const { topic, partition } = splitTp(tp);
    const m = d.metadata[topic]?.[partition];
    if (!m || m.leader < 0) {
      needMetadata = true;
      continue;
    }
    let parts = byBroker.get(m.leader);
    if (!parts) byBroker.set(m.leader, (parts = []));
    parts.push({ topic, partition, fetchOffset: pos, currentLeaderEpoch: m.leaderEpoch });
  }
  if (needMetadata) requestMetadata(k);
  if (byBroker.size === 0) return;
  for (const broker of [...byBroker.keys()].sort((a, b) => a - b)) {
    if (d.fetching[`b${broker}`] !== undefined) continue;
    const partitions = byBroker.get(broker)!;
    const fetchOffsets: Record<string, number> = {};
    for (const p of partitions) fetchOffsets[tpKey(p.topic, p.partition)] = p.fetchOffset;
    // sendRequest by hand, the objects built whole (no spreads): a fetch goes out on most polls.
    const id = d.nextRequestId++;
    d.inflight.set(id, { fetchOffsets, type: "ConsumerFetch", broker, sentAtMs: k.engine.nowMs });
    const request: ConsumerFetchRequest & { refusable: true } = {
      type: "ConsumerFetch",
      isolationLevel: k.cfg.isolationLevel,
      maxWaitMs: k.cfg.fetchMaxWaitMs,
      maxRecords: k.cfg.maxPollRecords,
      partitions,
      from: k.actor.id,
      requestId: id,
      refusable: true,
    };
    k.engine.send(k.actor.id, brokerActorId(broker), request);
    armRequestTimeout(k, id, k.cfg.fetchMaxWaitMs + k.cfg.requestTimeoutMs);
    d.fetching[`b${broker}`] = id;
  }
}

/**
 * The fetched records the application may see, from `fetchOffset` on: the
 * log's own record objects (immutable, so shared, never copied). Transaction
 * markers are never returned to applications; read_committed also drops
 * aborted transactions.
 */
function applicationRecords(
  fetched: RecordSlice,
  aborted: readonly AbortedTxn[],
  fetchOffset: number,
): BufferedBatch["records"] {
  const out: BufferedBatch["records"] = [];
  if (aborted.length === 0) {
    // Nothing aborted (every read_uncommitted fetch): visibleRecords reduces to
    // dropping markers. One pass over the slice, no intermediate arrays: this
    // runs for every partition of every consumer fetch.
    for (let i = fetched.from; i < fetched.to; i++) {
      const r = fetched.records[i];
      if (isControlRecord(r) || r.offset < fetchOffset) continue;
      out.push(r);
    }
    return out;
  }
  for (const r of visibleRecords(sliceToArray(fetched), aborted)) if (r.offset >= fetchOffset) out.push(r);
  return out;
}

function onFetchResponse(k: Cons, res: ConsumerFetchResponse): void {
  const f = takeInflight(k, res.requestId);
  if (!f) return;
  const d = k.d;
  delete d.fetching[`b${f.broker}`];
  let needMetadata = false;
  for (const p of res.partitions) {
    const tp = tpKey(p.topic, p.partition);
    const fetchOffset = f.fetchOffsets?.[tp];
    if (fetchOffset === undefined || !d.assigned.includes(tp) || d.positions[tp] !== fetchOffset) continue;
    if (p.error === "NONE") {
      d.highWatermarks[tp] = p.highWatermark;
      const records = applicationRecords(p.records, p.abortedTransactions ?? [], fetchOffset);
      if (records.length > 0) d.buffer.push({ tp, topic: p.topic, partition: p.partition, fetchOffset, records });
    } else if (p.error === "OFFSET_OUT_OF_RANGE") {
      note(
        k,
        `${k.actor.id}: offset ${fetchOffset} of ${tp} is out of range (the log starts at ${p.logStartOffset < 0 ? "?" : p.logStartOffset}): OFFSET_OUT_OF_RANGE`,
        {
          error: "OFFSET_OUT_OF_RANGE",
        },
      );
      resetPosition(k, tp, k.cfg.autoOffsetReset, `out of range: auto.offset.reset=${k.cfg.autoOffsetReset}`);
    } else {
      markLeaderUnknown(k, tp);
      needMetadata = true;
    }
  }
  if (needMetadata) requestMetadata(k);
  if (d.buffer.length > 0) wakeApp(k);
  sendFetches(k);
}

// ------------------------------------------------------------------ commits

function maybeAutoCommit(k: Cons): void {
  const d = k.d;
  if (!k.cfg.enableAutoCommit || k.engine.nowMs - d.lastAutoCommitMs < k.cfg.autoCommitIntervalMs) return;
  if (!hasGeneration(k) || d.assigned.length === 0) return;
  d.lastAutoCommitMs = k.engine.nowMs;
  commit(k, "auto", "none");
}

export function hasGeneration(k: Cons): boolean {
  return k.cfg.groupProtocol === "classic" ? k.d.generation >= 0 && k.d.memberId !== "" : k.d.memberEpoch > 0;
}

/**
 * Commits the positions of `tps` (default: every owned partition). Returns
 * false when nothing was sent (nothing to commit, or no coordinator); the
 * caller then goes on at once.
 */
export function commit(k: Cons, kind: CommitKind, then: "join" | "poll" | "revoke" | "none", tps?: string[]): boolean {
  const d = k.d;
  const offsets = (tps ?? d.assigned)
    .filter((tp) => d.positions[tp] !== undefined && (kind !== "auto" || d.committed[tp] !== d.positions[tp]))
    .map((tp) => ({ ...splitTp(tp), offset: d.positions[tp] }));
  if (offsets.length === 0 || d.coordinator < 0 || !hasGeneration(k)) return false;
  const generation = k.cfg.groupProtocol === "classic" ? d.generation : d.memberEpoch;
  d.commits.push({ atMs: k.engine.nowMs, kind, generation, offsets, result: "pending", answeredAtMs: -1 });
  sendRequest(
    k,
    d.coordinator,
    {
      type: "OffsetCommit",
      groupId: k.cfg.groupId,
      generation,
      memberId: d.memberId,
      groupInstanceId: k.cfg.groupInstanceId,
      offsets,
    },
    { commitIndex: d.commits.length - 1, then },
  );
  return true;
}

function settleCommit(k: Cons, f: InflightRequest, error: string): void {
  const c = f.commitIndex !== undefined ? k.d.commits[f.commitIndex] : undefined;
  if (!c) return;
  c.result = error;
  c.answeredAtMs = k.engine.nowMs;
  if (error === "NONE") for (const o of c.offsets) k.d.committed[tpKey(o.topic, o.partition)] = o.offset;
}

function onOffsetCommitResponse(k: Cons, res: OffsetCommitResponse): void {
  const f = takeInflight(k, res.requestId);
  if (!f) return;
  const error = res.partitions.find((p) => p.error !== "NONE")?.error ?? "NONE";
  settleCommit(k, f, error);
  if (error === "NONE") coordinatorAnswered(k);
  if (error !== "NONE") {
    note(
      k,
      `${k.actor.id}'s commit failed with ${error}${error === "ILLEGAL_GENERATION" || error === "UNKNOWN_MEMBER_ID" || error === "STALE_MEMBER_EPOCH" ? " (CommitFailedException: the group rebalanced; these records will be read again by the partition's next owner)" : ""}`,
      {
        error,
      },
    );
    if (error === "NOT_COORDINATOR" || error === "COORDINATOR_NOT_AVAILABLE")
      coordinatorUnknown(k, `OffsetCommit answered ${error}`);
    if (error === "REBALANCE_IN_PROGRESS" && !k.d.rejoinNeeded) {
      k.d.rejoinNeeded = true;
      k.d.rejoinReason = "a commit was answered REBALANCE_IN_PROGRESS";
    }
  }
  continueAfterCommit(k, f);
}

function continueAfterCommit(k: Cons, f: InflightRequest): void {
  switch (f.then) {
    case "join":
      return afterCommitForJoin(k);
    case "revoke":
      return afterRevokeCommit(k);
    case "poll":
      if (k.d.appState === "committing") return poll(k);
      return;
    default:
      return;
  }
}
