// Requests from consumers: Fetch (reading up to the high watermark, or the
// last stable offset for read_committed) with long-polling, and ListOffsets
// (earliest, latest, or by timestamp). Like replica fetches these are plain
// functions: records are never copied, the response carries a slice.

import { EMPTY_SLICE, fetchUpperBound, logRecords, read, type RecordSlice } from "../../cluster/log.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import { tpKey } from "../metadata.ts";
import type { ParkedConsumerFetch } from "./brokerData.ts";
import {
  EMPTY_PRODUCER_STATE,
  abortedTransactionsInRange,
  lastStableOffset,
  type AbortedTxn,
} from "../producer/producerState.ts";
import { dataOf } from "./replicaManager.ts";

export interface ConsumerFetchPartition {
  topic: string;
  partition: number;
  fetchOffset: number;
  /** The leader epoch the consumer knows, or -1 (then no fencing check). */
  currentLeaderEpoch: number;
}

export interface ConsumerFetchRequest extends SimEvent {
  type: "ConsumerFetch";
  from: string;
  requestId: number;
  isolationLevel: "read_uncommitted" | "read_committed";
  /** fetch.max.wait.ms */
  maxWaitMs: number;
  /** max.poll.records-sized reads per partition. */
  maxRecords: number;
  partitions: ConsumerFetchPartition[];
}

export interface ConsumerFetchPartitionResponse {
  topic: string;
  partition: number;
  error: string;
  records: RecordSlice;
  highWatermark: number;
  logStartOffset: number;
  leaderEpoch: number;
  /** read_committed: the aborted transactions in the returned range, for the client to drop. */
  abortedTransactions: AbortedTxn[];
}

export interface ConsumerFetchResponse extends SimEvent {
  type: "ConsumerFetchResponse";
  requestId: number;
  broker: number;
  partitions: ConsumerFetchPartitionResponse[];
}

function readPartition(
  actor: ActorRecord,
  req: ConsumerFetchRequest,
  p: ConsumerFetchPartition,
): ConsumerFetchPartitionResponse {
  const d = dataOf(actor);
  const key = tpKey(p.topic, p.partition);
  const rs = d.replicas[key];
  const log = d.disk.logs[key];
  const leaderEpoch = rs?.leaderEpoch ?? -1;
  // Written out per outcome (no spreads): this runs for every partition of every consumer fetch.
  const failed = (error: ConsumerFetchPartitionResponse["error"]): ConsumerFetchPartitionResponse => ({
    topic: p.topic,
    partition: p.partition,
    records: EMPTY_SLICE,
    highWatermark: -1,
    logStartOffset: -1,
    leaderEpoch,
    abortedTransactions: NO_ABORTED_TXNS,
    error,
  });
  if (!rs || !log) return failed(d.image.topics[p.topic] ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_TOPIC_OR_PARTITION");
  if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < rs.leaderEpoch) return failed("FENCED_LEADER_EPOCH");
  if (p.currentLeaderEpoch > rs.leaderEpoch) return failed("UNKNOWN_LEADER_EPOCH");
  if (rs.role !== "leader") return failed("NOT_LEADER_OR_FOLLOWER");
  // read_committed reads up to the last stable offset: the first offset of the oldest open transaction.
  const committed = req.isolationLevel === "read_committed";
  const producerState = d.producerStates[key] ?? EMPTY_PRODUCER_STATE;
  const upperBound = committed
    ? fetchUpperBound(log, "TXN_COMMITTED", lastStableOffset(producerState, log.highWatermark))
    : fetchUpperBound(log, "HIGH_WATERMARK");
  const r = read(log, p.fetchOffset, { upperBound, maxRecords: req.maxRecords });
  return {
    topic: p.topic,
    partition: p.partition,
    records: r.error === "NONE" ? r.records : EMPTY_SLICE,
    highWatermark: log.highWatermark,
    logStartOffset: log.logStartOffset,
    leaderEpoch,
    abortedTransactions:
      committed && r.error === "NONE"
        ? abortedTransactionsInRange(producerState, p.fetchOffset, upperBound)
        : NO_ABORTED_TXNS,
    error: r.error,
  };
}

/** Shared by every response without aborted transactions; never mutated. */
const NO_ABORTED_TXNS = Object.freeze([]) as unknown as AbortedTxn[];

function respond(
  engine: Engine,
  actor: ActorRecord,
  req: ConsumerFetchRequest,
  partitions: ConsumerFetchPartitionResponse[],
): void {
  const response: ConsumerFetchResponse = {
    type: "ConsumerFetchResponse",
    requestId: req.requestId,
    broker: dataOf(actor).brokerId,
    partitions,
  };
  engine.send(actor.id, req.from, response);
}

