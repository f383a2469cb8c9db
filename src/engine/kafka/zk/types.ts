// Plain data of ZooKeeper mode: the logical ZooKeeper store (world.data.zk),
// each broker's module state (broker.data.zk), the ZooKeeper wire messages and
// the controller's context. Everything here survives structuredClone.

import type { LeaderRecoveryState } from "../../cluster/election.ts";
import type { BrokerId, TopicConfig } from "../metadata.ts";
import type { Timings } from "../profile.ts";
import type { BrokerConfig } from "../spec.ts";
import type { AlterPartitionRequest } from "../controlPlane.ts";

// ------------------------------------------------------------------ the store

export interface Znode {
  readonly path: string;
  data: string;
  /** ZooKeeper's dataVersion: bumped by every setData. Kafka's partition epoch in ZooKeeper mode. */
  version: number;
  /** The zxid that created the node. For /brokers/ids/N this is the broker epoch. */
  readonly czxid: number;
  mzxid: number;
  /** The owning session of an ephemeral node, else null. */
  readonly ephemeralOwner: number | null;
}

export interface ZkSession {
  readonly id: number;
  readonly owner: BrokerId;
  /** The server the client is (or was last) connected to. */
  server: string;
  /** When a server of the ensemble last heard from the client (ping, request or connect). */
  lastHeardMs: number;
  readonly timeoutMs: number;
}

export interface ZkWatch {
  readonly sessionId: number;
  readonly path: string;
  readonly kind: "data" | "children";
}

export interface UncleanElectionRecord {
  readonly topic: string;
  readonly partition: number;
  readonly leader: BrokerId;
  readonly atMs: number;
}

/** The one logical ZooKeeper database the ensemble replicates (world.data.zk). */
export interface ZkStore {
  readonly ensemble: readonly string[];
  readonly brokers: number;
  readonly timings: Timings;
  readonly brokerConfig: BrokerConfig;
  zxid: number;
  nextSessionId: number;
  topicSeq: number;
  configChangeSeq: number;
  /** path -> znode. Paths start with "/", so no key is integer-like; iterate sorted anyway. */
  nodes: Record<string, Znode>;
  /** Sorted by id. */
  sessions: ZkSession[];
  watches: ZkWatch[];
  uncleanElections: UncleanElectionRecord[];
  /** The ensemble's leader as last evaluated (null while no server has quorum). */
  leader: string | null;
}

// ------------------------------------------------------------------ ZooKeeper ops

export type ZkWrite =
  | { readonly op: "create"; readonly path: string; readonly data: string }
  | { readonly op: "set"; readonly path: string; readonly data: string; readonly version: number }
  | { readonly op: "delete"; readonly path: string; readonly recursive: boolean };

export type ZkOp =
  /** Create /brokers/ids/N as an ephemeral node of the session ("checked": our own node counts as success). */
  | { readonly kind: "registerBroker"; readonly brokerId: BrokerId; readonly data: string }
  /** Create /controller and bump /controller_epoch atomically, unless /controller exists. */
  | { readonly kind: "electController"; readonly brokerId: BrokerId; readonly data: string }
  /** The controller's startup read (initializeControllerContext) and its watches. */
  | { readonly kind: "readControllerState" }
  /** Reads nodes; optionally leaves data watches on some. */
  | { readonly kind: "read"; readonly paths: readonly string[]; readonly watchData: readonly string[] }
  /** Controller writes, each guarded by the controller epoch's znode version (KAFKA-6082). */
  | { readonly kind: "controllerWrite"; readonly epochZkVersion: number; readonly writes: readonly ZkWrite[] }
  /** Drops the controller's watches after it resigned. */
  | { readonly kind: "unwatchController" };

export type ZkWriteResult =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly error: "BADVERSION" | "NONODE" | "NODEEXISTS" };

export interface NodeRead {
  readonly path: string;
  readonly data: string | null;
  readonly version: number;
  readonly czxid: number;
}

export interface ControllerStateRead {
  readonly controllerEpoch: number;
  readonly brokers: readonly { id: BrokerId; epoch: number }[];
  readonly topics: readonly {
    name: string;
    assignment: string;
    config: string | null;
    states: readonly { partition: number; data: string | null; version: number }[];
  }[];
  readonly deletions: readonly string[];
}

export type ZkOpResult =
  | { readonly kind: "registerBroker"; readonly ok: true; readonly czxid: number }
  | { readonly kind: "registerBroker"; readonly ok: false; readonly ownerSession: number }
  | { readonly kind: "electController"; readonly won: true; readonly epoch: number; readonly epochZkVersion: number }
  | { readonly kind: "electController"; readonly won: false; readonly holder: BrokerId | null }
  | { readonly kind: "readControllerState"; readonly state: ControllerStateRead }
  | { readonly kind: "read"; readonly nodes: readonly NodeRead[] }
  | { readonly kind: "controllerWrite"; readonly ok: false; readonly error: "CONTROLLER_MOVED" }
  | { readonly kind: "controllerWrite"; readonly ok: true; readonly results: readonly ZkWriteResult[] }
  | { readonly kind: "unwatchController" };

export interface WatchChild {
  readonly name: string;
  readonly czxid: number;
  readonly data: string;
}

/** A fired watch, as the server tells the client. It carries the node's current data (see CONTEXT.md). */
export interface WatchNotification {
  readonly path: string;
  readonly kind: "data" | "children";
  readonly data: string | null;
  readonly children: readonly WatchChild[];
}

// ------------------------------------------------------------------ the controller

export interface CtrlPartition {
  readonly topic: string;
  readonly partition: number;
  replicas: BrokerId[];
  /** False while the state znode does not exist yet (Kafka's NewPartition). */
  exists: boolean;
  leader: BrokerId;
  leaderEpoch: number;
  isr: BrokerId[];
  recovery: LeaderRecoveryState;
  /** The state znode's version: the partition epoch. */
  zkVersion: number;
}

