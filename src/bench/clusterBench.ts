// The cluster benchmark of issue 3: 60 simulated seconds of 3 brokers,
// 12 partitions, RF 3, acks=all at 10,000 records/s in all.

import { createSimulation } from "../engine/index.ts";

export const CLUSTER_BENCH_SCENARIO = {
  version: 1,
  title: "bench: 3 brokers, 12 partitions, RF 3, acks=all, 10,000 records/s",
  profile: "kafka-defaults",
  durationMs: 60_000,
  network: { latencyMsMin: 0.1, latencyMsMax: 0.5 },
  cluster: { mode: "kraft", brokers: 3, controllers: 1 },
  topics: [{ name: "clicks", partitions: 12, replicationFactor: 3, config: { "min.insync.replicas": 2 } }],
  loadGenerators: [0, 1, 2, 3].map((i) => ({
    id: `p${i + 1}`,
    topic: "clicks",
    ratePerSec: 2500,
    acks: "all",
    keys: Array.from({ length: 2500 }, (_, k) => `user-${k * 4 + i}`),
  })),
};

export function runClusterBench(mode: "kraft" | "zookeeper" = "kraft") {
  const sim = createSimulation(
    { ...CLUSTER_BENCH_SCENARIO, cluster: { ...CLUSTER_BENCH_SCENARIO.cluster, mode } },
    { checkpointIntervalMs: 1e12 },
  );
  sim.runUntil(CLUSTER_BENCH_SCENARIO.durationMs);
  return sim;
}
