// The broker side of idempotence and transactions, as a BrokerModule that
// runs inside every broker process (its state lives in
// broker.data.modules.transactions and is lost on a crash, like Kafka's
// in-memory coordinator state):
//
// - InitProducerId without a transactional id: a producer id for an
//   idempotent producer, or the next epoch of one (KIP-360);
// - the transaction coordinator: the leader of __transaction_state-p, with
//   p = abs(hashCode(transactional.id)) % partitions. It answers
//   FindCoordinator, InitProducerId, AddPartitionsToTxn and EndTxn; every
//   state change is first written to its __transaction_state partition and
//   applied (and answered) only once that write is below the high watermark,
//   so a new coordinator elected after a crash loads the same state;
// - the markers: after PrepareCommit/PrepareAbort the coordinator sends
//   WriteTxnMarkers to the leaders of the transaction's partitions, which
//   append a COMMIT/ABORT control record and answer once it is replicated;
//   then the coordinator writes CompleteCommit/CompleteAbort;
// - transactions running past transaction.timeout.ms are aborted with a
//   bumped epoch, which fences the late producer.
//
// Appends go through the broker's own Produce path (engine.dispatch of a
// Produce with acks=0), and completion is learnt from onHighWatermark.

import { logRecords } from "../../cluster/log.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import type { ProduceRequest } from "../broker/replicaManager.ts";
import type { BrokerModule, ClusterContext } from "../context.ts";
import { brokerActorId } from "../ids.ts";
import { tpKey } from "../metadata.ts";
import type { TopicSpec } from "../spec.ts";
import {
  abortIfTimedOut,
  addPartitions,
  completeTransaction,
  endTransaction,
  initProducerId,
  loadTransactions,
  MAX_PRODUCER_EPOCH,
  transactionPartition,
  txnLogValue,
  type TxnMetadata,
  type TxnStep,
} from "./coordinator.ts";
import type {
  AddPartitionsToTxnRequest,
  EndTxnRequest,
  FindCoordinatorRequest,
  InitProducerIdRequest,
  ProducerRecordInput,
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from "./protocol.ts";

export const TRANSACTION_STATE_TOPIC = "__transaction_state";
export const TRANSACTION_MODULE = "transactions";
/** Where the cluster-wide producer id counter lives in world.data. */
export const PRODUCER_ID_COUNTER = "producer.nextProducerId";

export interface TransactionModuleConfig {
  /** transaction.state.log.num.partitions (50 in Kafka; fewer in Classroom) */
  numPartitions: number;
  /** transaction.state.log.replication.factor (3, capped at the broker count) */
  replicationFactor: number;
  /** transaction.state.log.min.isr (2, capped at the replication factor) */
  minInsyncReplicas: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms (10000 in Kafka) */
  cleanupIntervalMs: number;
  /** How long the coordinator waits for a write or a marker answer before trying again. */
  requestTimeoutMs: number;
  retryBackoffMs: number;
}

/** The __transaction_state topic as the cluster should create it. */
export function transactionStateTopic(cfg: TransactionModuleConfig): TopicSpec {
  return {
    name: TRANSACTION_STATE_TOPIC,
    partitions: cfg.numPartitions,
    replicationFactor: cfg.replicationFactor,
    config: { minInsyncReplicas: cfg.minInsyncReplicas, cleanupPolicy: "compact" },
  };
}

interface Reply {
  client: string;
  type: string;
  requestId: number;
  fields: Record<string, unknown>;
}

/** A __transaction_state append waiting for the high watermark. */
interface PendingWrite {
  transactionalId: string;
  partition: number;
  offset: number;
  next: TxnMetadata;
  reply: Reply | null;
  markers: "COMMIT" | "ABORT" | null;
  why: string;
  expiresAtMs: number;
  /** Not appended (the ISR was too small): only waits to be tried again. */
  blocked: boolean;
}

/** Markers being written for one completed transaction. */
interface MarkerJob {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  result: "COMMIT" | "ABORT";
  coordinatorEpoch: number;
  remaining: { topic: string; partition: number }[];
  inFlight: {
    requestId: number;
    broker: number;
    sentAtMs: number;
    partitions: { topic: string; partition: number }[];
  }[];
  retryAtMs: number;
  /** Refused marker writes so far (only some are traced). */
  failures: number;
}

/** Leader side: markers appended here, answered once below the high watermark. */
interface MarkerWrite {
  coordinator: string;
  requestId: number;
  partitions: { topic: string; partition: number; offset: number; error: string; done: boolean }[];
}

export interface TransactionModuleState {
  nextRequestId: number;
  /** __transaction_state partitions this broker coordinates (loaded), ascending. */
  loaded: number[];
  /** Transaction metadata by `tx:<transactional.id>`. */
  txns: Record<string, TxnMetadata>;
  writes: PendingWrite[];
  jobs: MarkerJob[];
  markerWrites: MarkerWrite[];
  tickAtMs: number;
}

const txKey = (id: string): string => `tx:${id}`;
const brokerData = (b: ActorRecord): BrokerData => b.data as BrokerData;

function stateOf(b: ActorRecord): TransactionModuleState {
  const d = brokerData(b);
  let s = d.modules[TRANSACTION_MODULE] as TransactionModuleState | undefined;
  if (!s) {
    s = { nextRequestId: 1, loaded: [], txns: {}, writes: [], jobs: [], markerWrites: [], tickAtMs: -1 };
    d.modules[TRANSACTION_MODULE] = s;
  }
  return s;
}

/** A cluster-wide, deterministic producer id (stands in for the controller's producer id blocks). */
export function allocateProducerId(engine: Engine): number {
  const n = (engine.world.data[PRODUCER_ID_COUNTER] as number | undefined) ?? 0;
  engine.world.data[PRODUCER_ID_COUNTER] = n + 1;
  return n;
}

/**
 * NOT_ENOUGH_REPLICAS when this leader's ISR for the partition is below its
 * min.insync.replicas: the coordinator's appends behave like acks=all ones.
 */
function underMinIsr(ctx: ClusterContext, broker: ActorRecord, topic: string, partition: number): string | null {
  const d = brokerData(broker);
  const lp = d.replicas[tpKey(topic, partition)]?.leaderPartition;
  if (!lp) return null;
  const minIsr = Math.min(
    d.image.topics[topic]?.config.minInsyncReplicas ?? ctx.spec.brokerConfig.minInsyncReplicas,
    lp.replicas.length,
  );
  const isr = lp.isrState.isr.length;
  return isr < minIsr
    ? `${tpKey(topic, partition)} has ${isr} in-sync replica(s), fewer than min.insync.replicas=${minIsr}`
    : null;
}

function splitTp(name: string): { topic: string; partition: number } {
  const i = name.lastIndexOf("-");
  return { topic: name.slice(0, i), partition: Number(name.slice(i + 1)) };
}

export function createTransactionModule(ctx: ClusterContext, cfg: TransactionModuleConfig): BrokerModule {
  const reply = (engine: Engine, broker: ActorRecord, r: Reply, error: string): void => {
    engine.send(broker.id, r.client, { type: r.type, requestId: r.requestId, error, ...r.fields });
  };

  function leadsTxnPartition(broker: ActorRecord, p: number): boolean {
    const rs = brokerData(broker).replicas[tpKey(TRANSACTION_STATE_TOPIC, p)];
    return rs !== undefined && rs.role === "leader";
  }

  function coordinatorEpochOf(broker: ActorRecord, p: number): number {
    return brokerData(broker).replicas[tpKey(TRANSACTION_STATE_TOPIC, p)]?.leaderEpoch ?? -1;
  }

  /** NOT_COORDINATOR etc., or null when this broker may act for the transactional id now. */
  function coordinatorError(broker: ActorRecord, transactionalId: string): string | null {
    const p = transactionPartition(transactionalId, cfg.numPartitions);
    const s = stateOf(broker);
    if (!leadsTxnPartition(broker, p)) return "NOT_COORDINATOR";
    if (!s.loaded.includes(p)) return "COORDINATOR_LOAD_IN_PROGRESS";
    if (s.writes.some((w) => w.transactionalId === transactionalId)) return "CONCURRENT_TRANSACTIONS";
    return null;
  }

  // -------------------------------------------------------------- writes to __transaction_state

  function write(
    engine: Engine,
    broker: ActorRecord,
    next: TxnMetadata,
    replyTo: Reply | null,
    markers: "COMMIT" | "ABORT" | null,
    why: string,
  ): void {
    const s = stateOf(broker);
    const d = brokerData(broker);
    const p = transactionPartition(next.transactionalId, cfg.numPartitions);
    const key = tpKey(TRANSACTION_STATE_TOPIC, p);
    const short = underMinIsr(ctx, broker, TRANSACTION_STATE_TOPIC, p);
    if (short !== null) {
      engine.record(
        "note",
        broker.id,
        `transaction coordinator ${broker.id} cannot record ${next.transactionalId} as ${next.state}: ${short}`,
      );
      return refuseWrite(engine, broker, next, replyTo, markers, why);
    }
    const before = d.disk.logs[key]?.logEndOffset ?? 0;
    const w: PendingWrite = {
      transactionalId: next.transactionalId,
      partition: p,
      offset: before,
      next,
      reply: replyTo,
      markers,
      why,
      expiresAtMs: engine.nowMs + cfg.requestTimeoutMs,
      blocked: false,
    };
    s.writes.push(w);
    const req: ProduceRequest & { from: string } = {
      type: "Produce",
      from: broker.id,
      requestId: s.nextRequestId++,
      acks: 0,
      timeoutMs: cfg.requestTimeoutMs,
      partitions: [
        {
          topic: TRANSACTION_STATE_TOPIC,
          partition: p,
          records: [{ key: next.transactionalId, value: txnLogValue(next), timestamp: engine.nowMs }],
        },
      ],
    };
    engine.dispatch(broker.id, req);
    const after = brokerData(broker).disk.logs[key]?.logEndOffset ?? 0;
    if (after !== before + 1 && s.writes.includes(w)) {
      s.writes = s.writes.filter((x) => x !== w);
      return refuseWrite(engine, broker, next, replyTo, markers, why);
    }
    armTick(engine, broker);
  }

  /**
   * The append could not be made: a client is told at once (it retries); a
   * step the coordinator takes by itself waits one cleanup interval (the
   * tick) and is then tried again.
   */
  function refuseWrite(
    engine: Engine,
    broker: ActorRecord,
    next: TxnMetadata,
    replyTo: Reply | null,
    markers: "COMMIT" | "ABORT" | null,
    why: string,
  ): void {
    if (replyTo) {
      reply(engine, broker, replyTo, "COORDINATOR_NOT_AVAILABLE");
      return;
    }
    const partition = transactionPartition(next.transactionalId, cfg.numPartitions);
    const expiresAtMs = engine.nowMs + cfg.cleanupIntervalMs;
    stateOf(broker).writes.push({
      transactionalId: next.transactionalId,
      partition,
      offset: -1,
      next,
      reply: null,
      markers,
      why,
      expiresAtMs,
      blocked: true,
    });
    armTick(engine, broker);
  }

  function completeWrites(engine: Engine, broker: ActorRecord, p: number): void {
    const s = stateOf(broker);
    const log = brokerData(broker).disk.logs[tpKey(TRANSACTION_STATE_TOPIC, p)];
    if (!log) return;
    const done = s.writes.filter((w) => !w.blocked && w.partition === p && w.offset < log.highWatermark);
    if (done.length === 0) return;
    s.writes = s.writes.filter((w) => !done.includes(w));
    for (const w of done) {
      s.txns[txKey(w.transactionalId)] = w.next;
      engine.record(
        "note",
        broker.id,
        `transaction coordinator ${broker.id}: ${w.transactionalId} is ${w.next.state} (producer ${w.next.producerId}, epoch ${w.next.producerEpoch}), replicated in ${TRANSACTION_STATE_TOPIC}-${p} — ${w.why}`,
        { transactionalId: w.transactionalId, state: w.next.state },
      );
      if (w.reply) reply(engine, broker, w.reply, String(w.reply.fields.error ?? "NONE"));
      if (w.markers) startMarkers(engine, broker, w.next, w.markers);
    }
    armTick(engine, broker); // an Ongoing transaction's timeout starts now
  }

  // -------------------------------------------------------------- markers (coordinator side)

  function startMarkers(engine: Engine, broker: ActorRecord, meta: TxnMetadata, result: "COMMIT" | "ABORT"): void {
    const s = stateOf(broker);
    const p = transactionPartition(meta.transactionalId, cfg.numPartitions);
    s.jobs = s.jobs.filter((j) => j.transactionalId !== meta.transactionalId);
    const job: MarkerJob = {
      transactionalId: meta.transactionalId,
      producerId: meta.producerId,
      producerEpoch: meta.producerEpoch,
      result,
      coordinatorEpoch: coordinatorEpochOf(broker, p),
      remaining: meta.partitions.map(splitTp),
      inFlight: [],
      retryAtMs: engine.nowMs,
      failures: 0,
    };
    s.jobs.push(job);
    sendMarkers(engine, broker, job);
  }

  function sendMarkers(engine: Engine, broker: ActorRecord, job: MarkerJob): void {
    const s = stateOf(broker);
    const d = brokerData(broker);
    if (job.remaining.length === 0 && job.inFlight.length === 0) {
      finishJob(engine, broker, job);
      return;
    }
    const busy = new Set(job.inFlight.flatMap((r) => r.partitions.map((x) => tpKey(x.topic, x.partition))));
    const byLeader = new Map<number, { topic: string; partition: number }[]>();
    let leaderless = false;
    for (const tp of job.remaining) {
      if (busy.has(tpKey(tp.topic, tp.partition))) continue;
      const leader = d.image.partitions[tpKey(tp.topic, tp.partition)]?.leader ?? -1;
      if (leader < 0) {
        leaderless = true;
        continue;
      }
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(tp);
    }
    for (const leader of [...byLeader.keys()].sort((a, b) => a - b)) {
      const partitions = byLeader.get(leader)!;
      const requestId = s.nextRequestId++;
      job.inFlight.push({ requestId, broker: leader, sentAtMs: engine.nowMs, partitions });
      const req: WriteTxnMarkersRequest = {
        type: "txn.WriteTxnMarkers",
        from: broker.id,
        requestId,
        transactionalId: job.transactionalId,
        producerId: job.producerId,
        producerEpoch: job.producerEpoch,
        result: job.result,
        coordinatorEpoch: job.coordinatorEpoch,
        partitions,
      };
      engine.send(broker.id, brokerActorId(leader), req);
    }
    if (leaderless) job.retryAtMs = engine.nowMs + cfg.retryBackoffMs;
    armTick(engine, broker);
  }

  function onMarkersResponse(engine: Engine, broker: ActorRecord, res: WriteTxnMarkersResponse): void {
    const s = stateOf(broker);
    for (const job of s.jobs) {
      const i = job.inFlight.findIndex((r) => r.requestId === res.requestId);
      if (i < 0) continue;
      job.inFlight.splice(i, 1);
      const ok = new Set(res.partitions.filter((p) => p.error === "NONE").map((p) => tpKey(p.topic, p.partition)));
      job.remaining = job.remaining.filter((tp) => !ok.has(tpKey(tp.topic, tp.partition)));
      const failed = res.partitions.filter((p) => p.error !== "NONE");
      if (failed.length > 0) {
        job.retryAtMs = engine.nowMs + cfg.retryBackoffMs;
        job.failures++;
        if (job.failures === 1 || job.failures % 20 === 0)
          engine.record(
            "note",
            broker.id,
            `transaction coordinator ${broker.id}: broker ${res.broker} could not write ${job.result} markers to ${failed.map((p) => `${tpKey(p.topic, p.partition)} (${p.error})`).join(", ")}; trying again`,
          );
        armTick(engine, broker);
      } else if (job.remaining.length === 0 && job.inFlight.length === 0) finishJob(engine, broker, job);
      return;
    }
  }

  function finishJob(engine: Engine, broker: ActorRecord, job: MarkerJob): void {
    const s = stateOf(broker);
    s.jobs = s.jobs.filter((j) => j !== job);
    const meta = s.txns[txKey(job.transactionalId)];
    if (!meta || (meta.state !== "PrepareCommit" && meta.state !== "PrepareAbort")) return;
    write(engine, broker, completeTransaction(meta, engine.nowMs), null, null, `every ${job.result} marker is written`);
  }

  // -------------------------------------------------------------- markers (partition leader side)

  function onWriteMarkers(engine: Engine, broker: ActorRecord, req: WriteTxnMarkersRequest): void {
    const s = stateOf(broker);
    const d = brokerData(broker);
    // Every partition is listed before any append: an append can complete (HW) at once.
    const mw: MarkerWrite = {
      coordinator: req.from,
      requestId: req.requestId,
      partitions: req.partitions.map((tp) => ({
        topic: tp.topic,
        partition: tp.partition,
        offset: -1,
        error: "NONE",
        done: false,
      })),
    };
    s.markerWrites.push(mw);
    for (const entry of mw.partitions) {
      const key = tpKey(entry.topic, entry.partition);
      const rs = d.replicas[key];
      if (!rs || rs.role !== "leader") {
        entry.error = "NOT_LEADER_OR_FOLLOWER";
        entry.done = true;
        continue;
      }
      const short = underMinIsr(ctx, broker, entry.topic, entry.partition);
      if (short !== null) {
        entry.error = "NOT_ENOUGH_REPLICAS";
        entry.done = true;
        continue;
      }
      const before = d.disk.logs[key]?.logEndOffset ?? 0;
      entry.offset = before;
      const marker: ProducerRecordInput = {
        key: req.result,
        value: `coordinatorEpoch=${req.coordinatorEpoch}`,
        timestamp: engine.nowMs,
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
        sequence: -1,
        isTransactional: true,
        control: req.result,
      };
      const produce: ProduceRequest & { from: string } = {
        type: "Produce",
        from: req.from,
        requestId: req.requestId,
        acks: 0,
        timeoutMs: cfg.requestTimeoutMs,
        partitions: [{ topic: entry.topic, partition: entry.partition, records: [marker] }],
      };
      engine.dispatch(broker.id, produce);
      const log = brokerData(broker).disk.logs[key];
      if ((log?.logEndOffset ?? 0) !== before + 1) {
        entry.error = "NOT_LEADER_OR_FOLLOWER";
        entry.done = true;
        continue;
      }
      engine.record(
        "note",
        broker.id,
        `${key}: broker ${d.brokerId} writes ${req.result === "ABORT" ? "an" : "a"} ${req.result} marker for producer ${req.producerId} (epoch ${req.producerEpoch}) at offset ${before}; it takes an offset but no consumer ever sees it`,
        { topic: entry.topic, partition: entry.partition, offset: before, control: req.result },
      );
      if (log && log.highWatermark > before) entry.done = true;
    }
    maybeAnswerMarkers(engine, broker, mw);
  }

  function maybeAnswerMarkers(engine: Engine, broker: ActorRecord, mw: MarkerWrite): void {
    if (!mw.partitions.every((p) => p.done)) return;
    const s = stateOf(broker);
    s.markerWrites = s.markerWrites.filter((x) => x !== mw);
    const res: WriteTxnMarkersResponse = {
      type: "txn.WriteTxnMarkersResponse",
      requestId: mw.requestId,
      broker: brokerData(broker).brokerId,
      partitions: mw.partitions.map((p) => ({ topic: p.topic, partition: p.partition, error: p.error })),
    };
    engine.send(broker.id, mw.coordinator, res);
  }

  // -------------------------------------------------------------- client requests

  function respondSoon(engine: Engine, broker: ActorRecord, r: Reply, step: TxnStep, who: string): void {
    if (step.next) {
      write(
        engine,
        broker,
        step.next,
        { ...r, fields: { ...r.fields, error: step.error } },
        step.markers ?? null,
        step.reason,
      );
      return;
    }
    if (step.error !== "NONE")
      engine.record(
        "note",
        broker.id,
        `transaction coordinator ${broker.id} answers ${who} with ${step.error}: ${step.reason}`,
        {
          error: step.error,
        },
      );
    reply(engine, broker, r, step.error);
  }

  function onInitProducerId(engine: Engine, broker: ActorRecord, req: InitProducerIdRequest): void {
    const base: Reply = { client: req.from, type: "txn.InitProducerIdResponse", requestId: req.requestId, fields: {} };
    if (req.transactionalId === null) {
      // An idempotent producer: any broker hands out an id (or the next epoch of one).
      let producerId: number;
      let producerEpoch: number;
      if (req.producerId >= 0 && req.producerEpoch >= 0 && req.producerEpoch < MAX_PRODUCER_EPOCH) {
        producerId = req.producerId;
        producerEpoch = req.producerEpoch + 1;
      } else {
        producerId = allocateProducerId(engine);
        producerEpoch = 0;
      }
      reply(engine, broker, { ...base, fields: { producerId, producerEpoch } }, "NONE");
      return;
    }
    const err = coordinatorError(broker, req.transactionalId);
    const noId = { producerId: -1, producerEpoch: -1 };
    if (err) return reply(engine, broker, { ...base, fields: noId }, err);
    const s = stateOf(broker);
    const meta = s.txns[txKey(req.transactionalId)];
    const step = initProducerId(meta, req.transactionalId, req.transactionTimeoutMs, engine.nowMs, () =>
      allocateProducerId(engine),
    );
    const fields =
      step.next && step.error === "NONE"
        ? { producerId: step.next.producerId, producerEpoch: step.next.producerEpoch }
        : noId;
    respondSoon(engine, broker, { ...base, fields }, step, req.from);
  }

  function onAddPartitions(engine: Engine, broker: ActorRecord, req: AddPartitionsToTxnRequest): void {
    const base: Reply = {
      client: req.from,
      type: "txn.AddPartitionsToTxnResponse",
      requestId: req.requestId,
      fields: {},
    };
    const err = coordinatorError(broker, req.transactionalId);
    if (err) return reply(engine, broker, base, err);
    const meta = stateOf(broker).txns[txKey(req.transactionalId)];
    const names = req.partitions.map((p) => tpKey(p.topic, p.partition));
    respondSoon(
      engine,
      broker,
      base,
      addPartitions(meta, req.producerId, req.producerEpoch, names, engine.nowMs),
      req.from,
    );
  }

  function onEndTxn(engine: Engine, broker: ActorRecord, req: EndTxnRequest): void {
    const base: Reply = { client: req.from, type: "txn.EndTxnResponse", requestId: req.requestId, fields: {} };
    const err = coordinatorError(broker, req.transactionalId);
    if (err) return reply(engine, broker, base, err);
    const meta = stateOf(broker).txns[txKey(req.transactionalId)];
    respondSoon(
      engine,
      broker,
      base,
      endTransaction(meta, req.producerId, req.producerEpoch, req.commit, engine.nowMs),
      req.from,
    );
  }

  function onFindCoordinator(engine: Engine, broker: ActorRecord, req: FindCoordinatorRequest): void {
    const d = brokerData(broker);
    const p = transactionPartition(req.transactionalId, cfg.numPartitions);
    let coordinator = -1;
    let error = "NONE";
    if (!d.image.topics[TRANSACTION_STATE_TOPIC]) {
      // Like Kafka, the first FindCoordinator for a transaction creates the internal topic.
      const result = ctx.controlPlane.createTopic(engine, transactionStateTopic(cfg));
      engine.record(
        "note",
        broker.id,
        `broker ${d.brokerId} creates ${TRANSACTION_STATE_TOPIC} (${cfg.numPartitions} partitions) for the first transactional producer: ${result.ok ? "ok" : result.detail}`,
      );
      error = "COORDINATOR_NOT_AVAILABLE";
    } else {
      coordinator = d.image.partitions[tpKey(TRANSACTION_STATE_TOPIC, p)]?.leader ?? -1;
      if (coordinator < 0) error = "COORDINATOR_NOT_AVAILABLE";
    }
    engine.send(broker.id, req.from, {
      type: "txn.FindCoordinatorResponse",
      requestId: req.requestId,
      error,
      coordinator,
      partition: p,
    });
  }

  // -------------------------------------------------------------- loading, timeouts, the tick

  function load(engine: Engine, broker: ActorRecord, p: number): void {
    const s = stateOf(broker);
    const log = brokerData(broker).disk.logs[tpKey(TRANSACTION_STATE_TOPIC, p)];
    const slice = log ? logRecords(log) : { records: [], from: 0, to: 0 };
    const loaded = loadTransactions(slice.records.slice(slice.from, slice.to));
    let n = 0;
    const resume: TxnMetadata[] = [];
    for (const [id, meta] of [...loaded.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (transactionPartition(id, cfg.numPartitions) !== p) continue;
      s.txns[txKey(id)] = meta;
      n++;
      if (meta.state === "PrepareCommit" || meta.state === "PrepareAbort") resume.push(meta);
    }
    s.loaded = [...s.loaded, p].sort((a, b) => a - b);
    if (n > 0)
      engine.record(
        "note",
        broker.id,
        `broker ${brokerData(broker).brokerId} is now transaction coordinator for ${TRANSACTION_STATE_TOPIC}-${p}: it loaded ${n} transactional id(s) from the log${resume.length > 0 ? `, and resumes the markers of ${resume.map((m) => m.transactionalId).join(", ")}` : ""}`,
      );
    for (const m of resume) startMarkers(engine, broker, m, m.state === "PrepareCommit" ? "COMMIT" : "ABORT");
    armTick(engine, broker);
  }

  function unload(engine: Engine, broker: ActorRecord, p: number): void {
    const s = stateOf(broker);
    const mine = (id: string) => transactionPartition(id, cfg.numPartitions) === p;
    for (const w of s.writes) if (w.partition === p && w.reply) reply(engine, broker, w.reply, "NOT_COORDINATOR");
    s.writes = s.writes.filter((w) => w.partition !== p);
    s.jobs = s.jobs.filter((j) => !mine(j.transactionalId));
    for (const k of Object.keys(s.txns)) if (mine(s.txns[k].transactionalId)) delete s.txns[k];
    s.loaded = s.loaded.filter((x) => x !== p);
    engine.record(
      "note",
      broker.id,
      `broker ${brokerData(broker).brokerId} is no longer transaction coordinator for ${TRANSACTION_STATE_TOPIC}-${p}`,
    );
  }

  function armTick(engine: Engine, broker: ActorRecord): void {
    const s = stateOf(broker);
    let due = Infinity;
    for (const w of s.writes) due = Math.min(due, w.expiresAtMs);
    for (const j of s.jobs) {
      const busy = new Set(j.inFlight.flatMap((r) => r.partitions.map((x) => tpKey(x.topic, x.partition))));
      if (j.remaining.some((tp) => !busy.has(tpKey(tp.topic, tp.partition)))) due = Math.min(due, j.retryAtMs);
      for (const r of j.inFlight) due = Math.min(due, r.sentAtMs + cfg.requestTimeoutMs);
    }
    for (const k of Object.keys(s.txns)) {
      const m = s.txns[k];
      // A transaction with a write in flight is looked at again when the write completes.
      if (m.state !== "Ongoing" || s.writes.some((w) => w.transactionalId === m.transactionalId)) continue;
      // Checked every transaction.abort.timed.out.transaction.cleanup.interval.ms.
      const expiry = m.txnStartMs + m.txnTimeoutMs + 1;
      const interval = cfg.cleanupIntervalMs;
      const check = Math.ceil(expiry / interval) * interval;
      due = Math.min(due, check > engine.nowMs ? check : (Math.floor(engine.nowMs / interval) + 1) * interval);
    }
    if (!Number.isFinite(due)) return;
    const at = Math.max(due, engine.nowMs);
    if (s.tickAtMs >= engine.nowMs && s.tickAtMs <= at) return;
    s.tickAtMs = at;
    engine.schedule(broker.id, at - engine.nowMs, { type: "txn.coordinatorTick" }, "txnCoordinatorTick");
  }

  function tick(engine: Engine, broker: ActorRecord): void {
    const s = stateOf(broker);
    s.tickAtMs = -1;
    const now = engine.nowMs;
    // Writes that never reached the high watermark (the ISR is below min.insync.replicas, or leadership moved).
    const expired = s.writes.filter((w) => w.expiresAtMs <= now);
    s.writes = s.writes.filter((w) => w.expiresAtMs > now);
    for (const w of expired) {
      if (!w.blocked)
        engine.record(
          "note",
          broker.id,
          `transaction coordinator ${broker.id}: the write of ${w.transactionalId}'s ${w.next.state} to ${TRANSACTION_STATE_TOPIC}-${w.partition} was not replicated within request.timeout.ms=${cfg.requestTimeoutMs}`,
        );
      if (w.reply) reply(engine, broker, w.reply, "COORDINATOR_NOT_AVAILABLE");
      else if (w.next.state === "CompleteCommit" || w.next.state === "CompleteAbort")
        write(engine, broker, w.next, null, null, w.why); // the markers are written: only the last step is retried
    }
    for (const j of [...s.jobs]) {
      j.inFlight = j.inFlight.filter((r) => r.sentAtMs + cfg.requestTimeoutMs > now);
      if (j.retryAtMs <= now) sendMarkers(engine, broker, j);
    }
    for (const k of Object.keys(s.txns).sort()) {
      const m = s.txns[k];
      if (s.writes.some((w) => w.transactionalId === m.transactionalId)) continue;
      const step = abortIfTimedOut(m, now, () => allocateProducerId(engine));
      if (step?.next) write(engine, broker, step.next, null, "ABORT", step.reason);
    }
    armTick(engine, broker);
  }

  return {
    name: TRANSACTION_MODULE,
    prefixes: ["txn."],
    handle(engine, broker, event: SimEvent) {
      switch (event.type) {
        case "txn.FindCoordinator":
          return onFindCoordinator(engine, broker, event as unknown as FindCoordinatorRequest);
        case "txn.InitProducerId":
          return onInitProducerId(engine, broker, event as unknown as InitProducerIdRequest);
        case "txn.AddPartitionsToTxn":
          return onAddPartitions(engine, broker, event as unknown as AddPartitionsToTxnRequest);
        case "txn.EndTxn":
          return onEndTxn(engine, broker, event as unknown as EndTxnRequest);
        case "txn.WriteTxnMarkers":
          return onWriteMarkers(engine, broker, event as unknown as WriteTxnMarkersRequest);
        case "txn.WriteTxnMarkersResponse":
          return onMarkersResponse(engine, broker, event as unknown as WriteTxnMarkersResponse);
        case "txn.coordinatorTick":
          return tick(engine, broker);
      }
    },
    onMetadata(engine, broker) {
      const s = stateOf(broker);
      const d = brokerData(broker);
      if (d.image.topics[TRANSACTION_STATE_TOPIC]) {
        for (let p = 0; p < cfg.numPartitions; p++) {
          const leads = leadsTxnPartition(broker, p);
          if (leads && !s.loaded.includes(p)) load(engine, broker, p);
          else if (!leads && s.loaded.includes(p)) unload(engine, broker, p);
        }
      }
      // Markers on partitions this broker no longer leads cannot complete here.
      for (const mw of [...s.markerWrites]) {
        for (const p of mw.partitions) {
          const rs = d.replicas[tpKey(p.topic, p.partition)];
          if (!p.done && (!rs || rs.role !== "leader")) {
            p.error = "NOT_LEADER_OR_FOLLOWER";
            p.done = true;
          }
        }
        maybeAnswerMarkers(engine, broker, mw);
      }
    },
    onHighWatermark(engine, broker, topic, partition) {
      if (topic === TRANSACTION_STATE_TOPIC) {
        completeWrites(engine, broker, partition);
        return;
      }
      const s = stateOf(broker);
      if (s.markerWrites.length === 0) return;
      const log = brokerData(broker).disk.logs[tpKey(topic, partition)];
      if (!log) return;
      for (const mw of [...s.markerWrites]) {
        let touched = false;
        for (const p of mw.partitions)
          if (!p.done && p.topic === topic && p.partition === partition && p.offset < log.highWatermark) {
            p.done = true;
            touched = true;
          }
        if (touched) maybeAnswerMarkers(engine, broker, mw);
      }
    },
  };
}
