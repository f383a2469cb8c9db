// The group coordinator, as a broker module (GroupCoordinator /
// GroupMetadataManager of Kafka, classic protocol, followed in our own words).
//
// A group lives on the broker that leads partition coordinatorPartition(groupId)
// of __consumer_offsets. When this broker becomes that leader it loads the
// partition's groups and offsets by replaying the log; when it stops leading
// it drops them (Dead) and answers NOT_COORDINATOR. Every commit and every
// completed rebalance is a record appended through the leader's normal
// append path; it counts only once the HW has passed it.

import { coordinatorPartition } from "../../groups/coordinatorPartition.ts";
import { selectProtocol, supportsProtocols } from "../../groups/protocolSelection.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { BrokerData } from "../broker/brokerData.ts";
import type { BrokerModule, ClusterContext } from "../context.ts";
import { tpKey } from "../metadata.ts";
import { partitionHighWatermark } from "./clusterRead.ts";
import type { CoordinatorSettings } from "./config.ts";
import {
  classicStateName,
  coordinatorState,
  MODULE_NAME,
  sortedKeys,
  type ClassicGroup,
  type ClassicMember,
  type CommittedOffset,
  type ConsumerGroup,
  type CoordinatorState,
  type Group,
  type PendingWrite,
} from "./coordinatorState.ts";
import {
  consumerGroupFromRecord,
  consumerGroupRecord,
  handleConsumerGroupHeartbeat,
  onConsumerSessionTimeout,
  onRevocationTimeout,
  unloadConsumerGroup,
} from "./consumerGroup.ts";
import {
  fireGroupTimer,
  GROUP_MACHINE_TIMEOUT_TYPES,
  groupMachineTimerIds,
  groupTimerId,
  initialGroupMachine,
  stepGroup,
  type GroupEffect,
  type GroupMachineEvent,
} from "./groupMachine.ts";
import { noteLagSample, noteRebalanceEnded, noteRebalanceStarted } from "./observations.ts";
import {
  addPendingWrite,
  appendToOffsetsLog,
  groupKey,
  isAppending,
  offsetKey,
  offsetsHighWatermark,
  replayOffsetsLog,
  type ClassicGroupRecord,
} from "./offsetsLog.ts";
import {
  COORDINATOR_REQUESTS,
  OFFSETS_TOPIC,
  type FindCoordinatorRequest,
  type HeartbeatRequest,
  type JoinGroupMember,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type LeaveGroupRequest,
  type OffsetCommitRequest,
  type OffsetFetchRequest,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from "./protocol.ts";

/** Everything a handler needs: the cluster, the settings, and this broker's coordinator state. */
export interface Coord {
  ctx: ClusterContext;
  settings: CoordinatorSettings;
  engine: Engine;
  broker: ActorRecord;
  st: CoordinatorState;
  brokerId: number;
}

export const COORDINATOR_TIMER = {
  session: "group.sessionTimeout",
  write: "group.writeTimeout",
  consumerSession: "group.consumerSessionTimeout",
  revocation: "group.revocationTimeout",
} as const;

export function makeCoord(
  ctx: ClusterContext,
  settings: CoordinatorSettings,
  engine: Engine,
  broker: ActorRecord,
): Coord {
  return {
    ctx,
    settings,
    engine,
    broker,
    st: coordinatorState(broker),
    brokerId: (broker.data as BrokerData).brokerId,
  };
}

export function createGroupCoordinatorModule(ctx: ClusterContext, settings: CoordinatorSettings): BrokerModule {
  const coord = (engine: Engine, broker: ActorRecord): Coord => makeCoord(ctx, settings, engine, broker);
  return {
    name: MODULE_NAME,
    prefixes: [...COORDINATOR_REQUESTS, "group."],
    handle(engine, broker, event) {
      handleEvent(coord(engine, broker), event);
    },
    onMetadata(engine, broker) {
      syncCoordinatorRole(coord(engine, broker));
    },
    onHighWatermark(engine, broker, topic, partition) {
      if (topic !== OFFSETS_TOPIC || isAppending()) return;
      completeDurableWrites(coord(engine, broker), partition);
    },
  };
}

function handleEvent(k: Coord, event: SimEvent): void {
  if (GROUP_MACHINE_TIMEOUT_TYPES.includes(event.type)) {
    const g = k.st.groups[String(event.groupId)];
    if (g && g.type === "classic" && g.loadId === event.loadId)
      fireGroupTimer(k.engine, k.broker, g, event.inner as SimEvent, effectsFor(k));
    return;
  }
  switch (event.type) {
    case "FindCoordinator":
      return handleFindCoordinator(k, event as unknown as FindCoordinatorRequest);
    case "JoinGroup":
      return handleJoinGroup(k, event as unknown as JoinGroupRequest);
    case "SyncGroup":
      return handleSyncGroup(k, event as unknown as SyncGroupRequest);
    case "Heartbeat":
      return handleHeartbeat(k, event as unknown as HeartbeatRequest);
    case "LeaveGroup":
      return handleLeaveGroup(k, event as unknown as LeaveGroupRequest);
    case "OffsetCommit":
      return handleOffsetCommit(k, event as unknown as OffsetCommitRequest);
    case "OffsetFetch":
      return handleOffsetFetch(k, event as unknown as OffsetFetchRequest);
    case "ConsumerGroupHeartbeat":
      return handleConsumerGroupHeartbeat(k, event as never);
    case COORDINATOR_TIMER.session:
      return onSessionTimeout(k, String(event.groupId), String(event.memberId), Number(event.loadId));
    case COORDINATOR_TIMER.write:
      return onWriteTimeout(k, Number(event.writeId));
    case COORDINATOR_TIMER.consumerSession:
      return onConsumerSessionTimeout(k, String(event.groupId), String(event.memberId), Number(event.loadId));
    case COORDINATOR_TIMER.revocation:
      return onRevocationTimeout(k, String(event.groupId), String(event.memberId), Number(event.loadId));
  }
}

// ------------------------------------------------------------------ helpers

export function reply(k: Coord, to: string, event: SimEvent): void {
  k.engine.send(k.broker.id, to, event);
}

export function offsetsPartitions(k: Coord): number {
  return k.ctx.spec.brokerConfig.offsetsTopicNumPartitions;
}

export function partitionOf(k: Coord, groupId: string): number {
  return coordinatorPartition(groupId, offsetsPartitions(k));
}

/** The __consumer_offsets partition that holds `groupId` in this cluster. */
export function offsetsPartitionOf(ctx: ClusterContext, groupId: string): number {
  return coordinatorPartition(groupId, ctx.spec.brokerConfig.offsetsTopicNumPartitions);
}

export function isLoaded(k: Coord, partition: number): boolean {
  return k.st.loaded.some((l) => l.partition === partition);
}

function loadIdOf(k: Coord, partition: number): number {
  return k.st.loaded.find((l) => l.partition === partition)?.loadId ?? 0;
}

/** A fresh member id, like Kafka's `${clientId}-${UUID}` (the suffix comes from a seeded stream). */
export function newMemberId(k: Coord, clientId: string): string {
  const n = k.engine.rng("groups.memberIds").int(0, 0xffffff);
  return `${clientId}-${n.toString(16).padStart(6, "0")}`;
}

function newClassicGroup(k: Coord, groupId: string, partition: number): ClassicGroup {
  return {
    type: "classic",
    groupId,
    partition,
    loadId: loadIdOf(k, partition),
    machine: initialGroupMachine(groupId, k.settings.initialRebalanceDelayMs, 0),
    generation: 0,
    protocolName: null,
    leaderId: null,
    members: [],
    pendingMemberIds: [],
    pendingSync: [],
    offsets: {},
    rebalanceReason: "",
  };
}

type Lookup<G> = { error: string; group?: undefined } | { error: "NONE"; group: G | undefined };

/** The group if this broker coordinates it (NOT_COORDINATOR otherwise). */
export function lookupGroup(k: Coord, groupId: string): Lookup<Group> {
  const p = partitionOf(k, groupId);
  if (!isLoaded(k, p)) return { error: "NOT_COORDINATOR" };
  return { error: "NONE", group: k.st.groups[groupId] };
}

function rebalanceTimeoutOf(g: ClassicGroup): number {
  return g.members.reduce((m, x) => Math.max(m, x.rebalanceTimeoutMs), 0);
}

export function scheduleSessionTimer(k: Coord, g: Group, memberId: string, ms: number, type: string): void {
  k.engine.schedule(
    k.broker.id,
    ms,
    { type, groupId: g.groupId, memberId, loadId: g.loadId },
    groupTimerId(g.groupId, `session:${memberId}`),
  );
}

export function cancelSessionTimer(k: Coord, g: Group, memberId: string): void {
  k.engine.cancel(k.broker.id, groupTimerId(g.groupId, `session:${memberId}`));
}

const list = (xs: readonly string[]) => (xs.length === 0 ? "nothing" : `[${xs.join(", ")}]`);
const clientOf = (m: ClassicMember) => m.clientId;

// ------------------------------------------------------------------ coordinator role

/** Loads the __consumer_offsets partitions this broker now leads and drops those it no longer leads. */
function syncCoordinatorRole(k: Coord): void {
  const d = k.broker.data as BrokerData;
  if (!d.image.topics[OFFSETS_TOPIC]) return;
  const n = d.image.topics[OFFSETS_TOPIC].numPartitions;
  for (let p = 0; p < n; p++) {
    const rs = d.replicas[tpKey(OFFSETS_TOPIC, p)];
    const leads = rs !== undefined && rs.role === "leader" && rs.leaderPartition !== null;
    const loaded = k.st.loaded.find((l) => l.partition === p);
    if (leads && !loaded) loadPartition(k, p, rs.leaderEpoch);
    else if (leads && loaded) loaded.leaderEpoch = rs.leaderEpoch;
    else if (!leads && loaded)
      unloadPartition(k, p, rs ? `it now follows broker ${rs.leader}` : "it no longer hosts it");
  }
}

function loadPartition(k: Coord, partition: number, leaderEpoch: number): void {
  const loadId = k.st.nextLoadId++;
  k.st.loaded.push({ partition, leaderEpoch, loadId });
  k.st.loaded.sort((a, b) => a.partition - b.partition);
  const replay = replayOffsetsLog(k.broker, partition);
  const ids = [...new Set([...Object.keys(replay.groups), ...Object.keys(replay.offsets)])].sort();
  const described: string[] = [];
  for (const groupId of ids) {
    if (partitionOf(k, groupId) !== partition) continue;
    const rec = replay.groups[groupId];
    const offsets: Record<string, CommittedOffset> = replay.offsets[groupId] ?? {};
    let g: Group;
    if (rec && rec.type === "consumer") {
      g = consumerGroupFromRecord(k, groupId, partition, loadId, rec, offsets);
    } else {
      const members: ClassicMember[] = (rec?.members ?? []).map((m) => ({
        ...m,
        protocols: m.protocols.map((p) => ({ ...p })),
        assignment: [...m.assignment],
        awaitingJoin: null,
        awaitingSync: null,
        isNew: false,
      }));
      const cg = newClassicGroup(k, groupId, partition);
      cg.loadId = loadId;
      cg.members = members;
      cg.generation = rec?.generation ?? 0;
      cg.protocolName = rec?.protocolName ?? null;
      cg.leaderId = rec?.leaderId ?? null;
      cg.offsets = offsets;
      cg.machine = initialGroupMachine(
        groupId,
        k.settings.initialRebalanceDelayMs,
        rebalanceTimeoutOf(cg),
        members.length > 0 ? "Stable" : "Empty",
      );
      for (const m of members) scheduleSessionTimer(k, cg, m.memberId, m.sessionTimeoutMs, COORDINATOR_TIMER.session);
      g = cg;
      noteRebalanceEnded(k.engine, groupId, cg.generation);
    }
    k.st.groups[groupId] = g;
    const state = g.type === "classic" ? classicStateName(g) : g.stateName;
    const gen = g.type === "classic" ? `generation ${g.generation}` : `group epoch ${g.groupEpoch}`;
    described.push(`${groupId} (${state}, ${gen}, ${Object.keys(g.offsets).length} committed offset(s))`);
  }
  k.engine.record(
    "state",
    k.broker.id,
    `broker ${k.brokerId} is now the group coordinator for ${OFFSETS_TOPIC}-${partition} (it leads that partition, leader epoch ${leaderEpoch}): ` +
      (described.length > 0
        ? `loaded ${described.join(", ")} from ${replay.records} record(s)`
        : `no groups stored there yet (${replay.records} record(s))`),
    { coordinator: k.brokerId, offsetsPartition: partition, loaded: described.length },
  );
  // Commits already in the log before the HW moved count as soon as it does.
  completeDurableWrites(k, partition);
}

function unloadPartition(k: Coord, partition: number, why: string): void {
  const names: string[] = [];
  for (const groupId of sortedKeys(k.st.groups)) {
    const g = k.st.groups[groupId];
    if (g.partition !== partition) continue;
    names.push(groupId);
    if (g.type === "classic") {
      for (const m of g.members) {
        if (m.awaitingJoin !== null) reply(k, m.clientId, joinError(m.awaitingJoin, "NOT_COORDINATOR", m.memberId));
        if (m.awaitingSync !== null) reply(k, m.clientId, syncError(m.awaitingSync, "NOT_COORDINATOR"));
        m.awaitingJoin = null;
        m.awaitingSync = null;
        cancelSessionTimer(k, g, m.memberId);
      }
      for (const id of g.pendingMemberIds) cancelSessionTimer(k, g, id);
      stepGroup(
        k.engine,
        k.broker,
        g,
        {
          type: "UNLOAD",
          why: `broker ${k.brokerId} no longer leads ${OFFSETS_TOPIC}-${partition} (${why}); the group moves with that partition's leader`,
        },
        {},
      );
      for (const id of groupMachineTimerIds(groupId)) k.engine.cancel(k.broker.id, id);
    } else unloadConsumerGroup(k, g);
    delete k.st.groups[groupId];
  }
  for (const w of k.st.pendingWrites) {
    if (w.partition !== partition || w.done) continue;
    failWrite(k, w, "NOT_COORDINATOR", `broker ${k.brokerId} stopped leading ${OFFSETS_TOPIC}-${partition}`);
  }
  k.st.pendingWrites = k.st.pendingWrites.filter((w) => !w.done);
  k.st.loaded = k.st.loaded.filter((l) => l.partition !== partition);
  k.engine.record(
    "state",
    k.broker.id,
    `broker ${k.brokerId} is no longer the group coordinator for ${OFFSETS_TOPIC}-${partition} (${why})${names.length > 0 ? `: dropped ${names.join(", ")}` : ""}`,
    { coordinator: k.brokerId, offsetsPartition: partition, unloaded: names },
  );
}

// ------------------------------------------------------------------ durable writes

/** Appends records for a group and tracks them until the HW passes them. Returns the error, if any. */
export function writeRecords(
  k: Coord,
  g: Group,
  records: { key: string; value: string | null }[],
  write: Omit<PendingWrite, "id" | "done" | "lastOffset" | "groupId" | "partition" | "loadId">,
): string {
  const res = appendToOffsetsLog(k.ctx, k.engine, k.broker, g.partition, records);
  if (res.error !== "NONE") {
    k.engine.record(
      "note",
      k.broker.id,
      `group ${g.groupId}: writing to ${OFFSETS_TOPIC}-${g.partition} failed (${res.error}): ${res.reason}`,
      {
        group: g.groupId,
        error: res.error,
      },
    );
    return res.error === "NOT_ENOUGH_REPLICAS" ? "COORDINATOR_NOT_AVAILABLE" : res.error;
  }
  const w = addPendingWrite(k.st, {
    ...write,
    groupId: g.groupId,
    partition: g.partition,
    loadId: g.loadId,
    lastOffset: res.lastOffset,
  });
  k.engine.schedule(
    k.broker.id,
    k.settings.offsetsCommitTimeoutMs,
    { type: COORDINATOR_TIMER.write, writeId: w.id },
    `group:write:${w.id}`,
  );
  completeDurableWrites(k, g.partition);
  return "NONE";
}

export function completeDurableWrites(k: Coord, partition: number): void {
  if (k.st.pendingWrites.length === 0) return;
  const hw = offsetsHighWatermark(k.broker, partition);
  const ready = k.st.pendingWrites.filter((w) => !w.done && w.partition === partition && w.lastOffset < hw);
  if (ready.length === 0) return;
  for (const w of ready) w.done = true;
  k.st.pendingWrites = k.st.pendingWrites.filter((w) => !w.done);
  for (const w of ready) {
    k.engine.cancel(k.broker.id, `group:write:${w.id}`);
    completeWrite(k, w);
  }
}

function onWriteTimeout(k: Coord, writeId: number): void {
  const w = k.st.pendingWrites.find((x) => x.id === writeId && !x.done);
  if (!w) return;
  failWrite(
    k,
    w,
    "REQUEST_TIMED_OUT",
    `the HW of ${OFFSETS_TOPIC}-${w.partition} did not pass offset ${w.lastOffset} within ${k.settings.offsetsCommitTimeoutMs} ms (offsets.commit.timeout.ms)`,
  );
  k.st.pendingWrites = k.st.pendingWrites.filter((x) => !x.done);
}

function completeWrite(k: Coord, w: PendingWrite): void {
  const g = k.st.groups[w.groupId];
  const live = g !== undefined && g.loadId === w.loadId;
  switch (w.kind) {
    case "commit": {
      const offsets = w.offsets ?? [];
      if (live) {
        for (const o of offsets)
          g.offsets[tpKey(o.topic, o.partition)] = {
            offset: o.offset,
            commitMs: k.engine.nowMs,
            generation: w.generation ?? -1,
            memberId: w.memberId ?? "",
          };
        k.engine.record(
          "note",
          k.broker.id,
          `group ${w.groupId}: ${w.admin ? "offsets reset" : `${w.client} committed`} ${offsets.map((o) => `${o.topic}-${o.partition} → ${o.offset}`).join(", ")} (next offset to read; durable in ${OFFSETS_TOPIC}-${w.partition})`,
          { group: w.groupId, commit: offsets, generation: w.generation ?? -1, client: w.client ?? null },
        );
        sampleLag(k, g);
      }
      if (w.client !== undefined && w.requestId !== undefined)
        reply(k, w.client, {
          type: "OffsetCommitResponse",
          requestId: w.requestId,
          partitions: offsets.map((o) => ({
            topic: o.topic,
            partition: o.partition,
            error: live ? "NONE" : "NOT_COORDINATOR",
          })),
        });
      return;
    }
    case "assignment":
      if (live && g.type === "classic") onAssignmentStored(k, g, w);
      return;
    case "staticRejoin":
      if (live && g.type === "classic") onStaticRejoinStored(k, g, w);
      return;
    case "metadata":
      return;
  }
}

function failWrite(k: Coord, w: PendingWrite, error: string, why: string): void {
  w.done = true;
  k.engine.cancel(k.broker.id, `group:write:${w.id}`);
  const g = k.st.groups[w.groupId];
  const live = g !== undefined && g.loadId === w.loadId;
  k.engine.record("note", k.broker.id, `group ${w.groupId}: a ${w.kind} write failed with ${error}: ${why}`, {
    group: w.groupId,
    error,
  });
  if (w.kind === "commit" && w.client !== undefined && w.requestId !== undefined) {
    reply(k, w.client, {
      type: "OffsetCommitResponse",
      requestId: w.requestId,
      partitions: (w.offsets ?? []).map((o) => ({ topic: o.topic, partition: o.partition, error })),
    });
  } else if (w.kind === "assignment" && live && g.type === "classic") {
    if (classicStateName(g) === "CompletingRebalance" && g.generation === w.generation) {
      resetAndPropagate(k, g, error === "REQUEST_TIMED_OUT" ? "COORDINATOR_NOT_AVAILABLE" : "NOT_COORDINATOR");
      maybePrepareRebalanceOrCompleteJoin(k, g, `storing the assignment failed (${error})`);
    }
  } else if (w.kind === "staticRejoin" && live && g.type === "classic") {
    const m = g.members.find((x) => x.memberId === w.memberId);
    if (m && m.awaitingJoin !== null) {
      reply(k, m.clientId, joinError(m.awaitingJoin, "COORDINATOR_NOT_AVAILABLE", ""));
      m.awaitingJoin = null;
    }
  }
}

function sampleLag(k: Coord, g: Group): void {
  const byTopic: Record<string, number> = {};
  for (const key of sortedKeys(g.offsets)) {
    const dash = key.lastIndexOf("-");
    const topic = key.slice(0, dash);
    const partition = Number(key.slice(dash + 1));
    const hw = partitionHighWatermark(k.engine, k.ctx, topic, partition);
    byTopic[topic] = (byTopic[topic] ?? 0) + Math.max(0, hw - g.offsets[key].offset);
  }
  noteLagSample(k.engine, g.groupId, byTopic);
}

// ------------------------------------------------------------------ FindCoordinator

/**
 * FindCoordinator for groups, and for transactional ids too (keyType
 * TRANSACTION: the leader of abs(hash) % partitions of __transaction_state),
 * so a transaction module does not need a handler of its own.
 */
function handleFindCoordinator(k: Coord, req: FindCoordinatorRequest): void {
  const d = k.broker.data as BrokerData;
  const topic = (req.keyType as string) === "TRANSACTION" ? "__transaction_state" : OFFSETS_TOPIC;
  const n = d.image.topics[topic]?.numPartitions ?? 0;
  const p = n > 0 ? coordinatorPartition(req.key, n) : -1;
  const st = p >= 0 ? d.image.partitions[tpKey(topic, p)] : undefined;
  const ok = st !== undefined && st.leader >= 0;
  reply(k, req.from, {
    type: "FindCoordinatorResponse",
    requestId: req.requestId,
    error: ok ? "NONE" : "COORDINATOR_NOT_AVAILABLE",
    nodeId: ok ? st.leader : -1,
  });
}

// ------------------------------------------------------------------ classic: JoinGroup

function joinError(requestId: number, error: string, memberId: string): JoinGroupResponse {
  return {
    type: "JoinGroupResponse",
    requestId,
    error,
    generation: -1,
    protocolName: null,
    leader: null,
    memberId,
    members: [],
    skipAssignment: false,
  };
}

function syncError(requestId: number, error: string): SyncGroupResponse {
  return { type: "SyncGroupResponse", requestId, error, assignment: [], protocolName: null };
}

function protocolPairs(g: ClassicGroup): [string, string[]][] {
  return g.members.map((m) => [m.memberId, m.protocols.map((p) => p.name)]);
}

function joinMembers(g: ClassicGroup): JoinGroupMember[] {
  return g.members.map((m) => {
    const p = m.protocols.find((x) => x.name === g.protocolName) ?? m.protocols[0];
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      topics: [...p.topics],
      ownedPartitions: [...p.ownedPartitions],
      generation: p.generation,
    };
  });
}

