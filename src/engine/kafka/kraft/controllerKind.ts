// The KRaft controller node: an actor of kind "kraft-controller".
//
// Its quorum role lives in raft.machine.ts. Everything else is plain code in
// `onEvent` and the machine's effects: the `__cluster_metadata` log (persisted
// across a crash together with epoch / votedFor / leader), replication by
// fetch with long polls, the leader's high watermark, and — on the active
// controller — the controller duties: broker registrations, heartbeats and
// sessions, AlterPartition, balancing, and serving committed records to brokers.

import { invariant } from "../../core/assert.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorKind, ActorRecord, SimEvent } from "../../world/types.ts";
import { brokerActorId } from "../ids.ts";
import type { Timings } from "../profile.ts";
import type { BrokerConfig } from "../spec.ts";
import { checkQuorumWindowMs, defaultsOf, quorumRequestTimeoutMs } from "./config.ts";
import {
  alterPartition,
  balanceLeadersRecords,
  fenceBrokerRecords,
  processHeartbeat,
  registerBroker,
  uncleanElectionRecords,
} from "./controllerLogic.ts";
import {
  applyEntries,
  EMPTY_CONTROLLER_STATE,
  nextOffsetOf,
  registeredBrokerIds,
  type ControllerState,
} from "./controllerState.ts";
import type {
  AlterPartitionMessage,
  BrokerHeartbeatRequest,
  BrokerRegistrationRequest,
  FetchRequest,
  FetchResponse,
  MetadataFetch,
  MetadataFetchResponse,
  PendingReply,
  VoteRequest,
  VoteResponse,
  BeginQuorumEpoch,
} from "./protocol.ts";
import {
  raftMachine,
  type PersistedElection,
  type RaftContext,
  type RaftEvent,
  type RaftInput,
  type RaftLocal,
} from "./raft.machine.ts";
import { lastEpochOf, majorityOf, nextHighWatermark, truncationOffset, validateFetch } from "./raftLog.ts";
import type { LogEntry, MetadataRecord } from "./records.ts";

export const CONTROLLER_KIND = "kraft-controller";

export interface ControllerConfig {
  readonly index: number;
  readonly nodeId: number;
  readonly voters: readonly string[];
  readonly timings: Timings;
  readonly brokerConfig: BrokerConfig;
}

export interface VoterProgress {
  readonly id: string;
  endOffset: number;
  lastFetchMs: number;
  /** It fetched in this epoch, so it knows the leader (Kafka: acknowledged BeginQuorumEpoch). */
  acknowledged: boolean;
}

export interface BrokerSession {
  readonly brokerId: number;
  lastContactMs: number;
  /** lastContactMs + broker.session.timeout.ms, computed as the engine computes the timer's time (exact). */
  expiresAtMs: number;
  metadataOffset: number;
}

/** A fetch the leader holds until it has something new (a long poll). */
export interface ParkedFetch {
  readonly from: string;
  readonly kind: "voter" | "broker";
  readonly fetchOffset: number;
  readonly reqId: number;
  readonly highWatermark: number;
}

/** Volatile state of the Raft leader and, once its epoch's first record is committed, the active controller. */
export interface LeaderData {
  readonly epoch: number;
  /** Offset of this epoch's LeaderChangeMessage; the HW must pass it. */
  readonly epochStartOffset: number;
  /** The other voters, sorted by id. */
  progress: VoterProgress[];
  /** The controller state including this leader's uncommitted records; null until active. */
  active: ControllerState | null;
  parked: ParkedFetch[];
  pending: PendingReply[];
  sessions: BrokerSession[];
  /** A preferred-leader balancing run is scheduled. */
  balanceScheduled: boolean;
}

export interface ControllerData {
  /** Persisted: the metadata log. Never mutated: appends and truncations replace the array. */
  log: readonly LogEntry[];
  /** Persisted: the quorum-state file. */
  election: PersistedElection;
  /** Volatile: the high watermark this voter knows (exclusive). */
  hw: number;
  /** Volatile: the state replayed from committed records (records below `hw`). */
  committed: ControllerState;
  leader: LeaderData | null;
}

export const cfgOf = (a: ActorRecord): ControllerConfig => a.config as unknown as ControllerConfig;
export const controllerData = (a: ActorRecord): ControllerData => a.data as unknown as ControllerData;

/** The voter's quorum state, read from its machine snapshot. */
export function raftStateOf(a: ActorRecord): { state: string; epoch: number; leaderId: string | null } {
  const snap = a.snapshot;
  if (!snap) return { state: "Initializing", epoch: 0, leaderId: null };
  const v = snap.value as unknown;
  const state = typeof v === "string" ? v : Object.keys(v as object)[0];
  const c = snap.context as RaftContext;
  return { state, epoch: c.epoch, leaderId: c.leaderId };
}

