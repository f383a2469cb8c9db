// The ZooKeeper-mode controller, running inside the broker that holds
// /controller (KafkaController.scala, PartitionStateMachine.scala,
// ReplicaStateMachine.scala, followed in our own words).
//
// Like Kafka's single controller event thread, events are queued and handled
// one at a time; an event that writes to ZooKeeper waits for the answer
// before the next one runs (ctx.busy). Every write is guarded by the version
// of /controller_epoch, so a deposed controller cannot write (KAFKA-6082);
// its requests to brokers carry its old controller epoch, which brokers
// reject (brokerRequests.ts).

import { fmtIds, includes } from "../../cluster/common.ts";
import { zkElectLeader, zkRemoveReplicaFromIsr, type ElectionOutcome } from "../../cluster/election.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord } from "../../world/types.ts";
import type { AlterPartitionRequest, AlterPartitionResult } from "../controlPlane.ts";
import { brokerActorId } from "../ids.ts";
import {
  NO_LEADER,
  tpKey,
  type BrokerId,
  type BrokerRegistrationState,
  type PartitionState,
  type TopicState,
} from "../metadata.ts";
import { effectiveTopicConfig } from "../spec.ts";
import { zkOf, zkRequest } from "./brokerZk.ts";
import { controllerRoleMachine, type RoleEvent } from "./machines.ts";
import { stepSlot, type SlotMachine } from "./slot.ts";
import { zkStore } from "./store.ts";
import type {
  BrokerZk,
  ControllerCtx,
  ControllerEvent,
  ControllerStateRead,
  CtrlPartition,
  NodeRead,
  PartitionUpdate,
  RequestPurpose,
  WatchChild,
  WriteContinuation,
  ZkOpResult,
  ZkStore,
  ZkWrite,
} from "./types.ts";
import { decodeAssignment, decodeState, decodeTopicConfig, encodeController, encodeState, ZK_PATHS } from "./znodes.ts";

// ------------------------------------------------------------------ the election machine

export const roleDef: SlotMachine = {
  machine: controllerRoleMachine,
  label: "controller election",
  effects: {
    sendElect(engine, broker) {
      const z = zkOf(broker);
      if (!z) return;
      const data = encodeController(z.brokerId, engine.nowMs);
      zkRequest(engine, broker, z, { kind: "electController", brokerId: z.brokerId, data }, { p: "elect" });
    },
    becomeController(engine, broker, params) {
      const z = zkOf(broker);
      if (!z) return;
      const ctx = emptyCtx(Number(params.epoch), Number(params.epochZkVersion));
      z.controller = ctx;
      ctx.busy = true;
      zkRequest(engine, broker, z, { kind: "readControllerState" }, { p: "controllerInit", epoch: ctx.epoch });
    },
    resign(engine, broker, params) {
      const z = zkOf(broker);
      if (!z) return;
      const epoch = z.controller?.epoch ?? 0;
      engine.record("emit", broker.id, `broker ${z.brokerId} resigned as controller (epoch ${epoch}): ${params.why}`, {
        zk: "resigned",
        broker: z.brokerId,
        controllerEpoch: epoch,
      });
      engine.cancel(broker.id, "zk.autoRebalance");
      z.controller = null;
      z.pending = z.pending.filter((r) => !r.purpose.p.startsWith("controller"));
      if (broker.alive && z.client.value === "CONNECTED")
        zkRequest(engine, broker, z, { kind: "unwatchController" }, { p: "unwatch" });
    },
  },
};

export function roleEvent(engine: Engine, broker: ActorRecord, z: BrokerZk, event: RoleEvent): void {
  stepSlot(engine, broker, roleDef, z.role, event);
}

// ------------------------------------------------------------------ context

function emptyCtx(epoch: number, epochZkVersion: number): ControllerCtx {
  return {
    epoch,
    epochZkVersion,
    initialized: false,
    busy: false,
    live: [],
    shuttingDown: [],
    topics: {},
    partitions: {},
    deleting: [],
    queue: [],
  };
}

/** initializeControllerContext: the controller's caches from what it read in ZooKeeper. */
export function ctxFromState(
  store: ZkStore,
  epoch: number,
  epochZkVersion: number,
  state: ControllerStateRead,
): ControllerCtx {
  const ctx = emptyCtx(epoch, epochZkVersion);
  ctx.live = state.brokers.map((b) => ({ id: b.id, epoch: b.epoch })).sort((a, b) => a.id - b.id);
  for (const t of state.topics) {
    const { topicId, replicas } = decodeAssignment(t.assignment);
    addTopic(store, ctx, t.name, topicId, replicas, decodeTopicConfig(t.config));
    for (const s of t.states) {
      if (s.data === null) continue;
      const p = ctx.partitions[tpKey(t.name, s.partition)];
      const st = decodeState(s.data);
      p.exists = true;
      p.leader = st.leader;
      p.leaderEpoch = st.leaderEpoch;
      p.isr = st.isr.slice();
      p.recovery = st.recovery;
      p.zkVersion = s.version;
    }
  }
  ctx.deleting = state.deletions.filter((n) => ctx.topics[n] !== undefined);
  return ctx;
}

function addTopic(
  store: ZkStore,
  ctx: ControllerCtx,
  name: string,
  topicId: string,
  replicas: readonly (readonly BrokerId[])[],
  overrides: ControllerCtx["topics"][string]["overrides"],
): void {
  ctx.topics[name] = {
    name,
    topicId,
    numPartitions: replicas.length,
    overrides,
    config: effectiveTopicConfig(store, overrides),
  };
  replicas.forEach((r, p) => addPartition(ctx, name, p, r));
}

