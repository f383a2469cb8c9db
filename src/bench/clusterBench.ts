// The cluster benchmark of issue 3: 60 simulated seconds of 3 brokers,
// 12 partitions, RF 3, acks=all at 10,000 records/s in all.

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

/**
 * The Boxing Day workload of issue 4: 3 brokers, 12 partitions, RF 3,
 * acks=all, 4 producers at 10,000 records/s in all, two groups of 4
 * consumers, 60 simulated seconds.
 */
export const BOXING_DAY_SCENARIO = {
  version: 1,
  title: "bench: Boxing Day",
  profile: "kafka-defaults",
  durationMs: 60_000,
  network: { latencyMsMin: 0.1, latencyMsMax: 0.5 },
  cluster: { mode: "kraft", brokers: 3, controllers: 1, config: { "offsets.topic.num.partitions": 12 } },
  topics: [{ name: "orders", partitions: 12, replicationFactor: 3, config: { "min.insync.replicas": 2 } }],
  producers: [0, 1, 2, 3].map((i) => ({
    id: `p${i + 1}`,
    topic: "orders",
    ratePerSec: 2500,
    keys: Array.from({ length: 2500 }, (_, k) => `user-${k * 4 + i}`),
    config: { acks: "all" },
  })),
  consumers: ["recs", "fraud"].flatMap((group) =>
    [1, 2, 3, 4].map((n) => ({ id: `${group}-${n}`, groupId: group, topics: ["orders"] })),
  ),
};
