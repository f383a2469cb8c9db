// Read-only views of consumer groups and consumers, for the UI, the command
// line, expectations and tests. Computed on demand from the world; never a
// second source of truth.

import { clientRebalanceProtocol } from "../../groups/protocolSelection.ts";
import { stateLabel } from "../../machines/host.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord } from "../../world/types.ts";
import type { ClusterContext } from "../context.ts";
import { tpKey } from "../metadata.ts";
import { brokerDatas, partitionCount, partitionHighWatermark, recordExists } from "./clusterRead.ts";
import { consumerLedgerSkips, groupLedgerStats } from "./ledgerStats.ts";
import { CONSUMER_KIND } from "./consumer.ts";
import { consumerConfig, consumerData, type CommitRecord, type LedgerEntry } from "./consumerData.ts";
import { classicStateName, MODULE_NAME, type CoordinatorState, type Group } from "./coordinatorState.ts";
import { offsetsPartitionOf } from "./coordinator.ts";
import { peekObservations, type RebalanceRecord } from "./observations.ts";

export interface GroupMemberView {
  memberId: string;
  instanceId: string | null;
  /** The consumer's actor id. */
  clientId: string;
  assignment: string[];
  /** Classic: JOINING (parked JoinGroup), SYNCING (parked SyncGroup) or MEMBER; consumer protocol: its member state. */
  state: string;
  /** Consumer protocol only. */
  memberEpoch: number | null;
}

export interface GroupPartitionView {
  topic: string;
  partition: number;
  /** The committed offset (next offset to read), null if none. */
  committed: number | null;
  highWatermark: number;
  /** HW − committed (what kafka-consumer-groups calls LAG); the whole HW when nothing is committed. */
  lag: number;
  /** The consumer that owns it in the group's current assignment. */
  owner: string | null;
  /** The owner's position, and HW − position. */
  position: number | null;
  consumerLag: number | null;
}

export interface GroupView {
  groupId: string;
  /** The broker coordinating the group, null while none has it loaded. */
  coordinator: number | null;
  offsetsPartition: number;
  protocol: "classic" | "consumer" | null;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable, Dead (classic); Empty, Assigning, Reconciling, Stable (consumer); Unknown. */
  state: string;
  /** Generation (classic) or group epoch (consumer protocol). */
  generation: number;
  assignor: string | null;
  rebalanceProtocol: "EAGER" | "COOPERATIVE" | null;
  /** The leader member's consumer id (classic). */
  leader: string | null;
  members: GroupMemberView[];
  partitions: GroupPartitionView[];
  totalLag: number;
  rebalanceInProgress: boolean;
  rebalances: RebalanceRecord[];
  lagSamples: { atMs: number; byTopic: Record<string, number> }[];
  /** From the ledgers of every consumer of the group. */
  recordsRead: number;
  duplicates: number;
  skips: number;
  reorderedKeys: string[];
  deliveredWhileRebalancing: number;
}

export interface ConsumerPartitionView {
  topic: string;
  partition: number;
  position: number | null;
  committed: number | null;
  highWatermark: number;
  lag: number | null;
  paused: boolean;
}

export interface ConsumerView {
  id: string;
  groupId: string;
  topics: string[];
  alive: boolean;
  protocol: "classic" | "consumer";
  memberState: string;
  memberId: string;
  /** Generation (classic) or member epoch (consumer protocol). */
  generation: number;
  isLeader: boolean;
  coordinator: number | null;
  assigned: string[];
  partitions: ConsumerPartitionView[];
  lag: number;
  appState: string;
  stalledUntilMs: number;
  processingMsPerRecord: number;
  recordsRead: number;
  duplicates: number;
  /** Records missing inside one uninterrupted run of reads (should stay 0). */
  skips: number;
  deliveredWhileRebalancing: number;
  commits: CommitRecord[];
  fatal: string | null;
}

function consumerActors(engine: Engine): ActorRecord[] {
  return engine.world.actorOrder.map((id) => engine.world.actors[id]).filter((a) => a.kind === CONSUMER_KIND);
}