function addPartition(ctx: ControllerCtx, topic: string, partition: number, replicas: readonly BrokerId[]): void {
  ctx.partitions[tpKey(topic, partition)] = {
    topic,
    partition,
    replicas: replicas.slice(),
    exists: false,
    leader: NO_LEADER,
    leaderEpoch: 0,
    isr: [],
    recovery: "RECOVERED",
    zkVersion: -1,
  };
}

const liveIds = (ctx: ControllerCtx): BrokerId[] => ctx.live.map((b) => b.id);
const onlineIds = (ctx: ControllerCtx): BrokerId[] => liveIds(ctx).filter((id) => !includes(ctx.shuttingDown, id));

function sortedKeys(ctx: ControllerCtx, topic: string | null = null): string[] {
  return Object.keys(ctx.partitions)
    .map((k) => ctx.partitions[k])
    .filter((p) => topic === null || p.topic === topic)
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
    .map((p) => tpKey(p.topic, p.partition));
}

export function partitionStateOf(p: CtrlPartition): PartitionState {
  return {
    topic: p.topic,
    partition: p.partition,
    replicas: p.replicas.slice(),
    isr: p.isr.slice(),
    leader: p.leader,
    leaderEpoch: p.leaderEpoch,
    partitionEpoch: p.zkVersion,
    leaderRecoveryState: p.recovery,
  };
}

function topicStateOf(ctx: ControllerCtx, name: string): TopicState {
  const t = ctx.topics[name];
  return {
    name,
    topicId: t.topicId,
    numPartitions: t.numPartitions,
    config: t.config,
    internal: name.startsWith("__"),
  };
}

function brokerStates(ctx: ControllerCtx, store: ZkStore): BrokerRegistrationState[] {
  const ids = new Set<number>(liveIds(ctx));
  for (let id = 1; id <= store.brokers; id++) ids.add(id);
  return [...ids]
    .sort((a, b) => a - b)
    .map((id) => {
      const live = ctx.live.find((b) => b.id === id);
      return {
        id,
        fenced: live === undefined,
        inControlledShutdown: live !== undefined && includes(ctx.shuttingDown, id),
        epoch: live ? live.epoch : -1,
      };
    });
}

// ------------------------------------------------------------------ requests to brokers

function sendLeaderAndIsr(
  engine: Engine,
  broker: ActorRecord,
  ctx: ControllerCtx,
  target: BrokerId,
  keys: readonly string[],
  why: string,
): void {
  const partitions = keys.map((k) => partitionStateOf(ctx.partitions[k]));
  const topics = [...new Set(partitions.map((p) => p.topic))].sort().map((t) => topicStateOf(ctx, t));
  engine.send(broker.id, brokerActorId(target), {
    type: "zk.LeaderAndIsr",
    controllerId: broker.id,
    controllerEpoch: ctx.epoch,
    brokerEpoch: ctx.live.find((b) => b.id === target)?.epoch ?? -1,
    partitions,
    topics,
    why,
  });
}

function sendUpdateMetadata(
  engine: Engine,
  broker: ActorRecord,
  ctx: ControllerCtx,
  targets: readonly BrokerId[],
  keys: readonly string[],
  why: string,
  extraTopics: readonly string[] = [],
  deletedTopics: readonly string[] = [],
): void {
  if (targets.length === 0) return;
  const store = zkStore(engine);
  const partitions = keys.filter((k) => ctx.partitions[k]?.exists).map((k) => partitionStateOf(ctx.partitions[k]));
  const topicNames = [...new Set([...partitions.map((p) => p.topic), ...extraTopics])]
    .filter((t) => ctx.topics[t] !== undefined)
    .sort();
  const event = {
    type: "zk.UpdateMetadata",
    controllerId: broker.id,
    controllerEpoch: ctx.epoch,
    brokers: brokerStates(ctx, store),
    topics: topicNames.map((t) => topicStateOf(ctx, t)),
    partitions,
    deletedTopics: deletedTopics.slice(),
    why,
  };
  for (const t of targets) {
    engine.send(broker.id, brokerActorId(t), {
      ...event,
      brokerEpoch: ctx.live.find((b) => b.id === t)?.epoch ?? -1,
    });
  }
}

function sendStopReplica(engine: Engine, broker: ActorRecord, ctx: ControllerCtx, topic: string): void {
  const replicas = new Set<number>();
  for (const k of sortedKeys(ctx, topic)) for (const r of ctx.partitions[k].replicas) replicas.add(r);
  for (const r of [...replicas].sort((a, b) => a - b)) {
    if (!includes(liveIds(ctx), r)) continue;
    engine.send(broker.id, brokerActorId(r), {
      type: "zk.StopReplica",
      controllerId: broker.id,
      controllerEpoch: ctx.epoch,
      brokerEpoch: ctx.live.find((b) => b.id === r)?.epoch ?? -1,
      topic,
      deletePartitions: true,
    });
  }
}

// ------------------------------------------------------------------ drafts and commits

interface Current {
  leader: BrokerId;
  leaderEpoch: number;
  isr: BrokerId[];
  recovery: CtrlPartition["recovery"];
}

type Drafts = Map<string, PartitionUpdate>;

function current(ctx: ControllerCtx, drafts: Drafts, key: string): Current {
  const d = drafts.get(key);
  if (d) return { leader: d.leader, leaderEpoch: d.leaderEpoch, isr: d.isr.slice(), recovery: d.recovery };
  const p = ctx.partitions[key];
  return { leader: p.leader, leaderEpoch: p.leaderEpoch, isr: p.isr.slice(), recovery: p.recovery };
}

