// Kafka's znode paths and their JSON, as kafka/zk/ZkData.scala writes them
// (trimmed to the fields the simulator uses). Data is kept as JSON text so the
// controller panel shows what ZooKeeper really holds.

import type { LeaderRecoveryState } from "../../cluster/election.ts";
import { TOPIC_CONFIG_NAMES } from "../configNames.ts";
import type { BrokerId, TopicConfig } from "../metadata.ts";

export const ZK_PATHS = {
  controller: "/controller",
  controllerEpoch: "/controller_epoch",
  brokers: "/brokers",
  brokerIds: "/brokers/ids",
  brokerId: (id: BrokerId): string => `/brokers/ids/${id}`,
  topics: "/brokers/topics",
  topic: (t: string): string => `/brokers/topics/${t}`,
  partitions: (t: string): string => `/brokers/topics/${t}/partitions`,
  partition: (t: string, p: number): string => `/brokers/topics/${t}/partitions/${p}`,
  partitionState: (t: string, p: number): string => `/brokers/topics/${t}/partitions/${p}/state`,
  config: "/config",
  configTopics: "/config/topics",
  configTopic: (t: string): string => `/config/topics/${t}`,
  configChanges: "/config/changes",
  admin: "/admin",
  deleteTopics: "/admin/delete_topics",
  deleteTopic: (t: string): string => `/admin/delete_topics/${t}`,
} as const;

/** The persistent skeleton Kafka creates at startup (KafkaZkClient#createTopLevelPaths). */
export const TOP_LEVEL_PATHS = [
  ZK_PATHS.brokers,
  ZK_PATHS.brokerIds,
  ZK_PATHS.topics,
  ZK_PATHS.config,
  ZK_PATHS.configTopics,
  ZK_PATHS.configChanges,
  ZK_PATHS.admin,
  ZK_PATHS.deleteTopics,
];

export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Segment-wise order; numeric segments compare as numbers ("/p/2" before "/p/10"). */
export function comparePaths(a: string, b: string): number {
  const sa = a.split("/");
  const sb = b.split("/");
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = compareNames(sa[i], sb[i]);
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}

export function compareNames(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

// ------------------------------------------------------------------ /controller and /brokers/ids

export function encodeController(brokerId: BrokerId, nowMs: number): string {
  return JSON.stringify({ version: 2, brokerid: brokerId, timestamp: String(nowMs) });
}

export function decodeControllerId(data: string | null): BrokerId | null {
  if (data === null) return null;
  const v = (JSON.parse(data) as { brokerid?: unknown }).brokerid;
  return typeof v === "number" ? v : null;
}

export function encodeBrokerRegistration(brokerId: BrokerId, nowMs: number): string {
  return JSON.stringify({
    version: 5,
    host: `b${brokerId}`,
    port: 9092,
    endpoints: [`PLAINTEXT://b${brokerId}:9092`],
    jmx_port: -1,
    timestamp: String(nowMs),
  });
}

// ------------------------------------------------------------------ topics and partition states

export function encodeAssignment(topicId: string, replicas: readonly (readonly BrokerId[])[]): string {
  const partitions: Record<string, BrokerId[]> = {};
  replicas.forEach((r, p) => (partitions[String(p)] = r.slice()));
  return JSON.stringify({ version: 3, topic_id: topicId, partitions, adding_replicas: {}, removing_replicas: {} });
}

export function decodeAssignment(data: string): { topicId: string; replicas: BrokerId[][] } {
  const o = JSON.parse(data) as { topic_id: string; partitions: Record<string, BrokerId[]> };
  const ids = Object.keys(o.partitions)
    .map(Number)
    .sort((a, b) => a - b);
  return { topicId: o.topic_id, replicas: ids.map((p) => o.partitions[String(p)].slice()) };
}

export interface StateZnode {
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly isr: readonly BrokerId[];
  readonly controllerEpoch: number;
  readonly recovery: LeaderRecoveryState;
}

export function encodeState(s: StateZnode): string {
  return JSON.stringify({
    controller_epoch: s.controllerEpoch,
    leader: s.leader,
    version: 1,
    leader_epoch: s.leaderEpoch,
    isr: s.isr.slice(),
    leader_recovery_state: s.recovery === "RECOVERING" ? 1 : 0,
  });
}

export function decodeState(data: string): StateZnode {
  const o = JSON.parse(data) as {
    controller_epoch: number;
    leader: number;
    leader_epoch: number;
    isr: number[];
    leader_recovery_state?: number;
  };
  return {
    leader: o.leader,
    leaderEpoch: o.leader_epoch,
    isr: o.isr.slice(),
    controllerEpoch: o.controller_epoch,
    recovery: o.leader_recovery_state === 1 ? "RECOVERING" : "RECOVERED",
  };
}

// ------------------------------------------------------------------ topic configs

const KAFKA_NAME_OF: Partial<Record<keyof TopicConfig, string>> = {};
for (const name of Object.keys(TOPIC_CONFIG_NAMES).sort()) KAFKA_NAME_OF[TOPIC_CONFIG_NAMES[name].field] = name;

/** Only the overrides, as strings under Kafka's names: what /config/topics/<t> holds. */
export function encodeTopicConfig(overrides: Partial<TopicConfig>): string {
  const config: Record<string, string> = {};
  for (const field of Object.keys(overrides).sort() as (keyof TopicConfig)[]) {
    const name = KAFKA_NAME_OF[field];
    const v = overrides[field];
    if (name !== undefined && v !== undefined) config[name] = String(v);
  }
  return JSON.stringify({ version: 1, config });
}

export function decodeTopicConfig(data: string | null): Partial<TopicConfig> {
  if (data === null) return {};
  const o = JSON.parse(data) as { config?: Record<string, string> };
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(o.config ?? {}).sort()) {
    const setting = TOPIC_CONFIG_NAMES[name];
    if (!setting) continue;
    const raw = (o.config as Record<string, string>)[name];
    out[setting.field] =
      setting.kind === "boolean" ? raw === "true" : setting.kind === "cleanupPolicy" ? raw : Number(raw);
  }
  return out as Partial<TopicConfig>;
}

export function kafkaConfigName(field: keyof TopicConfig): string {
  return KAFKA_NAME_OF[field] ?? field;
}

export const CONFIG_CHANGE_PREFIX = "config_change_";

export function configChangeName(seq: number): string {
  return CONFIG_CHANGE_PREFIX + String(seq).padStart(10, "0");
}

export function encodeConfigChange(topic: string): string {
  return JSON.stringify({ version: 2, entity_path: `topics/${topic}` });
}

export function decodeConfigChange(data: string | null): string | null {
  if (data === null) return null;
  const p = (JSON.parse(data) as { entity_path?: string }).entity_path ?? "";
  return p.startsWith("topics/") ? p.slice("topics/".length) : null;
}

/** "0x1f": how ZooKeeper tools print a session id. */
export function sessionHex(id: number): string {
  return `0x${id.toString(16)}`;
}
