// The records of the `__cluster_metadata` log, with Kafka's names
// (metadata/src/main/resources/common/metadata/*.json), and how each one
// changes a MetadataImage. Controllers and brokers replay the same records
// through `recordToChanges`, so both sides always agree on what a record means.
//
// One deliberate difference from Kafka: a PartitionChangeRecord here carries
// the resulting partition state in full (leader, ISR, both epochs), where
// Kafka's record holds only the changed fields and the epochs are re-derived on
// replay. Replay then never has to re-apply the epoch-bump rules.

import { TOPIC_CONFIG_NAMES } from "../configNames.ts";
import type { Timings } from "../profile.ts";
import {
  NO_LEADER,
  tpKey,
  type BrokerId,
  type MetadataChange,
  type MetadataImage,
  type PartitionState,
  type TopicConfig,
  type TopicState,
} from "../metadata.ts";
import { effectiveTopicConfig, type BrokerConfig } from "../spec.ts";

/** What replay needs besides the records: the defaults a topic config falls back to. */
export interface ConfigDefaults {
  readonly brokerConfig: BrokerConfig;
  readonly timings: Timings;
}

/** The Raft control record a new leader writes first in its epoch (KIP-595 LeaderChangeMessage). */
export type LeaderChangeMessage = {
  readonly type: "LeaderChangeMessage";
  readonly leaderId: string;
  readonly epoch: number;
  readonly voters: readonly string[];
  readonly summary: string;
};

export type RegisterBrokerRecord = {
  readonly type: "RegisterBrokerRecord";
  readonly brokerId: BrokerId;
  /** The broker epoch: the offset of this very record. */
  readonly brokerEpoch: number;
  /** Which start of the broker process registered (Kafka: incarnationId). */
  readonly incarnation: number;
  readonly summary: string;
};

export type UnfenceBrokerRecord = {
  readonly type: "UnfenceBrokerRecord";
  readonly id: BrokerId;
  readonly epoch: number;
  readonly summary: string;
};

export type FenceBrokerRecord = {
  readonly type: "FenceBrokerRecord";
  readonly id: BrokerId;
  readonly epoch: number;
  readonly summary: string;
};

/** Kafka writes this (with inControlledShutdown) when a broker starts its controlled shutdown. */
export type BrokerRegistrationChangeRecord = {
  readonly type: "BrokerRegistrationChangeRecord";
  readonly brokerId: BrokerId;
  readonly brokerEpoch: number;
  readonly inControlledShutdown: boolean;
  readonly summary: string;
};

export type TopicRecord = {
  readonly type: "TopicRecord";
  readonly name: string;
  readonly topicId: string;
  readonly summary: string;
};

export type PartitionRecord = {
  readonly type: "PartitionRecord";
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
  readonly replicas: readonly BrokerId[];
  readonly isr: readonly BrokerId[];
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly summary: string;
};

export type PartitionChangeRecord = {
  readonly type: "PartitionChangeRecord";
  readonly topic: string;
  readonly topicId: string;
  readonly partition: number;
  readonly replicas: readonly BrokerId[];
  readonly isr: readonly BrokerId[];
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly leaderRecoveryState: "RECOVERED" | "RECOVERING";
  /** The new leader came from outside the ISR (unclean.leader.election.enable). */
  readonly unclean: boolean;
  readonly summary: string;
};

export type ConfigRecord = {
  readonly type: "ConfigRecord";
  readonly resourceType: "TOPIC";
  readonly resourceName: string;
  /** Kafka's config name, e.g. "min.insync.replicas". */
  readonly name: string;
  /** Kafka's string form of the value; null removes the override. */
  readonly value: string | null;
  readonly summary: string;
};

export type RemoveTopicRecord = {
  readonly type: "RemoveTopicRecord";
  readonly topicId: string;
  readonly name: string;
  readonly summary: string;
};

export type MetadataRecord =
  | LeaderChangeMessage
  | RegisterBrokerRecord
  | UnfenceBrokerRecord
  | FenceBrokerRecord
  | BrokerRegistrationChangeRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | ConfigRecord
  | RemoveTopicRecord;

/** One entry of the metadata log. Entries are immutable: logs share them. */
export type LogEntry = {
  readonly offset: number;
  /** The Raft epoch of the leader that appended it. */
  readonly epoch: number;
  readonly appendedAtMs: number;
  readonly record: MetadataRecord;
};

// ------------------------------------------------------------------ configs

/** Kafka's config name of a TopicConfig field ("min.insync.replicas"), from configNames.ts. */
export function kafkaConfigName(field: keyof TopicConfig): string {
  for (const name of Object.keys(TOPIC_CONFIG_NAMES).sort()) if (TOPIC_CONFIG_NAMES[name].field === field) return name;
  throw new RangeError(`no Kafka name for topic config field ${field}`);
}