function putOutcome(
  ctx: ControllerCtx,
  drafts: Drafts,
  key: string,
  out: ElectionOutcome,
  skip: BrokerId[] = [],
): void {
  const p = ctx.partitions[key];
  const prev = drafts.get(key);
  drafts.set(key, {
    key,
    leader: out.leader,
    leaderEpoch: out.leaderEpoch,
    isr: out.isr.slice(),
    recovery: out.leaderRecoveryState,
    create: prev?.create ?? false,
    expectedVersion: p.zkVersion,
    unclean: (prev?.unclean ?? false) || out.unclean,
    reason: prev ? `${prev.reason}; ${out.reason}` : out.reason,
    leaderAndIsr: true,
    skip: [...new Set([...(prev?.skip ?? []), ...skip])].sort((a, b) => a - b),
  });
}

/** OfflinePartitionLeaderElectionStrategy with the ZooKeeper rules (cluster/election.ts). */
function electOffline(
  ctx: ControllerCtx,
  drafts: Drafts,
  key: string,
  live: readonly BrokerId[],
  allowUnclean: boolean | null,
): ElectionOutcome {
  const p = ctx.partitions[key];
  const cur = current(ctx, drafts, key);
  const out = zkElectLeader({
    strategy: "offline",
    assignment: p.replicas,
    leaderAndIsr: { leader: cur.leader, leaderEpoch: cur.leaderEpoch, isr: cur.isr, leaderRecoveryState: cur.recovery },
    liveBrokers: live,
    shuttingDownBrokers: ctx.shuttingDown,
    uncleanLeaderElectionEnable: allowUnclean ?? ctx.topics[p.topic].config.uncleanLeaderElectionEnable,
  });
  if (out.changed) putOutcome(ctx, drafts, key, out);
  return out;
}

/**
 * triggerOnlinePartitionStateChange: new partitions get their first leader
 * (the first live replica, ISR = live replicas); offline ones (no leader or a
 * leader that is gone) an offline election.
 */
function triggerOnline(
  engine: Engine,
  broker: ActorRecord,
  ctx: ControllerCtx,
  drafts: Drafts,
  topic: string | null,
): void {
  const live = liveIds(ctx);
  const online = onlineIds(ctx);
  const stuck: string[] = [];
  for (const key of sortedKeys(ctx, topic)) {
    const p = ctx.partitions[key];
    if (ctx.deleting.includes(p.topic)) continue;
    if (!p.exists && !drafts.has(key)) {
      const liveReplicas = p.replicas.filter((r) => includes(online, r));
      if (liveReplicas.length === 0) {
        stuck.push(`${key} (new; no replica of ${fmtIds(p.replicas)} is online)`);
        continue;
      }
      drafts.set(key, {
        key,
        leader: liveReplicas[0],
        leaderEpoch: 0,
        isr: liveReplicas,
        recovery: "RECOVERED",
        create: true,
        expectedVersion: -1,
        unclean: false,
        reason: `new partition: the first live replica of ${fmtIds(p.replicas)} leads, ISR = the live replicas`,
        leaderAndIsr: true,
        skip: [],
      });
      continue;
    }
    const cur = current(ctx, drafts, key);
    if (!p.exists || (cur.leader !== NO_LEADER && includes(live, cur.leader))) continue;
    const out = electOffline(ctx, drafts, key, live, null);
    if (!out.changed) stuck.push(`${key} (${out.reason})`);
  }
  if (stuck.length > 0) {
    engine.record("note", broker.id, `controller ${broker.id}: still offline: ${stuck.join("; ")}`, {
      zk: "offline",
      partitions: stuck.length,
    });
  }
}

/** Writes the drafts (and any extra writes) to ZooKeeper; `afterWrite` runs when ZooKeeper answers. */
function commit(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  drafts: Drafts,
  cont: WriteContinuation,
  extraWrites: readonly ZkWrite[] = [],
): void {
  const updates = [...drafts.values()];
  if (updates.length === 0 && extraWrites.length === 0) {
    afterWrite(engine, broker, ctx, [], [], cont);
    return;
  }
  const writes: ZkWrite[] = updates.map((u) => {
    const p = ctx.partitions[u.key];
    const data = encodeState({
      leader: u.leader,
      leaderEpoch: u.leaderEpoch,
      isr: u.isr,
      controllerEpoch: ctx.epoch,
      recovery: u.recovery,
    });
    const path = ZK_PATHS.partitionState(p.topic, p.partition);
    return u.create ? { op: "create", path, data } : { op: "set", path, data, version: u.expectedVersion };
  });
  ctx.busy = true;
  zkRequest(
    engine,
    broker,
    z,
    { kind: "controllerWrite", epochZkVersion: ctx.epochZkVersion, writes: [...writes, ...extraWrites] },
    { p: "controllerWrite", epoch: ctx.epoch, updates, cont },
  );
}