/** The leader data if this live voter is the active controller now. */
export function activeLeaderOf(a: ActorRecord): LeaderData | null {
  if (!a.alive) return null;
  const L = controllerData(a).leader;
  const r = raftStateOf(a);
  return L && L.active && r.state === "Leader" && r.epoch === L.epoch ? L : null;
}

export function raftInputOf(id: string, cfg: ControllerConfig): RaftInput {
  return {
    id,
    nodeId: cfg.nodeId,
    voters: cfg.voters.slice(),
    electionTimeoutMs: cfg.timings.controllerQuorumElectionTimeoutMs,
    fetchTimeoutMs: cfg.timings.controllerQuorumFetchTimeoutMs,
    electionBackoffMaxMs: cfg.timings.controllerQuorumElectionBackoffMaxMs,
    requestTimeoutMs: quorumRequestTimeoutMs(cfg.timings),
  };
}

function localOf(engine: Engine, a: ActorRecord): RaftLocal {
  const d = controllerData(a);
  const t = cfgOf(a).timings.controllerQuorumElectionTimeoutMs;
  const rng = engine.rng(`kraft.${a.id}`);
  // Two draws for every event the machine sees, whatever it does with them.
  const randomElectionTimeoutMs = t + rng.int(0, Math.max(0, t - 1));
  const backoffRandom = rng.next();
  return {
    nowMs: engine.nowMs,
    logEndOffset: d.log.length,
    lastEpoch: lastEpochOf(d.log),
    highWatermark: d.hw,
    randomElectionTimeoutMs,
    backoffRandom,
  };
}

type RaftEventBody = RaftEvent extends infer E ? (E extends { local: RaftLocal } ? Omit<E, "local"> : never) : never;

/** Hands an event to the voter's machine, with the log's tail and fresh random draws. */
export function dispatchRaft(engine: Engine, a: ActorRecord, ev: RaftEventBody): void {
  engine.dispatch(a.id, { ...ev, local: localOf(engine, a) });
}

/** A message carried a newer epoch: follow its leader if it names one, else become Unattached in it. */
function noteEpoch(engine: Engine, a: ActorRecord, epoch: number, leaderId: string | null, why: string): void {
  const r = raftStateOf(a);
  if (epoch <= r.epoch) return;
  if (leaderId !== null && leaderId !== a.id) dispatchRaft(engine, a, { type: "raft.newLeader", epoch, leaderId, why });
  else dispatchRaft(engine, a, { type: "raft.higherEpoch", epoch, why });
}

/** Who a non-active voter points callers to: the leader it knows, or itself while it is a leader not yet active. */
function leaderHint(a: ActorRecord): string | null {
  const r = raftStateOf(a);
  if (r.state === "Leader") return a.id;
  return r.leaderId;
}

// ------------------------------------------------------------------ committed state

function applyCommitted(a: ActorRecord): void {
  const d = controllerData(a);
  const from = nextOffsetOf(d.committed);
  if (from >= d.hw) return;
  d.committed = applyEntries(d.committed, d.log.slice(from, d.hw), defaultsOf(cfgOf(a)));
}

// ------------------------------------------------------------------ leader: HW, parked fetches, replies

function maybeAdvanceHw(engine: Engine, a: ActorRecord): void {
  const d = controllerData(a);
  const L = d.leader;
  if (!L) return;
  const next = nextHighWatermark(
    d.log.length,
    L.progress.map((p) => p.endOffset),
    L.epochStartOffset,
    d.hw,
  );
  if (next <= d.hw) return;
  const from = d.hw;
  d.hw = next;
  const holders = [a.id, ...L.progress.filter((p) => p.endOffset >= next).map((p) => p.id)].sort();
  const voters = cfgOf(a).voters.length;
  engine.record(
    "note",
    a.id,
    `metadata ${from === next - 1 ? `record ${from}` : `records ${from}–${next - 1}`} committed (high watermark ${next}): ` +
      `${holders.join(", ")} hold ${next === from + 1 ? "it" : "them"}, a majority of the ${voters} voter${voters === 1 ? "" : "s"}`,
    { highWatermark: next, epoch: L.epoch },
  );
  applyCommitted(a);
  if (!L.active && d.hw > L.epochStartOffset) activate(engine, a);
  flushPending(engine, a);
  completeParked(engine, a);
}

function flushPending(engine: Engine, a: ActorRecord): void {
  const d = controllerData(a);
  const L = d.leader;
  if (!L || L.pending.length === 0) return;
  const due = L.pending.filter((p) => p.afterOffset < d.hw);
  if (due.length === 0) return;
  L.pending = L.pending.filter((p) => p.afterOffset >= d.hw);
  for (const p of due) engine.send(a.id, p.to, p.event);
}

function sendVoterFetchAnswer(engine: Engine, a: ActorRecord, to: string, fetchOffset: number): void {
  const d = controllerData(a);
  const L = d.leader;
  invariant(L, `${a.id} answers a fetch without being leader`);
  const ev: FetchResponse = {
    type: "kraft.FetchResponse",
    error: "NONE",
    epoch: L.epoch,
    leaderId: a.id,
    fetchOffset,
    records: d.log.slice(fetchOffset),
    highWatermark: d.hw,
    divergingEpoch: null,
  };
  engine.send(a.id, to, ev);
}