function currentGenerationResponse(
  g: ClassicGroup,
  m: ClassicMember,
  requestId: number,
  skipAssignment = false,
): JoinGroupResponse {
  const isLeader = g.leaderId === m.memberId;
  return {
    type: "JoinGroupResponse",
    requestId,
    error: "NONE",
    generation: g.generation,
    protocolName: g.protocolName,
    leader: g.leaderId,
    memberId: m.memberId,
    members: isLeader ? joinMembers(g) : [],
    skipAssignment: isLeader && skipAssignment,
  };
}

function sameProtocols(a: ClassicMember["protocols"], b: ClassicMember["protocols"]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function handleJoinGroup(k: Coord, req: JoinGroupRequest): void {
  const s = k.settings;
  if (req.sessionTimeoutMs < s.minSessionTimeoutMs || req.sessionTimeoutMs > s.maxSessionTimeoutMs) {
    k.engine.record(
      "note",
      k.broker.id,
      `group ${req.groupId}: ${req.from}'s JoinGroup rejected with INVALID_SESSION_TIMEOUT: session.timeout.ms=${req.sessionTimeoutMs} is outside [${s.minSessionTimeoutMs}, ${s.maxSessionTimeoutMs}] (group.min/max.session.timeout.ms)`,
      { group: req.groupId, error: "INVALID_SESSION_TIMEOUT" },
    );
    return reply(k, req.from, joinError(req.requestId, "INVALID_SESSION_TIMEOUT", req.memberId));
  }
  const found = lookupGroup(k, req.groupId);
  if (found.error !== "NONE") return reply(k, req.from, joinError(req.requestId, found.error, req.memberId));
  let g = found.group;
  if (g && g.type === "consumer") {
    k.engine.record(
      "note",
      k.broker.id,
      `group ${req.groupId}: ${req.from}'s JoinGroup rejected with INCONSISTENT_GROUP_PROTOCOL: the group runs the consumer protocol (group.protocol=consumer)`,
      { group: req.groupId, error: "INCONSISTENT_GROUP_PROTOCOL" },
    );
    return reply(k, req.from, joinError(req.requestId, "INCONSISTENT_GROUP_PROTOCOL", req.memberId));
  }
  if (!g) {
    if (req.memberId !== "") return reply(k, req.from, joinError(req.requestId, "UNKNOWN_MEMBER_ID", req.memberId));
    g = newClassicGroup(k, req.groupId, partitionOf(k, req.groupId));
    k.st.groups[req.groupId] = g;
  }
  const state = classicStateName(g);
  if (state === "Dead") return reply(k, req.from, joinError(req.requestId, "COORDINATOR_NOT_AVAILABLE", req.memberId));
  const names = req.protocols.map((p) => p.name);
  const existing = g.members.find((m) => m.memberId === req.memberId);
  const others = protocolPairs(g).filter(([id]) => id !== req.memberId);
  if (!supportsProtocols(others, names)) {
    k.engine.record(
      "note",
      k.broker.id,
      `group ${g.groupId}: ${req.from}'s JoinGroup rejected with INCONSISTENT_GROUP_PROTOCOL: none of its assignors (${names.join(", ")}) is supported by every member (partition.assignment.strategy)`,
      { group: g.groupId, error: "INCONSISTENT_GROUP_PROTOCOL" },
    );
    return reply(k, req.from, joinError(req.requestId, "INCONSISTENT_GROUP_PROTOCOL", req.memberId));
  }

  if (req.memberId === "") {
    const memberId = newMemberId(k, req.from);
    if (req.groupInstanceId !== null) {
      const old = g.members.find((m) => m.groupInstanceId === req.groupInstanceId);
      if (old) return updateStaticMember(k, g, old, memberId, req);
      return addMember(k, g, memberId, req);
    }
    // KIP-394: a new dynamic member first gets its id, and must come back with it.
    g.pendingMemberIds.push(memberId);
    scheduleSessionTimer(k, g, memberId, req.sessionTimeoutMs, COORDINATOR_TIMER.session);
    k.engine.record(
      "note",
      k.broker.id,
      `group ${g.groupId}: ${req.from} gets member id ${memberId} and must rejoin with it (MEMBER_ID_REQUIRED)`,
      { group: g.groupId, memberId, client: req.from },
    );
    return reply(k, req.from, { ...joinError(req.requestId, "MEMBER_ID_REQUIRED", memberId) });
  }

  if (g.pendingMemberIds.includes(req.memberId)) {
    g.pendingMemberIds = g.pendingMemberIds.filter((id) => id !== req.memberId);
    cancelSessionTimer(k, g, req.memberId);
    return addMember(k, g, req.memberId, req);
  }
  const invalid = validateMember(g, req.memberId, req.groupInstanceId);
  if (invalid) return reply(k, req.from, joinError(req.requestId, invalid, req.memberId));
  const m = existing as ClassicMember;
  switch (state) {
    case "PreparingRebalance":
      updateMember(m, req);
      return maybePrepareRebalanceOrCompleteJoin(k, g, `${m.clientId} rejoined`);
    case "CompletingRebalance":
      if (sameProtocols(m.protocols, req.protocols))
        return reply(k, req.from, currentGenerationResponse(g, m, req.requestId));
      updateMember(m, req);
      return maybePrepareRebalanceOrCompleteJoin(k, g, `${m.clientId} changed its subscription during the rebalance`);
    case "Stable":
      if (g.leaderId === m.memberId) {
        updateMember(m, req);
        return maybePrepareRebalanceOrCompleteJoin(k, g, `the leader ${m.clientId} rejoined (${req.reason})`);
      }
      if (!sameProtocols(m.protocols, req.protocols)) {
        updateMember(m, req);
        return maybePrepareRebalanceOrCompleteJoin(
          k,
          g,
          `${m.clientId} rejoined with a new subscription (${req.reason})`,
        );
      }
      return reply(k, req.from, currentGenerationResponse(g, m, req.requestId));
    default:
      return reply(k, req.from, joinError(req.requestId, "UNKNOWN_MEMBER_ID", req.memberId));
  }
}

/** ClassicGroup#validateMember: UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID, or null when fine. */
function validateMember(g: ClassicGroup, memberId: string, instanceId: string | null): string | null {
  if (instanceId !== null) {
    const owner = g.members.find((m) => m.groupInstanceId === instanceId);
    if (owner && owner.memberId !== memberId) return "FENCED_INSTANCE_ID";
  }
  const m = g.members.find((x) => x.memberId === memberId);
  if (!m) return "UNKNOWN_MEMBER_ID";
  if (m.groupInstanceId !== instanceId) return "FENCED_INSTANCE_ID";
  return null;
}

function updateMember(m: ClassicMember, req: JoinGroupRequest): void {
  m.protocols = req.protocols.map((p) => ({ ...p, topics: [...p.topics], ownedPartitions: [...p.ownedPartitions] }));
  m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  m.sessionTimeoutMs = req.sessionTimeoutMs;
  m.awaitingJoin = req.requestId;
  m.clientId = req.from;
}

function addMember(k: Coord, g: ClassicGroup, memberId: string, req: JoinGroupRequest): void {
  const m: ClassicMember = {
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: req.from,
    sessionTimeoutMs: req.sessionTimeoutMs,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    protocols: [],
    assignment: [],
    awaitingJoin: null,
    awaitingSync: null,
    isNew: true,
  };
  updateMember(m, req);
  g.members.push(m);
  if (g.leaderId === null) g.leaderId = memberId;
  const v = g.machine.value;
  if (typeof v === "object" && v.PreparingRebalance === "initialDelay")
    stepGroup(k.engine, k.broker, g, { type: "MEMBER_ADDED", why: `${req.from} joined` }, effectsFor(k));
  // A parked JoinGroup of a new member cannot keep its session alive; it may wait one rebalance timeout.
  scheduleSessionTimer(
    k,
    g,
    memberId,
    Math.max(req.sessionTimeoutMs, rebalanceTimeoutOf(g) + k.settings.initialRebalanceDelayMs),
    COORDINATOR_TIMER.session,
  );
  k.engine.record(
    "note",
    k.broker.id,
    `group ${g.groupId}: ${req.from} joins as member ${memberId}${req.groupInstanceId ? ` (static, group.instance.id=${req.groupInstanceId})` : ""} with assignors ${req.protocols.map((p) => p.name).join(", ")} (partition.assignment.strategy)`,
    { group: g.groupId, memberId, client: req.from },
  );
  maybePrepareRebalanceOrCompleteJoin(k, g, `${req.from} joined as a new member`);
}

/** KIP-345: a known static member comes back with a new member id. */
function updateStaticMember(
  k: Coord,
  g: ClassicGroup,
  old: ClassicMember,
  memberId: string,
  req: JoinGroupRequest,
): void {
  const oldMemberId = old.memberId;
  const state = classicStateName(g);
  if (old.awaitingJoin !== null) reply(k, old.clientId, joinError(old.awaitingJoin, "FENCED_INSTANCE_ID", oldMemberId));
  if (old.awaitingSync !== null) reply(k, old.clientId, syncError(old.awaitingSync, "FENCED_INSTANCE_ID"));
  old.awaitingSync = null;
  cancelSessionTimer(k, g, oldMemberId);
  const oldProtocols = old.protocols;
  old.memberId = memberId;
  if (g.leaderId === oldMemberId) g.leaderId = memberId;
  g.pendingSync = g.pendingSync.map((id) => (id === oldMemberId ? memberId : id));
  updateMember(old, req);
  scheduleSessionTimer(k, g, memberId, old.sessionTimeoutMs, COORDINATOR_TIMER.session);
  const why = `static member ${req.groupInstanceId} (${req.from}) came back within session.timeout.ms with new member id ${memberId} (was ${oldMemberId})`;
  if (state === "Stable") {
    const selected = selectProtocol(protocolPairs(g));
    if (selected === g.protocolName && sameProtocols(oldProtocols, old.protocols)) {
      k.engine.record(
        "note",
        k.broker.id,
        `group ${g.groupId}: ${why}: it keeps its partitions ${list(old.assignment)}, no rebalance (group.instance.id)`,
        {
          group: g.groupId,
          memberId,
          staticRejoin: true,
        },
      );
      const err = writeRecords(k, g, [{ key: groupKey(g.groupId), value: JSON.stringify(classicRecord(g)) }], {
        kind: "staticRejoin",
        memberId,
        oldMemberId,
      });
      if (err !== "NONE") {
        reply(k, old.clientId, joinError(req.requestId, err, ""));
        old.awaitingJoin = null;
      }
      return;
    }
    return maybePrepareRebalanceOrCompleteJoin(k, g, `${why}, with a changed subscription`);
  }
  if (state === "CompletingRebalance") return prepareRebalance(k, g, why);
  maybeCompleteJoinPhase(k, g);
}

function onStaticRejoinStored(k: Coord, g: ClassicGroup, w: PendingWrite): void {
  const m = g.members.find((x) => x.memberId === w.memberId);
  if (!m || m.awaitingJoin === null) return;
  const requestId = m.awaitingJoin;
  m.awaitingJoin = null;
  reply(k, m.clientId, currentGenerationResponse(g, m, requestId, true));
}

// ------------------------------------------------------------------ classic: the rebalance

function canRebalance(g: ClassicGroup): boolean {
  const s = classicStateName(g);
  return s === "Stable" || s === "CompletingRebalance" || s === "Empty";
}

function hasAllMembersJoined(g: ClassicGroup): boolean {
  return g.members.every((m) => m.awaitingJoin !== null) && g.pendingMemberIds.length === 0;
}

function effectsFor(k: Coord): Record<string, GroupEffect> {
  return {
    joinDeadline: (_e, _b, g) => completeJoin(k, g, true),
    syncDeadline: (_e, _b, g) => expirePendingSync(k, g),
  };
}

function step(k: Coord, g: ClassicGroup, event: GroupMachineEvent): void {
  stepGroup(k.engine, k.broker, g, event, effectsFor(k));
}

export function maybePrepareRebalanceOrCompleteJoin(k: Coord, g: ClassicGroup, reason: string): void {
  if (canRebalance(g)) prepareRebalance(k, g, reason);
  else maybeCompleteJoinPhase(k, g);
}

function prepareRebalance(k: Coord, g: ClassicGroup, reason: string): void {
  const state = classicStateName(g);
  if (state === "CompletingRebalance") resetAndPropagate(k, g, "REBALANCE_IN_PROGRESS");
  g.pendingSync = [];
  g.rebalanceReason = reason;
  const rt = rebalanceTimeoutOf(g);
  noteRebalanceStarted(k.engine, g.groupId, g.generation, reason, k.brokerId);
  const why =
    state === "Empty"
      ? `${reason}; waiting ${k.settings.initialRebalanceDelayMs} ms (group.initial.rebalance.delay.ms) for more members`
      : `${reason}; every member must rejoin within ${rt} ms (the rebalance timeout = max.poll.interval.ms)`;
  step(k, g, { type: "PREPARE_REBALANCE", rebalanceTimeoutMs: rt, why });
  if (state !== "Empty" && hasAllMembersJoined(g)) completeJoin(k, g, false);
}

function maybeCompleteJoinPhase(k: Coord, g: ClassicGroup): void {
  const v = g.machine.value;
  if (typeof v !== "object" || v.PreparingRebalance !== "awaitingRejoin") return; // the initial delay never ends early
  if (hasAllMembersJoined(g)) completeJoin(k, g, false);
}

function removeMember(k: Coord, g: ClassicGroup, m: ClassicMember, why: string): void {
  if (m.awaitingJoin !== null) reply(k, m.clientId, joinError(m.awaitingJoin, "UNKNOWN_MEMBER_ID", ""));
  if (m.awaitingSync !== null) reply(k, m.clientId, syncError(m.awaitingSync, "UNKNOWN_MEMBER_ID"));
  g.members = g.members.filter((x) => x !== m);
  g.pendingSync = g.pendingSync.filter((id) => id !== m.memberId);
  cancelSessionTimer(k, g, m.memberId);
  if (g.leaderId === m.memberId) g.leaderId = g.members.length > 0 ? g.members[0].memberId : null;
  k.engine.record("note", k.broker.id, `group ${g.groupId}: member ${m.memberId} (${m.clientId}) removed: ${why}`, {
    group: g.groupId,
    memberId: m.memberId,
    client: m.clientId,
    removed: true,
  });
}

/** The join phase is over: next generation, or Empty. */
function completeJoin(k: Coord, g: ClassicGroup, atDeadline: boolean): void {
  if (classicStateName(g) !== "PreparingRebalance") return;
  const rt = rebalanceTimeoutOf(g);
  const missing = g.members.filter((m) => m.awaitingJoin === null && m.groupInstanceId === null);
  for (const m of missing)
    removeMember(k, g, m, `it did not rejoin within ${rt} ms (the rebalance timeout = max.poll.interval.ms)`);
  // The leader must be among those who rejoined.
  const leader = g.members.find((m) => m.memberId === g.leaderId);
  if (leader && leader.awaitingJoin === null) {
    const next = g.members.find((m) => m.awaitingJoin !== null);
    if (next) g.leaderId = next.memberId;
  }
  const joined = g.members.filter((m) => m.awaitingJoin !== null);
  if (joined.length === 0 && g.members.length > 0) {
    // Only static members that have not come back: wait another rebalance timeout (the timer was re-armed).
    if (!atDeadline) return;
    k.engine.record("note", k.broker.id, `group ${g.groupId}: no member rejoined yet; waiting another ${rt} ms`, {
      group: g.groupId,
    });
    return;
  }
  g.generation += 1;
  if (g.members.length === 0) {
    g.protocolName = null;
    g.leaderId = null;
    step(k, g, { type: "ALL_MEMBERS_GONE", why: `no members left; generation ${g.generation} is empty` });
    writeRecords(k, g, [{ key: groupKey(g.groupId), value: JSON.stringify(classicRecord(g)) }], { kind: "metadata" });
    noteRebalanceEnded(k.engine, g.groupId, g.generation);
    return;
  }
  g.protocolName = selectProtocol(protocolPairs(g));
  g.pendingSync = g.members.map((m) => m.memberId);
  for (const m of g.members) {
    const requestId = m.awaitingJoin as number;
    m.awaitingJoin = null;
    m.isNew = false;
    reply(k, m.clientId, currentGenerationResponse(g, m, requestId));
    scheduleSessionTimer(k, g, m.memberId, m.sessionTimeoutMs, COORDINATOR_TIMER.session);
  }
  const leaderClient = g.members.find((m) => m.memberId === g.leaderId)?.clientId ?? "?";
  step(k, g, {
    type: "JOIN_COMPLETED",
    why: `${g.members.length} member(s) joined (${g.members.map(clientOf).join(", ")}): generation ${g.generation}, assignor ${g.protocolName} chosen by the members' vote (partition.assignment.strategy); the leader ${leaderClient} computes the assignment`,
  });
}

function resetAndPropagate(k: Coord, g: ClassicGroup, error: string): void {
  for (const m of g.members) {
    m.assignment = [];
    if (m.awaitingSync !== null) {
      reply(k, m.clientId, syncError(m.awaitingSync, error));
      m.awaitingSync = null;
    }
  }
}

function expirePendingSync(k: Coord, g: ClassicGroup): void {
  if (classicStateName(g) !== "CompletingRebalance" || g.pendingSync.length === 0) return;
  const late = g.members.filter((m) => g.pendingSync.includes(m.memberId));
  for (const m of late)
    removeMember(k, g, m, `it did not send SyncGroup within the rebalance timeout (max.poll.interval.ms)`);
  prepareRebalance(k, g, `members ${late.map(clientOf).join(", ")} never sent SyncGroup`);
}

// ------------------------------------------------------------------ classic: SyncGroup

function handleSyncGroup(k: Coord, req: SyncGroupRequest): void {
  const found = lookupGroup(k, req.groupId);
  if (found.error !== "NONE") return reply(k, req.from, syncError(req.requestId, found.error));
  const g = found.group;
  if (!g || g.type !== "classic" || classicStateName(g) === "Empty")
    return reply(k, req.from, syncError(req.requestId, "UNKNOWN_MEMBER_ID"));
  const state = classicStateName(g);
  if (state === "Dead") return reply(k, req.from, syncError(req.requestId, "COORDINATOR_NOT_AVAILABLE"));
  const invalid = validateMember(g, req.memberId, req.groupInstanceId);
  if (invalid) return reply(k, req.from, syncError(req.requestId, invalid));
  if (req.generation !== g.generation) return reply(k, req.from, syncError(req.requestId, "ILLEGAL_GENERATION"));
  const m = g.members.find((x) => x.memberId === req.memberId) as ClassicMember;
  if (state === "PreparingRebalance") return reply(k, req.from, syncError(req.requestId, "REBALANCE_IN_PROGRESS"));
  g.pendingSync = g.pendingSync.filter((id) => id !== m.memberId);
  if (state === "Stable") {
    return reply(k, req.from, {
      type: "SyncGroupResponse",
      requestId: req.requestId,
      error: "NONE",
      assignment: [...m.assignment],
      protocolName: g.protocolName,
    });
  }
  // CompletingRebalance
  m.awaitingSync = req.requestId;
  if (g.leaderId !== m.memberId) return;
  const assignment: Record<string, string[]> = {};
  for (const x of g.members) assignment[x.memberId] = [];
  for (const a of req.assignments) if (assignment[a.memberId] !== undefined) assignment[a.memberId] = [...a.partitions];
  const rec = classicRecord(g);
  for (const x of rec.members) x.assignment = assignment[x.memberId] ?? [];
  const err = writeRecords(k, g, [{ key: groupKey(g.groupId), value: JSON.stringify(rec) }], {
    kind: "assignment",
    generation: g.generation,
    assignment,
  });
  if (err !== "NONE") {
    resetAndPropagate(k, g, err);
    maybePrepareRebalanceOrCompleteJoin(k, g, `storing the assignment failed (${err})`);
  }
}

function onAssignmentStored(k: Coord, g: ClassicGroup, w: PendingWrite): void {
  if (classicStateName(g) !== "CompletingRebalance" || g.generation !== w.generation) return;
  const assignment = w.assignment ?? {};
  for (const m of g.members) {
    m.assignment = assignment[m.memberId] ?? [];
    if (m.awaitingSync !== null) {
      reply(k, m.clientId, {
        type: "SyncGroupResponse",
        requestId: m.awaitingSync,
        error: "NONE",
        assignment: [...m.assignment],
        protocolName: g.protocolName,
      });
      m.awaitingSync = null;
    }
  }
  const summary = g.members.map((m) => `${m.clientId} → ${list(m.assignment)}`).join(", ");
  step(k, g, {
    type: "ASSIGNMENT_STORED",
    why: `the leader's ${g.protocolName} assignment for generation ${g.generation} is stored in ${OFFSETS_TOPIC}-${g.partition}: ${summary}`,
  });
  noteRebalanceEnded(k.engine, g.groupId, g.generation);
}

export function classicRecord(g: ClassicGroup): ClassicGroupRecord {
  return {
    type: "classic",
    generation: g.generation,
    protocolName: g.protocolName,
    leaderId: g.leaderId,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      protocols: m.protocols.map((p) => ({ ...p, topics: [...p.topics], ownedPartitions: [...p.ownedPartitions] })),
      assignment: [...m.assignment],
    })),
  };
}

