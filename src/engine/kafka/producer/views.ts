// Read-only views of producers and of what they wrote, for the UI, the
// checker and expectations. Computed on demand from the world.

import { logRecords, type KafkaRecord } from "../../cluster/log.ts";
import type { Engine } from "../../world/engine.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import type { ClusterContext } from "../context.ts";
import { brokerActorId } from "../ids.ts";
import { tpKey } from "../metadata.ts";
import { PRODUCER_KIND, producerData, producerState, type ProducerAckedRecord } from "./producerKind.ts";
import { isControlRecord } from "./producerState.ts";
import type { ProducerSettings } from "./settings.ts";
import { AppendLog } from "../../core/appendLog.ts";

/** A producer as the UI shows it. The first fields match kafka/views.ts ProducerView. */
export interface ProducerClientView {
  id: string;
  topic: string;
  ratePerSec: number;
  acks: number;
  sent: number;
  acknowledged: number;
  failed: number;
  /** Produce requests waiting for an answer. */
  inFlight: number;
  errors: Record<string, number>;
  kind: "producer";
  alive: boolean;
  /** TransactionManager's state name (READY, IN_TRANSACTION…), or CLOSED. */
  state: string;
  idempotent: boolean;
  transactionalId: string | null;
  /** The transactional state when transactional.id is set, else null. */
  transactionState: string | null;
  producerId: number;
  producerEpoch: number;
  /** Records handed to send(). */
  produced: number;
  retried: number;
  batchesQueued: number;
  batchesInFlight: number;
  /** Partitions in the open transaction. */
  transactionPartitions: number[];
  committedTransactions: number;
  abortedTransactions: number;
  /** The sticky partition for records without a key, or -1. */
  stickyPartition: number;
  settings: ProducerSettings;
}

export function producerViews(engine: Engine): ProducerClientView[] {
  const out: ProducerClientView[] = [];
  for (const id of engine.world.actorOrder) {
    const a = engine.world.actors[id];
    if (a.kind !== PRODUCER_KIND) continue;
    const d = producerData(a);
    const state = producerState(a);
    const transactional = d.settings.transactionalId !== null;
    let queued = 0;
    for (const q of d.queues) if (q) queued += q.length;
    let inFlightBatches = 0;
    for (const r of d.inFlight) for (const b of r.batches) if (!b.done) inFlightBatches++;
    out.push({
      id,
      topic: String(a.config.topic),
      ratePerSec: d.load.ratePerSec,
      acks: d.settings.acks,
      sent: d.sent,
      acknowledged: d.acked.length,
      failed: d.failed.length,
      inFlight: d.inFlight.length,
      errors: { ...d.errors },
      kind: "producer",
      alive: a.alive,
      state,
      idempotent: d.settings.idempotent,
      transactionalId: d.settings.transactionalId,
      transactionState: transactional ? state : null,
      producerId: d.producerId,
      producerEpoch: d.producerEpoch,
      produced: d.produced,
      retried: d.retried,
      batchesQueued: queued,
      batchesInFlight: inFlightBatches,
      transactionPartitions: [...d.txn.added],
      committedTransactions: d.txn.committed,
      abortedTransactions: d.txn.aborted,
      stickyPartition: d.partitioner.sticky?.partition ?? -1,
      settings: { ...d.settings },
    });
  }
  return out;
}

/** Every producer's acknowledged-record ledger (the checker reads these like the load generators'). */
export function producerLedgers(engine: Engine): { producer: string; acked: readonly ProducerAckedRecord[] }[] {
  const out: { producer: string; acked: readonly ProducerAckedRecord[] }[] = [];
  for (const id of engine.world.actorOrder) {
    const a = engine.world.actors[id];
    if (a.kind === PRODUCER_KIND) out.push({ producer: id, acked: producerData(a).acked.view() });
  }
  return out;
}

/** A record a producer wrote, found in a partition log. */
export interface WrittenRecord {
  producer: string;
  serial: number;
  partition: number;
  offset: number;
  value: string;
}

