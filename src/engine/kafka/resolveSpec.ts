// From a validated scenario to a ClusterSpec and load generator configs, with
// every default filled in from Kafka's defaults and the timing profile.

import type { Scenario } from "../scenario/schema.ts";
import { BROKER_CONFIG_NAMES, TIMING_NAMES, TOPIC_CONFIG_NAMES, mapConfig, type ConfigProblem } from "./configNames.ts";
import type { LoadGeneratorConfig } from "./loadgen/loadGenerator.ts";
import type { TopicConfig } from "./metadata.ts";
import { timingsFor, type Timings } from "./profile.ts";
import { DEFAULT_BROKER_CONFIG, type BrokerConfig, type ClusterSpec } from "./spec.ts";

function noProblems(problems: ConfigProblem[], where: string): void {
  if (problems.length > 0) throw new RangeError(`${where}: ${problems.map((p) => p.message).join("; ")}`);
}

export function topicConfigFromKafkaNames(
  written: Record<string, unknown> | undefined,
  where = "topic config",
): Partial<TopicConfig> {
  const problems: ConfigProblem[] = [];
  const out = mapConfig(TOPIC_CONFIG_NAMES, written, problems) as Partial<TopicConfig>;
  noProblems(problems, where);
  return out;
}

export function acksNumber(acks: "all" | number | undefined): number {
  return acks === undefined || acks === "all" ? -1 : acks;
}

export function resolveClusterSpec(s: Scenario): ClusterSpec | null {
  if (!s.cluster) return null;
  const problems: ConfigProblem[] = [];
  const brokerConfig: BrokerConfig = {
    ...DEFAULT_BROKER_CONFIG,
    ...(mapConfig(BROKER_CONFIG_NAMES, s.cluster.config, problems) as Partial<BrokerConfig>),
  };
  const timings: Timings = timingsFor(
    s.profile,
    mapConfig(TIMING_NAMES, s.cluster.timings, problems) as Partial<Timings>,
  );
  noProblems(problems, "cluster");
  return {
    mode: s.cluster.mode,
    brokers: s.cluster.brokers,
    controllers: s.cluster.controllers,
    zookeeperNodes: s.cluster.zookeeperNodes,
    brokerConfig,
    timings,
    topics: s.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
      config: topicConfigFromKafkaNames(t.config, `topic ${t.name}`),
      assignment: t.assignment,
    })),
  };
}

export function resolveLoadGenerators(s: Scenario, spec: ClusterSpec): LoadGeneratorConfig[] {
  return s.loadGenerators.map((g) => ({
    id: g.id,
    topic: g.topic,
    ratePerSec: g.ratePerSec,
    acks: acksNumber(g.acks),
    keys: g.keys ?? [],
    retries: g.retries ?? 2_147_483_647,
    deliveryTimeoutMs: g.deliveryTimeoutMs ?? (s.profile === "classroom" ? 30_000 : 120_000),
    retryBackoffMs: g.retryBackoffMs ?? 100,
    requestTimeoutMs: g.requestTimeoutMs ?? spec.timings.requestTimeoutMs,
    tickMs: g.ratePerSec >= 100 ? 10 : 50,
    batchSizeBytes: spec.timings.batchSizeBytes,
  }));
}