// ------------------------------------------------------------------ classic: Heartbeat, LeaveGroup, session expiry

function handleHeartbeat(k: Coord, req: HeartbeatRequest): void {
  const answer = (error: string) => reply(k, req.from, { type: "HeartbeatResponse", requestId: req.requestId, error });
  const found = lookupGroup(k, req.groupId);
  if (found.error !== "NONE") return answer(found.error);
  const g = found.group;
  if (!g || g.type !== "classic") return answer("UNKNOWN_MEMBER_ID");
  const state = classicStateName(g);
  if (state === "Dead") return answer("COORDINATOR_NOT_AVAILABLE");
  const invalid = validateMember(g, req.memberId, req.groupInstanceId);
  if (invalid) return answer(invalid);
  if (req.generation !== g.generation) return answer("ILLEGAL_GENERATION");
  if (state === "Empty") return answer("UNKNOWN_MEMBER_ID");
  const m = g.members.find((x) => x.memberId === req.memberId) as ClassicMember;
  scheduleSessionTimer(k, g, m.memberId, m.sessionTimeoutMs, COORDINATOR_TIMER.session);
  answer(state === "PreparingRebalance" ? "REBALANCE_IN_PROGRESS" : "NONE");
}

function handleLeaveGroup(k: Coord, req: LeaveGroupRequest): void {
  const answer = (error: string) => reply(k, req.from, { type: "LeaveGroupResponse", requestId: req.requestId, error });
  const found = lookupGroup(k, req.groupId);
  if (found.error !== "NONE") return answer(found.error);
  const g = found.group;
  if (!g || g.type !== "classic") return answer("UNKNOWN_MEMBER_ID");
  if (classicStateName(g) === "Dead") return answer("COORDINATOR_NOT_AVAILABLE");
  if (g.pendingMemberIds.includes(req.memberId)) {
    g.pendingMemberIds = g.pendingMemberIds.filter((id) => id !== req.memberId);
    cancelSessionTimer(k, g, req.memberId);
    answer("NONE");
    if (classicStateName(g) === "PreparingRebalance") maybeCompleteJoinPhase(k, g);
    return;
  }
  let m: ClassicMember | undefined;
  if (req.memberId === "" && req.groupInstanceId !== null)
    m = g.members.find((x) => x.groupInstanceId === req.groupInstanceId);
  else {
    const invalid = validateMember(g, req.memberId, req.groupInstanceId);
    if (invalid) return answer(invalid);
    m = g.members.find((x) => x.memberId === req.memberId);
  }
  if (!m) return answer("UNKNOWN_MEMBER_ID");
  removeMember(k, g, m, `it left the group (LeaveGroup: ${req.reason})`);
  answer("NONE");
  const state = classicStateName(g);
  if (state === "Stable" || state === "CompletingRebalance")
    maybePrepareRebalanceOrCompleteJoin(k, g, `${m.clientId} left the group`);
  else if (state === "PreparingRebalance") maybeCompleteJoinPhase(k, g);
}

