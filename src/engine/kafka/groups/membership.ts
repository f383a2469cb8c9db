// Group membership on the consumer side: the classic protocol
// (ConsumerCoordinator / AbstractCoordinator: JoinGroup, SyncGroup, the
// heartbeat thread, eager and cooperative rebalancing, the leader computing
// the assignment) and the consumer protocol (KIP-848: ConsumerGroupHeartbeat
// and incremental reconciliation).

import { assign, KafkaAssignorError, type AssignorName } from "../../groups/assign.ts";
import { compareJavaStrings } from "../../groups/assignors/javaCollections.ts";
import {
  CONSUMER_TIMER,
  commit,
  coordinatorAnswered,
  coordinatorUnknown,
  forgetPartition,
  hasGeneration,
  isRebalancing,
  list,
  member,
  memberState,
  note,
  sendRequest,
  wakeApp,
  type Cons,
} from "./consumer.ts";
import type { InflightRequest } from "./consumerData.ts";
import type {
  ConsumerGroupHeartbeatResponse,
  HeartbeatResponse,
  JoinGroupResponse,
  JoinProtocol,
  SyncGroupResponse,
} from "./protocol.ts";

const COORDINATOR_ERRORS = new Set([
  "NOT_COORDINATOR",
  "COORDINATOR_NOT_AVAILABLE",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "NETWORK_EXCEPTION",
  "REQUEST_TIMED_OUT",
]);

function compareTps(a: string, b: string): number {
  const ia = a.lastIndexOf("-");
  const ib = b.lastIndexOf("-");
  return compareJavaStrings(a.slice(0, ia), b.slice(0, ib)) || Number(a.slice(ia + 1)) - Number(b.slice(ib + 1));
}

const classic = (k: Cons) => k.cfg.groupProtocol === "classic";

/** Partitions taken away without a commit (the generation is gone: onPartitionsLost). */
function loseAll(k: Cons, why: string): void {
  const d = k.d;
  if (d.assigned.length > 0)
    note(k, `${k.actor.id} lost ${list(d.assigned)} without committing (${why})`, { lost: [...d.assigned] });
  for (const tp of d.assigned) forgetPartition(k, tp);
  d.assigned = [];
  d.revoking = [];
}

function resetGeneration(k: Cons, resetMemberId: boolean): void {
  const d = k.d;
  d.generation = -1;
  d.protocolName = null;
  d.isLeader = false;
  if (resetMemberId) d.memberId = "";
  d.memberEpoch = 0;
}

function requestRejoin(k: Cons, reason: string): void {
  const d = k.d;
  if (!d.rejoinNeeded) {
    d.rejoinNeeded = true;
    d.rejoinReason = reason;
  }
  wakeApp(k);
}

function fatal(k: Cons, error: string, why: string): void {
  k.d.fatal = error;
  note(
    k,
    `${k.actor.id} cannot take part in group ${k.cfg.groupId}: ${error} (${why}); the application would get an exception`,
    { error },
  );
  member(k, "member.reset");
}

// ------------------------------------------------------------------ joining (both protocols)

/** Called from poll(): (re)join the group if needed. */
export function maybeJoin(k: Cons): void {
  const d = k.d;
  if (d.coordinator < 0 || d.fatal) return;
  if (!classic(k)) {
    if (memberState(k) === "UNJOINED" && !d.heartbeatInFlight) sendConsumerHeartbeat(k, 0);
    return;
  }
  if (d.joinInFlight || d.syncInFlight || d.commitBeforeJoinInFlight) return;
  if (memberState(k) !== "UNJOINED" && !d.rejoinNeeded) return;
  // onJoinPrepare: commit what was consumed (enable.auto.commit) before giving anything up.
  if (k.cfg.enableAutoCommit && hasGeneration(k) && d.assigned.length > 0) {
    if (commit(k, "rebalance", "join")) {
      d.commitBeforeJoinInFlight = true;
      return;
    }
  }
  sendJoinGroup(k);
}

export function afterCommitForJoin(k: Cons): void {
  k.d.commitBeforeJoinInFlight = false;
  if (k.d.appState !== "closed") sendJoinGroup(k);
}

