// Kafka's own setting names, as authors write them in scenario files, mapped
// to the simulator's fields. Unknown names are errors that list the known
// ones, so a typo never silently does nothing.

import type { Timings } from "./profile.ts";
import type { TopicConfig } from "./metadata.ts";
import type { BrokerConfig } from "./spec.ts";

type Kind = "int" | "number" | "boolean" | "cleanupPolicy";

interface Setting<F extends string> {
  field: F;
  kind: Kind;
  /** Multiply the written value by this (e.g. seconds to ms). */
  scale?: number;
  min?: number;
}

export const TOPIC_CONFIG_NAMES: Record<string, Setting<keyof TopicConfig>> = {
  "min.insync.replicas": { field: "minInsyncReplicas", kind: "int", min: 1 },
  "unclean.leader.election.enable": { field: "uncleanLeaderElectionEnable", kind: "boolean" },
  "cleanup.policy": { field: "cleanupPolicy", kind: "cleanupPolicy" },
  "retention.ms": { field: "retentionMs", kind: "int", min: -1 },
  "retention.bytes": { field: "retentionBytes", kind: "int", min: -1 },
  "segment.bytes": { field: "segmentBytes", kind: "int", min: 14 },
  "segment.ms": { field: "segmentMs", kind: "int", min: 1 },
  "min.cleanable.dirty.ratio": { field: "minCleanableDirtyRatio", kind: "number", min: 0 },
  "delete.retention.ms": { field: "deleteRetentionMs", kind: "int", min: 0 },
  "min.compaction.lag.ms": { field: "minCompactionLagMs", kind: "int", min: 0 },
};

export const BROKER_CONFIG_NAMES: Record<string, Setting<keyof BrokerConfig>> = {
  "min.insync.replicas": { field: "minInsyncReplicas", kind: "int", min: 1 },
  "unclean.leader.election.enable": { field: "uncleanLeaderElectionEnable", kind: "boolean" },
  "auto.leader.rebalance.enable": { field: "autoLeaderRebalanceEnable", kind: "boolean" },
  "leader.imbalance.per.broker.percentage": { field: "leaderImbalancePerBrokerPercentage", kind: "int", min: 0 },
  "default.replication.factor": { field: "defaultReplicationFactor", kind: "int", min: 1 },
  "num.partitions": { field: "numPartitions", kind: "int", min: 1 },
  "offsets.topic.num.partitions": { field: "offsetsTopicNumPartitions", kind: "int", min: 1 },
  "offsets.topic.replication.factor": { field: "offsetsTopicReplicationFactor", kind: "int", min: 1 },
};

export const TIMING_NAMES: Record<string, Setting<keyof Timings>> = {
  "replica.lag.time.max.ms": { field: "replicaLagTimeMaxMs", kind: "int", min: 1 },
  "replica.fetch.wait.max.ms": { field: "replicaFetchWaitMaxMs", kind: "int", min: 0 },
  "replica.fetch.backoff.ms": { field: "replicaFetchBackoffMs", kind: "int", min: 0 },
  "replica.high.watermark.checkpoint.interval.ms": {
    field: "replicaHighWatermarkCheckpointIntervalMs",
    kind: "int",
    min: 1,
  },
  "zookeeper.session.timeout.ms": { field: "zookeeperSessionTimeoutMs", kind: "int", min: 1 },
  "broker.heartbeat.interval.ms": { field: "brokerHeartbeatIntervalMs", kind: "int", min: 1 },
  "broker.session.timeout.ms": { field: "brokerSessionTimeoutMs", kind: "int", min: 1 },
  "controller.quorum.election.timeout.ms": { field: "controllerQuorumElectionTimeoutMs", kind: "int", min: 1 },
  "controller.quorum.fetch.timeout.ms": { field: "controllerQuorumFetchTimeoutMs", kind: "int", min: 1 },
  "controller.quorum.election.backoff.max.ms": { field: "controllerQuorumElectionBackoffMaxMs", kind: "int", min: 1 },
  "leader.imbalance.check.interval.seconds": {
    field: "leaderImbalanceCheckIntervalMs",
    kind: "number",
    scale: 1000,
    min: 0.001,
  },
  "log.retention.check.interval.ms": { field: "logRetentionCheckIntervalMs", kind: "int", min: 1 },
  "log.cleaner.backoff.ms": { field: "logCleanerBackoffMs", kind: "int", min: 1 },
  "request.timeout.ms": { field: "requestTimeoutMs", kind: "int", min: 1 },
  "log.segment.bytes": { field: "segmentBytes", kind: "int", min: 14 },
  "log.roll.ms": { field: "segmentMs", kind: "int", min: 1 },
  "log.retention.ms": { field: "retentionMs", kind: "int", min: -1 },
  "log.cleaner.delete.retention.ms": { field: "deleteRetentionMs", kind: "int", min: 0 },
};

export interface ConfigProblem {
  key: string;
  message: string;
}

/** Converts `{ "min.insync.replicas": 2 }` into `{ minInsyncReplicas: 2 }`, collecting problems. */
export function mapConfig<F extends string>(
  names: Record<string, Setting<F>>,
  written: Record<string, unknown> | undefined,
  problems: ConfigProblem[],
): Partial<Record<F, number | boolean | string>> {
  const out: Partial<Record<F, number | boolean | string>> = {};
  if (!written) return out;
  for (const key of Object.keys(written).sort()) {
    const setting = names[key];
    const value = written[key];
    if (!setting) {
      problems.push({ key, message: `unknown setting "${key}"; known: ${Object.keys(names).sort().join(", ")}` });
      continue;
    }
    switch (setting.kind) {
      case "boolean":
        if (typeof value !== "boolean")
          problems.push({ key, message: `"${key}" must be true or false; found ${JSON.stringify(value)}` });
        else out[setting.field] = value;
        break;
      case "cleanupPolicy":
        if (value !== "delete" && value !== "compact" && value !== "compact,delete" && value !== "delete,compact") {
          problems.push({
            key,
            message: `"${key}" must be delete, compact or compact,delete; found ${JSON.stringify(value)}`,
          });
        } else out[setting.field] = value === "delete,compact" ? "compact,delete" : value;
        break;
      default: {
        const ok =
          typeof value === "number" && Number.isFinite(value) && (setting.kind !== "int" || Number.isInteger(value));
        if (!ok) {
          problems.push({
            key,
            message: `"${key}" must be ${setting.kind === "int" ? "an integer" : "a number"}; found ${JSON.stringify(value)}`,
          });
        } else if (setting.min !== undefined && (value as number) < setting.min) {
          problems.push({ key, message: `"${key}" must be at least ${setting.min}; found ${value}` });
        } else out[setting.field] = (value as number) * (setting.scale ?? 1);
      }
    }
  }
  return out;
}