function onSessionTimeout(k: Coord, groupId: string, memberId: string, loadId: number): void {
  const g = k.st.groups[groupId];
  if (!g || g.type !== "classic" || g.loadId !== loadId) return;
  if (g.pendingMemberIds.includes(memberId)) {
    g.pendingMemberIds = g.pendingMemberIds.filter((id) => id !== memberId);
    k.engine.record(
      "note",
      k.broker.id,
      `group ${groupId}: pending member ${memberId} never rejoined with its id within session.timeout.ms; dropped`,
      {
        group: groupId,
        memberId,
      },
    );
    if (classicStateName(g) === "PreparingRebalance") maybeCompleteJoinPhase(k, g);
    return;
  }
  const m = g.members.find((x) => x.memberId === memberId);
  if (!m) return;
  // Members parked in a join or a sync count as alive (hasSatisfiedHeartbeat).
  if (!m.isNew && (m.awaitingJoin !== null || m.awaitingSync !== null)) return;
  const ms = m.isNew
    ? `its JoinGroup waited too long`
    : `no heartbeat for ${m.sessionTimeoutMs} ms (session.timeout.ms)`;
  removeMember(k, g, m, ms);
  const state = classicStateName(g);
  if (state === "Stable" || state === "CompletingRebalance")
    maybePrepareRebalanceOrCompleteJoin(
      k,
      g,
      `${m.clientId}'s session expired (session.timeout.ms=${m.sessionTimeoutMs})`,
    );
  else if (state === "PreparingRebalance") maybeCompleteJoinPhase(k, g);
}