function sendJoinGroup(k: Cons): void {
  const d = k.d;
  if (d.coordinator < 0) return;
  if (d.rebalanceProtocol === "EAGER" && d.assigned.length > 0) {
    note(
      k,
      `${k.actor.id} revokes all its partitions ${list(d.assigned)} before rejoining (eager rebalancing: nobody consumes until the rebalance is over)`,
      {
        revoked: [...d.assigned],
      },
    );
    for (const tp of d.assigned) forgetPartition(k, tp);
    d.assigned = [];
  }
  const reason = d.rejoinNeeded ? d.rejoinReason : d.generation < 0 ? "joining the group" : "rejoining";
  d.rejoinNeeded = false;
  d.joinInFlight = true;
  const protocols: JoinProtocol[] = k.cfg.assignmentStrategy.map((name) => ({
    name,
    topics: [...k.cfg.topics],
    ownedPartitions: [...d.assigned],
    generation: d.assigned.length > 0 ? d.generation : -1,
  }));
  member(k, "member.joinSent");
  sendRequest(
    k,
    d.coordinator,
    {
      type: "JoinGroup",
      groupId: k.cfg.groupId,
      memberId: d.memberId,
      groupInstanceId: k.cfg.groupInstanceId,
      sessionTimeoutMs: k.cfg.sessionTimeoutMs,
      rebalanceTimeoutMs: k.cfg.maxPollIntervalMs,
      protocolType: "consumer",
      protocols,
      reason,
    },
    {},
    Math.max(k.cfg.requestTimeoutMs, k.cfg.maxPollIntervalMs + 5_000),
  );
}

export function onJoinGroupResponse(k: Cons, res: JoinGroupResponse): void {
  const d = k.d;
  d.joinInFlight = false;
  if (res.error === "NONE" || res.error === "MEMBER_ID_REQUIRED") coordinatorAnswered(k);
  switch (res.error) {
    case "MEMBER_ID_REQUIRED":
      d.memberId = res.memberId;
      return sendJoinGroup(k);
    case "NONE":
      break;
    case "UNKNOWN_MEMBER_ID":
    case "ILLEGAL_GENERATION":
      loseAll(k, `JoinGroup answered ${res.error}`);
      resetGeneration(k, res.error === "UNKNOWN_MEMBER_ID");
      member(k, "member.reset");
      return requestRejoin(k, `JoinGroup answered ${res.error}`);
    case "FENCED_INSTANCE_ID":
    case "INCONSISTENT_GROUP_PROTOCOL":
    case "INVALID_SESSION_TIMEOUT":
    case "GROUP_ID_NOT_FOUND":
      loseAll(k, res.error);
      return fatal(k, res.error, "JoinGroup");
    default:
      if (COORDINATOR_ERRORS.has(res.error)) coordinatorUnknown(k, `JoinGroup answered ${res.error}`);
      return requestRejoin(k, `JoinGroup answered ${res.error}`);
  }
  d.memberId = res.memberId;
  d.generation = res.generation;
  d.protocolName = res.protocolName;
  d.isLeader = res.leader === res.memberId;
  d.stats.rebalancesJoined++;
  member(k, "member.joined");
  let assignments: { memberId: string; partitions: string[] }[] = [];
  if (d.isLeader && !res.skipAssignment) assignments = computeAssignment(k, res);
  d.syncInFlight = true;
  sendRequest(
    k,
    d.coordinator,
    {
      type: "SyncGroup",
      groupId: k.cfg.groupId,
      generation: d.generation,
      memberId: d.memberId,
      groupInstanceId: k.cfg.groupInstanceId,
      assignments,
    },
    {},
  );
}

/** The group leader runs the selected assignor over every member's subscription (client-side assignment). */
function computeAssignment(k: Cons, res: JoinGroupResponse): { memberId: string; partitions: string[] }[] {
  const d = k.d;
  const topics: Record<string, number> = {};
  const members: Record<string, string[]> = {};
  const owned: Record<string, string[]> = {};
  const generations: Record<string, number> = {};
  const instanceIds: Record<string, string> = {};
  for (const m of res.members) {
    members[m.memberId] = [...m.topics];
    owned[m.memberId] = [...m.ownedPartitions];
    generations[m.memberId] = m.generation;
    if (m.groupInstanceId !== null) instanceIds[m.memberId] = m.groupInstanceId;
    for (const t of m.topics) topics[t] = d.metadata[t]?.length ?? 0;
  }
  d.assignedTopicCounts = { ...topics };
  let result: Record<string, string[]>;
  try {
    result = assign(res.protocolName as AssignorName, {
      topics,
      members,
      ownedPartitions: owned,
      generations,
      groupInstanceIds: instanceIds,
    });
  } catch (e) {
    if (!(e instanceof KafkaAssignorError)) throw e;
    note(k, `${k.actor.id} (the group leader) could not compute the assignment: ${e.message} (${e.kafkaException})`);
    result = {};
  }
  const ids = Object.keys(result).sort(compareJavaStrings);
  note(
    k,
    `${k.actor.id} is the group leader of generation ${d.generation}: it computes the ${res.protocolName} assignment (partition.assignment.strategy) — ${ids.map((id) => `${id} → ${list(result[id])}`).join(", ")}`,
    { generation: d.generation, assignment: result },
  );
  return ids.map((memberId) => ({ memberId, partitions: result[memberId] }));
}

