// Read-only views of the cluster for the UI, the command line and tests.
// Plain data, computed on demand from the world; never a second source of truth.

import { logRecords } from "../cluster/log.ts";
import type { Engine } from "../world/engine.ts";
import { brokerLifecycle, BROKER_KIND } from "./broker/brokerKind.ts";
import type { BrokerData } from "./broker/brokerData.ts";
import type { ClusterContext } from "./context.ts";
import type { ControlPlaneView } from "./controlPlane.ts";
import { brokerActorId } from "./ids.ts";
import { LOADGEN_KIND, type LoadGeneratorData } from "./loadgen/loadGenerator.ts";
import { tpKey } from "./metadata.ts";
import { consumerViews, groupViews, type ConsumerView, type GroupView } from "./groups/views.ts";
import { producerViews } from "./producer/views.ts";

export interface RecordView {
  offset: number;
  key: string | null;
  value: string | null;
  leaderEpoch: number;
  timestamp: number;
}

export interface ReplicaView {
  brokerId: number;
  alive: boolean;
  /** What this broker believes it is for the partition. */
  role: "leader" | "follower" | "offline" | "none";
  /** The leader epoch this broker knows. */
  leaderEpoch: number;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  inIsr: boolean;
  /** The newest records (at most `recordsShown`), oldest first. */
  records: RecordView[];
  epochCache: { epoch: number; startOffset: number }[];
}

export interface PartitionView {
  topic: string;
  partition: number;
  replicas: number[];
  isr: number[];
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  offline: boolean;
  underReplicated: boolean;
  underMinIsr: boolean;
  minInsyncReplicas: number;
  replicaViews: ReplicaView[];
}

export interface BrokerView {
  id: number;
  actorId: string;
  lifecycle: string;
  alive: boolean;
  fenced: boolean;
  paused: boolean;
  isController: boolean;
  leaderOf: number;
}

export interface ProducerView {
  id: string;
  /** "load-generator" (a fixed-rate stand-in) or "producer" (the client with batching and idempotence). */
  kind: "load-generator" | "producer";
  /** The client's state (READY, IN_TRANSACTION…), or RUNNING for a load generator. */
  state: string;
  idempotent: boolean;
  transactionalId: string | null;
  topic: string;
  ratePerSec: number;
  acks: number;
  sent: number;
  acknowledged: number;
  failed: number;
  inFlight: number;
  errors: Record<string, number>;
}

export interface ClusterView {
  mode: ControlPlaneView["mode"];
  brokers: BrokerView[];
  partitions: PartitionView[];
  controller: ControlPlaneView;
  producers: ProducerView[];
  groups: GroupView[];
  consumers: ConsumerView[];
}

export function clusterView(engine: Engine, ctx: ClusterContext, recordsShown = 24): ClusterView {
  const controller = ctx.controlPlane.describe(engine);
  const brokers: BrokerView[] = [];
  for (let id = 1; id <= ctx.spec.brokers; id++) {
    const actorId = brokerActorId(id);
    if (!engine.hasActor(actorId)) continue;
    const a = engine.actor(actorId);
    const d = a.data as BrokerData;
    brokers.push({
      id,
      actorId,
      lifecycle: brokerLifecycle(a),
      alive: a.alive,
      fenced: controller.brokers.find((b) => b.id === id)?.fenced ?? d.fenced,
      paused: a.alive && a.pausedUntilMs > engine.nowMs,
      isController: controller.activeControllerId === actorId,
      leaderOf: controller.partitions.filter((p) => p.leader === id).length,
    });
  }
  const topicConfig = new Map(controller.topics.map((t) => [t.name, t.config]));
  const partitions: PartitionView[] = controller.partitions
    .slice()
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    .map((st) => {
      const key = tpKey(st.topic, st.partition);
      const minIsr = Math.min(topicConfig.get(st.topic)?.minInsyncReplicas ?? 1, st.replicas.length);
      return {
        topic: st.topic,
        partition: st.partition,
        replicas: [...st.replicas],
        isr: [...st.isr],
        leader: st.leader,
        leaderEpoch: st.leaderEpoch,
        partitionEpoch: st.partitionEpoch,
        offline: st.leader < 0,
        underReplicated: st.isr.length < st.replicas.length,
        underMinIsr: st.isr.length < minIsr,
        minInsyncReplicas: minIsr,
        replicaViews: st.replicas.map((b) => replicaView(engine, b, key, st.isr.includes(b), recordsShown)),
      };
    });
  const producers: ProducerView[] = [];
  for (const id of engine.world.actorOrder) {
    const a = engine.world.actors[id];
    if (a.kind !== LOADGEN_KIND) continue;
    const d = a.data as LoadGeneratorData;
    producers.push({
      id,
      kind: "load-generator",
      state: a.alive ? "RUNNING" : "DOWN",
      idempotent: false,
      transactionalId: null,
      topic: String(a.config.topic),
      ratePerSec: d.ratePerSec,
      acks: d.acks,
      sent: d.sent,
      acknowledged: d.acked.length,
      failed: d.failed.length,
      inFlight: Object.keys(d.inFlight).length,
      errors: { ...d.errors },
    });
  }
  for (const p of producerViews(engine)) {
    producers.push({
      id: p.id,
      kind: "producer",
      state: p.state,
      idempotent: p.idempotent,
      transactionalId: p.transactionalId,
      topic: p.topic,
      ratePerSec: p.ratePerSec,
      acks: p.acks,
      sent: p.sent,
      acknowledged: p.acknowledged,
      failed: p.failed,
      inFlight: p.inFlight,
      errors: { ...p.errors },
    });
  }
  return {
    mode: controller.mode,
    brokers,
    partitions,
    controller,
    producers,
    groups: groupViews(engine, ctx),
    consumers: consumerViews(engine, ctx),
  };
}

function replicaView(engine: Engine, brokerId: number, key: string, inIsr: boolean, recordsShown: number): ReplicaView {
  const actorId = brokerActorId(brokerId);
  const a = engine.hasActor(actorId) ? engine.actor(actorId) : undefined;
  const d = a?.kind === BROKER_KIND ? (a.data as BrokerData) : undefined;
  const log = d?.disk.logs[key];
  const rs = d?.replicas[key];
  const slice = log ? logRecords(log) : null;
  const records: RecordView[] = [];
  if (slice) {
    for (let i = Math.max(slice.from, slice.to - recordsShown); i < slice.to; i++) {
      const r = slice.records[i];
      records.push({
        offset: r.offset,
        key: r.key,
        value: r.value,
        leaderEpoch: r.leaderEpoch,
        timestamp: r.timestamp,
      });
    }
  }
  return {
    brokerId,
    alive: a?.alive ?? false,
    role: a?.alive ? (rs?.role ?? "none") : "none",
    leaderEpoch: rs?.leaderEpoch ?? -1,
    logStartOffset: log?.logStartOffset ?? 0,
    logEndOffset: log?.logEndOffset ?? 0,
    highWatermark: log?.highWatermark ?? 0,
    inIsr,
    records,
    epochCache: log ? log.leaderEpochCache.map((e) => ({ epoch: e.epoch, startOffset: e.startOffset })) : [],
  };
}