// ------------------------------------------------------------------ offsets

function handleOffsetCommit(k: Coord, req: OffsetCommitRequest): void {
  const answer = (error: string) =>
    reply(k, req.from, {
      type: "OffsetCommitResponse",
      requestId: req.requestId,
      partitions: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })),
    });
  const found = lookupGroup(k, req.groupId);
  if (found.error !== "NONE") return answer(found.error);
  let g = found.group;
  const outsideGroup = req.generation < 0 && req.memberId === "";
  if (!g) {
    if (!outsideGroup) return answer("ILLEGAL_GENERATION");
    g = newClassicGroup(k, req.groupId, partitionOf(k, req.groupId));
    k.st.groups[req.groupId] = g;
  }
  const error = validateCommit(k, g, req, outsideGroup);
  if (error !== "NONE") {
    k.engine.record(
      "note",
      k.broker.id,
      `group ${g.groupId}: commit from ${req.from} rejected with ${error}${commitErrorWhy(error)}`,
      {
        group: g.groupId,
        error,
        client: req.from,
      },
    );
    return answer(error);
  }
  const records = req.offsets.map((o) => ({
    key: offsetKey(g.groupId, o.topic, o.partition),
    value: JSON.stringify({
      offset: o.offset,
      commitMs: k.engine.nowMs,
      generation: req.generation,
      memberId: req.memberId,
    }),
  }));
  const err = writeRecords(k, g, records, {
    kind: "commit",
    client: req.from,
    requestId: req.requestId,
    offsets: req.offsets.map((o) => ({ ...o })),
    generation: req.generation,
    memberId: req.memberId,
  });
  if (err !== "NONE") answer(err);
}