export interface CtrlTopic {
  readonly name: string;
  readonly topicId: string;
  numPartitions: number;
  overrides: Partial<TopicConfig>;
  config: TopicConfig;
}

/** A partition's next state as the controller wants to write it. */
export interface PartitionUpdate {
  readonly key: string;
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly isr: readonly BrokerId[];
  readonly recovery: LeaderRecoveryState;
  readonly create: boolean;
  /** The version the write expects (ignored for creates). */
  readonly expectedVersion: number;
  readonly unclean: boolean;
  readonly reason: string;
  /** Whether the replicas get a LeaderAndIsr (an AlterPartition answer only needs UpdateMetadata). */
  readonly leaderAndIsr: boolean;
  /** Replicas that get no LeaderAndIsr (a dead replica, or a follower that is shutting down). */
  readonly skip: readonly BrokerId[];
}

/** What the controller does once its ZooKeeper write is answered. */
export interface WriteContinuation {
  /** Plain-language cause, used in the trace and in the brokers' "why". */
  readonly why: string;
  /** Send UpdateMetadata to every live broker even if no partition changed (the broker list changed). */
  readonly metadataAlways: boolean;
  readonly alterPartition?: { readonly broker: BrokerId; readonly topic: string; readonly partition: number };
  readonly controlledShutdown?: { readonly broker: BrokerId; readonly attempt: number };
  readonly deletedTopics?: readonly string[];
  /** Topics whose TopicState brokers must learn with these updates (new topics or partitions). */
  readonly topics?: readonly string[];
}

export type ControllerEvent =
  | { readonly t: "OnlinePartitions"; readonly topic: string | null; readonly why: string }
  | { readonly t: "BrokerChange"; readonly children: readonly WatchChild[] }
  | { readonly t: "TopicChange"; readonly names: readonly string[] }
  | { readonly t: "PartitionModifications"; readonly topic: string; readonly data: string | null }
  /** `resume`: deletions a previous controller had started (already in ctx.deleting). */
  | { readonly t: "TopicDeletion"; readonly names: readonly string[]; readonly resume?: boolean }
  | { readonly t: "AlterPartition"; readonly request: AlterPartitionRequest }
  | {
      readonly t: "ControlledShutdown";
      readonly broker: BrokerId;
      readonly brokerEpoch: number;
      readonly attempt: number;
    }
  | { readonly t: "AutoRebalance"; readonly reschedule: boolean }
  | {
      readonly t: "ReplicaLeaderElection";
      readonly electionType: "PREFERRED" | "UNCLEAN";
      readonly keys: readonly string[];
    };

export interface ControllerCtx {
  readonly epoch: number;
  readonly epochZkVersion: number;
  /** False until the startup read came back. */
  initialized: boolean;
  /** True while a ZooKeeper request of the controller is in flight: the event thread waits. */
  busy: boolean;
  /** Registered brokers and their epochs (czxid of /brokers/ids/N), sorted by id. */
  live: { id: BrokerId; epoch: number }[];
  shuttingDown: BrokerId[];
  topics: Record<string, CtrlTopic>;
  /** Keyed by `${topic}-${partition}`. */
  partitions: Record<string, CtrlPartition>;
  deleting: string[];
  queue: ControllerEvent[];
}

// ------------------------------------------------------------------ a broker's module state

export type ClientState = "CONNECTING" | "CONNECTED" | "EXPIRED" | "CLOSED";
export type RoleState = "IDLE" | "ELECTING" | "ACTIVE";

export interface ClientContext {
  readonly brokerId: BrokerId;
  readonly servers: readonly string[];
  readonly serverIndex: number;
  /** 0 while the client has no session. */
  readonly sessionId: number;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
}

export interface RoleContext {
  readonly brokerId: BrokerId;
}

export interface MachineSlot<V extends string, C> {
  value: V;
  context: C;
}

export type RequestPurpose =
  | { readonly p: "register" }
  | { readonly p: "elect" }
  | { readonly p: "controllerInit"; readonly epoch: number }
  | {
      readonly p: "controllerWrite";
      readonly epoch: number;
      readonly updates: readonly PartitionUpdate[];
      readonly cont: WriteContinuation;
    }
  | { readonly p: "controllerReadTopics"; readonly epoch: number; readonly topics: readonly string[] }
  | { readonly p: "topicConfig"; readonly topic: string; readonly change: string }
  | { readonly p: "unwatch" };

export interface PendingRequest {
  readonly xid: number;
  readonly op: ZkOp;
  readonly purpose: RequestPurpose;
}

export interface BrokerZk {
  readonly brokerId: BrokerId;
  client: MachineSlot<ClientState, ClientContext>;
  role: MachineSlot<RoleState, RoleContext>;
  /** When the client last heard from its server. */
  lastHeardMs: number;
  /** When the client last sent a connect. */
  attemptAtMs: number;
  nextXid: number;
  pending: PendingRequest[];
  /** /brokers/ids/N exists for the current session. */
  registered: boolean;
  /** czxid of this broker's /brokers/ids/N: its broker epoch (-1 before the first registration). */
  brokerEpoch: number;
  /** The newest controller epoch seen in a controller request (fences zombie controllers). */
  controllerEpochSeen: number;
  /** The controller this broker believes in (from LeaderAndIsr / UpdateMetadata). */
  controllerIdSeen: string | null;
  controller: ControllerCtx | null;
  shutdown: { attempt: number } | null;
  /** The newest /config/changes notification processed. */
  configChangeSeen: number;
  stopped: boolean;
}
