// The consumer group protocol (KIP-848, group.protocol=consumer), at teaching
// depth: one ConsumerGroupHeartbeat RPC, assignment computed on the broker
// (group.consumer.assignors: uniform, range), a group epoch bumped by every
// membership or subscription change, and per-member incremental
// reconciliation: a member first gives up what it must revoke; a partition
// goes to its new owner only once the previous owner has released it.

import { assign } from "../../groups/assign.ts";
import { compareJavaStrings } from "../../groups/assignors/javaCollections.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import {
  cancelSessionTimer,
  COORDINATOR_TIMER,
  lookupGroup,
  newMemberId,
  partitionOf,
  reply,
  scheduleSessionTimer,
  writeRecords,
  type Coord,
} from "./coordinator.ts";
import type { CommittedOffset, ConsumerGroup, ConsumerGroupStateName, ConsumerMember } from "./coordinatorState.ts";
import { groupTimerId } from "./groupMachine.ts";
import { noteRebalanceEnded, noteRebalanceStarted } from "./observations.ts";
import { groupKey, type ConsumerGroupRecord } from "./offsetsLog.ts";
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from "./protocol.ts";

const list = (xs: readonly string[]) => (xs.length === 0 ? "nothing" : `[${xs.join(", ")}]`);
const sortTps = (xs: string[]) => xs.sort(compareTps);

function compareTps(a: string, b: string): number {
  const ia = a.lastIndexOf("-");
  const ib = b.lastIndexOf("-");
  return compareJavaStrings(a.slice(0, ia), b.slice(0, ib)) || Number(a.slice(ia + 1)) - Number(b.slice(ib + 1));
}

export function consumerGroupRecord(g: ConsumerGroup): ConsumerGroupRecord {
  return {
    type: "consumer",
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    assignor: g.assignor,
    targetAssignment: structuredClone(g.targetAssignment),
    members: structuredClone(g.members),
  };
}

export function consumerGroupFromRecord(
  k: Coord,
  groupId: string,
  partition: number,
  loadId: number,
  rec: ConsumerGroupRecord,
  offsets: Record<string, CommittedOffset>,
): ConsumerGroup {
  const g: ConsumerGroup = {
    type: "consumer",
    groupId,
    partition,
    loadId,
    groupEpoch: rec.groupEpoch,
    assignmentEpoch: rec.assignmentEpoch,
    targetAssignment: structuredClone(rec.targetAssignment),
    members: structuredClone(rec.members),
    offsets,
    stateName: "Empty",
    assignor: rec.assignor,
  };
  g.stateName = deriveState(g);
  for (const m of g.members)
    scheduleSessionTimer(k, g, m.memberId, k.settings.consumerSessionTimeoutMs, COORDINATOR_TIMER.consumerSession);
  if (g.stateName === "Stable" || g.stateName === "Empty") noteRebalanceEnded(k.engine, groupId, g.groupEpoch);
  return g;
}

function newConsumerGroup(k: Coord, groupId: string, assignor: string): ConsumerGroup {
  const partition = partitionOf(k, groupId);
  return {
    type: "consumer",
    groupId,
    partition,
    loadId: k.st.loaded.find((l) => l.partition === partition)?.loadId ?? 0,
    groupEpoch: 0,
    assignmentEpoch: 0,
    targetAssignment: {},
    members: [],
    offsets: {},
    stateName: "Empty",
    assignor,
  };
}

export function unloadConsumerGroup(k: Coord, g: ConsumerGroup): void {
  for (const m of g.members) {
    cancelSessionTimer(k, g, m.memberId);
    k.engine.cancel(k.broker.id, groupTimerId(g.groupId, `revoke:${m.memberId}`));
  }
}

