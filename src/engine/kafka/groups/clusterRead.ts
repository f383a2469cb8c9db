// Read-only, whole-cluster lookups for views, observations and the checker
// (never for an actor's behaviour: actors only know what messages told them).

import { recordAt, type PartitionLog } from "../../cluster/log.ts";
import type { Engine } from "../../world/engine.ts";
import { BROKER_KIND } from "../broker/brokerKind.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import type { ClusterContext } from "../context.ts";
import { brokerActorId } from "../ids.ts";
import { tpKey, type MetadataImage } from "../metadata.ts";

export function brokerDatas(engine: Engine, ctx: ClusterContext): { id: number; alive: boolean; data: BrokerData }[] {
  const out: { id: number; alive: boolean; data: BrokerData }[] = [];
  for (let id = 1; id <= ctx.spec.brokers; id++) {
    const aid = brokerActorId(id);
    if (!engine.hasActor(aid)) continue;
    const a = engine.actor(aid);
    if (a.kind !== BROKER_KIND) continue;
    out.push({ id, alive: a.alive, data: a.data as BrokerData });
  }
  return out;
}

/** The freshest metadata image among live brokers (highest metadata offset, then lowest id). */
export function freshestImage(engine: Engine, ctx: ClusterContext): MetadataImage | null {
  let best: MetadataImage | null = null;
  for (const b of brokerDatas(engine, ctx)) {
    if (!b.alive || !b.data.image) continue;
    if (!best || b.data.image.metadataOffset > best.metadataOffset) best = b.data.image;
  }
  return best;
}

export function partitionCount(engine: Engine, ctx: ClusterContext, topic: string): number {
  const image = freshestImage(engine, ctx);
  const t = image?.topics[topic];
  if (t) return t.numPartitions;
  return ctx.spec.topics.find((x) => x.name === topic)?.partitions ?? 0;
}

/** The log of the live broker that leads the partition (highest leader epoch wins over a zombie). */
export function leaderLog(
  engine: Engine,
  ctx: ClusterContext,
  topic: string,
  partition: number,
): PartitionLog | undefined {
  const key = tpKey(topic, partition);
  let best: { epoch: number; log: PartitionLog } | undefined;
  for (const b of brokerDatas(engine, ctx)) {
    const rs = b.data.replicas[key];
    const log = b.data.disk.logs[key];
    if (!b.alive || !rs || rs.role !== "leader" || !log) continue;
    if (!best || rs.leaderEpoch > best.epoch) best = { epoch: rs.leaderEpoch, log };
  }
  return best?.log;
}

/** The HW consumers see: the leader's; with no leader, the highest HW any replica holds. */
export function partitionHighWatermark(engine: Engine, ctx: ClusterContext, topic: string, partition: number): number {
  const log = leaderLog(engine, ctx, topic, partition);
  return log ? log.highWatermark : maxHighWatermark(engine, ctx, topic, partition);
}

/** The highest HW of any replica's log on any disk (dead brokers' disks too). */
export function maxHighWatermark(engine: Engine, ctx: ClusterContext, topic: string, partition: number): number {
  const key = tpKey(topic, partition);
  let hw = 0;
  for (const b of brokerDatas(engine, ctx)) {
    const log = b.data.disk.logs[key];
    if (log && log.highWatermark > hw) hw = log.highWatermark;
  }
  return hw;
}

/** True if some replica's log holds a record at `offset` (compaction and retention leave gaps). */
export function recordExists(
  engine: Engine,
  ctx: ClusterContext,
  topic: string,
  partition: number,
  offset: number,
): boolean {
  const key = tpKey(topic, partition);
  for (const b of brokerDatas(engine, ctx)) {
    const log = b.data.disk.logs[key];
    if (log && offset >= log.logStartOffset && offset < log.logEndOffset && recordAt(log, offset)) return true;
  }
  return false;
}