function sendBrokerFetchAnswer(engine: Engine, a: ActorRecord, to: string, reqId: number, fetchOffset: number): void {
  const d = controllerData(a);
  const r = raftStateOf(a);
  const ev: MetadataFetchResponse = {
    type: "kraft.MetadataFetchResponse",
    reqId,
    error: "NONE",
    leaderId: a.id,
    epoch: r.epoch,
    fetchOffset,
    records: fetchOffset < d.hw ? d.log.slice(Math.max(0, fetchOffset), d.hw) : [],
    highWatermark: d.hw,
  };
  engine.send(a.id, to, ev);
}

function park(engine: Engine, a: ActorRecord, p: ParkedFetch): void {
  const L = controllerData(a).leader;
  invariant(L, `${a.id} parks a fetch without being leader`);
  L.parked = [...L.parked.filter((x) => x.from !== p.from), p].sort((x, y) => (x.from < y.from ? -1 : 1));
  engine.schedule(
    a.id,
    cfgOf(a).timings.metadataFetchWaitMaxMs,
    { type: "kraft.parkedFetchExpired", from: p.from, epoch: L.epoch },
    `kraft.parked.${p.from}`,
  );
}

/** Answers every held fetch that now has news: new records, or (for voters) a newer HW. */
function completeParked(engine: Engine, a: ActorRecord): void {
  const d = controllerData(a);
  const L = d.leader;
  if (!L || L.parked.length === 0) return;
  const ready = L.parked.filter((p) =>
    p.kind === "voter" ? p.fetchOffset < d.log.length || d.hw > p.highWatermark : p.fetchOffset < d.hw,
  );
  if (ready.length === 0) return;
  L.parked = L.parked.filter((p) => !ready.includes(p));
  for (const p of ready) {
    engine.cancel(a.id, `kraft.parked.${p.from}`);
    if (p.kind === "voter") sendVoterFetchAnswer(engine, a, p.from, p.fetchOffset);
    else sendBrokerFetchAnswer(engine, a, p.from, p.reqId, p.fetchOffset);
  }
}

/** Appends records at the active controller; returns the offset of the last one. */
export function leaderAppend(engine: Engine, a: ActorRecord, records: readonly MetadataRecord[]): number {
  const d = controllerData(a);
  const L = d.leader;
  invariant(L && L.active, `${a.id} appends metadata without being the active controller`);
  const base = d.log.length;
  const entries: LogEntry[] = records.map((record, i) => ({
    offset: base + i,
    epoch: L.epoch,
    appendedAtMs: engine.nowMs,
    record,
  }));
  d.log = d.log.concat(entries);
  L.active = applyEntries(L.active, entries, defaultsOf(cfgOf(a)));
  for (const e of entries) {
    engine.record(
      "note",
      a.id,
      `${a.id} appended ${e.record.type} at offset ${e.offset} (epoch ${e.epoch}): ${e.record.summary}`,
      {
        offset: e.offset,
        epoch: e.epoch,
        recordType: e.record.type,
      },
    );
  }
  maybeAdvanceHw(engine, a);
  completeParked(engine, a);
  maybeScheduleBalance(engine, a);
  return base + entries.length - 1;
}

/** Starts (or restarts) a broker's session: it expires after broker.session.timeout.ms without contact. */
function touch(engine: Engine, a: ActorRecord, s: BrokerSession, epoch: number): void {
  const timeoutMs = cfgOf(a).timings.brokerSessionTimeoutMs;
  s.lastContactMs = engine.nowMs;
  s.expiresAtMs = engine.nowMs + timeoutMs;
  const ev = { type: "kraft.sessionExpired", brokerId: s.brokerId, epoch };
  engine.schedule(a.id, timeoutMs, ev, `kraft.session.${s.brokerId}`);
}

function scheduleCheckQuorum(engine: Engine, a: ActorRecord, epoch: number): void {
  const t = cfgOf(a).timings;
  engine.schedule(
    a.id,
    Math.max(1, Math.floor(t.controllerQuorumFetchTimeoutMs / 2)),
    { type: "kraft.checkQuorum", epoch },
    "kraft.checkQuorum",
  );
}

/**
 * The duties of an active controller (QuorumController#claim): every
 * registered broker gets a fresh session (BrokerHeartbeatManager starts each
 * as if it had just heartbeated), and the periodic balancing starts.
 */
export function startActiveDuties(engine: Engine, a: ActorRecord): void {
  const L = controllerData(a).leader;
  invariant(L && L.active, `${a.id} is not the active controller`);
  const image = L.active.image;
  L.sessions = registeredBrokerIds(image).map((brokerId) => ({
    brokerId,
    lastContactMs: engine.nowMs,
    expiresAtMs: 0,
    metadataOffset: -1,
  }));
  for (const s of L.sessions) if (!image.brokers[String(s.brokerId)].fenced) touch(engine, a, s, L.epoch);
  L.balanceScheduled = false;
  maybeScheduleBalance(engine, a);
  scheduleUncleanCheck(engine, a, L.epoch);
}