function commitErrorWhy(error: string): string {
  switch (error) {
    case "ILLEGAL_GENERATION":
    case "STALE_MEMBER_EPOCH":
      return ": the group has rebalanced since this member got its partitions (CommitFailedException)";
    case "UNKNOWN_MEMBER_ID":
      return ": the coordinator no longer knows this member";
    case "REBALANCE_IN_PROGRESS":
      return ": the group is between JoinGroup and SyncGroup";
    default:
      return "";
  }
}

function validateCommit(k: Coord, g: Group, req: OffsetCommitRequest, outsideGroup: boolean): string {
  if (g.type === "consumer") {
    if (outsideGroup) return g.members.length === 0 ? "NONE" : "UNKNOWN_MEMBER_ID";
    const m = g.members.find((x) => x.memberId === req.memberId);
    if (!m) return "UNKNOWN_MEMBER_ID";
    if (req.generation !== m.memberEpoch) return "STALE_MEMBER_EPOCH";
    return "NONE";
  }
  const state = classicStateName(g);
  if (state === "Dead") return "COORDINATOR_NOT_AVAILABLE";
  if (outsideGroup) return state === "Empty" ? "NONE" : "UNKNOWN_MEMBER_ID";
  const invalid = validateMember(g, req.memberId, req.groupInstanceId);
  if (invalid) return invalid;
  if (req.generation !== g.generation) return "ILLEGAL_GENERATION";
  if (state === "CompletingRebalance") return "REBALANCE_IN_PROGRESS";
  const m = g.members.find((x) => x.memberId === req.memberId) as ClassicMember;
  scheduleSessionTimer(k, g, m.memberId, m.sessionTimeoutMs, COORDINATOR_TIMER.session);
  return "NONE";
}

