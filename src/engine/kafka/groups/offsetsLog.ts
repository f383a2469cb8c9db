// __consumer_offsets: what the coordinator writes (offset commits and group
// metadata, as real records appended through the leader's normal append
// path, so they replicate and survive a failover) and how a new coordinator
// rebuilds its groups by replaying the partition.
//
// Keys and values are JSON text. The topic is compacted: the last record of a
// key wins, exactly as replay treats it.

import { logRecords, type RecordInput } from "../../cluster/log.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord } from "../../world/types.ts";
import { handleProduce, type ProduceRequest } from "../broker/replicaManager.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import type { ClusterContext } from "../context.ts";
import { tpKey } from "../metadata.ts";
import type {
  ClassicMember,
  CommittedOffset,
  ConsumerMember,
  CoordinatorState,
  PendingWrite,
} from "./coordinatorState.ts";
import { OFFSETS_TOPIC } from "./protocol.ts";

/** The group's membership as written on every completed rebalance (GroupMetadataValue). */
export interface ClassicGroupRecord {
  type: "classic";
  generation: number;
  protocolName: string | null;
  leaderId: string | null;
  members: Pick<
    ClassicMember,
    "memberId" | "groupInstanceId" | "clientId" | "sessionTimeoutMs" | "rebalanceTimeoutMs" | "protocols" | "assignment"
  >[];
}

/** A consumer-protocol group (ConsumerGroupMetadata / member / target assignment records, folded into one). */
export interface ConsumerGroupRecord {
  type: "consumer";
  groupEpoch: number;
  assignmentEpoch: number;
  assignor: string;
  targetAssignment: Record<string, string[]>;
  members: ConsumerMember[];
}

export type GroupRecord = ClassicGroupRecord | ConsumerGroupRecord;

export function offsetKey(groupId: string, topic: string, partition: number): string {
  return JSON.stringify(["offset", groupId, topic, partition]);
}

export function groupKey(groupId: string): string {
  return JSON.stringify(["group", groupId]);
}

export interface ReplayedPartition {
  offsets: Record<string, Record<string, CommittedOffset>>;
  groups: Record<string, GroupRecord>;
  records: number;
}

/** Replays a __consumer_offsets log (up to its LEO: everything this new leader has will be committed). */
export function replayOffsetsLog(broker: ActorRecord, partition: number): ReplayedPartition {
  const d = broker.data as BrokerData;
  const out: ReplayedPartition = { offsets: {}, groups: {}, records: 0 };
  const log = d.disk.logs[tpKey(OFFSETS_TOPIC, partition)];
  if (!log) return out;
  const slice = logRecords(log);
  for (let i = slice.from; i < slice.to; i++) {
    const r = slice.records[i];
    if (r.key === null) continue;
    let key: unknown;
    try {
      key = JSON.parse(r.key);
    } catch {
      continue;
    }
    if (!Array.isArray(key)) continue;
    out.records++;
    if (key[0] === "offset") {
      const [, groupId, topic, p] = key as [string, string, string, number];
      const byTp = (out.offsets[groupId] ??= {});
      if (r.value === null) delete byTp[tpKey(topic, p)];
      else byTp[tpKey(topic, p)] = JSON.parse(r.value) as CommittedOffset;
    } else if (key[0] === "group") {
      const groupId = key[1] as string;
      if (r.value === null) delete out.groups[groupId];
      else out.groups[groupId] = JSON.parse(r.value) as GroupRecord;
    }
  }
  return out;
}

/** While true, onHighWatermark calls caused by our own append are ignored (we check right after). */
let appending = false;
export function isAppending(): boolean {
  return appending;
}

export interface AppendOutcome {
  error: "NONE" | "NOT_COORDINATOR" | "NOT_ENOUGH_REPLICAS" | "COORDINATOR_NOT_AVAILABLE";
  lastOffset: number;
  reason: string;
}

/**
 * Appends records to this broker's __consumer_offsets partition through the
 * leader's normal produce path (acks=0 so nothing answers the broker itself;
 * durability is tracked by the caller through the HW, like acks=all, and
 * min.insync.replicas is checked first as an acks=all produce would).
 */
export function appendToOffsetsLog(
  ctx: ClusterContext,
  engine: Engine,
  broker: ActorRecord,
  partition: number,
  records: { key: string; value: string | null }[],
): AppendOutcome {
  const d = broker.data as BrokerData;
  const key = tpKey(OFFSETS_TOPIC, partition);
  const rs = d.replicas[key];
  const log = d.disk.logs[key];
  if (!rs || rs.role !== "leader" || !rs.leaderPartition || !log)
    return { error: "NOT_COORDINATOR", lastOffset: -1, reason: `broker ${d.brokerId} no longer leads ${key}` };
  const minIsr = Math.min(
    d.image.topics[OFFSETS_TOPIC]?.config.minInsyncReplicas ?? ctx.spec.brokerConfig.minInsyncReplicas,
    rs.leaderPartition.replicas.length,
  );
  if (rs.leaderPartition.isrState.isr.length < minIsr)
    return {
      error: "NOT_ENOUGH_REPLICAS",
      lastOffset: -1,
      reason: `${key} has ${rs.leaderPartition.isrState.isr.length} in-sync replica(s), fewer than min.insync.replicas=${minIsr}`,
    };
  const before = log.logEndOffset;
  const input: RecordInput[] = records.map((r) => ({ key: r.key, value: r.value, timestamp: engine.nowMs }));
  const req: ProduceRequest = {
    type: "Produce",
    requestId: 0,
    acks: 0,
    timeoutMs: 0,
    partitions: [{ topic: OFFSETS_TOPIC, partition, records: input }],
  };
  appending = true;
  try {
    handleProduce(ctx, engine, broker, broker.id, req);
  } finally {
    appending = false;
  }
  const after = d.disk.logs[key]?.logEndOffset ?? before;
  if (after < before + records.length)
    return { error: "COORDINATOR_NOT_AVAILABLE", lastOffset: -1, reason: `the append to ${key} was rejected` };
  return { error: "NONE", lastOffset: after - 1, reason: "" };
}

/** The HW of this broker's copy of a __consumer_offsets partition. */
export function offsetsHighWatermark(broker: ActorRecord, partition: number): number {
  const log = (broker.data as BrokerData).disk.logs[tpKey(OFFSETS_TOPIC, partition)];
  return log ? log.highWatermark : 0;
}

export function addPendingWrite(state: CoordinatorState, w: Omit<PendingWrite, "id" | "done">): PendingWrite {
  const write: PendingWrite = { ...w, id: state.nextWriteId++, done: false };
  state.pendingWrites.push(write);
  return write;
}