/**
 * QuorumController#maybeScheduleNextBalancePartitionLeaders: when
 * auto.leader.rebalance.enable and some partition is not led by its preferred
 * replica, balancing runs leader.imbalance.check.interval later (unless already scheduled).
 */
function maybeScheduleBalance(engine: Engine, a: ActorRecord): void {
  const L = controllerData(a).leader;
  const cfg = cfgOf(a);
  if (!L || !L.active || L.balanceScheduled || !cfg.brokerConfig.autoLeaderRebalanceEnable) return;
  const image = L.active.image;
  const imbalanced = Object.keys(image.partitions).some((k) => {
    const p = image.partitions[k];
    return p.replicas.length > 0 && p.leader !== p.replicas[0];
  });
  if (!imbalanced) return;
  L.balanceScheduled = true;
  engine.schedule(
    a.id,
    cfg.timings.leaderImbalanceCheckIntervalMs,
    { type: "kraft.balance", epoch: L.epoch },
    "kraft.balance",
  );
}

/**
 * The periodic unclean election of leaderless partitions (unclean.leader.election.interval.ms,
 * 5 min by default; not a profile setting, so the simulator uses leader.imbalance.check.interval).
 */
function scheduleUncleanCheck(engine: Engine, a: ActorRecord, epoch: number): void {
  engine.schedule(
    a.id,
    cfgOf(a).timings.leaderImbalanceCheckIntervalMs,
    { type: "kraft.uncleanCheck", epoch },
    "kraft.uncleanCheck",
  );
}

function activate(engine: Engine, a: ActorRecord): void {
  const d = controllerData(a);
  const L = d.leader;
  invariant(L, `${a.id} activates without being leader`);
  invariant(nextOffsetOf(d.committed) === d.log.length, `${a.id} activates with uncommitted records of other epochs`);
  L.active = d.committed;
  startActiveDuties(engine, a);
  engine.record(
    "note",
    a.id,
    `controller ${a.id} is now the active controller (epoch ${L.epoch}): its LeaderChangeMessage is committed, and its state is the replay of the ${d.hw} committed metadata records`,
    { activeController: a.id, epoch: L.epoch },
  );
}

// ------------------------------------------------------------------ effects of the machine

function becomeLeader(engine: Engine, a: ActorRecord, epoch: number): void {
  const d = controllerData(a);
  if (d.leader && d.leader.epoch === epoch) return; // prepared by bootstrap
  const cfg = cfgOf(a);
  const others = cfg.voters.filter((v) => v !== a.id);
  d.leader = {
    epoch,
    epochStartOffset: d.log.length,
    progress: others.map((id) => ({ id, endOffset: 0, lastFetchMs: engine.nowMs, acknowledged: false })),
    active: null,
    parked: [],
    pending: [],
    sessions: [],
    balanceScheduled: false,
  };
  const entry: LogEntry = {
    offset: d.log.length,
    epoch,
    appendedAtMs: engine.nowMs,
    record: {
      type: "LeaderChangeMessage",
      leaderId: a.id,
      epoch,
      voters: cfg.voters.slice(),
      summary: `${a.id} leads the metadata quorum in epoch ${epoch} (voters ${cfg.voters.join(", ")})`,
    },
  };
  d.log = d.log.concat([entry]);
  engine.record(
    "note",
    a.id,
    `${a.id} appended LeaderChangeMessage at offset ${entry.offset} (epoch ${epoch}); it becomes the active controller once that record is committed`,
    { offset: entry.offset, epoch },
  );
  for (const v of others) {
    const ev: BeginQuorumEpoch = { type: "kraft.BeginQuorumEpoch", leaderId: a.id, epoch };
    engine.send(a.id, v, ev);
  }
  scheduleCheckQuorum(engine, a, epoch);
  maybeAdvanceHw(engine, a);
}