export interface WriteStats {
  /** Records present more than once: one entry per extra copy. */
  duplicates: WrittenRecord[];
  /** Records that landed after a record their producer sent later (first copies only). */
  reordered: WrittenRecord[];
  /** Distinct records found. */
  distinct: number;
}

/**
 * Scans the logs of `topic` for the producers' records (identified by value;
 * generated values are `<producer>-<serial>`, unique) and reports the extra
 * copies (duplicates) and the records written out of send order (reordering).
 * Each partition is read from its current leader, or from its longest live
 * replica while it has none. Markers are skipped.
 */
export function writeStats(engine: Engine, ctx: ClusterContext, topic: string, producer?: string): WriteStats {
  const owners = recordOwners(engine, producer);
  const stats: WriteStats = { duplicates: [], reordered: [], distinct: 0 };
  const view = ctx.controlPlane.describe(engine);
  const partitions = view.partitions.filter((p) => p.topic === topic).sort((a, b) => a.partition - b.partition);
  for (const st of partitions) {
    const log = readableLog(engine, st.topic, st.partition, st.leader, st.replicas);
    if (!log) continue;
    const seen = new Set<string>();
    const maxSerial = new Map<string, number>();
    for (const r of log) {
      if (isControlRecord(r) || r.value === null) continue;
      const owner = owners.get(r.value);
      if (!owner) continue;
      const w: WrittenRecord = {
        producer: owner.producer,
        serial: owner.serial,
        partition: st.partition,
        offset: r.offset,
        value: r.value,
      };
      if (seen.has(r.value)) {
        stats.duplicates.push(w);
        continue;
      }
      seen.add(r.value);
      stats.distinct++;
      const max = maxSerial.get(owner.producer) ?? -1;
      if (owner.serial < max) stats.reordered.push(w);
      else maxSerial.set(owner.producer, owner.serial);
    }
  }
  return stats;
}

function readableLog(
  engine: Engine,
  topic: string,
  partition: number,
  leader: number,
  replicas: readonly number[],
): KafkaRecord[] | null {
  const key = tpKey(topic, partition);
  const logOf = (b: number) => {
    const id = brokerActorId(b);
    if (!engine.hasActor(id)) return undefined;
    const a = engine.actor(id);
    return a.alive ? (a.data as BrokerData).disk.logs[key] : undefined;
  };
  let log = leader >= 0 ? logOf(leader) : undefined;
  if (!log) {
    for (const b of replicas) {
      const l = logOf(b);
      if (l && (!log || l.logEndOffset > log.logEndOffset)) log = l;
    }
  }
  if (!log) return null;
  const s = logRecords(log);
  return s.records.slice(s.from, s.to) as KafkaRecord[];
}

/** Value -> (producer, serial) for every record a producer may have written: acknowledged, failed, or still pending. */
function recordOwners(engine: Engine, only?: string): Map<string, { producer: string; serial: number }> {
  const out = new Map<string, { producer: string; serial: number }>();
  for (const id of engine.world.actorOrder) {
    const a = engine.world.actors[id];
    if (a.kind !== PRODUCER_KIND || (only !== undefined && id !== only)) continue;
    const d = producerData(a);
    const add = (value: string, serial: number) => {
      if (!out.has(value)) out.set(value, { producer: id, serial });
    };
    for (const r of d.acked) if (r.value !== null) add(r.value, r.serial);
    for (const r of d.failed) add(r.value, r.serial);
    for (const q of d.queues) if (q) for (const b of q) for (const r of b.records) add(r.value, r.serial);
    for (const req of d.inFlight) for (const b of req.batches) for (const r of b.records) add(r.value, r.serial);
  }
  return out;
}

/** Acknowledged records of a producer (either kind: producers and load generators keep `acked`). */
export function acknowledgedCount(engine: Engine, id: string): number | null {
  if (!engine.hasActor(id)) return null;
  const acked = (engine.actor(id).data as { acked?: unknown }).acked;
  return acked instanceof AppendLog ? acked.length : null;
}