/** The group as its coordinator holds it: the live broker leading its partition with the highest leader epoch. */
function findGroup(engine: Engine, ctx: ClusterContext, groupId: string): { broker: number; group: Group } | null {
  const p = offsetsPartitionOf(ctx, groupId);
  let best: { broker: number; group: Group; epoch: number } | null = null;
  for (const b of brokerDatas(engine, ctx)) {
    if (!b.alive) continue;
    const st = b.data.modules?.[MODULE_NAME] as CoordinatorState | undefined;
    const g = st?.groups[groupId];
    const loaded = st?.loaded.find((l) => l.partition === p);
    if (!g || !loaded) continue;
    if (!best || loaded.leaderEpoch > best.epoch) best = { broker: b.id, group: g, epoch: loaded.leaderEpoch };
  }
  return best;
}

function memberViews(g: Group): GroupMemberView[] {
  if (g.type === "classic")
    return g.members.map((m) => ({
      memberId: m.memberId,
      instanceId: m.groupInstanceId,
      clientId: m.clientId,
      assignment: [...m.assignment],
      state: m.awaitingJoin !== null ? "JOINING" : m.awaitingSync !== null ? "SYNCING" : "MEMBER",
      memberEpoch: null,
    }));
  return g.members.map((m) => ({
    memberId: m.memberId,
    instanceId: m.instanceId,
    clientId: m.clientId,
    assignment: [...m.assigned],
    state: m.leftTemporarily ? "LEFT_TEMPORARILY" : m.state,
    memberEpoch: m.memberEpoch,
  }));
}

/** Every group: those consumers name, those a coordinator holds, and those observed earlier. */
export function groupIds(engine: Engine, ctx: ClusterContext): string[] {
  const ids = new Set<string>();
  for (const a of consumerActors(engine)) ids.add(consumerConfig(a).groupId);
  for (const b of brokerDatas(engine, ctx)) {
    const st = b.data.modules?.[MODULE_NAME] as CoordinatorState | undefined;
    if (b.alive && st) for (const id of Object.keys(st.groups)) ids.add(id);
  }
  for (const id of Object.keys(peekObservations(engine)?.groups ?? {})) ids.add(id);
  return [...ids].sort();
}

export function groupViews(engine: Engine, ctx: ClusterContext): GroupView[] {
  return groupIds(engine, ctx).map((id) => groupView(engine, ctx, id));
}

export function groupView(engine: Engine, ctx: ClusterContext, groupId: string): GroupView {
  const found = findGroup(engine, ctx, groupId);
  const g = found?.group;
  const consumers = consumerActors(engine).filter((a) => consumerConfig(a).groupId === groupId);
  const obs = peekObservations(engine)?.groups[groupId];
  const members = g ? memberViews(g) : [];
  // Topics: what members and consumers subscribe to, and what has committed offsets.
  const topics = new Set<string>();
  for (const a of consumers) for (const t of consumerConfig(a).topics) topics.add(t);
  if (g?.type === "classic")
    for (const m of g.members) for (const p of m.protocols) for (const t of p.topics) topics.add(t);
  if (g?.type === "consumer") for (const m of g.members) for (const t of m.subscribed) topics.add(t);
  for (const key of Object.keys(g?.offsets ?? {})) topics.add(key.slice(0, key.lastIndexOf("-")));
  const owners = new Map<string, string>();
  for (const m of members) for (const tp of m.assignment) owners.set(tp, m.clientId);
  const partitions: GroupPartitionView[] = [];
  for (const topic of [...topics].sort()) {
    const n = partitionCount(engine, ctx, topic);
    for (let p = 0; p < n; p++) {
      const tp = tpKey(topic, p);
      const hw = partitionHighWatermark(engine, ctx, topic, p);
      const committed = g?.offsets[tp]?.offset ?? null;
      const owner = owners.get(tp) ?? null;
      const ownerActor = owner !== null && engine.hasActor(owner) ? engine.actor(owner) : undefined;
      const position = ownerActor && ownerActor.alive ? (consumerData(ownerActor).positions[tp] ?? null) : null;
      partitions.push({
        topic,
        partition: p,
        committed,
        highWatermark: hw,
        lag: Math.max(0, hw - (committed ?? 0)),
        owner,
        position,
        consumerLag: position === null ? null : Math.max(0, hw - position),
      });
    }
  }
  let state = "Unknown";
  let generation = -1;
  let assignor: string | null = null;
  let leader: string | null = null;
  let rebalanceProtocol: GroupView["rebalanceProtocol"] = null;
  if (g?.type === "classic") {
    state = classicStateName(g);
    generation = g.generation;
    assignor = g.protocolName;
    leader = g.members.find((m) => m.memberId === g.leaderId)?.clientId ?? null;
    if (g.members.length > 0)
      rebalanceProtocol = g.members.every(
        (m) => clientRebalanceProtocol(m.protocols.map((p) => p.name)) === "COOPERATIVE",
      )
        ? "COOPERATIVE"
        : "EAGER";
  } else if (g?.type === "consumer") {
    state = g.stateName;
    generation = g.groupEpoch;
    assignor = g.assignor;
  }
  const ledger = groupLedgerStats(
    engine,
    groupId,
    consumers.map((a) => consumerData(a).ledger.view()),
    (topic, partition, offset) => recordExists(engine, ctx, topic, partition, offset),
  );
  const rebalances = obs?.rebalances ?? [];
  return {
    groupId,
    coordinator: found?.broker ?? null,
    offsetsPartition: offsetsPartitionOf(ctx, groupId),
    protocol: g?.type ?? (consumers.length > 0 ? consumerConfig(consumers[0]).groupProtocol : null),
    state,
    generation,
    assignor,
    rebalanceProtocol,
    leader,
    members,
    partitions,
    totalLag: partitions.reduce((s, p) => s + p.lag, 0),
    rebalanceInProgress:
      state === "PreparingRebalance" ||
      state === "CompletingRebalance" ||
      state === "Assigning" ||
      state === "Reconciling",
    rebalances: rebalances.map((r) => ({ ...r })),
    lagSamples: (obs?.lagSamples ?? []).map((s) => ({ atMs: s.atMs, byTopic: { ...s.byTopic } })),
    ...ledger,
    deliveredWhileRebalancing: consumers.reduce((s, a) => s + consumerData(a).stats.deliveredWhileRebalancing, 0),
  };
}