function deriveState(g: ConsumerGroup): ConsumerGroupStateName {
  if (g.members.length === 0) return "Empty";
  if (g.assignmentEpoch < g.groupEpoch) return "Assigning";
  const settled = g.members.every(
    (m) => m.leftTemporarily || (m.memberEpoch === g.assignmentEpoch && m.state === "STABLE"),
  );
  return settled ? "Stable" : "Reconciling";
}

function updateState(k: Coord, g: ConsumerGroup, why: string): void {
  const next = deriveState(g);
  if (next === g.stateName) return;
  const from = g.stateName;
  g.stateName = next;
  k.engine.record("state", k.broker.id, `group ${g.groupId}: ${from} → ${next}: ${why}`, {
    group: g.groupId,
    from,
    to: next,
    generation: g.groupEpoch,
  });
  if (next === "Stable" || next === "Empty") noteRebalanceEnded(k.engine, g.groupId, g.groupEpoch);
}

function persist(k: Coord, g: ConsumerGroup): void {
  writeRecords(k, g, [{ key: groupKey(g.groupId), value: JSON.stringify(consumerGroupRecord(g)) }], {
    kind: "metadata",
  });
}

/** A membership or subscription change: new group epoch, new target assignment (computed here, on the broker). */
function bumpGroupEpoch(k: Coord, g: ConsumerGroup, why: string): void {
  g.groupEpoch += 1;
  const image = (k.broker.data as BrokerData).image;
  const topics: Record<string, number> = {};
  const members: Record<string, string[]> = {};
  const instanceIds: Record<string, string> = {};
  for (const m of g.members) {
    members[m.memberId] = [...m.subscribed];
    if (m.instanceId !== null) instanceIds[m.memberId] = m.instanceId;
    for (const t of m.subscribed) topics[t] = image.topics[t]?.numPartitions ?? 0;
  }
  const owned: Record<string, string[]> = {};
  for (const id of Object.keys(g.targetAssignment)) if (members[id]) owned[id] = g.targetAssignment[id];
  // "uniform" balances and keeps partitions where they are (like the sticky assignor); "range" co-partitions.
  const target =
    g.members.length === 0
      ? {}
      : g.assignor === "range"
        ? assign("range", { topics, members, groupInstanceIds: instanceIds })
        : assign("sticky", { topics, members, ownedPartitions: owned, groupInstanceIds: instanceIds });
  g.targetAssignment = target;
  g.assignmentEpoch = g.groupEpoch;
  noteRebalanceStarted(k.engine, g.groupId, g.groupEpoch - 1, why, k.brokerId);
  const summary = g.members.map((m) => `${m.clientId} → ${list(target[m.memberId] ?? [])}`).join(", ");
  k.engine.record(
    "note",
    k.broker.id,
    `group ${g.groupId}: group epoch ${g.groupEpoch} (${why}); the broker computes the target assignment with the ${g.assignor} assignor (group.consumer.assignors): ${summary || "no members"}`,
    { group: g.groupId, groupEpoch: g.groupEpoch, target },
  );
}

