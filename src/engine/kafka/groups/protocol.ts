// The group RPCs between consumers and the group coordinator, as plain JSON
// events. Type names are Kafka's API names; requests carry `from` (the
// consumer's actor id) and `refusable: true` so a dead broker's host answers
// ConnectionRefused at once. Errors use Kafka's error names.

import type { SimEvent } from "../../world/types.ts";

export const OFFSETS_TOPIC = "__consumer_offsets";

/** Message types the group coordinator module receives (its BrokerModule prefixes). */
export const COORDINATOR_REQUESTS = [
  "FindCoordinator",
  "JoinGroup",
  "SyncGroup",
  "Heartbeat",
  "LeaveGroup",
  "OffsetCommit",
  "OffsetFetch",
  "ConsumerGroupHeartbeat",
] as const;

interface Request extends SimEvent {
  from: string;
  requestId: number;
  refusable: true;
}

export interface FindCoordinatorRequest extends Request {
  type: "FindCoordinator";
  key: string;
  /** GROUP here; TRANSACTION is answered too (see coordinator.ts). */
  keyType: "GROUP" | "TRANSACTION";
}

export interface FindCoordinatorResponse extends SimEvent {
  type: "FindCoordinatorResponse";
  requestId: number;
  error: string;
  /** The coordinator's broker id, -1 if none. */
  nodeId: number;
}

/** One assignor a member supports, with its subscription (ConsumerProtocolSubscription). */
export interface JoinProtocol {
  name: string;
  topics: string[];
  /** Partitions the member owns now ("topic-p"); empty for eager members (they revoked everything). */
  ownedPartitions: string[];
  /** The generation of those owned partitions, -1 if none. */
  generation: number;
}

export interface JoinGroupRequest extends Request {
  type: "JoinGroup";
  groupId: string;
  /** "" on the first join. */
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** max.poll.interval.ms */
  rebalanceTimeoutMs: number;
  protocolType: "consumer";
  protocols: JoinProtocol[];
  reason: string;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
  ownedPartitions: string[];
  generation: number;
}

export interface JoinGroupResponse extends SimEvent {
  type: "JoinGroupResponse";
  requestId: number;
  error: string;
  generation: number;
  protocolName: string | null;
  leader: string | null;
  memberId: string;
  /** Every member's subscription: only the leader gets it. */
  members: JoinGroupMember[];
  /** KIP-814: a static leader rejoining a Stable group must not compute a new assignment. */
  skipAssignment: boolean;
}

export interface SyncGroupRequest extends Request {
  type: "SyncGroup";
  groupId: string;
  generation: number;
  memberId: string;
  groupInstanceId: string | null;
  /** Only the leader sends assignments. */
  assignments: { memberId: string; partitions: string[] }[];
}

export interface SyncGroupResponse extends SimEvent {
  type: "SyncGroupResponse";
  requestId: number;
  error: string;
  assignment: string[];
  protocolName: string | null;
}

export interface HeartbeatRequest extends Request {
  type: "Heartbeat";
  groupId: string;
  generation: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse extends SimEvent {
  type: "HeartbeatResponse";
  requestId: number;
  error: string;
}

export interface LeaveGroupRequest extends Request {
  type: "LeaveGroup";
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  reason: string;
}

export interface LeaveGroupResponse extends SimEvent {
  type: "LeaveGroupResponse";
  requestId: number;
  error: string;
}

export interface OffsetCommitRequest extends Request {
  type: "OffsetCommit";
  groupId: string;
  /** The generation (classic) or member epoch (consumer protocol); -1 for a commit outside the group. */
  generation: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: { topic: string; partition: number; offset: number }[];
}

export interface OffsetCommitResponse extends SimEvent {
  type: "OffsetCommitResponse";
  requestId: number;
  partitions: { topic: string; partition: number; error: string }[];
}

export interface OffsetFetchRequest extends Request {
  type: "OffsetFetch";
  groupId: string;
  partitions: { topic: string; partition: number }[];
}

export interface OffsetFetchResponse extends SimEvent {
  type: "OffsetFetchResponse";
  requestId: number;
  error: string;
  /** offset -1: nothing committed. */
  partitions: { topic: string; partition: number; offset: number; error: string }[];
}

/** KIP-848: the one RPC of the consumer protocol. */
export interface ConsumerGroupHeartbeatRequest extends Request {
  type: "ConsumerGroupHeartbeat";
  groupId: string;
  /** "" to join (Kafka 3.9: the coordinator picks the id). */
  memberId: string;
  /** 0 to join, -1 to leave, -2 a static member's temporary leave. */
  memberEpoch: number;
  instanceId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  serverAssignor: string | null;
  /** The partitions the member owns now (acknowledges revocations). */
  ownedPartitions: string[];
}

export interface ConsumerGroupHeartbeatResponse extends SimEvent {
  type: "ConsumerGroupHeartbeatResponse";
  requestId: number;
  error: string;
  memberId: string;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** The partitions the member should own now. */
  assignment: string[] | null;
}
