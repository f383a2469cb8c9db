// Timing profiles. "kafka-defaults" uses Kafka 3.9's real values
// (kafka-semantics.md §0); "classroom" keeps every rule but scales the
// timeouts and sizes down so that a failover, an ISR shrink or a retention
// pass happens within seconds on a projector. The UI always shows which
// profile is in force.

export type ProfileName = "classroom" | "kafka-defaults";

export interface Timings {
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs: number;
  /** replica.fetch.wait.max.ms: how long a follower's fetch long-polls at the leader. */
  replicaFetchWaitMaxMs: number;
  /** replica.fetch.backoff.ms: pause after a failed replica fetch. */
  replicaFetchBackoffMs: number;
  /** replica.high.watermark.checkpoint.interval.ms: how often the HW reaches disk. */
  replicaHighWatermarkCheckpointIntervalMs: number;
  /** zookeeper.session.timeout.ms */
  zookeeperSessionTimeoutMs: number;
  /** How often a ZooKeeper client pings its server (a third of the session timeout, as the ZooKeeper client does). */
  zookeeperTickMs: number;
  /** broker.heartbeat.interval.ms (KRaft) */
  brokerHeartbeatIntervalMs: number;
  /** broker.session.timeout.ms (KRaft) */
  brokerSessionTimeoutMs: number;
  /** controller.quorum.election.timeout.ms */
  controllerQuorumElectionTimeoutMs: number;
  /** controller.quorum.fetch.timeout.ms */
  controllerQuorumFetchTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms */
  controllerQuorumElectionBackoffMaxMs: number;
  /** How often a KRaft voter / observer fetches the metadata log when idle (long-poll wait). */
  metadataFetchWaitMaxMs: number;
  /** leader.imbalance.check.interval.seconds × 1000 */
  leaderImbalanceCheckIntervalMs: number;
  /** log.retention.check.interval.ms */
  logRetentionCheckIntervalMs: number;
  /** log.cleaner.backoff.ms: how often the cleaner looks for a log to compact. */
  logCleanerBackoffMs: number;
  /** Simulated time a broker spends in STARTING before log recovery. */
  brokerStartupMs: number;
  /** Simulated time of log recovery after an unclean shutdown (RECOVERY). */
  brokerLogRecoveryMs: number;
  /** request.timeout.ms of clients (producer default 30000). */
  requestTimeoutMs: number;
  /** batch.size of producers: a batch closes at this many bytes. */
  batchSizeBytes: number;
  /** Default topic-level segment.bytes for topics without an override. */
  segmentBytes: number;
  /** Default segment.ms. */
  segmentMs: number;
  /** Default retention.ms. */
  retentionMs: number;
  /** Default delete.retention.ms (tombstone lifetime). */
  deleteRetentionMs: number;
}

export const KAFKA_DEFAULT_TIMINGS: Timings = {
  replicaLagTimeMaxMs: 30_000,
  replicaFetchWaitMaxMs: 500,
  replicaFetchBackoffMs: 1_000,
  replicaHighWatermarkCheckpointIntervalMs: 5_000,
  zookeeperSessionTimeoutMs: 18_000,
  zookeeperTickMs: 6_000,
  brokerHeartbeatIntervalMs: 2_000,
  brokerSessionTimeoutMs: 9_000,
  controllerQuorumElectionTimeoutMs: 1_000,
  controllerQuorumFetchTimeoutMs: 2_000,
  controllerQuorumElectionBackoffMaxMs: 1_000,
  metadataFetchWaitMaxMs: 500,
  leaderImbalanceCheckIntervalMs: 300_000,
  logRetentionCheckIntervalMs: 300_000,
  logCleanerBackoffMs: 15_000,
  brokerStartupMs: 2_000,
  brokerLogRecoveryMs: 3_000,
  requestTimeoutMs: 30_000,
  batchSizeBytes: 16_384,
  segmentBytes: 1_073_741_824,
  segmentMs: 604_800_000,
  retentionMs: 604_800_000,
  deleteRetentionMs: 86_400_000,
};

/** The same rules, about ten times faster, and small segments so retention and compaction show. */
export const CLASSROOM_TIMINGS: Timings = {
  replicaLagTimeMaxMs: 3_000,
  replicaFetchWaitMaxMs: 250,
  replicaFetchBackoffMs: 300,
  replicaHighWatermarkCheckpointIntervalMs: 1_000,
  zookeeperSessionTimeoutMs: 3_000,
  zookeeperTickMs: 1_000,
  brokerHeartbeatIntervalMs: 500,
  brokerSessionTimeoutMs: 1_500,
  controllerQuorumElectionTimeoutMs: 500,
  controllerQuorumFetchTimeoutMs: 1_000,
  controllerQuorumElectionBackoffMaxMs: 500,
  metadataFetchWaitMaxMs: 250,
  leaderImbalanceCheckIntervalMs: 10_000,
  logRetentionCheckIntervalMs: 2_000,
  logCleanerBackoffMs: 2_000,
  brokerStartupMs: 500,
  brokerLogRecoveryMs: 700,
  requestTimeoutMs: 5_000,
  batchSizeBytes: 1_024,
  segmentBytes: 4_096,
  segmentMs: 10_000,
  retentionMs: 30_000,
  deleteRetentionMs: 10_000,
};

export function timingsFor(profile: ProfileName, overrides: Partial<Timings> = {}): Timings {
  return { ...(profile === "classroom" ? CLASSROOM_TIMINGS : KAFKA_DEFAULT_TIMINGS), ...overrides };
}