export function onSyncGroupResponse(k: Cons, res: SyncGroupResponse): void {
  const d = k.d;
  d.syncInFlight = false;
  switch (res.error) {
    case "NONE":
      return onAssigned(k, res.assignment);
    case "REBALANCE_IN_PROGRESS":
      return requestRejoin(k, "SyncGroup answered REBALANCE_IN_PROGRESS");
    case "UNKNOWN_MEMBER_ID":
    case "ILLEGAL_GENERATION":
      loseAll(k, `SyncGroup answered ${res.error}`);
      resetGeneration(k, res.error === "UNKNOWN_MEMBER_ID");
      member(k, "member.reset");
      return requestRejoin(k, `SyncGroup answered ${res.error}`);
    case "FENCED_INSTANCE_ID":
      loseAll(k, res.error);
      return fatal(k, res.error, "another process took over its group.instance.id");
    default:
      if (COORDINATOR_ERRORS.has(res.error)) coordinatorUnknown(k, `SyncGroup answered ${res.error}`);
      return requestRejoin(k, `SyncGroup answered ${res.error}`);
  }
}

function onAssigned(k: Cons, assignment: string[]): void {
  const d = k.d;
  const next = [...assignment].sort(compareTps);
  const revoked = d.assigned.filter((tp) => !next.includes(tp));
  const added = next.filter((tp) => !d.assigned.includes(tp));
  for (const tp of revoked) forgetPartition(k, tp);
  for (const tp of added) forgetPartition(k, tp);
  d.assigned = next;
  member(k, "member.synced");
  const mode = d.rebalanceProtocol === "EAGER" ? "eager" : "cooperative";
  note(
    k,
    `${k.actor.id} owns ${list(next)} in generation ${d.generation} of group ${k.cfg.groupId} (assignor ${d.protocolName}, ${mode} rebalancing)` +
      (revoked.length > 0
        ? `; it revokes ${list(revoked)} and rejoins at once, so a second rebalance can hand them over (cooperative)`
        : ""),
    { generation: d.generation, assigned: [...next], revoked },
  );
  if (revoked.length > 0)
    requestRejoin(k, `cooperative rebalancing: revoked ${list(revoked)} must be reassigned in a second round`);
  k.engine.schedule(k.actor.id, k.cfg.heartbeatIntervalMs, { type: CONSUMER_TIMER.heartbeat }, "heartbeat");
  wakeApp(k);
}

// ------------------------------------------------------------------ the heartbeat thread

export function onHeartbeatTick(k: Cons): void {
  const d = k.d;
  if (!classic(k)) {
    if (memberState(k) !== "UNJOINED" && !d.heartbeatInFlight && d.coordinator >= 0)
      sendConsumerHeartbeat(k, d.memberEpoch);
    return;
  }
  if (memberState(k) !== "STABLE" || d.generation < 0) return;
  k.engine.schedule(k.actor.id, k.cfg.heartbeatIntervalMs, { type: CONSUMER_TIMER.heartbeat }, "heartbeat");
  if (d.heartbeatInFlight || d.coordinator < 0) return;
  d.heartbeatInFlight = true;
  sendRequest(
    k,
    d.coordinator,
    {
      type: "Heartbeat",
      groupId: k.cfg.groupId,
      generation: d.generation,
      memberId: d.memberId,
      groupInstanceId: k.cfg.groupInstanceId,
    },
    {},
  );
}

