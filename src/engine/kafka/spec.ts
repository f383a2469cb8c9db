// The cluster a scenario asks for, resolved: every default filled in.

import type { Timings } from "./profile.ts";
import type { TopicConfig } from "./metadata.ts";

export type ControllerMode = "kraft" | "zookeeper";

/** Broker-level settings (server.properties) that topics inherit. */
export interface BrokerConfig {
  /** min.insync.replicas (default 1) */
  minInsyncReplicas: number;
  /** unclean.leader.election.enable (default false) */
  uncleanLeaderElectionEnable: boolean;
  /** auto.leader.rebalance.enable (default true) */
  autoLeaderRebalanceEnable: boolean;
  /** leader.imbalance.per.broker.percentage (ZooKeeper controller only; default 10) */
  leaderImbalancePerBrokerPercentage: number;
  /** default.replication.factor (default 1) */
  defaultReplicationFactor: number;
  /** num.partitions (default 1) */
  numPartitions: number;
  /** offsets.topic.num.partitions (default 50; Classroom may use fewer) */
  offsetsTopicNumPartitions: number;
  /** offsets.topic.replication.factor (default 3, capped at the broker count) */
  offsetsTopicReplicationFactor: number;
}

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  minInsyncReplicas: 1,
  uncleanLeaderElectionEnable: false,
  autoLeaderRebalanceEnable: true,
  leaderImbalancePerBrokerPercentage: 10,
  defaultReplicationFactor: 1,
  numPartitions: 1,
  offsetsTopicNumPartitions: 50,
  offsetsTopicReplicationFactor: 3,
};

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level overrides; the rest comes from the broker config and the profile. */
  config: Partial<TopicConfig>;
  /** Explicit replica assignment per partition (broker ids, preferred leader first), else the controller places replicas. */
  assignment?: number[][];
}

export interface ClusterSpec {
  mode: ControllerMode;
  /** Broker ids 1..brokers. */
  brokers: number;
  /** KRaft quorum size (1, 3 or 5). */
  controllers: number;
  /** ZooKeeper ensemble size (1 or 3). */
  zookeeperNodes: number;
  brokerConfig: BrokerConfig;
  timings: Timings;
  topics: TopicSpec[];
}

/** A topic's effective config: its overrides over the broker defaults and the profile. */
export function effectiveTopicConfig(
  spec: Pick<ClusterSpec, "brokerConfig" | "timings">,
  overrides: Partial<TopicConfig>,
): TopicConfig {
  return {
    minInsyncReplicas: spec.brokerConfig.minInsyncReplicas,
    uncleanLeaderElectionEnable: spec.brokerConfig.uncleanLeaderElectionEnable,
    cleanupPolicy: "delete",
    retentionMs: spec.timings.retentionMs,
    retentionBytes: -1,
    segmentBytes: spec.timings.segmentBytes,
    segmentMs: spec.timings.segmentMs,
    minCleanableDirtyRatio: 0.5,
    deleteRetentionMs: spec.timings.deleteRetentionMs,
    minCompactionLagMs: 0,
    ...overrides,
  };
}