/** Moves one member towards its target (CurrentAssignmentBuilder, simplified). */
function reconcile(k: Coord, g: ConsumerGroup, m: ConsumerMember, owned: string[] | null): void {
  if (m.state === "UNREVOKED_PARTITIONS") {
    if (owned === null || !owned.every((p) => m.assigned.includes(p))) return;
    k.engine.record("note", k.broker.id, `group ${g.groupId}: ${m.clientId} released ${list(m.revoking)}`, {
      group: g.groupId,
      memberId: m.memberId,
      released: [...m.revoking],
    });
    m.revoking = [];
    m.revokeDeadlineMs = -1;
    k.engine.cancel(k.broker.id, groupTimerId(g.groupId, `revoke:${m.memberId}`));
    m.state = "STABLE";
  }
  if (m.memberEpoch === g.assignmentEpoch && m.state === "STABLE") return;
  const target = g.targetAssignment[m.memberId] ?? [];
  const revoke = m.assigned.filter((p) => !target.includes(p));
  if (revoke.length > 0) {
    m.assigned = m.assigned.filter((p) => target.includes(p));
    m.revoking = revoke;
    m.state = "UNREVOKED_PARTITIONS";
    m.revokeDeadlineMs = k.engine.nowMs + m.rebalanceTimeoutMs;
    k.engine.schedule(
      k.broker.id,
      m.rebalanceTimeoutMs,
      { type: COORDINATOR_TIMER.revocation, groupId: g.groupId, memberId: m.memberId, loadId: g.loadId },
      groupTimerId(g.groupId, `revoke:${m.memberId}`),
    );
    k.engine.record(
      "note",
      k.broker.id,
      `group ${g.groupId}: ${m.clientId} must first revoke ${list(revoke)} (it stays at member epoch ${m.memberEpoch} until it does, within ${m.rebalanceTimeoutMs} ms = max.poll.interval.ms)`,
      { group: g.groupId, memberId: m.memberId, revoke },
    );
    return;
  }
  const taken = new Set<string>();
  for (const o of g.members) if (o !== m) for (const p of [...o.assigned, ...o.revoking]) taken.add(p);
  const add = target.filter((p) => !m.assigned.includes(p));
  const free = add.filter((p) => !taken.has(p));
  const before = m.memberEpoch;
  m.assigned = sortTps([...m.assigned, ...free]);
  m.previousMemberEpoch = m.memberEpoch;
  m.memberEpoch = g.assignmentEpoch;
  m.state = free.length < add.length ? "UNRELEASED_PARTITIONS" : "STABLE";
  if (before !== m.memberEpoch || free.length > 0)
    k.engine.record(
      "note",
      k.broker.id,
      `group ${g.groupId}: ${m.clientId} reaches member epoch ${m.memberEpoch} owning ${list(m.assigned)}` +
        (m.state === "UNRELEASED_PARTITIONS"
          ? `; ${list(add.filter((p) => taken.has(p)))} wait until their previous owner releases them`
          : ""),
      { group: g.groupId, memberId: m.memberId, memberEpoch: m.memberEpoch, assigned: [...m.assigned] },
    );
}

function respond(k: Coord, req: ConsumerGroupHeartbeatRequest, fields: Partial<ConsumerGroupHeartbeatResponse>): void {
  const res: ConsumerGroupHeartbeatResponse = {
    type: "ConsumerGroupHeartbeatResponse",
    requestId: req.requestId,
    error: "NONE",
    memberId: req.memberId,
    memberEpoch: req.memberEpoch,
    heartbeatIntervalMs: k.settings.consumerHeartbeatIntervalMs,
    assignment: null,
    ...fields,
  };
  reply(k, req.from, res);
}

function removeMember(k: Coord, g: ConsumerGroup, m: ConsumerMember, why: string): void {
  g.members = g.members.filter((x) => x !== m);
  delete g.targetAssignment[m.memberId];
  cancelSessionTimer(k, g, m.memberId);
  k.engine.cancel(k.broker.id, groupTimerId(g.groupId, `revoke:${m.memberId}`));
  k.engine.record("note", k.broker.id, `group ${g.groupId}: member ${m.memberId} (${m.clientId}) removed: ${why}`, {
    group: g.groupId,
    memberId: m.memberId,
    client: m.clientId,
    removed: true,
  });
}