export function onControllerWrite(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  purpose: Extract<RequestPurpose, { p: "controllerWrite" }>,
  result: ZkOpResult,
): void {
  const ctx = z.controller;
  if (!ctx || ctx.epoch !== purpose.epoch || result.kind !== "controllerWrite") return;
  ctx.busy = false;
  if (!result.ok) {
    roleEvent(engine, broker, z, {
      type: "RESIGN",
      why: "ZooKeeper refused its write because /controller_epoch has moved on: another broker is controller now (ControllerMovedException)",
    });
    return;
  }
  const store = zkStore(engine);
  const applied: PartitionUpdate[] = [];
  const failed: string[] = [];
  purpose.updates.forEach((u, i) => {
    const r = result.results[i];
    const p = ctx.partitions[u.key];
    if (!p) return;
    if (!r.ok) {
      failed.push(u.key);
      engine.record(
        "note",
        broker.id,
        `${u.key}: the state znode changed under the controller (${r.error}); the update is dropped`,
      );
      return;
    }
    const before = p.leader;
    p.exists = true;
    p.leader = u.leader;
    p.leaderEpoch = u.leaderEpoch;
    p.isr = u.isr.slice();
    p.recovery = u.recovery;
    p.zkVersion = r.version;
    applied.push(u);
    const leaderText = before === u.leader || u.create ? `leader ${u.leader}` : `leader ${before} → ${u.leader}`;
    engine.record(
      "emit",
      broker.id,
      `${u.key}: ${leaderText} (leader epoch ${u.leaderEpoch}), ISR ${fmtIds(u.isr)}, written to ZooKeeper — ${u.reason}`,
      { zk: "partitionState", key: u.key, leader: u.leader, leaderEpoch: u.leaderEpoch, isr: u.isr.slice() },
    );
    if (u.unclean) {
      store.uncleanElections.push({ topic: p.topic, partition: p.partition, leader: u.leader, atMs: engine.nowMs });
      engine.record(
        "emit",
        broker.id,
        `${u.key}: UNCLEAN leader election — broker ${u.leader} was not in the ISR; records it lacks are lost (unclean.leader.election.enable=true)`,
        { zk: "uncleanElection", key: u.key, leader: u.leader },
      );
    }
  });
  afterWrite(engine, broker, ctx, applied, failed, purpose.cont);
  pump(engine, broker, z);
}

function afterWrite(
  engine: Engine,
  broker: ActorRecord,
  ctx: ControllerCtx,
  applied: readonly PartitionUpdate[],
  failed: readonly string[],
  cont: WriteContinuation,
): void {
  const live = liveIds(ctx);
  const appliedKeys = applied.map((u) => u.key);
  // LeaderAndIsr to the live replicas, one request per broker.
  const perBroker = new Map<number, string[]>();
  for (const u of applied) {
    if (!u.leaderAndIsr) continue;
    for (const r of ctx.partitions[u.key].replicas) {
      if (!includes(live, r) || includes(u.skip, r)) continue;
      const list = perBroker.get(r) ?? [];
      list.push(u.key);
      perBroker.set(r, list);
    }
  }
  for (const r of [...perBroker.keys()].sort((a, b) => a - b)) {
    sendLeaderAndIsr(engine, broker, ctx, r, perBroker.get(r) as string[], cont.why);
  }
  // The leader hears the answer to its AlterPartition before the UpdateMetadata that repeats it.
  if (cont.alterPartition) {
    const { broker: leader, topic, partition } = cont.alterPartition;
    const key = tpKey(topic, partition);
    const p = ctx.partitions[key];
    const result: AlterPartitionResult =
      appliedKeys.includes(key) && p
        ? { error: "NONE", isr: p.isr.slice(), leaderEpoch: p.leaderEpoch, partitionEpoch: p.zkVersion }
        : { error: failed.includes(key) ? "INVALID_UPDATE_VERSION" : "UNKNOWN_TOPIC_OR_PARTITION" };
    replyAlterPartition(engine, broker, leader, topic, partition, result);
  }
  const deleted = cont.deletedTopics ?? [];
  for (const t of deleted) {
    for (const k of sortedKeys(ctx, t)) delete ctx.partitions[k];
    delete ctx.topics[t];
    ctx.deleting = ctx.deleting.filter((n) => n !== t);
    engine.record("emit", broker.id, `topic ${t} deleted: its znodes are gone and every broker is told`, {
      zk: "topicDeleted",
      topic: t,
    });
  }
  if (applied.length > 0 || cont.metadataAlways || deleted.length > 0) {
    sendUpdateMetadata(engine, broker, ctx, live, appliedKeys, cont.why, cont.topics ?? [], deleted);
  }
  if (cont.controlledShutdown) {
    const id = cont.controlledShutdown.broker;
    const remaining = sortedKeys(ctx).filter(
      (k) => ctx.partitions[k].leader === id && ctx.partitions[k].replicas.length > 1,
    );
    engine.send(broker.id, brokerActorId(id), {
      type: "zk.ControlledShutdownResponse",
      attempt: cont.controlledShutdown.attempt,
      error: "NONE",
      remaining,
    });
  }
}

function replyAlterPartition(
  engine: Engine,
  broker: ActorRecord,
  leader: BrokerId,
  topic: string,
  partition: number,
  result: AlterPartitionResult,
): void {
  engine.send(broker.id, brokerActorId(leader), { type: "zk.AlterPartitionResponse", topic, partition, result });
}

// ------------------------------------------------------------------ the event loop

export function enqueue(engine: Engine, broker: ActorRecord, z: BrokerZk, event: ControllerEvent): void {
  if (!z.controller) return;
  z.controller.queue.push(event);
  pump(engine, broker, z);
}

/** Runs queued events while the controller is ready and not waiting for ZooKeeper. */
export function pump(engine: Engine, broker: ActorRecord, z: BrokerZk): void {
  for (;;) {
    const ctx = z.controller;
    if (!ctx || !ctx.initialized || ctx.busy || ctx.queue.length === 0 || z.role.value !== "ACTIVE") return;
    const ev = ctx.queue.shift() as ControllerEvent;
    handleEvent(engine, broker, z, ctx, ev);
  }
}

