// The producer feature as a cluster extension: the "producer" actor kind,
// the transaction coordinator broker module, the __transaction_state topic
// (when a producer is transactional), and the producer inputs.
//
//   createClusterModule(spec, CONTROL_PLANES.kraft, [createProducerExtension({ profile, producers })])

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimInput } from "../../world/types.ts";
import type { ClusterContext } from "../context.ts";
import type { ClusterExtension, ClusterExtensionFactory } from "../extension.ts";
import { LOADGEN_KIND } from "../loadgen/loadGenerator.ts";
import { createTransactionModule, transactionStateTopic, type TransactionModuleConfig } from "./coordinatorModule.ts";
import {
  applyProducerChange,
  createProducerKind,
  PRODUCER_KIND,
  producerData,
  producerState,
  startProducer,
  type LoadShape,
  type ProducerActorConfig,
} from "./producerKind.ts";
import type { ProducerSpecInput } from "./schema.ts";
import { nonLiveKeys, producerDefaults, resolveProducerSettings, type ProfileName } from "./settings.ts";

export interface ProducerExtensionConfig {
  profile: ProfileName;
  /** The scenario's `producers` list (schema.ts producerSchema). */
  producers: readonly ProducerSpecInput[];
  /** transaction.state.log.num.partitions: 50 in Kafka; 5 by default in the Classroom profile. */
  transactionStateLogNumPartitions?: number;
}

/** The actor config for one producer, settings resolved against the cluster's profile. Throws on settings Kafka rejects. */
export function resolveProducer(ctx: ClusterContext, profile: ProfileName, p: ProducerSpecInput): ProducerActorConfig {
  const defaults = producerDefaults(profile, ctx.spec.timings);
  const { settings, problems, notes } = resolveProducerSettings(p.config, defaults);
  if (problems.length > 0)
    throw new RangeError(`producer ${p.id}: ${problems.map((x) => `${x.key}: ${x.message}`).join("; ")}`);
  return {
    id: p.id,
    topic: p.topic,
    load: loadOf(p),
    settings,
    written: { ...(p.config ?? {}) },
    notes,
  };
}

function loadOf(p: Partial<ProducerSpecInput>): LoadShape {
  return {
    ratePerSec: p.ratePerSec ?? 10,
    keys: [...(p.keys ?? [])],
    keySkew: p.keySkew ?? 0,
    bursts: [...(p.bursts ?? [])].sort((a, b) => a.atMs - b.atMs),
    valueBytes: p.valueBytes ?? 0,
  };
}

