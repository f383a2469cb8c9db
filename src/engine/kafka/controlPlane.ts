// The seam between the broker core (replication, produce, fetch) and the two
// controller modes. KRaft (kraft/) and ZooKeeper (zk/) each implement
// ControlPlane; the broker core implements BrokerCoreApi. Neither imports the
// other's internals, so either mode can be swapped in on the same scenario.

import type { Engine } from "../world/engine.ts";
import type { ActorKind, ActorRecord, InputHandler, SimEvent, SimInput } from "../world/types.ts";
import type { BrokerId, MetadataChange, MetadataImage, PartitionState, TopicConfig } from "./metadata.ts";
import type { ClusterSpec, ControllerMode, TopicSpec } from "./spec.ts";

/** The AlterPartition a partition leader sends to the controller (KIP-497). */
export interface AlterPartitionRequest {
  readonly topic: string;
  readonly partition: number;
  readonly leaderId: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly newIsr: readonly BrokerId[];
  /** KRaft: the broker epoch of each proposed member (KIP-903); informational here. */
  readonly brokerEpoch: number;
}

export type AlterPartitionResult =
  | {
      readonly error: "NONE";
      readonly isr: readonly BrokerId[];
      readonly leaderEpoch: number;
      readonly partitionEpoch: number;
    }
  | {
      readonly error:
        | "FENCED_LEADER_EPOCH"
        | "INVALID_UPDATE_VERSION"
        | "NOT_CONTROLLER"
        | "OPERATION_NOT_ATTEMPTED"
        | "INELIGIBLE_REPLICA"
        | "UNKNOWN_TOPIC_OR_PARTITION"
        | "STALE_BROKER_EPOCH"
        | "REQUEST_TIMED_OUT";
    };

/** What the broker core offers the control plane. Calls are synchronous, inside the broker's own step. */
export interface BrokerCoreApi {
  /**
   * The broker learned new metadata (a KRaft metadata log batch, or ZooKeeper
   * mode's LeaderAndIsr / UpdateMetadata). The core updates its cache and makes
   * itself leader or follower of partitions whose leader epoch went up.
   * `why` says where it came from, for the trace ("LeaderAndIsr from controller b2, epoch 3").
   */
  applyMetadata(engine: Engine, brokerId: BrokerId, changes: readonly MetadataChange[], why: string): void;
  /** The controller answered an AlterPartition this broker sent. */
  alterPartitionResponse(
    engine: Engine,
    brokerId: BrokerId,
    topic: string,
    partition: number,
    result: AlterPartitionResult,
  ): void;
  /** KRaft: registration accepted (broker epoch known); ZooKeeper: /brokers/ids/N created. */
  registered(engine: Engine, brokerId: BrokerId, brokerEpoch: number): void;
  /** The broker may now act as live (KRaft: unfenced; ZooKeeper: always right after registering). */
  unfenced(engine: Engine, brokerId: BrokerId): void;
  /** The controller moved this broker's leaderships away: it may finish its controlled shutdown. */
  controlledShutdownComplete(engine: Engine, brokerId: BrokerId): void;
  /** The broker's current cache (for the control plane's own decisions, e.g. "caught up with metadata"). */
  image(engine: Engine, brokerId: BrokerId): MetadataImage;
  /** True when the broker process is up (RUNNING or on its way there), false when crashed or stopped. */
  isUp(engine: Engine, brokerId: BrokerId): boolean;
}

/** Result of an admin operation executed at the active controller. */
export type AdminResult =
  | { readonly ok: true; readonly detail: string }
  | { readonly ok: false; readonly error: string; readonly detail: string };

/** The controller's authoritative view, for the UI and the checker. */
export interface ControlPlaneView {
  readonly mode: ControllerMode;
  /** Actor id of the active controller, or null while there is none. */
  readonly activeControllerId: string | null;
  /** KRaft: quorum epoch of the active controller; ZooKeeper: /controller_epoch. */
  readonly controllerEpoch: number;
  /** The controller's partition states (KRaft: committed metadata; ZooKeeper: the state znodes). */
  readonly partitions: readonly PartitionState[];
  /** Broker liveness as the controller sees it. */
  readonly brokers: readonly { id: BrokerId; fenced: boolean; inControlledShutdown: boolean; epoch: number }[];
  /** Topics and their configs as the controller has them. */
  readonly topics: readonly { name: string; numPartitions: number; config: TopicConfig }[];
  /** Mode-specific detail for the controller panel (quorum voters and logs, or the znode tree and sessions). */
  readonly detail: KraftDetail | ZookeeperDetail;
  /** Partitions that got a leader by an unclean election, with when (for the checker and the UI). */
  readonly uncleanElections: readonly { topic: string; partition: number; leader: BrokerId; atMs: number }[];
}