function leaveLeader(engine: Engine, a: ActorRecord): void {
  const d = controllerData(a);
  const L = d.leader;
  if (!L) return;
  // Requests waiting for a commit get NOT_CONTROLLER; brokers retry at the new controller.
  for (const p of L.pending) {
    if (p.event.type === "kraft.AlterPartitionResponse") {
      engine.send(a.id, p.to, { ...p.event, result: { error: "NOT_CONTROLLER" }, leaderId: null });
    }
  }
  // Brokers waiting in a long poll are told at once where to go (the new leader, if already known).
  const r = raftStateOf(a);
  for (const p of L.parked) {
    engine.cancel(a.id, `kraft.parked.${p.from}`);
    if (p.kind !== "broker") continue;
    const ev: MetadataFetchResponse = {
      type: "kraft.MetadataFetchResponse",
      reqId: p.reqId,
      error: "NOT_CONTROLLER",
      leaderId: r.leaderId === a.id ? null : r.leaderId,
      epoch: r.epoch,
      fetchOffset: p.fetchOffset,
      records: [],
      highWatermark: -1,
    };
    engine.send(a.id, p.from, ev);
  }
  engine.cancel(a.id, "kraft.checkQuorum");
  engine.cancel(a.id, "kraft.balance");
  engine.cancel(a.id, "kraft.uncleanCheck");
  for (const s of L.sessions) engine.cancel(a.id, `kraft.session.${s.brokerId}`);
  d.leader = null;
  if (L.active)
    engine.record("note", a.id, `controller ${a.id} is no longer the active controller (it led epoch ${L.epoch})`);
}

// ------------------------------------------------------------------ messages

function onVoterFetch(engine: Engine, a: ActorRecord, req: FetchRequest): void {
  if (req.epoch > raftStateOf(a).epoch) {
    dispatchRaft(engine, a, {
      type: "raft.higherEpoch",
      epoch: req.epoch,
      why: `${req.replicaId} fetched in the newer epoch ${req.epoch}`,
    });
  }
  const r = raftStateOf(a);
  const d = controllerData(a);
  const L = d.leader;
  if (r.state !== "Leader" || !L || L.epoch !== req.epoch) {
    const ev: FetchResponse = {
      type: "kraft.FetchResponse",
      error: req.epoch < r.epoch ? "FENCED_LEADER_EPOCH" : "NOT_LEADER_OR_FOLLOWER",
      epoch: r.epoch,
      leaderId: r.state === "Leader" ? a.id : r.leaderId,
      fetchOffset: req.fetchOffset,
      records: [],
      highWatermark: d.hw,
      divergingEpoch: null,
    };
    engine.send(a.id, req.replicaId, ev);
    return;
  }
  const progress = L.progress.find((p) => p.id === req.replicaId);
  if (!progress) return; // not a voter of this quorum
  progress.lastFetchMs = engine.nowMs;
  progress.acknowledged = true;
  const v = validateFetch(d.log, req.fetchOffset, req.lastFetchedEpoch);
  if (!v.ok) {
    const ev: FetchResponse = {
      type: "kraft.FetchResponse",
      error: "NONE",
      epoch: L.epoch,
      leaderId: a.id,
      fetchOffset: req.fetchOffset,
      records: [],
      highWatermark: d.hw,
      divergingEpoch: v.divergingEpoch,
    };
    engine.send(a.id, req.replicaId, ev);
    return;
  }
  progress.endOffset = req.fetchOffset;
  maybeAdvanceHw(engine, a);
  if (req.fetchOffset < d.log.length || d.hw > req.highWatermark)
    sendVoterFetchAnswer(engine, a, req.replicaId, req.fetchOffset);
  else
    park(engine, a, {
      from: req.replicaId,
      kind: "voter",
      fetchOffset: req.fetchOffset,
      reqId: 0,
      highWatermark: req.highWatermark,
    });
}

function onFetchResponse(engine: Engine, a: ActorRecord, resp: FetchResponse): void {
  const r0 = raftStateOf(a);
  if (resp.epoch > r0.epoch) {
    noteEpoch(
      engine,
      a,
      resp.epoch,
      resp.leaderId,
      `a fetch answer showed the newer epoch ${resp.epoch}${resp.leaderId ? ` led by ${resp.leaderId}` : ""}`,
    );
    return;
  }
  const r = raftStateOf(a);
  if (resp.error !== "NONE" || r.state !== "Follower" || resp.epoch !== r.epoch || resp.leaderId !== r.leaderId) return;
  const d = controllerData(a);
  if (resp.fetchOffset !== d.log.length) return; // an answer to an earlier fetch
  if (resp.divergingEpoch) {
    const to = truncationOffset(d.log, resp.divergingEpoch);
    invariant(to >= d.hw, `${a.id} would truncate committed metadata (to ${to}, HW ${d.hw})`);
    const dropped = d.log.length - to;
    d.log = d.log.slice(0, to);
    engine.record(
      "note",
      a.id,
      `${a.id} truncated its metadata log to offset ${to}, dropping ${dropped} uncommitted record(s): leader ${resp.leaderId}'s log has epoch ${resp.divergingEpoch.epoch} ending at offset ${resp.divergingEpoch.endOffset}`,
      { truncatedTo: to },
    );
  } else if (resp.records.length > 0) {
    invariant(
      resp.records[0].offset === d.log.length,
      `${a.id} got records from ${resp.records[0].offset}, expected ${d.log.length}`,
    );
    d.log = d.log.concat(resp.records);
  }
  const hw = Math.max(d.hw, Math.min(resp.highWatermark, d.log.length));
  if (hw > d.hw) {
    d.hw = hw;
    applyCommitted(a);
  }
  dispatchRaft(engine, a, { type: "raft.fetched", epoch: resp.epoch, leaderId: resp.leaderId as string });
}