function handleEvent(engine: Engine, broker: ActorRecord, z: BrokerZk, ctx: ControllerCtx, ev: ControllerEvent): void {
  switch (ev.t) {
    case "OnlinePartitions": {
      const drafts: Drafts = new Map();
      triggerOnline(engine, broker, ctx, drafts, ev.topic);
      commit(engine, broker, z, ctx, drafts, { why: ev.why, metadataAlways: false });
      return;
    }
    case "BrokerChange":
      return onBrokerChange(engine, broker, z, ctx, ev.children);
    case "TopicChange":
      return onTopicChange(engine, broker, z, ctx, ev.names);
    case "PartitionModifications":
      return onPartitionModifications(engine, broker, z, ctx, ev.topic, ev.data);
    case "TopicDeletion":
      return onTopicDeletion(engine, broker, z, ctx, ev.names, ev.resume === true);
    case "AlterPartition":
      return onAlterPartition(engine, broker, z, ctx, ev.request);
    case "ControlledShutdown":
      return onControlledShutdown(engine, broker, z, ctx, ev.broker, ev.brokerEpoch, ev.attempt);
    case "AutoRebalance":
      return onAutoRebalance(engine, broker, z, ctx, ev.reschedule);
    case "ReplicaLeaderElection":
      return onReplicaLeaderElection(engine, broker, z, ctx, ev.electionType, ev.keys);
  }
}

// ------------------------------------------------------------------ startup

export function onControllerInit(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  epoch: number,
  result: ZkOpResult,
): void {
  const old = z.controller;
  if (!old || old.epoch !== epoch || result.kind !== "readControllerState") return;
  const store = zkStore(engine);
  const ctx = ctxFromState(store, old.epoch, old.epochZkVersion, result.state);
  ctx.initialized = true;
  ctx.queue = [
    { t: "OnlinePartitions", topic: null, why: `controller failover to broker ${z.brokerId} (epoch ${epoch})` },
    ...(ctx.deleting.length > 0 ? [{ t: "TopicDeletion" as const, names: ctx.deleting.slice(), resume: true }] : []),
    ...old.queue,
  ];
  z.controller = ctx;
  const keys = sortedKeys(ctx);
  engine.record(
    "emit",
    broker.id,
    `broker ${z.brokerId} is the controller (epoch ${epoch}): read ${keys.length} partitions and live brokers ${fmtIds(liveIds(ctx))} from ZooKeeper; telling every broker`,
    { zk: "controllerReady", broker: z.brokerId, controllerEpoch: epoch },
  );
  const why = `controller failover to broker ${z.brokerId}`;
  const live = liveIds(ctx);
  sendUpdateMetadata(engine, broker, ctx, live, keys, why, Object.keys(ctx.topics).sort());
  // ReplicaStateMachine startup: every live replica learns the current state with the new epoch.
  for (const r of live) {
    const mine = keys.filter((k) => ctx.partitions[k].exists && includes(ctx.partitions[k].replicas, r));
    if (mine.length > 0) sendLeaderAndIsr(engine, broker, ctx, r, mine, why);
  }
  scheduleAutoRebalance(engine, broker, ctx, Math.min(5_000, store.timings.leaderImbalanceCheckIntervalMs));
  pump(engine, broker, z);
}

export function scheduleAutoRebalance(engine: Engine, broker: ActorRecord, ctx: ControllerCtx, delayMs: number): void {
  if (!zkStore(engine).brokerConfig.autoLeaderRebalanceEnable) return;
  engine.schedule(broker.id, delayMs, { type: "zk.autoRebalance", epoch: ctx.epoch }, "zk.autoRebalance");
}

// ------------------------------------------------------------------ broker changes

function onBrokerChange(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  children: readonly WatchChild[],
): void {
  const cur = children.map((c) => ({ id: Number(c.name), epoch: c.czxid })).sort((a, b) => a.id - b.id);
  const before = ctx.live;
  const curIds = cur.map((b) => b.id);
  const prevIds = before.map((b) => b.id);
  const added = curIds.filter((id) => !includes(prevIds, id));
  const gone = prevIds.filter((id) => !includes(curIds, id));
  const bounced = cur
    .filter((b) => {
      const p = before.find((x) => x.id === b.id);
      return p !== undefined && b.epoch > p.epoch;
    })
    .map((b) => b.id);
  if (added.length === 0 && gone.length === 0 && bounced.length === 0) return;
  const failed = [...gone, ...bounced].sort((a, b) => a - b);
  const started = [...added, ...bounced].sort((a, b) => a - b);
  engine.record(
    "emit",
    broker.id,
    `controller ${broker.id}: /brokers/ids changed — ` +
      [
        added.length ? `registered ${fmtIds(added)}` : "",
        gone.length ? `gone ${fmtIds(gone)}` : "",
        bounced.length ? `re-registered with a new session ${fmtIds(bounced)}` : "",
      ]
        .filter((s) => s)
        .join(", ") +
      `; live brokers now ${fmtIds(curIds)}`,
    { zk: "brokerChange", added, gone, bounced },
  );
  ctx.live = cur;
  ctx.shuttingDown = ctx.shuttingDown.filter((id) => !includes(failed, id));
  const drafts: Drafts = new Map();
  if (failed.length > 0) {
    // onBrokerFailure: partitions they led go offline and get an offline election...
    const liveForFailure = curIds.filter((id) => !includes(bounced, id));
    for (const key of sortedKeys(ctx)) {
      const p = ctx.partitions[key];
      if (!p.exists || ctx.deleting.includes(p.topic)) continue;
      if (includes(failed, current(ctx, drafts, key).leader)) electOffline(ctx, drafts, key, liveForFailure, null);
    }
    // ...then each dead replica leaves the ISRs (never emptying one).
    for (const f of failed) {
      for (const key of sortedKeys(ctx)) {
        const p = ctx.partitions[key];
        if (!p.exists || ctx.deleting.includes(p.topic) || !includes(p.replicas, f)) continue;
        const cur = current(ctx, drafts, key);
        const out = zkRemoveReplicaFromIsr(
          { leader: cur.leader, leaderEpoch: cur.leaderEpoch, isr: cur.isr, leaderRecoveryState: cur.recovery },
          f,
        );
        if (out.changed) putOutcome(ctx, drafts, key, out, [f]);
      }
    }
  }
  if (started.length > 0) {
    // onBrokerStartup: everyone learns the broker list, the new ones the whole state and their replicas.
    const why = `broker ${fmtIds(started)} registered`;
    const existing = curIds.filter((id) => !includes(started, id));
    sendUpdateMetadata(engine, broker, ctx, existing, [], why);
    sendUpdateMetadata(engine, broker, ctx, started, sortedKeys(ctx), why, Object.keys(ctx.topics).sort());
    for (const b of started) {
      const mine = sortedKeys(ctx).filter((k) => ctx.partitions[k].exists && includes(ctx.partitions[k].replicas, b));
      if (mine.length > 0) sendLeaderAndIsr(engine, broker, ctx, b, mine, why);
    }
  }
  triggerOnline(engine, broker, ctx, drafts, null);
  const why =
    failed.length > 0
      ? `broker ${fmtIds(failed)} left /brokers/ids (controller epoch ${ctx.epoch})`
      : `broker ${fmtIds(started)} registered (controller epoch ${ctx.epoch})`;
  commit(engine, broker, z, ctx, drafts, { why, metadataAlways: failed.length > 0 });
}