/** The TopicConfig field a Kafka config name stands for, or null when unknown. */
export function topicConfigField(name: string): keyof TopicConfig | null {
  return TOPIC_CONFIG_NAMES[name]?.field ?? null;
}

/** A ConfigRecord value in Kafka's string form. */
export function configValueText(value: TopicConfig[keyof TopicConfig]): string {
  return String(value);
}

function parseConfigValue(field: keyof TopicConfig, text: string): TopicConfig[keyof TopicConfig] {
  switch (field) {
    case "uncleanLeaderElectionEnable":
      return text === "true";
    case "cleanupPolicy":
      return text === "compact" || text === "compact,delete" ? text : "delete";
    default:
      return Number(text);
  }
}

/** The config a topic has after one ConfigRecord: the value, or the default again when removed. */
export function applyConfigRecord(config: TopicConfig, r: ConfigRecord, defaults: ConfigDefaults): TopicConfig {
  const field = topicConfigField(r.name);
  if (field === null) return config;
  const value = r.value === null ? effectiveTopicConfig(defaults, {})[field] : parseConfigValue(field, r.value);
  return { ...config, [field]: value };
}

// ------------------------------------------------------------------ replay

/** True for Kafka's own topics (__consumer_offsets, __transaction_state). */
export const isInternalTopic = (name: string): boolean => name.startsWith("__");

function partitionFrom(r: PartitionRecord | PartitionChangeRecord): PartitionState {
  return {
    topic: r.topic,
    partition: r.partition,
    replicas: r.replicas,
    isr: r.isr,
    leader: r.leader,
    leaderEpoch: r.leaderEpoch,
    partitionEpoch: r.partitionEpoch,
    leaderRecoveryState: r.type === "PartitionChangeRecord" ? r.leaderRecoveryState : "RECOVERED",
  };
}

/**
 * What one record changes in an image, as the MetadataChange vocabulary the
 * broker core speaks. `image` is the state just before the record.
 */
export function recordToChanges(image: MetadataImage, r: MetadataRecord, defaults: ConfigDefaults): MetadataChange[] {
  switch (r.type) {
    case "LeaderChangeMessage":
      return [{ type: "controller", controllerId: r.leaderId, controllerEpoch: r.epoch }];
    case "RegisterBrokerRecord":
      return [
        { type: "broker", broker: { id: r.brokerId, fenced: true, inControlledShutdown: false, epoch: r.brokerEpoch } },
      ];
    case "UnfenceBrokerRecord":
    case "FenceBrokerRecord": {
      const prev = image.brokers[String(r.id)];
      if (!prev || prev.epoch !== r.epoch) return [];
      return [{ type: "broker", broker: { ...prev, fenced: r.type === "FenceBrokerRecord" } }];
    }
    case "BrokerRegistrationChangeRecord": {
      const prev = image.brokers[String(r.brokerId)];
      if (!prev || prev.epoch !== r.brokerEpoch) return [];
      return [{ type: "broker", broker: { ...prev, inControlledShutdown: r.inControlledShutdown } }];
    }
    case "TopicRecord": {
      const topic: TopicState = {
        name: r.name,
        topicId: r.topicId,
        numPartitions: 0,
        config: effectiveTopicConfig(defaults, {}),
        internal: isInternalTopic(r.name),
      };
      return [{ type: "topic", topic }];
    }
    case "ConfigRecord": {
      const t = image.topics[r.resourceName];
      if (!t) return [];
      return [{ type: "topic", topic: { ...t, config: applyConfigRecord(t.config, r, defaults) } }];
    }
    case "PartitionRecord": {
      const t = image.topics[r.topic];
      const out: MetadataChange[] = [{ type: "partition", state: partitionFrom(r) }];
      if (t && t.numPartitions < r.partition + 1)
        out.unshift({ type: "topic", topic: { ...t, numPartitions: r.partition + 1 } });
      return out;
    }
    case "PartitionChangeRecord":
      if (!image.partitions[tpKey(r.topic, r.partition)]) return [];
      return [{ type: "partition", state: partitionFrom(r) }];
    case "RemoveTopicRecord":
      return image.topics[r.name] ? [{ type: "topicDeleted", name: r.name }] : [];
  }
}

// ------------------------------------------------------------------ summaries

export const fmtIds = (ids: readonly number[]): string => `[${ids.join(",")}]`;
export const fmtLeader = (id: number): string => (id === NO_LEADER ? "none" : String(id));