export function handleConsumerFetch(engine: Engine, actor: ActorRecord, req: ConsumerFetchRequest): void {
  const d = dataOf(actor);
  const partitions = req.partitions.map((p) => readPartition(actor, req, p));
  const anything = partitions.some((p) => p.error !== "NONE" || p.records.to > p.records.from);
  if (anything || req.maxWaitMs <= 0) {
    respond(engine, actor, req, partitions);
    return;
  }
  // Long-poll: nothing readable yet; wait for the HW to move or fetch.max.wait.ms to pass.
  d.consumerFetchParked.push({
    client: req.from,
    requestId: req.requestId,
    expiresAtMs: engine.nowMs + req.maxWaitMs,
    request: req,
  });
  engine.schedule(
    actor.id,
    req.maxWaitMs,
    { type: "broker.consumerFetchExpired", client: req.from, requestId: req.requestId },
    `consumerFetch:${req.from}:${req.requestId}`,
  );
}

/** Completes parked consumer fetches that can now read something from `key` (its HW moved). */
export function wakeConsumerFetches(engine: Engine, actor: ActorRecord, key: string): void {
  const d = dataOf(actor);
  if (d.consumerFetchParked.length === 0) return;
  const keep: ParkedConsumerFetch[] = [];
  for (const parked of d.consumerFetchParked) {
    const req = parked.request as ConsumerFetchRequest;
    if (!req.partitions.some((p) => tpKey(p.topic, p.partition) === key)) {
      keep.push(parked);
      continue;
    }
    const partitions = req.partitions.map((p) => readPartition(actor, req, p));
    if (partitions.some((p) => p.error !== "NONE" || p.records.to > p.records.from)) {
      engine.cancel(actor.id, `consumerFetch:${parked.client}:${parked.requestId}`);
      respond(engine, actor, req, partitions);
    } else keep.push(parked);
  }
  d.consumerFetchParked = keep;
}

export function onConsumerFetchExpired(engine: Engine, actor: ActorRecord, client: string, requestId: number): void {
  const d = dataOf(actor);
  const i = d.consumerFetchParked.findIndex((p) => p.client === client && p.requestId === requestId);
  if (i < 0) return;
  const [parked] = d.consumerFetchParked.splice(i, 1);
  const req = parked.request as ConsumerFetchRequest;
  respond(
    engine,
    actor,
    req,
    req.partitions.map((p) => readPartition(actor, req, p)),
  );
}

export interface ListOffsetsRequest extends SimEvent {
  type: "ListOffsets";
  from: string;
  requestId: number;
  isolationLevel: "read_uncommitted" | "read_committed";
  /** timestamp: -2 earliest, -1 latest, else the first offset with a timestamp >= it (offsetsForTimes). */
  partitions: { topic: string; partition: number; timestamp: number }[];
}

export interface ListOffsetsResponse extends SimEvent {
  type: "ListOffsetsResponse";
  requestId: number;
  broker: number;
  partitions: { topic: string; partition: number; error: string; offset: number; timestamp: number }[];
}

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export function handleListOffsets(engine: Engine, actor: ActorRecord, req: ListOffsetsRequest): void {
  const d = dataOf(actor);
  const partitions = req.partitions.map((p) => {
    const key = tpKey(p.topic, p.partition);
    const rs = d.replicas[key];
    const log = d.disk.logs[key];
    if (!rs || !log || rs.role !== "leader")
      return { topic: p.topic, partition: p.partition, error: "NOT_LEADER_OR_FOLLOWER", offset: -1, timestamp: -1 };
    // "Latest" is the HW (or the LSO), never the LEO: a consumer cannot read past it.
    const latest =
      req.isolationLevel === "read_committed"
        ? fetchUpperBound(
            log,
            "TXN_COMMITTED",
            lastStableOffset(d.producerStates[key] ?? EMPTY_PRODUCER_STATE, log.highWatermark),
          )
        : fetchUpperBound(log, "HIGH_WATERMARK");
    if (p.timestamp === EARLIEST_TIMESTAMP)
      return { topic: p.topic, partition: p.partition, error: "NONE", offset: log.logStartOffset, timestamp: -1 };
    if (p.timestamp === LATEST_TIMESTAMP)
      return { topic: p.topic, partition: p.partition, error: "NONE", offset: latest, timestamp: -1 };
    const slice = logRecords(log);
    for (let i = slice.from; i < slice.to; i++) {
      const r = slice.records[i];
      if (r.offset >= latest) break;
      if (r.timestamp >= p.timestamp)
        return { topic: p.topic, partition: p.partition, error: "NONE", offset: r.offset, timestamp: r.timestamp };
    }
    return { topic: p.topic, partition: p.partition, error: "NONE", offset: -1, timestamp: -1 };
  });
  const response: ListOffsetsResponse = {
    type: "ListOffsetsResponse",
    requestId: req.requestId,
    broker: d.brokerId,
    partitions,
  };
  engine.send(actor.id, req.from, response);
}
