// The group coordinator's memory inside one broker (broker.data.modules.groups):
// plain JSON, lost when the broker process dies, rebuilt from
// __consumer_offsets by whichever broker leads a partition of it next.

import type { ActorRecord } from "../../world/types.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import type { JoinProtocol } from "./protocol.ts";

export const MODULE_NAME = "groups";

export type ClassicStateName = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";
export type ConsumerGroupStateName = "Empty" | "Assigning" | "Reconciling" | "Stable" | "Dead";

export interface CommittedOffset {
  offset: number;
  commitMs: number;
  /** The generation / member epoch of the commit, -1 for an admin commit. */
  generation: number;
  memberId: string;
}

/** The classic group statechart, stored as plain data (see groupMachine.ts). */
export interface GroupMachineSlot {
  value: string | Record<string, string>;
  context: GroupMachineContext;
}

export interface GroupMachineContext {
  groupId: string;
  /** group.initial.rebalance.delay.ms */
  initialDelayMs: number;
  /** The group's rebalance timeout: the largest max.poll.interval.ms of its members. */
  rebalanceTimeoutMs: number;
  /** The delay of the running initial-rebalance timer (InitialDelayedJoin). */
  delayMs: number;
  /** What is left of the rebalance timeout for further extensions. */
  remainingMs: number;
  /** A member joined during the current initial delay: extend it once more. */
  newMemberAdded: boolean;
}

export interface ClassicMember {
  memberId: string;
  groupInstanceId: string | null;
  /** The consumer's actor id (Kafka's client.id): where responses go. */
  clientId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: JoinProtocol[];
  assignment: string[];
  /** Request id of a parked JoinGroup, or null. */
  awaitingJoin: number | null;
  /** Request id of a parked SyncGroup, or null. */
  awaitingSync: number | null;
  /** Joined during the current rebalance (its session cannot be kept alive by a parked join). */
  isNew: boolean;
}

export interface ClassicGroup {
  type: "classic";
  groupId: string;
  /** The __consumer_offsets partition that holds it. */
  partition: number;
  loadId: number;
  machine: GroupMachineSlot;
  generation: number;
  protocolName: string | null;
  leaderId: string | null;
  /** In join order. */
  members: ClassicMember[];
  /** MEMBER_ID_REQUIRED was answered; they must rejoin with the id within the session timeout. */
  pendingMemberIds: string[];
  /** Members that have not sent SyncGroup in this generation yet. */
  pendingSync: string[];
  offsets: Record<string, CommittedOffset>;
  /** Why the current (or last) rebalance started. */
  rebalanceReason: string;
}

export type ConsumerMemberState = "STABLE" | "UNREVOKED_PARTITIONS" | "UNRELEASED_PARTITIONS";

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: ConsumerMemberState;
  /** Partitions the member may own now. */
  assigned: string[];
  /** Partitions it must give up before anything moves on. */
  revoking: string[];
  subscribed: string[];
  serverAssignor: string | null;
  rebalanceTimeoutMs: number;
  /** When the pending revocation must be done (rebalance timeout), or -1. */
  revokeDeadlineMs: number;
  /** A static member that left temporarily (epoch -2): kept until its session expires. */
  leftTemporarily: boolean;
}

export interface ConsumerGroup {
  type: "consumer";
  groupId: string;
  partition: number;
  loadId: number;
  groupEpoch: number;
  assignmentEpoch: number;
  /** member id -> its partitions in the target assignment. */
  targetAssignment: Record<string, string[]>;
  members: ConsumerMember[];
  offsets: Record<string, CommittedOffset>;
  /** The state last written to the trace. */
  stateName: ConsumerGroupStateName;
  assignor: string;
}

export type Group = ClassicGroup | ConsumerGroup;

export type PendingWriteKind = "commit" | "assignment" | "staticRejoin" | "metadata";

/** A write to __consumer_offsets waiting for the HW to pass it. */
export interface PendingWrite {
  id: number;
  kind: PendingWriteKind;
  groupId: string;
  partition: number;
  loadId: number;
  /** The last offset written: durable once the HW is above it. */
  lastOffset: number;
  done: boolean;
  // commit
  client?: string;
  requestId?: number;
  offsets?: { topic: string; partition: number; offset: number }[];
  generation?: number;
  memberId?: string;
  admin?: boolean;
  // assignment (SyncGroup from the leader)
  assignment?: Record<string, string[]>;
  // staticRejoin
  oldMemberId?: string;
}

export interface LoadedPartition {
  partition: number;
  leaderEpoch: number;
  loadId: number;
}

export interface CoordinatorState {
  loaded: LoadedPartition[];
  nextLoadId: number;
  nextWriteId: number;
  groups: Record<string, Group>;
  pendingWrites: PendingWrite[];
}

export function coordinatorState(broker: ActorRecord): CoordinatorState {
  const d = broker.data as BrokerData;
  let s = d.modules[MODULE_NAME] as CoordinatorState | undefined;
  if (!s) {
    s = { loaded: [], nextLoadId: 1, nextWriteId: 1, groups: {}, pendingWrites: [] };
    d.modules[MODULE_NAME] = s;
  }
  return s;
}

/** The module state if this broker has one (views: never create it). */
export function peekCoordinatorState(broker: ActorRecord): CoordinatorState | undefined {
  return (broker.data as BrokerData).modules?.[MODULE_NAME] as CoordinatorState | undefined;
}

export function classicStateName(g: ClassicGroup): ClassicStateName {
  const v = g.machine.value;
  return (typeof v === "string" ? v : Object.keys(v)[0]) as ClassicStateName;
}

export function groupStateName(g: Group): string {
  return g.type === "classic" ? classicStateName(g) : g.stateName;
}

export const sortedKeys = (o: Record<string, unknown>): string[] => Object.keys(o).sort();
