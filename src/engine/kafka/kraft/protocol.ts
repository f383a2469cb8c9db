// The messages of this module, as plain JSON-serializable events. Names follow
// Kafka's RPCs (Vote, BeginQuorumEpoch, Fetch, BrokerRegistration,
// BrokerHeartbeat, AlterPartition), prefixed "kraft." so the broker core
// routes them to the control plane. Every sender names itself in the event
// (the engine hands an actor only the event, not the sender).

import type { AlterPartitionRequest, AlterPartitionResult } from "../controlPlane.ts";
import type { BrokerId } from "../metadata.ts";
import type { HeartbeatReply, RegistrationReply } from "./controllerLogic.ts";
import type { LogEntry } from "./records.ts";

export type VoteRequest = {
  readonly type: "kraft.Vote";
  readonly candidateId: string;
  readonly candidateEpoch: number;
  readonly lastOffsetEpoch: number;
  /** The candidate's log end offset. */
  readonly lastOffset: number;
};

export type VoteResponse = {
  readonly type: "kraft.VoteResponse";
  readonly voterId: string;
  readonly epoch: number;
  readonly voteGranted: boolean;
  readonly leaderId: string | null;
};

export type BeginQuorumEpoch = {
  readonly type: "kraft.BeginQuorumEpoch";
  readonly leaderId: string;
  readonly epoch: number;
};

/** A voter's fetch of the metadata log from the leader. */
export type FetchRequest = {
  readonly type: "kraft.Fetch";
  readonly replicaId: string;
  readonly epoch: number;
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
  /** The follower's current HW, so the leader answers at once when it has a newer one. */
  readonly highWatermark: number;
};

export type FetchError = "NONE" | "FENCED_LEADER_EPOCH" | "NOT_LEADER_OR_FOLLOWER";

export type FetchResponse = {
  readonly type: "kraft.FetchResponse";
  readonly error: FetchError;
  readonly epoch: number;
  readonly leaderId: string | null;
  readonly fetchOffset: number;
  readonly records: readonly LogEntry[];
  readonly highWatermark: number;
  readonly divergingEpoch: { readonly epoch: number; readonly endOffset: number } | null;
};

/** A broker (observer) fetching committed metadata records from the active controller. */
export type MetadataFetch = {
  readonly type: "kraft.MetadataFetch";
  readonly brokerId: BrokerId;
  readonly reqId: number;
  readonly fetchOffset: number;
};

export type MetadataFetchResponse = {
  readonly type: "kraft.MetadataFetchResponse";
  readonly reqId: number;
  readonly error: "NONE" | "NOT_CONTROLLER";
  readonly leaderId: string | null;
  readonly epoch: number;
  readonly fetchOffset: number;
  readonly records: readonly LogEntry[];
  readonly highWatermark: number;
};

export type BrokerRegistrationRequest = {
  readonly type: "kraft.BrokerRegistration";
  readonly brokerId: BrokerId;
  readonly incarnation: number;
  readonly reqId: number;
};

export type BrokerRegistrationResponse = {
  readonly type: "kraft.BrokerRegistrationResponse";
  readonly reqId: number;
  readonly reply: RegistrationReply | { readonly error: "NOT_CONTROLLER" };
  readonly leaderId: string | null;
  readonly epoch: number;
};

export type BrokerHeartbeatRequest = {
  readonly type: "kraft.BrokerHeartbeat";
  readonly brokerId: BrokerId;
  readonly brokerEpoch: number;
  readonly currentMetadataOffset: number;
  readonly wantShutDown: boolean;
  readonly reqId: number;
};

export type BrokerHeartbeatResponse = {
  readonly type: "kraft.BrokerHeartbeatResponse";
  readonly reqId: number;
  readonly reply: HeartbeatReply | { readonly error: "NOT_CONTROLLER" };
  readonly leaderId: string | null;
  readonly epoch: number;
};

export type AlterPartitionMessage = {
  readonly type: "kraft.AlterPartition";
  readonly brokerId: BrokerId;
  readonly reqId: number;
  readonly request: AlterPartitionRequest;
};

export type AlterPartitionResponseMessage = {
  readonly type: "kraft.AlterPartitionResponse";
  readonly reqId: number;
  readonly topic: string;
  readonly partition: number;
  readonly result: AlterPartitionResult;
  readonly leaderId: string | null;
  readonly epoch: number;
};

/** A reply the active controller holds until the records it depends on are committed. */
export type PendingReply = {
  readonly afterOffset: number;
  readonly to: string;
  readonly event: BrokerRegistrationResponse | BrokerHeartbeatResponse | AlterPartitionResponseMessage;
};