// ------------------------------------------------------------------ ISR changes from leaders

function onAlterPartition(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  req: AlterPartitionRequest,
): void {
  const key = tpKey(req.topic, req.partition);
  const reject = (error: Exclude<AlterPartitionResult["error"], "NONE">, why: string): void => {
    engine.record(
      "note",
      broker.id,
      `controller ${broker.id} rejected AlterPartition for ${key} from broker ${req.leaderId}: ${why} (${error})`,
      {
        zk: "alterPartitionRejected",
        key,
        error,
      },
    );
    replyAlterPartition(engine, broker, req.leaderId, req.topic, req.partition, { error });
    if (ctx.partitions[key]?.exists)
      sendUpdateMetadata(engine, broker, ctx, liveIds(ctx), [key], `AlterPartition for ${key} rejected`);
  };
  const entry = ctx.live.find((b) => b.id === req.leaderId);
  if (!entry || (req.brokerEpoch >= 0 && entry.epoch !== req.brokerEpoch)) {
    reject(
      "STALE_BROKER_EPOCH",
      `broker epoch ${req.brokerEpoch} is not the registered ${entry ? entry.epoch : "(none)"}`,
    );
    return;
  }
  const p = ctx.partitions[key];
  if (!p || !p.exists) {
    reject("UNKNOWN_TOPIC_OR_PARTITION", "the controller has no such partition");
    return;
  }
  if (req.partitionEpoch > p.zkVersion || req.leaderEpoch > p.leaderEpoch) {
    reject("NOT_CONTROLLER", "the request is newer than this controller's state: it may be a deposed controller");
    return;
  }
  if (req.leaderEpoch < p.leaderEpoch) {
    reject("FENCED_LEADER_EPOCH", `leader epoch ${req.leaderEpoch} is older than the current ${p.leaderEpoch}`);
    return;
  }
  const same =
    p.leader === req.leaderId &&
    p.recovery === "RECOVERED" &&
    p.isr.length === req.newIsr.length &&
    p.isr.every((id, i) => id === req.newIsr[i]);
  if (same) {
    replyAlterPartition(engine, broker, req.leaderId, req.topic, req.partition, {
      error: "NONE",
      isr: p.isr.slice(),
      leaderEpoch: p.leaderEpoch,
      partitionEpoch: p.zkVersion,
    });
    return;
  }
  if (req.partitionEpoch < p.zkVersion) {
    reject(
      "INVALID_UPDATE_VERSION",
      `partition epoch ${req.partitionEpoch} is older than the znode's version ${p.zkVersion}`,
    );
    return;
  }
  const online = onlineIds(ctx);
  const ineligible = req.newIsr.filter((id) => !includes(online, id));
  if (ineligible.length > 0) {
    reject("INELIGIBLE_REPLICA", `${fmtIds(ineligible)} not registered or shutting down`);
    return;
  }
  const grows = req.newIsr.length > p.isr.length;
  const drafts: Drafts = new Map();
  drafts.set(key, {
    key,
    leader: req.leaderId,
    leaderEpoch: p.leaderEpoch,
    isr: req.newIsr.slice(),
    recovery: "RECOVERED",
    create: false,
    expectedVersion: req.partitionEpoch,
    unclean: false,
    reason: `AlterPartition from leader ${req.leaderId}: ISR ${grows ? "expands" : "shrinks"} ${fmtIds(p.isr)} → ${fmtIds(req.newIsr)}`,
    leaderAndIsr: false,
    skip: [],
  });
  commit(engine, broker, z, ctx, drafts, {
    why: `AlterPartition from broker ${req.leaderId}`,
    metadataAlways: false,
    alterPartition: { broker: req.leaderId, topic: req.topic, partition: req.partition },
  });
}

// ------------------------------------------------------------------ controlled shutdown

