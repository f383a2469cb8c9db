// Test helpers: a cluster with producers, built the way Simulation builds
// one, and — until the broker's produce path calls producerState.ts itself —
// a broker kind wrapped so that Produce requests go through the KIP-98
// duplicate check and the transaction index first, exactly as the
// integration notes in CONTEXT.md describe. Used by tests only.

import { logRecords } from "../../cluster/log.ts";
import { defaultRegistry } from "../../simulation.ts";
import { parseScenario } from "../../scenario/load.ts";
import { Engine } from "../../world/engine.ts";
import type { ActorKind, ActorRecord, SimEvent } from "../../world/types.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import { BROKER_KIND, isServing } from "../broker/brokerKind.ts";
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from "../broker/replicaManager.ts";
import { createClusterModule, extendRegistry, type ClusterModule } from "../cluster.ts";
import { CONTROL_PLANES } from "../allControlPlanes.ts";
import { tpKey } from "../metadata.ts";
import { resolveClusterSpec } from "../resolveSpec.ts";
import { createProducerExtension } from "./index.ts";
import {
  checkBatch,
  incomingBatchOf,
  lastStableOffset,
  rebuildProducerState,
  recordAppend,
  type PartitionProducerState,
} from "./producerState.ts";
import type { ProducerRecordInput } from "./protocol.ts";
import type { ProducerSpecInput } from "./schema.ts";

export interface TestWorldOptions {
  seed?: number;
  mode?: "kraft" | "zookeeper";
  brokers?: number;
  profile?: "classroom" | "kafka-defaults";
  topics: {
    name: string;
    partitions?: number;
    replicationFactor?: number;
    config?: Record<string, unknown>;
    assignment?: number[][];
  }[];
  producers: ProducerSpecInput[];
  network?: { latencyMsMin?: number; latencyMsMax?: number; lossProbability?: number };
  clusterConfig?: Record<string, unknown>;
  /** Run Produce through the duplicate check (the broker integration). Default true. */
  producerStateChecks?: boolean;
  transactionStateLogNumPartitions?: number;
}

export interface TestWorld {
  engine: Engine;
  module: ClusterModule;
}

export function buildWorld(o: TestWorldOptions): TestWorld {
  const scenario = parseScenario({
    version: 1,
    title: "producer test",
    seed: o.seed ?? 1,
    profile: o.profile ?? "classroom",
    network: o.network ?? { latencyMsMin: 1, latencyMsMax: 3 },
    cluster: {
      mode: o.mode ?? "kraft",
      brokers: o.brokers ?? 3,
      controllers: 1,
      zookeeperNodes: 1,
      config: o.clusterConfig,
    },
    topics: o.topics,
  });
  const spec = resolveClusterSpec(scenario);
  if (!spec) throw new Error("no cluster");
  const ext = createProducerExtension({
    profile: scenario.profile,
    producers: o.producers,
    transactionStateLogNumPartitions: o.transactionStateLogNumPartitions,
  });
  const module = createClusterModule(spec, CONTROL_PLANES[spec.mode], [ext]);
  if (o.producerStateChecks !== false) module.kinds[BROKER_KIND] = withProducerStateChecks(module.kinds[BROKER_KIND]);
  const engine = new Engine(extendRegistry(defaultRegistry(), module), {
    seed: scenario.seed,
    network: scenario.network,
  });
  module.populate(engine, []);
  return { engine, module };
}

const STATE = "producerStateForTests";

interface StoredState {
  leaderEpoch: number;
  state: PartitionProducerState;
}

function statesOf(broker: ActorRecord): Record<string, StoredState> {
  const d = broker.data as BrokerData;
  return ((d.modules[STATE] as Record<string, StoredState> | undefined) ??= {});
}

/** The leader's producer state for a partition, rebuilt from its log when it became leader in a new epoch. */
export function leaderProducerState(
  broker: ActorRecord,
  topic: string,
  partition: number,
): PartitionProducerState | null {
  const d = broker.data as BrokerData;
  const key = tpKey(topic, partition);
  const rs = d.replicas[key];
  const log = d.disk.logs[key];
  if (!rs || rs.role !== "leader" || !log) return null;
  const all = statesOf(broker);
  const cur = all[key];
  if (cur && cur.leaderEpoch === rs.leaderEpoch) return cur.state;
  const s = logRecords(log);
  const state = rebuildProducerState(s.records.slice(s.from, s.to), log.highWatermark);
  all[key] = { leaderEpoch: rs.leaderEpoch, state };
  return state;
}