function onParkedExpired(engine: Engine, a: ActorRecord, ev: { from: string; epoch: number }): void {
  const L = controllerData(a).leader;
  if (!L || L.epoch !== ev.epoch) return;
  const p = L.parked.find((x) => x.from === ev.from);
  if (!p) return;
  L.parked = L.parked.filter((x) => x !== p);
  if (p.kind === "voter") sendVoterFetchAnswer(engine, a, p.from, p.fetchOffset);
  else sendBrokerFetchAnswer(engine, a, p.from, p.reqId, p.fetchOffset);
}

function onMetadataFetch(engine: Engine, a: ActorRecord, req: MetadataFetch): void {
  const to = brokerActorId(req.brokerId);
  const L = activeLeaderOf(a);
  if (!L) {
    const ev: MetadataFetchResponse = {
      type: "kraft.MetadataFetchResponse",
      reqId: req.reqId,
      error: "NOT_CONTROLLER",
      leaderId: leaderHint(a),
      epoch: raftStateOf(a).epoch,
      fetchOffset: req.fetchOffset,
      records: [],
      highWatermark: -1,
    };
    engine.send(a.id, to, ev);
    return;
  }
  if (req.fetchOffset < controllerData(a).hw) sendBrokerFetchAnswer(engine, a, to, req.reqId, req.fetchOffset);
  else park(engine, a, { from: to, kind: "broker", fetchOffset: req.fetchOffset, reqId: req.reqId, highWatermark: -1 });
}

function touchSession(engine: Engine, a: ActorRecord, L: LeaderData, brokerId: number, metadataOffset: number): void {
  let s = L.sessions.find((x) => x.brokerId === brokerId);
  if (!s) {
    s = { brokerId, lastContactMs: engine.nowMs, expiresAtMs: 0, metadataOffset };
    L.sessions = [...L.sessions, s].sort((x, y) => x.brokerId - y.brokerId);
  }
  s.metadataOffset = metadataOffset;
  touch(engine, a, s, L.epoch);
}

function reply(engine: Engine, a: ActorRecord, lastOffset: number | null, p: PendingReply): void {
  const L = controllerData(a).leader;
  if (lastOffset === null || !L) engine.send(a.id, p.to, p.event);
  else {
    L.pending = [...L.pending, { ...p, afterOffset: lastOffset }];
    flushPending(engine, a);
  }
}

function onBrokerRequest(
  engine: Engine,
  a: ActorRecord,
  ev: BrokerRegistrationRequest | BrokerHeartbeatRequest | AlterPartitionMessage,
): void {
  const to = brokerActorId(ev.brokerId);
  const L = activeLeaderOf(a);
  const r = raftStateOf(a);
  if (!L || !L.active) {
    const notController = { error: "NOT_CONTROLLER" as const };
    const hint = leaderHint(a);
    if (ev.type === "kraft.BrokerRegistration") {
      engine.send(a.id, to, {
        type: "kraft.BrokerRegistrationResponse",
        reqId: ev.reqId,
        reply: notController,
        leaderId: hint,
        epoch: r.epoch,
      });
    } else if (ev.type === "kraft.BrokerHeartbeat") {
      engine.send(a.id, to, {
        type: "kraft.BrokerHeartbeatResponse",
        reqId: ev.reqId,
        reply: notController,
        leaderId: hint,
        epoch: r.epoch,
      });
    } else {
      engine.send(a.id, to, {
        type: "kraft.AlterPartitionResponse",
        reqId: ev.reqId,
        topic: ev.request.topic,
        partition: ev.request.partition,
        result: notController,
        leaderId: hint,
        epoch: r.epoch,
      });
    }
    return;
  }
  const state = L.active;
  switch (ev.type) {
    case "kraft.BrokerRegistration": {
      const reg = state.image.brokers[String(ev.brokerId)];
      const s = L.sessions.find((x) => x.brokerId === ev.brokerId);
      const validSession = !!reg && !reg.fenced && !!s && engine.nowMs < s.expiresAtMs;
      const dec = registerBroker(state, ev, validSession, controllerData(a).log.length);
      if (dec.reply.error !== "NONE") {
        engine.record(
          "note",
          a.id,
          `registration of broker ${ev.brokerId} refused with ${dec.reply.error}: ${dec.why}`,
          {
            brokerId: ev.brokerId,
            error: dec.reply.error,
          },
        );
        engine.send(a.id, to, {
          type: "kraft.BrokerRegistrationResponse",
          reqId: ev.reqId,
          reply: dec.reply,
          leaderId: a.id,
          epoch: L.epoch,
        });
        return;
      }
      const last = leaderAppend(engine, a, dec.records);
      touchSession(engine, a, L, ev.brokerId, -1);
      reply(engine, a, last, {
        afterOffset: last,
        to,
        event: {
          type: "kraft.BrokerRegistrationResponse",
          reqId: ev.reqId,
          reply: dec.reply,
          leaderId: a.id,
          epoch: L.epoch,
        },
      });
      return;
    }
    case "kraft.BrokerHeartbeat": {
      const dec = processHeartbeat(state.image, ev);
      if (dec.reply.error === "NONE") touchSession(engine, a, L, ev.brokerId, ev.currentMetadataOffset);
      const last = dec.records.length > 0 ? leaderAppend(engine, a, dec.records) : null;
      if (dec.current !== dec.next && dec.records.length === 0 && dec.next === "SHUTDOWN_NOW") {
        engine.record("note", a.id, `broker ${ev.brokerId} may shut down now: it leads no partition`);
      }
      reply(engine, a, last, {
        afterOffset: last ?? -1,
        to,
        event: {
          type: "kraft.BrokerHeartbeatResponse",
          reqId: ev.reqId,
          reply: dec.reply,
          leaderId: a.id,
          epoch: L.epoch,
        },
      });
      return;
    }
    case "kraft.AlterPartition": {
      const dec = alterPartition(state.image, ev.request);
      const key = `${ev.request.topic}-${ev.request.partition}`;
      if (dec.result.error !== "NONE") {
        engine.record(
          "note",
          a.id,
          `AlterPartition from broker ${ev.brokerId} for ${key} rejected with ${dec.result.error}: ${dec.why}`,
          {
            topic: ev.request.topic,
            partition: ev.request.partition,
            error: dec.result.error,
          },
        );
      }
      const last = dec.records.length > 0 ? leaderAppend(engine, a, dec.records) : null;
      reply(engine, a, last, {
        afterOffset: last ?? -1,
        to,
        event: {
          type: "kraft.AlterPartitionResponse",
          reqId: ev.reqId,
          topic: ev.request.topic,
          partition: ev.request.partition,
          result: dec.result,
          leaderId: a.id,
          epoch: L.epoch,
        },
      });
      return;
    }
  }
}

