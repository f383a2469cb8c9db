// A broker's state, as plain data. What is on disk survives a crash (the log
// segments, the leader-epoch cache, the high-watermark checkpoint file); the
// rest is the process's memory and is lost.

import type { PartitionLog } from "../../cluster/log.ts";
import type { LeaderPartition } from "../../cluster/partition.ts";
import { EMPTY_IMAGE, type MetadataImage } from "../metadata.ts";
import type { PartitionProducerState } from "../producer/producerState.ts";

export interface Disk {
  /** One log per replica this broker hosts, keyed `${topic}-${partition}`. Values are immutable. */
  logs: Record<string, PartitionLog>;
  /** replication-offset-checkpoint: the HW last written to disk, per partition. */
  hwCheckpoint: Record<string, number>;
  /** True when the last stop was a clean shutdown (no log recovery needed). */
  cleanShutdown: boolean;
}

export type ReplicaRole = "leader" | "follower" | "offline";

/** What this broker believes about one of its replicas. Replaced, never mutated (checkpoints share it). */
export interface ReplicaState {
  readonly topic: string;
  readonly partition: number;
  readonly role: ReplicaRole;
  /** The leader per the latest metadata (-1: none). */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  /** The leader's view of the partition (followers' fetch state, ISR), when this broker leads. */
  readonly leaderPartition: LeaderPartition | null;
}

export interface ParkedProducePartition {
  topic: string;
  partition: number;
  requiredOffset: number;
  baseOffset: number;
  error: string;
  done: boolean;
}

/** An acks=all request waiting in the produce purgatory for the HW to pass its records. */
export interface ParkedProduce {
  requestId: number;
  client: string;
  timeoutAtMs: number;
  partitions: ParkedProducePartition[];
}

export interface FetchPartitionRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  lastFetchedEpoch: number;
  currentLeaderEpoch: number;
  logStartOffset: number;
}

/** A follower's fetch long-polling at this (leader) broker. */
export interface ParkedFetch {
  replicaId: number;
  fetchSeq: number;
  expiresAtMs: number;
  partitions: FetchPartitionRequest[];
}

/** This broker's replica fetcher towards one leader (num.replica.fetchers = 1). */
export interface FetcherState {
  leaderId: number;
  inFlight: boolean;
  fetchSeq: number;
}

/** A consumer's fetch waiting (fetch.max.wait.ms) for records to become readable. */
export interface ParkedConsumerFetch {
  client: string;
  requestId: number;
  expiresAtMs: number;
  request: unknown;
}

export interface BrokerStats {
  produceRequests: number;
  recordsAppended: number;
  fetchRequests: number;
  produceErrors: Record<string, number>;
}

export interface BrokerData extends Record<string, unknown> {
  brokerId: number;
  disk: Disk;
  image: MetadataImage;
  replicas: Record<string, ReplicaState>;
  brokerEpoch: number;
  /** KRaft: fenced until caught up with metadata; ZooKeeper mode: false once registered. */
  fenced: boolean;
  produceParked: ParkedProduce[];
  fetchParked: Record<string, ParkedFetch>;
  fetchers: Record<string, FetcherState>;
  stats: BrokerStats;
  /**
   * Idempotence and transactions, per partition this broker leads
   * (ProducerStateManager): immutable values, rebuilt from the log when the
   * broker becomes leader.
   */
  producerStates: Record<string, PartitionProducerState>;
  /** Broker modules' state (group coordinator…), by module name; process memory. */
  modules: Record<string, unknown>;
  /** Consumer fetches long-polling for the HW to move. */
  consumerFetchParked: ParkedConsumerFetch[];
  /** Control-plane module state (kraft/ or zk/), owned by that module. */
  kraft?: unknown;
  zk?: unknown;
}

export function freshBrokerData(brokerId: number, disk: Disk): BrokerData {
  return {
    brokerId,
    disk,
    image: EMPTY_IMAGE,
    replicas: {},
    brokerEpoch: -1,
    fenced: true,
    produceParked: [],
    fetchParked: {},
    fetchers: {},
    producerStates: {},
    modules: {},
    consumerFetchParked: [],
    stats: { produceRequests: 0, recordsAppended: 0, fetchRequests: 0, produceErrors: {} },
  };
}

/**
 * A checkpoint copy. Logs, leader partitions, replica states and the image are
 * immutable values (every change replaces them), so the copy shares them and
 * only copies the containers; small mutable parts are cloned.
 */
export function cloneBrokerData(d: BrokerData): BrokerData {
  return {
    ...d,
    disk: { logs: { ...d.disk.logs }, hwCheckpoint: { ...d.disk.hwCheckpoint }, cleanShutdown: d.disk.cleanShutdown },
    replicas: { ...d.replicas },
    produceParked: structuredClone(d.produceParked),
    fetchParked: structuredClone(d.fetchParked),
    fetchers: structuredClone(d.fetchers),
    producerStates: { ...d.producerStates },
    modules: structuredClone(d.modules),
    consumerFetchParked: structuredClone(d.consumerFetchParked),
    stats: structuredClone(d.stats),
    kraft: d.kraft === undefined ? undefined : structuredClone(d.kraft),
    zk: d.zk === undefined ? undefined : structuredClone(d.zk),
  };
}