function onControlledShutdown(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  id: BrokerId,
  brokerEpoch: number,
  attempt: number,
): void {
  const entry = ctx.live.find((b) => b.id === id);
  const fail = (error: string): void => {
    engine.send(broker.id, brokerActorId(id), { type: "zk.ControlledShutdownResponse", attempt, error, remaining: [] });
  };
  if (!entry) return fail("BROKER_NOT_AVAILABLE");
  if (brokerEpoch >= 0 && brokerEpoch < entry.epoch) return fail("STALE_BROKER_EPOCH");
  if (!includes(ctx.shuttingDown, id)) ctx.shuttingDown = [...ctx.shuttingDown, id].sort((a, b) => a - b);
  const drafts: Drafts = new Map();
  for (const key of sortedKeys(ctx)) {
    const p = ctx.partitions[key];
    if (!p.exists || p.replicas.length <= 1 || !includes(p.replicas, id) || ctx.deleting.includes(p.topic)) continue;
    const cur = current(ctx, drafts, key);
    const lai = { leader: cur.leader, leaderEpoch: cur.leaderEpoch, isr: cur.isr, leaderRecoveryState: cur.recovery };
    if (cur.leader === id) {
      const out = zkElectLeader({
        strategy: "controlledShutdown",
        assignment: p.replicas,
        leaderAndIsr: lai,
        liveBrokers: liveIds(ctx),
        shuttingDownBrokers: ctx.shuttingDown,
      });
      if (out.changed) putOutcome(ctx, drafts, key, out);
    } else {
      const out = zkRemoveReplicaFromIsr(lai, id);
      if (out.changed) putOutcome(ctx, drafts, key, out, [id]);
    }
  }
  engine.record(
    "emit",
    broker.id,
    `controller ${broker.id}: broker ${id} asked for a controlled shutdown; moving ${[...drafts.keys()].filter((k) => ctx.partitions[k].leader === id).length} leaderships away (first live ISR member not shutting down) and taking it out of the other ISRs`,
    { zk: "controlledShutdown", broker: id },
  );
  commit(engine, broker, z, ctx, drafts, {
    why: `controlled shutdown of broker ${id}`,
    metadataAlways: true,
    controlledShutdown: { broker: id, attempt },
  });
}

// ------------------------------------------------------------------ preferred leaders

function canPreferredLead(ctx: ControllerCtx, drafts: Drafts, key: string): boolean {
  const p = ctx.partitions[key];
  const head = p.replicas[0];
  return includes(onlineIds(ctx), head) && includes(current(ctx, drafts, key).isr, head);
}

function electPreferred(ctx: ControllerCtx, drafts: Drafts, key: string): ElectionOutcome {
  const p = ctx.partitions[key];
  const cur = current(ctx, drafts, key);
  const out = zkElectLeader({
    strategy: "preferred",
    assignment: p.replicas,
    leaderAndIsr: { leader: cur.leader, leaderEpoch: cur.leaderEpoch, isr: cur.isr, leaderRecoveryState: cur.recovery },
    liveBrokers: liveIds(ctx),
    shuttingDownBrokers: ctx.shuttingDown,
  });
  if (out.changed) putOutcome(ctx, drafts, key, out);
  return out;
}

/** checkAndTriggerAutoLeaderRebalance: the 10 % rule (leader.imbalance.per.broker.percentage). */
function onAutoRebalance(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  reschedule: boolean,
): void {
  const store = zkStore(engine);
  if (reschedule) scheduleAutoRebalance(engine, broker, ctx, store.timings.leaderImbalanceCheckIntervalMs);
  const pct = store.brokerConfig.leaderImbalancePerBrokerPercentage;
  const byPreferred = new Map<number, string[]>();
  for (const key of sortedKeys(ctx)) {
    const p = ctx.partitions[key];
    if (!p.exists || ctx.deleting.includes(p.topic) || p.replicas.length === 0) continue;
    const list = byPreferred.get(p.replicas[0]) ?? [];
    list.push(key);
    byPreferred.set(p.replicas[0], list);
  }
  const drafts: Drafts = new Map();
  const notes: string[] = [];
  for (const b of [...byPreferred.keys()].sort((x, y) => x - y)) {
    const keys = byPreferred.get(b) as string[];
    const elsewhere = keys.filter((k) => ctx.partitions[k].leader !== b);
    const ratio = elsewhere.length / keys.length;
    if (ratio * 100 <= pct) continue;
    const candidates = elsewhere.filter((k) => canPreferredLead(ctx, drafts, k));
    for (const k of candidates) electPreferred(ctx, drafts, k);
    notes.push(
      `broker ${b} leads ${keys.length - elsewhere.length} of the ${keys.length} partitions it prefers ` +
        `(${Math.round(ratio * 100)} % imbalance > ${pct} %): ${candidates.length > 0 ? `preferred election for ${candidates.join(", ")}` : "but its preferred replicas are not in sync or not online"}`,
    );
  }
  engine.record(
    "note",
    broker.id,
    `controller ${broker.id}: leader balance check (leader.imbalance.check.interval.seconds, leader.imbalance.per.broker.percentage = ${pct}): ` +
      (notes.length > 0 ? notes.join("; ") : `no broker is more than ${pct} % off its preferred leaderships`),
    { zk: "autoRebalance", elections: drafts.size },
  );
  commit(engine, broker, z, ctx, drafts, { why: "preferred leader election (auto rebalance)", metadataAlways: false });
}

function onReplicaLeaderElection(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  electionType: "PREFERRED" | "UNCLEAN",
  keys: readonly string[],
): void {
  const drafts: Drafts = new Map();
  for (const key of keys) {
    const p = ctx.partitions[key];
    if (!p || !p.exists || ctx.deleting.includes(p.topic)) continue;
    if (electionType === "PREFERRED") {
      if (p.leader !== p.replicas[0]) electPreferred(ctx, drafts, key);
    } else if (p.leader === NO_LEADER || !includes(liveIds(ctx), p.leader)) {
      electOffline(ctx, drafts, key, liveIds(ctx), true);
    }
  }
  commit(engine, broker, z, ctx, drafts, {
    why: `${electionType} leader election (ElectLeaders)`,
    metadataAlways: false,
  });
}