export function consumerViews(engine: Engine, ctx: ClusterContext): ConsumerView[] {
  return consumerActors(engine).map((a) => {
    const d = consumerData(a);
    const cfg = consumerConfig(a);
    const partitions: ConsumerPartitionView[] = [...d.assigned].map((tp) => {
      const i = tp.lastIndexOf("-");
      const topic = tp.slice(0, i);
      const partition = Number(tp.slice(i + 1));
      const hw = partitionHighWatermark(engine, ctx, topic, partition);
      const position = a.alive ? (d.positions[tp] ?? null) : null;
      return {
        topic,
        partition,
        position,
        committed: d.committed[tp] ?? null,
        highWatermark: hw,
        lag: position === null ? null : Math.max(0, hw - position),
        paused: d.paused.includes(tp),
      };
    });
    return {
      id: a.id,
      groupId: cfg.groupId,
      topics: [...cfg.topics],
      alive: a.alive,
      protocol: cfg.groupProtocol,
      memberState: a.alive ? stateLabel(a.snapshot?.value) : "down",
      memberId: d.memberId,
      generation: cfg.groupProtocol === "classic" ? d.generation : d.memberEpoch,
      isLeader: d.isLeader,
      coordinator: d.coordinator >= 0 ? d.coordinator : null,
      assigned: a.alive ? [...d.assigned] : [],
      partitions: a.alive ? partitions : [],
      lag: partitions.reduce((s, p) => s + (p.lag ?? 0), 0),
      appState: a.alive ? d.appState : "down",
      stalledUntilMs: d.stalledUntilMs,
      processingMsPerRecord: d.processingMsPerRecord,
      recordsRead: d.ledger.length,
      duplicates: d.stats.duplicates,
      skips: consumerLedgerSkips(d.ledger.view(), (topic, partition, offset) =>
        recordExists(engine, ctx, topic, partition, offset),
      ),
      deliveredWhileRebalancing: d.stats.deliveredWhileRebalancing,
      commits: d.commits.map((c) => ({ ...c, offsets: c.offsets.map((o) => ({ ...o })) })),
      fatal: d.fatal,
    };
  });
}

/** A consumer's ledger (what its application processed), oldest first. */
export function consumerLedger(engine: Engine, consumerId: string): readonly LedgerEntry[] {
  if (!engine.hasActor(consumerId)) return [];
  const a = engine.actor(consumerId);
  return a.kind === CONSUMER_KIND ? consumerData(a).ledger.view() : [];
}