export function onHeartbeatResponse(k: Cons, res: HeartbeatResponse): void {
  const d = k.d;
  d.heartbeatInFlight = false;
  if (res.error === "NONE" || res.error === "REBALANCE_IN_PROGRESS") coordinatorAnswered(k);
  switch (res.error) {
    case "NONE":
      return;
    case "REBALANCE_IN_PROGRESS":
      if (!d.rejoinNeeded && memberState(k) === "STABLE")
        note(
          k,
          `${k.actor.id} learns from its heartbeat that group ${k.cfg.groupId} is rebalancing (REBALANCE_IN_PROGRESS): it rejoins at its next poll()`,
        );
      return requestRejoin(k, "the group is rebalancing (heartbeat answered REBALANCE_IN_PROGRESS)");
    case "UNKNOWN_MEMBER_ID":
    case "ILLEGAL_GENERATION":
      loseAll(k, `heartbeat answered ${res.error}: the group moved on without it`);
      resetGeneration(k, res.error === "UNKNOWN_MEMBER_ID");
      member(k, "member.reset");
      return requestRejoin(k, `heartbeat answered ${res.error}`);
    case "FENCED_INSTANCE_ID":
      loseAll(k, res.error);
      return fatal(k, res.error, "another process took over its group.instance.id");
    default:
      if (COORDINATOR_ERRORS.has(res.error)) coordinatorUnknown(k, `heartbeat answered ${res.error}`);
  }
}

/** max.poll.interval.ms passed without a poll(): the heartbeat thread leaves the group. */
export function onPollTimeout(k: Cons): void {
  const d = k.d;
  if (d.appState === "closed" || k.engine.nowMs - d.lastPollMs < k.cfg.maxPollIntervalMs) return;
  const state = memberState(k);
  if (state === "UNJOINED" && !hasGeneration(k)) return;
  note(
    k,
    `${k.actor.id} did not call poll() for ${k.cfg.maxPollIntervalMs} ms (max.poll.interval.ms): its heartbeat thread ${k.cfg.groupInstanceId && classic(k) ? "gives up its generation (a static member sends no LeaveGroup; the coordinator keeps it until session.timeout.ms)" : "leaves the group"}; it rejoins at its next poll()`,
    { pollTimeout: true },
  );
  leave(k, "consumer poll timeout has expired");
  loseAll(k, "poll timeout: max.poll.interval.ms");
  resetGeneration(k, true);
  member(k, "member.reset");
  d.rejoinNeeded = classic(k);
  d.rejoinReason = "rejoining after the poll timeout";
}

function leave(k: Cons, reason: string): void {
  const d = k.d;
  if (d.coordinator < 0) return;
  if (classic(k)) {
    if (k.cfg.groupInstanceId !== null || d.memberId === "") return; // static members never send LeaveGroup
    sendRequest(
      k,
      d.coordinator,
      { type: "LeaveGroup", groupId: k.cfg.groupId, memberId: d.memberId, groupInstanceId: null, reason },
      {},
    );
    return;
  }
  if (d.memberId === "" || d.memberEpoch <= 0) return;
  sendConsumerHeartbeat(k, k.cfg.groupInstanceId !== null ? -2 : -1);
}

/** consumer.close(): leave at once (dynamic members), or let the session keep the place (static members). */
export function closeMembership(k: Cons): void {
  leave(k, "the consumer is being closed");
}

export function onMembershipRequestFailed(k: Cons, f: InflightRequest, error: string, why: string): void {
  const d = k.d;
  switch (f.type) {
    case "JoinGroup":
      d.joinInFlight = false;
      coordinatorUnknown(k, `JoinGroup failed: ${error} (${why})`);
      return requestRejoin(k, `JoinGroup failed (${error})`);
    case "SyncGroup":
      d.syncInFlight = false;
      coordinatorUnknown(k, `SyncGroup failed: ${error} (${why})`);
      return requestRejoin(k, `SyncGroup failed (${error})`);
    case "Heartbeat":
      d.heartbeatInFlight = false;
      return coordinatorUnknown(k, `heartbeat failed: ${error} (${why})`);
    case "ConsumerGroupHeartbeat":
      d.heartbeatInFlight = false;
      coordinatorUnknown(k, `heartbeat failed: ${error} (${why})`);
      if (memberState(k) === "JOINING") member(k, "member.reset");
      return;
    default:
      return;
  }
}

// ------------------------------------------------------------------ the consumer protocol (KIP-848)

function sendConsumerHeartbeat(k: Cons, memberEpoch: number): void {
  const d = k.d;
  if (d.coordinator < 0) return;
  if (memberEpoch === 0) member(k, "member.joinSent");
  d.heartbeatInFlight = true;
  sendRequest(
    k,
    d.coordinator,
    {
      type: "ConsumerGroupHeartbeat",
      groupId: k.cfg.groupId,
      memberId: d.memberId,
      memberEpoch,
      instanceId: k.cfg.groupInstanceId,
      rebalanceTimeoutMs: k.cfg.maxPollIntervalMs,
      subscribedTopicNames: [...k.cfg.topics],
      serverAssignor: k.cfg.groupRemoteAssignor,
      ownedPartitions: [...d.assigned],
    },
    { leaving: memberEpoch < 0 },
  );
}