export function createProducerExtension(config: ProducerExtensionConfig): ClusterExtensionFactory {
  return (ctx: ClusterContext): ClusterExtension => {
    const classroom = config.profile === "classroom";
    const rf = Math.min(3, ctx.spec.brokers);
    const txn: TransactionModuleConfig = {
      numPartitions: config.transactionStateLogNumPartitions ?? (classroom ? 5 : 50),
      replicationFactor: rf,
      minInsyncReplicas: Math.min(2, rf),
      cleanupIntervalMs: classroom ? 1_000 : 10_000,
      requestTimeoutMs: ctx.spec.timings.requestTimeoutMs,
      retryBackoffMs: 100,
    };
    const transactional = config.producers.some((p) => typeof p.config?.["transactional.id"] === "string");
    const spawn = (engine: Engine, p: ProducerSpecInput) => {
      const actor = engine.spawn(p.id, PRODUCER_KIND, resolveProducer(ctx, config.profile, p));
      startProducer(ctx, engine, actor);
    };
    return {
      name: "producer",
      kinds: [createProducerKind(ctx)],
      brokerModules: [createTransactionModule(ctx, txn)],
      extraTopics: () => (transactional ? [transactionStateTopic(txn)] : []),
      populate(engine) {
        for (const p of config.producers) spawn(engine, p);
      },
      inputs: {
        produce(engine, input) {
          const a = requireProducer(engine, input, "produce", true);
          const key = typeof input.key === "string" ? input.key : null;
          const value = typeof input.value === "string" ? input.value : undefined;
          if (a.kind === LOADGEN_KIND) {
            engine.dispatch(a.id, { type: "loadgen.produceOne", key, value });
            return;
          }
          engine.dispatch(a.id, {
            type: "producer.send",
            key,
            value,
            headers: Array.isArray(input.headers) ? input.headers : [],
          });
        },
        setProducer(engine, input) {
          const a = requireProducer(engine, input, "setProducer");
          const d = producerData(a);
          const written = (input.config ?? {}) as Record<string, unknown>;
          const frozen = nonLiveKeys(written);
          if (frozen.length > 0) {
            engine.record(
              "note",
              a.id,
              `${a.id} keeps its ${frozen.join(", ")}: a producer's configuration is fixed when it is created (remove it and add a new one)`,
            );
            return;
          }
          const merged = { ...d.written, ...written };
          const r = resolveProducerSettings(merged, producerDefaults(config.profile, ctx.spec.timings));
          if (r.problems.length > 0 || r.settings.idempotent !== d.settings.idempotent) {
            const why =
              r.problems.length > 0
                ? r.problems.map((p) => p.message).join("; ")
                : `it would turn idempotence ${r.settings.idempotent ? "on" : "off"}, which only a new producer can do`;
            engine.record("note", a.id, `${a.id} rejects the change: ${why}`);
            return;
          }
          const load: Partial<LoadShape> = {};
          if (typeof input.ratePerSec === "number") load.ratePerSec = input.ratePerSec;
          if (Array.isArray(input.keys)) load.keys = [...(input.keys as string[])];
          if (typeof input.keySkew === "number") load.keySkew = input.keySkew;
          if (typeof input.valueBytes === "number") load.valueBytes = input.valueBytes;
          applyProducerChange(engine, a, { settings: r.settings, written: merged, load });
          const s = r.settings;
          engine.record(
            "note",
            a.id,
            `${a.id} now produces ${producerData(a).load.ratePerSec} records/s with acks=${s.acks === -1 ? "all" : s.acks}, linger.ms=${s.lingerMs}, batch.size=${s.batchSize}, max.in.flight.requests.per.connection=${s.maxInFlight}, retries=${s.retries}`,
          );
        },
        beginTransaction: transactionInput("beginTransaction", "producer.beginTransaction", ["READY"]),
        commitTransaction: transactionInput("commitTransaction", "producer.commitTransaction", ["IN_TRANSACTION"]),
        abortTransaction: transactionInput("abortTransaction", "producer.abortTransaction", [
          "IN_TRANSACTION",
          "ABORTABLE_ERROR",
        ]),
        addProducer(engine, input) {
          const id = String(input.id ?? "");
          if (engine.hasActor(id)) throw new RangeError(`addProducer: "${id}" already exists`);
          spawn(engine, input as unknown as ProducerSpecInput);
        },
        removeProducer(engine, input) {
          const a = requireProducer(engine, input, "removeProducer");
          const d = producerData(a);
          let pending = d.waiting.length;
          for (const q of d.queues) if (q) for (const b of q) pending += b.records.length;
          engine.stop(
            a.id,
            `closed by the user (close with no wait: ${pending} unsent record(s) are dropped, answers in flight are never read)`,
          );
        },
      },
      describeInput: {
        produce: (i) => `produce one record by hand through ${i.producer}${i.key ? ` with key ${i.key}` : ""}`,
        setProducer: (i) =>
          `change ${i.producer}${typeof i.ratePerSec === "number" ? `: ${i.ratePerSec} records/s` : ""}${i.config ? ` ${JSON.stringify(i.config)}` : ""}`,
        beginTransaction: (i) => `begin a transaction in ${i.producer}`,
        commitTransaction: (i) => `commit ${i.producer}'s transaction`,
        abortTransaction: (i) => `abort ${i.producer}'s transaction`,
        addProducer: (i) => `add producer ${i.id} for ${i.topic}`,
        removeProducer: (i) => `close producer ${i.producer}`,
      },
    };
  };
}

function requireProducer(engine: Engine, input: SimInput, type: string, allowLoadGenerator = false): ActorRecord {
  const id = input.producer;
  if (typeof id !== "string" || !engine.hasActor(id)) throw new RangeError(`${type}: no producer "${String(id)}"`);
  const a = engine.actor(id);
  if (a.kind !== PRODUCER_KIND && !(allowLoadGenerator && a.kind === LOADGEN_KIND))
    throw new RangeError(`${type}: "${id}" is not a producer`);
  return a;
}

function transactionInput(name: string, event: string, from: readonly string[]) {
  return (engine: Engine, input: SimInput): void => {
    const a = requireProducer(engine, input, name);
    const state = producerState(a);
    if (producerData(a).settings.transactionalId === null) {
      engine.record("note", a.id, `${a.id} has no transactional.id: ${name}() throws IllegalStateException`, {
        error: "IllegalStateException",
      });
      return;
    }
    if (!from.includes(state)) {
      engine.record("note", a.id, `${a.id} cannot ${name} in state ${state}: IllegalStateException`, {
        error: "IllegalStateException",
      });
      return;
    }
    engine.dispatch(a.id, { type: event });
  };
}

export { PRODUCER_KIND, producerData, producerState } from "./producerKind.ts";
export type {
  ProducerAckedRecord,
  ProducerData,
  ProducerActorConfig,
  LoadShape,
  FailedRecord,
} from "./producerKind.ts";
export { producerViews, producerLedgers, writeStats, acknowledgedCount } from "./views.ts";
export type { ProducerClientView, WriteStats, WrittenRecord } from "./views.ts";
export { checkProducerExpectation, describeProducerExpectation } from "./expectations.ts";
export {
  checkBatch,
  checkAndRecordBatch,
  recordAppend,
  incomingBatchOf,
  rebuildProducerState,
  lastStableOffset,
  abortedTransactionsInRange,
  onHighWatermark as producerStateOnHighWatermark,
  isControlRecord,
  EMPTY_PRODUCER_STATE,
} from "./producerState.ts";
export type { PartitionProducerState, AbortedTxn, BatchVerdict, IncomingBatch } from "./producerState.ts";
export { visibleRecords, readCommitted } from "./readCommitted.ts";
export { TRANSACTION_STATE_TOPIC } from "./coordinatorModule.ts";
export type { ProducerRecordInput } from "./protocol.ts";