function onSessionExpired(engine: Engine, a: ActorRecord, ev: { brokerId: number; epoch: number }): void {
  const L = activeLeaderOf(a);
  if (!L || !L.active || L.epoch !== ev.epoch) return;
  const t = cfgOf(a).timings;
  const s = L.sessions.find((x) => x.brokerId === ev.brokerId);
  const reg = L.active.image.brokers[String(ev.brokerId)];
  if (!s || !reg || reg.fenced) return;
  if (engine.nowMs < s.expiresAtMs) return; // a newer contact restarted the session
  const silentMs = engine.nowMs - s.lastContactMs;
  leaderAppend(
    engine,
    a,
    fenceBrokerRecords(
      L.active.image,
      ev.brokerId,
      `no heartbeat for ${Math.round(silentMs)} ms (broker.session.timeout.ms = ${t.brokerSessionTimeoutMs})`,
    ),
  );
}

function onBalance(engine: Engine, a: ActorRecord, ev: { epoch: number }): void {
  const L = activeLeaderOf(a);
  if (!L || !L.active || L.epoch !== ev.epoch) return;
  L.balanceScheduled = false;
  const moves = balanceLeadersRecords(L.active.image);
  if (moves.length > 0) leaderAppend(engine, a, moves);
  else maybeScheduleBalance(engine, a);
}

function onUncleanCheck(engine: Engine, a: ActorRecord, ev: { epoch: number }): void {
  const L = activeLeaderOf(a);
  if (!L || !L.active || L.epoch !== ev.epoch) return;
  const unclean = uncleanElectionRecords(L.active.image);
  if (unclean.length > 0) leaderAppend(engine, a, unclean);
  scheduleUncleanCheck(engine, a, ev.epoch);
}

function onCheckQuorum(engine: Engine, a: ActorRecord, ev: { epoch: number }): void {
  const d = controllerData(a);
  const L = d.leader;
  const r = raftStateOf(a);
  if (!L || L.epoch !== ev.epoch || r.state !== "Leader") return;
  const t = cfgOf(a).timings;
  const windowMs = checkQuorumWindowMs(t);
  const heard = L.progress.filter((p) => engine.nowMs - p.lastFetchMs <= windowMs).length + 1;
  const voters = cfgOf(a).voters.length;
  if (heard >= majorityOf(voters)) {
    // LeaderState keeps sending BeginQuorumEpoch to voters that have not acknowledged this epoch.
    for (const p of L.progress) {
      if (p.acknowledged) continue;
      const begin: BeginQuorumEpoch = { type: "kraft.BeginQuorumEpoch", leaderId: a.id, epoch: L.epoch };
      engine.send(a.id, p.id, begin);
    }
    scheduleCheckQuorum(engine, a, ev.epoch);
    return;
  }
  dispatchRaft(engine, a, {
    type: "raft.resign",
    why: `only ${heard} of the ${voters} voters (itself included) fetched within ${windowMs} ms (1.5 × controller.quorum.fetch.timeout.ms), so it may be cut off from the majority`,
  });
}

