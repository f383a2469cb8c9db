// What every broker caches about the cluster (its MetadataImage in KRaft, its
// metadata cache fed by UpdateMetadata / LeaderAndIsr in ZooKeeper mode), and
// the changes a control plane hands to a broker. Both controller modes speak
// this one vocabulary to the broker core, so the broker does not care which
// mode it runs in.

export type BrokerId = number;
export const NO_LEADER = -1;

export interface TopicConfig {
  /** min.insync.replicas */
  minInsyncReplicas: number;
  /** unclean.leader.election.enable */
  uncleanLeaderElectionEnable: boolean;
  /** cleanup.policy */
  cleanupPolicy: "delete" | "compact" | "compact,delete";
  /** retention.ms (-1: forever) */
  retentionMs: number;
  /** retention.bytes (-1: no limit) */
  retentionBytes: number;
  /** segment.bytes */
  segmentBytes: number;
  /** segment.ms */
  segmentMs: number;
  /** min.cleanable.dirty.ratio */
  minCleanableDirtyRatio: number;
  /** delete.retention.ms */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms */
  minCompactionLagMs: number;
}

export interface TopicState {
  readonly name: string;
  /** A stable id derived from the name and creation order ("topic-3"), as KRaft's topic ids. */
  readonly topicId: string;
  readonly numPartitions: number;
  readonly config: TopicConfig;
  /** True for Kafka's own topics (__consumer_offsets, __transaction_state). */
  readonly internal: boolean;
}

export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** The assignment; the first is the preferred leader. */
  readonly replicas: readonly BrokerId[];
  readonly isr: readonly BrokerId[];
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly leaderRecoveryState: "RECOVERED" | "RECOVERING";
}

export interface BrokerRegistrationState {
  readonly id: BrokerId;
  /** KRaft: fenced brokers lead nothing and are in no ISR. ZooKeeper mode: true while /brokers/ids/N is absent. */
  readonly fenced: boolean;
  readonly inControlledShutdown: boolean;
  /** The broker epoch (KRaft: registration offset; ZooKeeper: the czxid of its znode). */
  readonly epoch: number;
}

export interface MetadataImage {
  readonly topics: Readonly<Record<string, TopicState>>;
  /** Keyed by `${topic}-${partition}`. */
  readonly partitions: Readonly<Record<string, PartitionState>>;
  readonly brokers: Readonly<Record<string, BrokerRegistrationState>>;
  /** The actor id of the active controller ("c1" in KRaft, "b2" in ZooKeeper mode), if known. */
  readonly controllerId: string | null;
  /** KRaft: the quorum epoch; ZooKeeper: /controller_epoch. */
  readonly controllerEpoch: number;
  /** KRaft: offset of the last metadata record applied; ZooKeeper: -1. */
  readonly metadataOffset: number;
}

export type MetadataChange =
  | { readonly type: "broker"; readonly broker: BrokerRegistrationState }
  | { readonly type: "topic"; readonly topic: TopicState }
  | { readonly type: "topicDeleted"; readonly name: string }
  | { readonly type: "partition"; readonly state: PartitionState }
  | { readonly type: "controller"; readonly controllerId: string | null; readonly controllerEpoch: number }
  | { readonly type: "offset"; readonly metadataOffset: number };

export const EMPTY_IMAGE: MetadataImage = {
  topics: {},
  partitions: {},
  brokers: {},
  controllerId: null,
  controllerEpoch: 0,
  metadataOffset: -1,
};

// Keys are built on every request for every partition, then used to index
// records keyed by them: handing out one string per partition saves building
// it again, and a key V8 has already internalized is a faster property lookup.
const tpKeysByTopic = new Map<string, string[]>();

/** `${topic}-${partition}`: the key of a partition in per-partition records. */
export function tpKey(topic: string, partition: number): string {
  let keys = tpKeysByTopic.get(topic);
  if (keys === undefined) {
    keys = [];
    tpKeysByTopic.set(topic, keys);
  }
  // Only small non-negative integer partitions are remembered (array slots).
  if (!(partition >= 0 && partition < 4096 && Number.isInteger(partition))) return `${topic}-${partition}`;
  return (keys[partition] ??= `${topic}-${partition}`);
}

export function applyChanges(image: MetadataImage, changes: readonly MetadataChange[]): MetadataImage {
  if (changes.length === 0) return image;
  let topics = image.topics;
  let partitions = image.partitions;
  let brokers = image.brokers;
  let { controllerId, controllerEpoch, metadataOffset } = image;
  for (const c of changes) {
    switch (c.type) {
      case "broker":
        brokers = { ...brokers, [String(c.broker.id)]: c.broker };
        break;
      case "topic":
        topics = { ...topics, [c.topic.name]: c.topic };
        break;
      case "topicDeleted": {
        const { [c.name]: _gone, ...rest } = topics;
        topics = rest;
        const kept: Record<string, PartitionState> = {};
        for (const k of Object.keys(partitions)) if (partitions[k].topic !== c.name) kept[k] = partitions[k];
        partitions = kept;
        break;
      }
      case "partition":
        partitions = { ...partitions, [tpKey(c.state.topic, c.state.partition)]: c.state };
        break;
      case "controller":
        controllerId = c.controllerId;
        controllerEpoch = c.controllerEpoch;
        break;
      case "offset":
        metadataOffset = c.metadataOffset;
        break;
    }
  }
  return { topics, partitions, brokers, controllerId, controllerEpoch, metadataOffset };
}

/** Brokers sorted by id (object keys are integer-like, so never rely on key order). */
export function brokerIds(image: MetadataImage): BrokerId[] {
  return Object.values(image.brokers)
    .map((b) => b.id)
    .sort((a, b) => a - b);
}