export function handleConsumerGroupHeartbeat(k: Coord, req: ConsumerGroupHeartbeatRequest): void {
  const found = lookupGroup(k, req.groupId);
  if (found.error !== "NONE") return respond(k, req, { error: found.error });
  let g = found.group;
  if (g && g.type === "classic") {
    if (g.members.length > 0) {
      k.engine.record(
        "note",
        k.broker.id,
        `group ${req.groupId}: ${req.from}'s ConsumerGroupHeartbeat rejected with GROUP_ID_NOT_FOUND: the group runs the classic protocol`,
        { group: req.groupId, error: "GROUP_ID_NOT_FOUND" },
      );
      return respond(k, req, { error: "GROUP_ID_NOT_FOUND" });
    }
    // An empty classic group (only offsets) becomes a consumer group, keeping its offsets.
    const offsets = g.offsets;
    g = newConsumerGroup(k, req.groupId, req.serverAssignor ?? k.settings.consumerAssignors[0]);
    g.offsets = offsets;
    k.st.groups[req.groupId] = g;
  }
  if (!g) {
    if (req.memberEpoch !== 0) return respond(k, req, { error: "UNKNOWN_MEMBER_ID" });
    g = newConsumerGroup(k, req.groupId, req.serverAssignor ?? k.settings.consumerAssignors[0]);
    k.st.groups[req.groupId] = g;
  }
  const cg = g;
  const subscribed = [...req.subscribedTopicNames].sort();

  if (req.memberEpoch === 0) {
    const byInstance = req.instanceId !== null ? cg.members.find((m) => m.instanceId === req.instanceId) : undefined;
    if (byInstance && !byInstance.leftTemporarily && byInstance.memberId !== req.memberId) {
      return respond(k, req, { error: "UNRELEASED_INSTANCE_ID", memberEpoch: -1 });
    }
    if (byInstance) {
      // A static member back from a temporary leave takes its place again, assignment and epoch included.
      cancelSessionTimer(k, cg, byInstance.memberId);
      byInstance.memberId = newMemberId(k, req.from);
      byInstance.clientId = req.from;
      byInstance.leftTemporarily = false;
      const old = cg.targetAssignment;
      cg.targetAssignment = {};
      for (const id of Object.keys(old)) cg.targetAssignment[id === req.memberId ? byInstance.memberId : id] = old[id];
      k.engine.record(
        "note",
        k.broker.id,
        `group ${cg.groupId}: static member ${req.instanceId} (${req.from}) is back as ${byInstance.memberId} and keeps ${list(byInstance.assigned)} at member epoch ${byInstance.memberEpoch} (group.instance.id)`,
        { group: cg.groupId, memberId: byInstance.memberId, staticRejoin: true },
      );
      return finish(k, cg, byInstance, req, null, "a static member came back");
    }
    const stale = cg.members.find((m) => m.memberId === req.memberId);
    if (stale) removeMember(k, cg, stale, "it rejoined with member epoch 0 (it had lost its partitions)");
    const m: ConsumerMember = {
      memberId: req.memberId !== "" ? req.memberId : newMemberId(k, req.from),
      instanceId: req.instanceId,
      clientId: req.from,
      memberEpoch: 0,
      previousMemberEpoch: -1,
      state: "STABLE",
      assigned: [],
      revoking: [],
      subscribed,
      serverAssignor: req.serverAssignor,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      revokeDeadlineMs: -1,
      leftTemporarily: false,
    };
    cg.members.push(m);
    k.engine.record(
      "note",
      k.broker.id,
      `group ${cg.groupId}: ${req.from} joins as member ${m.memberId} (group.protocol=consumer), subscribed to ${subscribed.join(", ")}`,
      { group: cg.groupId, memberId: m.memberId, client: req.from },
    );
    bumpGroupEpoch(k, cg, `${req.from} joined`);
    return finish(k, cg, m, req, null, `${req.from} joined`);
  }

  const m = cg.members.find((x) => x.memberId === req.memberId);
  if (!m) return respond(k, req, { error: "UNKNOWN_MEMBER_ID", memberEpoch: -1 });
  if (req.memberEpoch === -1 || req.memberEpoch === -2) {
    if (req.memberEpoch === -2 && m.instanceId !== null) {
      m.leftTemporarily = true;
      k.engine.record(
        "note",
        k.broker.id,
        `group ${cg.groupId}: static member ${m.instanceId} (${m.clientId}) left for now; its partitions wait for it for group.consumer.session.timeout.ms`,
        { group: cg.groupId, memberId: m.memberId },
      );
      persist(k, cg);
      return respond(k, req, { memberEpoch: -2 });
    }
    removeMember(k, cg, m, "it left the group");
    bumpGroupEpoch(k, cg, `${m.clientId} left`);
    persist(k, cg);
    updateState(k, cg, `${m.clientId} left`);
    return respond(k, req, { memberEpoch: -1 });
  }
  if (req.memberEpoch !== m.memberEpoch) {
    const lostResponse =
      req.memberEpoch === m.previousMemberEpoch && req.ownedPartitions.every((p) => m.assigned.includes(p));
    if (!lostResponse) {
      k.engine.record(
        "note",
        k.broker.id,
        `group ${cg.groupId}: ${req.from}'s heartbeat has member epoch ${req.memberEpoch}, but the member is at ${m.memberEpoch}: FENCED_MEMBER_EPOCH (it must drop its partitions and rejoin)`,
        { group: cg.groupId, error: "FENCED_MEMBER_EPOCH" },
      );
      return respond(k, req, { error: "FENCED_MEMBER_EPOCH", memberEpoch: -1 });
    }
  }
  m.clientId = req.from;
  m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  if (JSON.stringify(subscribed) !== JSON.stringify(m.subscribed)) {
    m.subscribed = subscribed;
    bumpGroupEpoch(k, cg, `${req.from} changed its subscription to ${subscribed.join(", ")}`);
  }
  finish(k, cg, m, req, req.ownedPartitions, "heartbeat");
}