export function onConsumerGroupHeartbeatResponse(
  k: Cons,
  res: ConsumerGroupHeartbeatResponse,
  f: InflightRequest,
): void {
  const d = k.d;
  d.heartbeatInFlight = false;
  if (f.leaving) return;
  switch (res.error) {
    case "NONE":
      break;
    case "FENCED_MEMBER_EPOCH":
    case "UNKNOWN_MEMBER_ID":
      loseAll(k, `heartbeat answered ${res.error}`);
      resetGeneration(k, res.error === "UNKNOWN_MEMBER_ID");
      member(k, "member.reset");
      wakeApp(k);
      return;
    case "UNRELEASED_INSTANCE_ID":
      note(
        k,
        `${k.actor.id}: group.instance.id ${k.cfg.groupInstanceId} is still held by the previous member (UNRELEASED_INSTANCE_ID); retrying until its session expires`,
      );
      member(k, "member.reset");
      k.engine.schedule(
        k.actor.id,
        d.heartbeatIntervalMs || k.cfg.heartbeatIntervalMs,
        { type: CONSUMER_TIMER.poll },
        "poll",
      );
      return;
    case "GROUP_ID_NOT_FOUND":
    case "INCONSISTENT_GROUP_PROTOCOL":
      return fatal(k, res.error, "the group runs the classic protocol");
    default:
      if (COORDINATOR_ERRORS.has(res.error)) coordinatorUnknown(k, `heartbeat answered ${res.error}`);
      else k.engine.schedule(k.actor.id, k.cfg.retryBackoffMs, { type: CONSUMER_TIMER.heartbeat }, "heartbeat");
      return;
  }
  coordinatorAnswered(k);
  d.memberId = res.memberId;
  const epochBefore = d.memberEpoch;
  d.memberEpoch = res.memberEpoch;
  d.heartbeatIntervalMs = res.heartbeatIntervalMs;
  k.engine.schedule(k.actor.id, d.heartbeatIntervalMs, { type: CONSUMER_TIMER.heartbeat }, "heartbeat");
  if (res.assignment !== null && d.revoking.length === 0) reconcile(k, res.assignment, epochBefore);
}

function reconcile(k: Cons, target: string[], epochBefore: number): void {
  const d = k.d;
  const next = [...target].sort(compareTps);
  const revoked = d.assigned.filter((tp) => !next.includes(tp));
  const added = next.filter((tp) => !d.assigned.includes(tp));
  if (revoked.length === 0 && added.length === 0) {
    if (isRebalancing(k)) member(k, "member.stable");
    return;
  }
  if (memberState(k) !== "RECONCILING") member(k, "member.reconcile");
  if (revoked.length > 0) {
    d.revoking = revoked;
    note(
      k,
      `${k.actor.id} must give up ${list(revoked)} (member epoch ${epochBefore} → ${d.memberEpoch}); it ${k.cfg.enableAutoCommit ? "commits their positions, then " : ""}revokes them and tells the coordinator in its next heartbeat`,
      {
        revoking: revoked,
      },
    );
    if (k.cfg.enableAutoCommit && commit(k, "revoke", "revoke", revoked)) return;
    return afterRevokeCommit(k);
  }
  for (const tp of added) forgetPartition(k, tp);
  d.assigned = next;
  note(
    k,
    `${k.actor.id} owns ${list(next)} at member epoch ${d.memberEpoch} of group ${k.cfg.groupId} (assigned by the broker: group.protocol=consumer)`,
    {
      memberEpoch: d.memberEpoch,
      assigned: [...next],
    },
  );
  member(k, "member.stable");
  sendConsumerHeartbeat(k, d.memberEpoch);
  wakeApp(k);
}

export function afterRevokeCommit(k: Cons): void {
  const d = k.d;
  if (d.appState === "closed" || d.revoking.length === 0) return;
  const revoked = d.revoking;
  for (const tp of revoked) forgetPartition(k, tp);
  d.assigned = d.assigned.filter((tp) => !revoked.includes(tp));
  d.revoking = [];
  note(k, `${k.actor.id} revoked ${list(revoked)}; it now owns ${list(d.assigned)}`, { revoked });
  if (!d.heartbeatInFlight) sendConsumerHeartbeat(k, d.memberEpoch);
  wakeApp(k);
}