/** What ElectLeaders would answer per partition now (for the admin result). */
export function previewElection(
  ctx: ControllerCtx,
  electionType: "PREFERRED" | "UNCLEAN",
  key: string,
): { error: string; detail: string } {
  const p = ctx.partitions[key];
  if (!p || !p.exists) return { error: "UNKNOWN_TOPIC_OR_PARTITION", detail: `${key} does not exist` };
  const drafts: Drafts = new Map();
  if (electionType === "PREFERRED") {
    if (p.leader === p.replicas[0])
      return { error: "ELECTION_NOT_NEEDED", detail: `${key}: ${p.leader} already leads` };
    const out = electPreferred(ctx, drafts, key);
    return out.changed
      ? { error: "NONE", detail: `${key}: ${out.reason}` }
      : { error: "PREFERRED_LEADER_NOT_AVAILABLE", detail: `${key}: ${out.reason}` };
  }
  if (p.leader !== NO_LEADER && includes(liveIds(ctx), p.leader))
    return { error: "ELECTION_NOT_NEEDED", detail: `${key}: broker ${p.leader} leads` };
  const out = electOffline(ctx, drafts, key, liveIds(ctx), true);
  return out.changed
    ? { error: "NONE", detail: `${key}: ${out.reason}` }
    : { error: "ELIGIBLE_LEADERS_NOT_AVAILABLE", detail: `${key}: ${out.reason}` };
}

// ------------------------------------------------------------------ topics

function onTopicChange(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  names: readonly string[],
): void {
  const fresh = names.filter((n) => ctx.topics[n] === undefined).sort();
  if (fresh.length === 0) return;
  ctx.busy = true;
  const paths = fresh.flatMap((t) => [ZK_PATHS.topic(t), ZK_PATHS.configTopic(t)]);
  zkRequest(
    engine,
    broker,
    z,
    { kind: "read", paths, watchData: fresh.map((t) => ZK_PATHS.topic(t)) },
    { p: "controllerReadTopics", epoch: ctx.epoch, topics: fresh },
  );
}

export function onControllerReadTopics(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  epoch: number,
  topics: readonly string[],
  result: ZkOpResult,
): void {
  const ctx = z.controller;
  if (!ctx || ctx.epoch !== epoch || result.kind !== "read") return;
  ctx.busy = false;
  const store = zkStore(engine);
  const byPath = new Map<string, NodeRead>(result.nodes.map((n) => [n.path, n]));
  const added: string[] = [];
  for (const t of topics) {
    const a = byPath.get(ZK_PATHS.topic(t))?.data ?? null;
    if (a === null || ctx.topics[t]) continue;
    const { topicId, replicas } = decodeAssignment(a);
    addTopic(store, ctx, t, topicId, replicas, decodeTopicConfig(byPath.get(ZK_PATHS.configTopic(t))?.data ?? null));
    added.push(t);
  }
  if (added.length > 0) {
    engine.record(
      "emit",
      broker.id,
      `controller ${broker.id}: new topic ${added.join(", ")} in ZooKeeper: creating its partitions`,
      {
        zk: "newTopics",
        topics: added,
      },
    );
    const drafts: Drafts = new Map();
    for (const t of added) triggerOnline(engine, broker, ctx, drafts, t);
    commit(engine, broker, z, ctx, drafts, {
      why: `new topic ${added.join(", ")}`,
      metadataAlways: true,
      topics: added,
    });
  } else {
    pump(engine, broker, z);
  }
}

function onPartitionModifications(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  topic: string,
  data: string | null,
): void {
  const t = ctx.topics[topic];
  if (!t || data === null || ctx.deleting.includes(topic)) return;
  const { replicas } = decodeAssignment(data);
  if (replicas.length <= t.numPartitions) return;
  const from = t.numPartitions;
  for (let p = from; p < replicas.length; p++) addPartition(ctx, topic, p, replicas[p]);
  t.numPartitions = replicas.length;
  engine.record(
    "emit",
    broker.id,
    `controller ${broker.id}: topic ${topic} grew from ${from} to ${replicas.length} partitions`,
    {
      zk: "partitionsAdded",
      topic,
    },
  );
  const drafts: Drafts = new Map();
  triggerOnline(engine, broker, ctx, drafts, topic);
  commit(engine, broker, z, ctx, drafts, { why: `new partitions of ${topic}`, metadataAlways: true, topics: [topic] });
}

function onTopicDeletion(
  engine: Engine,
  broker: ActorRecord,
  z: BrokerZk,
  ctx: ControllerCtx,
  names: readonly string[],
  resume: boolean,
): void {
  const doomed = names.filter((n) => ctx.topics[n] !== undefined && (resume || !ctx.deleting.includes(n))).sort();
  if (doomed.length === 0) return;
  ctx.deleting = [...new Set([...ctx.deleting, ...doomed])].sort();
  engine.record(
    "emit",
    broker.id,
    `controller ${broker.id}: deleting topic ${doomed.join(", ")}: StopReplica (delete) to its replicas`,
    {
      zk: "deletingTopics",
      topics: doomed,
    },
  );
  for (const t of doomed) sendStopReplica(engine, broker, ctx, t);
  const writes: ZkWrite[] = doomed.flatMap((t) => [
    { op: "delete" as const, path: ZK_PATHS.topic(t), recursive: true },
    { op: "delete" as const, path: ZK_PATHS.configTopic(t), recursive: false },
    { op: "delete" as const, path: ZK_PATHS.deleteTopic(t), recursive: false },
  ]);
  commit(
    engine,
    broker,
    z,
    ctx,
    new Map(),
    { why: `topic ${doomed.join(", ")} deleted`, metadataAlways: true, deletedTopics: doomed },
    writes,
  );
}