/** The LSO a read_committed consumer would be bounded by (leader's view). */
export function leaderLastStableOffset(broker: ActorRecord, topic: string, partition: number): number {
  const st = leaderProducerState(broker, topic, partition);
  const log = (broker.data as BrokerData).disk.logs[tpKey(topic, partition)];
  return st && log ? lastStableOffset(st, log.highWatermark) : -1;
}

/**
 * The broker integration, done around the real handler: for each partition
 * this broker leads, duplicates are answered with their original offsets and
 * out-of-order or fenced batches with their error, without appending; the
 * rest goes to the broker, and what it appended is recorded.
 */
export function withProducerStateChecks(kind: ActorKind): ActorKind {
  const inner = kind.onEvent!;
  return {
    ...kind,
    onEvent(engine, actor, event: SimEvent) {
      if (event.type !== "Produce" || !isServing(actor)) return inner(engine, actor, event);
      const req = event as unknown as ProduceRequest & { from: string };
      const d = actor.data as BrokerData;
      const keep: ProduceRequest["partitions"] = [];
      const answered: ProducePartitionResponse[] = [];
      const appended: {
        key: string;
        topic: string;
        partition: number;
        before: number;
        records: ProducerRecordInput[];
      }[] = [];
      for (const p of req.partitions) {
        const key = tpKey(p.topic, p.partition);
        const batch = incomingBatchOf(p.records as ProducerRecordInput[]);
        const state = batch ? leaderProducerState(actor, p.topic, p.partition) : null;
        if (!batch || !state) {
          keep.push(p);
          continue;
        }
        const v = checkBatch(state, batch);
        const leaderEpoch = d.replicas[key].leaderEpoch;
        if (v.kind === "append") {
          keep.push(p);
          appended.push({
            key,
            topic: p.topic,
            partition: p.partition,
            before: d.disk.logs[key].logEndOffset,
            records: p.records as ProducerRecordInput[],
          });
          continue;
        }
        engine.record(
          "note",
          actor.id,
          `${key}: ${v.kind === "duplicate" ? "duplicate batch" : v.error}: ${v.reason}`,
          {
            topic: p.topic,
            partition: p.partition,
            error: v.kind === "duplicate" ? "NONE" : v.error,
            duplicate: v.kind === "duplicate",
          },
        );
        answered.push({
          topic: p.topic,
          partition: p.partition,
          error: v.kind === "duplicate" ? "NONE" : v.error,
          baseOffset: v.kind === "duplicate" ? v.firstOffset : -1,
          leaderEpoch,
        });
      }
      if (answered.length > 0 && req.acks !== 0) {
        const res: ProduceResponse = {
          type: "ProduceResponse",
          requestId: req.requestId,
          broker: d.brokerId,
          partitions: answered,
        };
        engine.send(actor.id, req.from, res);
      }
      if (keep.length > 0) inner(engine, actor, { ...req, partitions: keep });
      for (const a of appended) {
        const log = d.disk.logs[a.key];
        if (!log || log.logEndOffset !== a.before + a.records.length) continue;
        const all = statesOf(actor);
        const cur = all[a.key];
        all[a.key] = {
          leaderEpoch: cur.leaderEpoch,
          state: recordAppend(cur.state, incomingBatchOf(a.records)!, a.before, a.before + a.records.length - 1),
        };
      }
      return true;
    },
  };
}

/** The records of a partition on its leader (or any live replica), oldest first. */
export function leaderRecords(engine: Engine, topic: string, partition: number, broker?: number) {
  for (const id of engine.world.actorOrder) {
    const a = engine.world.actors[id];
    if (a.kind !== BROKER_KIND || !a.alive) continue;
    const d = a.data as BrokerData;
    if (broker !== undefined && d.brokerId !== broker) continue;
    const rs = d.replicas[tpKey(topic, partition)];
    if (broker === undefined && rs?.role !== "leader") continue;
    const log = d.disk.logs[tpKey(topic, partition)];
    if (!log) continue;
    const s = logRecords(log);
    return { broker: a, log, records: s.records.slice(s.from, s.to) };
  }
  return null;
}