function handleOffsetFetch(k: Coord, req: OffsetFetchRequest): void {
  const found = lookupGroup(k, req.groupId);
  const offsets = found.group?.offsets ?? {};
  reply(k, req.from, {
    type: "OffsetFetchResponse",
    requestId: req.requestId,
    error: found.error,
    partitions: req.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: found.error === "NONE" ? (offsets[tpKey(p.topic, p.partition)]?.offset ?? -1) : -1,
      error: found.error,
    })),
  });
}

/**
 * kafka-consumer-groups --reset-offsets, run at the coordinator: only for a
 * group with no active members. Returns a plain-language outcome.
 */
export function resetGroupOffsets(
  k: Coord,
  groupId: string,
  offsets: { topic: string; partition: number; offset: number }[],
): { ok: boolean; detail: string } {
  const found = lookupGroup(k, groupId);
  if (found.error !== "NONE")
    return { ok: false, detail: `broker ${k.brokerId} is not the coordinator (${found.error})` };
  let g = found.group;
  if (g) {
    const state = g.type === "classic" ? classicStateName(g) : g.stateName;
    const active = g.type === "classic" ? g.members.length : g.members.length;
    if (state !== "Empty" || active > 0)
      return {
        ok: false,
        detail: `group ${groupId} is ${state} with ${active} member(s); kafka-consumer-groups --reset-offsets needs it inactive (stop its consumers first)`,
      };
  } else {
    g = newClassicGroup(k, groupId, partitionOf(k, groupId));
    k.st.groups[groupId] = g;
  }
  const records = offsets.map((o) => ({
    key: offsetKey(groupId, o.topic, o.partition),
    value: JSON.stringify({ offset: o.offset, commitMs: k.engine.nowMs, generation: -1, memberId: "" }),
  }));
  const err = writeRecords(k, g, records, { kind: "commit", offsets, generation: -1, memberId: "", admin: true });
  if (err !== "NONE") return { ok: false, detail: `writing the new offsets failed (${err})` };
  return { ok: true, detail: offsets.map((o) => `${o.topic}-${o.partition} → ${o.offset}`).join(", ") };
}

export { consumerGroupRecord };
export type { ConsumerGroup };