function handleMessage(engine: Engine, a: ActorRecord, ev: SimEvent): void {
  switch (ev.type) {
    case "kraft.Vote": {
      const v = ev as unknown as VoteRequest;
      dispatchRaft(engine, a, {
        type: "raft.voteRequest",
        candidateId: v.candidateId,
        candidateEpoch: v.candidateEpoch,
        lastOffsetEpoch: v.lastOffsetEpoch,
        lastOffset: v.lastOffset,
      });
      return;
    }
    case "kraft.VoteResponse": {
      const v = ev as unknown as VoteResponse;
      noteEpoch(
        engine,
        a,
        v.epoch,
        v.leaderId,
        `${v.voterId} answered its vote request from the newer epoch ${v.epoch}`,
      );
      dispatchRaft(engine, a, {
        type: "raft.voteResponse",
        voterId: v.voterId,
        epoch: v.epoch,
        granted: v.voteGranted,
      });
      return;
    }
    case "kraft.BeginQuorumEpoch": {
      const b = ev as unknown as BeginQuorumEpoch;
      dispatchRaft(engine, a, {
        type: "raft.newLeader",
        epoch: b.epoch,
        leaderId: b.leaderId,
        why: `${b.leaderId} announced itself leader of epoch ${b.epoch} (BeginQuorumEpoch)`,
      });
      return;
    }
    case "kraft.Fetch":
      onVoterFetch(engine, a, ev as unknown as FetchRequest);
      return;
    case "kraft.FetchResponse":
      onFetchResponse(engine, a, ev as unknown as FetchResponse);
      return;
    case "kraft.parkedFetchExpired":
      onParkedExpired(engine, a, ev as unknown as { from: string; epoch: number });
      return;
    case "kraft.MetadataFetch":
      onMetadataFetch(engine, a, ev as unknown as MetadataFetch);
      return;
    case "kraft.BrokerRegistration":
    case "kraft.BrokerHeartbeat":
    case "kraft.AlterPartition":
      onBrokerRequest(
        engine,
        a,
        ev as unknown as BrokerRegistrationRequest | BrokerHeartbeatRequest | AlterPartitionMessage,
      );
      return;
    case "kraft.sessionExpired":
      onSessionExpired(engine, a, ev as unknown as { brokerId: number; epoch: number });
      return;
    case "kraft.balance":
      onBalance(engine, a, ev as unknown as { epoch: number });
      return;
    case "kraft.uncleanCheck":
      onUncleanCheck(engine, a, ev as unknown as { epoch: number });
      return;
    case "kraft.checkQuorum":
      onCheckQuorum(engine, a, ev as unknown as { epoch: number });
      return;
  }
}

function cloneLeader(L: LeaderData): LeaderData {
  return {
    ...L,
    progress: L.progress.map((p) => ({ ...p })),
    parked: L.parked.slice(),
    pending: L.pending.slice(),
    sessions: L.sessions.map((s) => ({ ...s })),
  };
}

export function createControllerKind(): ActorKind {
  return {
    kind: CONTROLLER_KIND,
    machine: raftMachine,
    machineInput: (actor) => raftInputOf(actor.id, cfgOf(actor)),
    createData(actor) {
      // The log and the quorum-state file survive a crash; the rest is process memory.
      const prev = actor.data as Partial<ControllerData>;
      const d: ControllerData = {
        log: prev.log ?? [],
        election: prev.election ?? { epoch: 0, votedFor: null, leaderId: null },
        hw: 0,
        committed: EMPTY_CONTROLLER_STATE,
        leader: null,
      };
      return d as unknown as Record<string, unknown>;
    },
    // Logs, election records and controller states are immutable values: share them.
    cloneData(data) {
      const d = data as unknown as ControllerData;
      return { ...d, leader: d.leader ? cloneLeader(d.leader) : null } as unknown as Record<string, unknown>;
    },
    onEvent(engine, actor, event) {
      if (event.type.startsWith("kraft.")) {
        handleMessage(engine, actor, event);
        return true;
      }
      if ((event as { local?: unknown }).local === undefined) {
        // A timer of the machine: hand it over with the log's tail and fresh draws.
        engine.dispatch(actor.id, { ...event, local: localOf(engine, actor) });
        return true;
      }
      return false;
    },
    effects: {
      persistElection(_engine, actor, params) {
        const p = params as unknown as PersistedElection;
        controllerData(actor).election = { epoch: p.epoch, votedFor: p.votedFor, leaderId: p.leaderId };
      },
      becomeLeader(engine, actor, params) {
        becomeLeader(engine, actor, (params as { epoch: number }).epoch);
      },
      leaveLeader(engine, actor) {
        leaveLeader(engine, actor);
      },
    },
    onRestart(engine, actor) {
      dispatchRaft(engine, actor, { type: "raft.init", persisted: controllerData(actor).election });
    },
  };
}