export interface KraftDetail {
  readonly kind: "kraft";
  readonly voters: readonly {
    actorId: string;
    nodeId: number;
    alive: boolean;
    /** Unattached / Voted / Candidate / Leader / Follower / Resigned, as KafkaRaftClient's QuorumState names them. */
    state: string;
    epoch: number;
    logEndOffset: number;
    highWatermark: number;
  }[];
  /** The newest committed metadata records, newest last, each with a plain-language summary. */
  readonly recentRecords: readonly { offset: number; epoch: number; type: string; summary: string }[];
}

export interface ZookeeperDetail {
  readonly kind: "zookeeper";
  readonly ensemble: readonly { actorId: string; alive: boolean; serving: boolean }[];
  /** Live sessions: owner broker, session id, and when it expires if no ping arrives. */
  readonly sessions: readonly { sessionId: number; ownerBrokerId: BrokerId; expiresAtMs: number }[];
  /** The znode tree, flattened: path → data (JSON text), with ephemeral owners. */
  readonly znodes: readonly { path: string; data: string; ephemeralOwner: number | null }[];
}

export interface ControlPlane {
  readonly mode: ControllerMode;
  /** Actor kinds this mode adds (controller nodes, ZooKeeper servers). */
  readonly kinds: readonly ActorKind[];
  /** Inputs this mode adds, e.g. "expireSession" or "crashActiveController". */
  readonly inputs: Readonly<Record<string, InputHandler>>;
  /** Plain-language descriptions of those inputs for the trace. */
  readonly describeInput: Readonly<Record<string, (input: SimInput) => string>>;

  /**
   * Spawns the mode's own actors and returns the settled cluster at time 0:
   * an active controller elected, every broker registered and unfenced, the
   * spec's topics created with leaders on their preferred replicas and full
   * ISRs. The broker core starts every broker from the returned image (and
   * calls `attachBroker` for each), so scenarios begin with a working cluster.
   */
  bootstrap(engine: Engine, spec: ClusterSpec): MetadataImage;
  /** Called once per broker after bootstrap, with the broker already spawned and RUNNING. */
  attachBroker(engine: Engine, broker: ActorRecord): void;

  /** The broker process started (after a crash or clean stop): register (KRaft) or open a session (ZooKeeper). */
  brokerStarting(engine: Engine, broker: ActorRecord): void;
  /** The broker wants to shut down cleanly: ask the controller to move its leaderships first. */
  requestControlledShutdown(engine: Engine, broker: ActorRecord): void;
  /** The broker closed cleanly (a ZooKeeper session closes at once; KRaft stops heartbeating). */
  brokerStopped(engine: Engine, broker: ActorRecord): void;
  /** Send an AlterPartition from this (leader) broker to the active controller. */
  sendAlterPartition(engine: Engine, broker: ActorRecord, request: AlterPartitionRequest): void;
  /**
   * A message or timer addressed to a broker that belongs to the control plane
   * (event types starting "kraft." or "zk." or "controller."). Return true when consumed.
   */
  handleBrokerEvent(engine: Engine, broker: ActorRecord, event: SimEvent): boolean;

  /** Admin operations, run at the active controller (as if an admin client sent them there). */
  createTopic(engine: Engine, topic: TopicSpec): AdminResult;
  deleteTopic(engine: Engine, name: string): AdminResult;
  createPartitions(engine: Engine, topic: string, totalCount: number): AdminResult;
  alterTopicConfig(engine: Engine, topic: string, config: Partial<TopicConfig>): AdminResult;
  electLeaders(
    engine: Engine,
    electionType: "PREFERRED" | "UNCLEAN",
    partitions?: readonly { topic: string; partition: number }[],
  ): AdminResult;

  describe(engine: Engine): ControlPlaneView;
}

export type ControlPlaneFactory = (core: BrokerCoreApi) => ControlPlane;