function finish(
  k: Coord,
  g: ConsumerGroup,
  m: ConsumerMember,
  req: ConsumerGroupHeartbeatRequest,
  owned: string[] | null,
  why: string,
): void {
  scheduleSessionTimer(k, g, m.memberId, k.settings.consumerSessionTimeoutMs, COORDINATOR_TIMER.consumerSession);
  const before = JSON.stringify([m.memberEpoch, m.assigned, m.state]);
  reconcile(k, g, m, owned);
  if (JSON.stringify([m.memberEpoch, m.assigned, m.state]) !== before || why !== "heartbeat") persist(k, g);
  updateState(k, g, why === "heartbeat" ? `${m.clientId} reconciled (member epoch ${m.memberEpoch})` : why);
  respond(k, req, { memberId: m.memberId, memberEpoch: m.memberEpoch, assignment: [...m.assigned] });
}

export function onConsumerSessionTimeout(k: Coord, groupId: string, memberId: string, loadId: number): void {
  const g = k.st.groups[groupId];
  if (!g || g.type !== "consumer" || g.loadId !== loadId) return;
  const m = g.members.find((x) => x.memberId === memberId);
  if (!m) return;
  removeMember(
    k,
    g,
    m,
    `no heartbeat for ${k.settings.consumerSessionTimeoutMs} ms (group.consumer.session.timeout.ms)${m.leftTemporarily ? "; the static member did not come back" : ""}`,
  );
  bumpGroupEpoch(k, g, `${m.clientId}'s session expired`);
  persist(k, g);
  updateState(k, g, `${m.clientId}'s session expired`);
}

export function onRevocationTimeout(k: Coord, groupId: string, memberId: string, loadId: number): void {
  const g = k.st.groups[groupId];
  if (!g || g.type !== "consumer" || g.loadId !== loadId) return;
  const m = g.members.find((x) => x.memberId === memberId);
  if (!m || m.state !== "UNREVOKED_PARTITIONS") return;
  removeMember(
    k,
    g,
    m,
    `it did not revoke ${list(m.revoking)} within ${m.rebalanceTimeoutMs} ms (max.poll.interval.ms, the rebalance timeout)`,
  );
  bumpGroupEpoch(k, g, `${m.clientId} was fenced`);
  persist(k, g);
  updateState(k, g, `${m.clientId} was fenced`);
}
