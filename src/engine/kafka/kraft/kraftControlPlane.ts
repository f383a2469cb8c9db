// createKraftControlPlane: the KRaft mode of the ControlPlane seam. It spawns
// the controller quorum, bootstraps a settled cluster, runs admin operations at
// the active controller, drives the brokers' side (brokerSide.ts), and
// describes the quorum for the UI and the checker. It keeps no state of its
// own: everything lives in the world (actors' data and world.data.kraft).

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, InputHandler, SimInput } from "../../world/types.ts";
import { partitionIntoIslands } from "../../net/network.ts";
import type { AdminResult, BrokerCoreApi, ControlPlane, ControlPlaneView, KraftDetail } from "../controlPlane.ts";
import { controllerActorId, controllerNodeId } from "../ids.ts";
import type { MetadataImage, PartitionState, TopicConfig } from "../metadata.ts";
import type { ClusterSpec, TopicSpec } from "../spec.ts";
import {
  handleBrokerKraftEvent,
  initBrokerState,
  requestShutdown,
  scheduleHeartbeat,
  sendAlterPartition,
  sendHeartbeatOrRegistration,
  sendMetadataFetch,
  stopBroker,
} from "./brokerSide.ts";
import { defaultsOf, kraftWorld, WORLD_KEY, type KraftWorldData } from "./config.ts";
import {
  activeLeaderOf,
  CONTROLLER_KIND,
  controllerData,
  createControllerKind,
  dispatchRaft,
  leaderAppend,
  raftStateOf,
  startActiveDuties,
  type ControllerConfig,
} from "./controllerKind.ts";
import {
  alterConfigRecords,
  createPartitionsRecords,
  createTopicRecords,
  deleteTopicRecords,
  electLeadersRecords,
  type AdminOutcome,
} from "./controllerLogic.ts";
import { applyEntries, EMPTY_CONTROLLER_STATE, sortedPartitions, type ControllerState } from "./controllerState.ts";
import type { LogEntry, MetadataRecord } from "./records.ts";

/** How many committed records ControlPlaneView.detail lists. */
export const RECENT_RECORDS = 20;

function controllerActors(engine: Engine): ActorRecord[] {
  return kraftWorld(engine).controllers.map((id) => engine.actor(id));
}

/** The live Raft leader with the highest epoch (active or not yet), or null. */
export function raftLeader(engine: Engine): ActorRecord | null {
  let best: ActorRecord | null = null;
  for (const a of controllerActors(engine)) {
    if (!a.alive || raftStateOf(a).state !== "Leader") continue;
    if (!best || raftStateOf(a).epoch > raftStateOf(best).epoch) best = a;
  }
  return best;
}

/** The active controller: the live Raft leader of the highest epoch whose LeaderChangeMessage is committed. */
export function activeController(engine: Engine): ActorRecord | null {
  let best: ActorRecord | null = null;
  for (const a of controllerActors(engine)) {
    if (!activeLeaderOf(a)) continue;
    if (!best || raftStateOf(a).epoch > raftStateOf(best).epoch) best = a;
  }
  return best;
}

function noController(engine: Engine): AdminResult {
  const leader = raftLeader(engine);
  return {
    ok: false,
    error: "NOT_CONTROLLER",
    detail: leader
      ? `controller ${leader.id} was just elected and is not active yet (its first record of epoch ${raftStateOf(leader).epoch} is not committed); retry shortly`
      : "no active controller: the quorum has no leader (a majority of the controllers must be up and connected)",
  };
}

function runAdmin(
  engine: Engine,
  what: string,
  build: (state: ControllerState, a: ActorRecord) => AdminOutcome,
): AdminResult {
  const a = activeController(engine);
  if (!a) return noController(engine);
  const L = activeLeaderOf(a);
  if (!L || !L.active) return noController(engine);
  const out = build(L.active, a);
  if (!out.ok) return { ok: false, error: out.error, detail: out.detail };
  if (out.records.length === 0) return { ok: true, detail: out.detail };
  const first = controllerData(a).log.length;
  const last = leaderAppend(engine, a, out.records);
  return {
    ok: true,
    detail: `${out.detail} (${what}: ${out.records.length} record(s) at offsets ${first}–${last} of controller ${a.id}, epoch ${L.epoch}; brokers apply them once committed)`,
  };
}

// ------------------------------------------------------------------ bootstrap

function bootstrapLog(
  spec: ClusterSpec,
  engine: Engine,
  voters: string[],
): { log: LogEntry[]; state: ControllerState } {
  const defaults = defaultsOf(spec);
  let state = EMPTY_CONTROLLER_STATE;
  const log: LogEntry[] = [];
  const append = (records: readonly MetadataRecord[]): void => {
    const entries = records.map((record, i) => ({ offset: log.length + i, epoch: 1, appendedAtMs: 0, record }));
    log.push(...entries);
    state = applyEntries(state, entries, defaults);
  };
  append([
    {
      type: "LeaderChangeMessage",
      leaderId: voters[0],
      epoch: 1,
      voters,
      summary: `${voters[0]} leads the metadata quorum in epoch 1 (voters ${voters.join(", ")})`,
    },
  ]);
  for (let b = 1; b <= spec.brokers; b++) {
    const epoch = log.length;
    append([
      {
        type: "RegisterBrokerRecord",
        brokerId: b,
        brokerEpoch: epoch,
        incarnation: 0,
        summary: `broker ${b} registered (broker epoch ${epoch})`,
      },
    ]);
    append([
      {
        type: "UnfenceBrokerRecord",
        id: b,
        epoch,
        summary: `broker ${b} unfenced: the cluster starts with it running`,
      },
    ]);
  }
  const rng = engine.rng("kraft.placement");
  for (const t of spec.topics) {
    const out = createTopicRecords(state, t, rng);
    if (!out.ok) throw new RangeError(`topic ${t.name}: ${out.error}: ${out.detail}`);
    append(out.records);
  }
  return { log, state };
}

function bootstrap(engine: Engine, spec: ClusterSpec): MetadataImage {
  const voters: string[] = [];
  for (let i = 1; i <= spec.controllers; i++) voters.push(controllerActorId(i));
  if (voters.length === 0) throw new RangeError("a KRaft cluster needs at least one controller");
  const world: KraftWorldData = {
    controllers: voters,
    brokerIds: Array.from({ length: spec.brokers }, (_, i) => i + 1),
    timings: spec.timings,
    brokerConfig: spec.brokerConfig,
  };
  engine.world.data[WORLD_KEY] = world;
  const { log, state } = bootstrapLog(spec, engine, voters);
  const hw = log.length;
  for (let i = 1; i <= voters.length; i++) {
    const config: ControllerConfig = {
      index: i,
      nodeId: controllerNodeId(i),
      voters,
      timings: spec.timings,
      brokerConfig: spec.brokerConfig,
    };
    const a = engine.spawn(voters[i - 1], CONTROLLER_KIND, config as unknown as Record<string, unknown>);
    const d = controllerData(a);
    d.log = log.slice();
    d.election = { epoch: 1, votedFor: voters[0], leaderId: voters[0] };
    d.hw = hw;
    d.committed = state;
    if (i === 1) {
      d.leader = {
        epoch: 1,
        epochStartOffset: 0,
        progress: voters.slice(1).map((id) => ({ id, endOffset: hw, lastFetchMs: 0, acknowledged: true })),
        active: state,
        parked: [],
        pending: [],
        sessions: [],
        balanceScheduled: false,
      };
    }
  }
  for (const a of controllerActors(engine))
    dispatchRaft(engine, a, { type: "raft.bootstrap", epoch: 1, leaderId: voters[0] });
  const leader = engine.actor(voters[0]);
  startActiveDuties(engine, leader);
  if (voters.length > 1) {
    engine.schedule(
      leader.id,
      Math.max(1, Math.floor(spec.timings.controllerQuorumFetchTimeoutMs / 2)),
      { type: "kraft.checkQuorum", epoch: 1 },
      "kraft.checkQuorum",
    );
  }
  engine.record(
    "note",
    "world",
    `KRaft quorum ${voters.join(", ")} starts with ${voters[0]} as active controller (epoch 1) and ${hw} committed metadata records`,
    { controllers: voters, records: hw },
  );
  return state.image;
}

// ------------------------------------------------------------------ describe

interface ViewCache {
  partitions: PartitionState[];
  brokers: ControlPlaneView["brokers"];
  topics: ControlPlaneView["topics"];
}
const viewCache = new WeakMap<MetadataImage, ViewCache>();

function imageView(image: MetadataImage): ViewCache {
  const hit = viewCache.get(image);
  if (hit) return hit;
  const v: ViewCache = {
    partitions: sortedPartitions(image),
    brokers: Object.keys(image.brokers)
      .map((k) => image.brokers[k])
      .sort((a, b) => a.id - b.id)
      .map((b) => ({ id: b.id, fenced: b.fenced, inControlledShutdown: b.inControlledShutdown, epoch: b.epoch })),
    topics: Object.keys(image.topics)
      .sort()
      .map((k) => image.topics[k])
      .map((t) => ({ name: t.name, numPartitions: t.numPartitions, config: t.config })),
  };
  viewCache.set(image, v);
  return v;
}

/** The voter whose committed state is the freshest: the active controller's, else the furthest replayed. */
function committedSource(engine: Engine): ActorRecord {
  const active = activeController(engine);
  if (active) return active;
  let best: ActorRecord | null = null;
  for (const a of controllerActors(engine)) {
    if (!best || controllerData(a).committed.image.metadataOffset > controllerData(best).committed.image.metadataOffset)
      best = a;
  }
  return best as ActorRecord;
}

function describe(engine: Engine): ControlPlaneView {
  const source = committedSource(engine);
  const sd = controllerData(source);
  const committed = sd.committed;
  const v = imageView(committed.image);
  const active = activeController(engine);
  const voters: KraftDetail["voters"] = controllerActors(engine).map((a) => {
    const d = controllerData(a);
    const r = raftStateOf(a);
    return {
      actorId: a.id,
      nodeId: (a.config as unknown as ControllerConfig).nodeId,
      alive: a.alive,
      state: a.alive ? r.state : "down",
      epoch: a.alive ? r.epoch : d.election.epoch,
      logEndOffset: d.log.length,
      highWatermark: d.hw,
    };
  });
  const from = Math.max(0, sd.hw - RECENT_RECORDS);
  const recentRecords = sd.log
    .slice(from, sd.hw)
    .map((e) => ({ offset: e.offset, epoch: e.epoch, type: e.record.type, summary: e.record.summary }));
  return {
    mode: "kraft",
    activeControllerId: active ? active.id : null,
    controllerEpoch: active ? raftStateOf(active).epoch : Math.max(0, ...voters.map((x) => x.epoch)),
    partitions: v.partitions,
    brokers: v.brokers,
    topics: v.topics,
    detail: { kind: "kraft", voters, recentRecords },
    uncleanElections: committed.uncleanElections,
  };
}

// ------------------------------------------------------------------ inputs

const inputs: Record<string, InputHandler> = {
  crashActiveController(engine) {
    const leader = raftLeader(engine);
    if (!leader) {
      engine.record("note", "world", "there is no active controller to crash: the quorum has no leader right now");
      return;
    }
    engine.crash(leader.id, `the active controller (Raft leader of epoch ${raftStateOf(leader).epoch}) was killed`);
  },
  isolateActiveController(engine) {
    const leader = raftLeader(engine);
    if (!leader) {
      engine.record("note", "world", "there is no active controller to isolate: the quorum has no leader right now");
      return;
    }
    const others = engine.world.actorOrder.filter((id) => id !== leader.id);
    partitionIntoIslands(engine.world.net, [[leader.id], others]);
    engine.record("fault", "world", `the active controller ${leader.id} is cut off from every other node`, {
      fault: "isolate",
      node: leader.id,
    });
  },
};

const describeInput: Record<string, (input: SimInput) => string> = {
  crashActiveController: () => "crash the active KRaft controller (whichever controller leads the quorum now)",
  isolateActiveController: () => "cut the active KRaft controller off from the network",
};

// ------------------------------------------------------------------ the plane

export function createKraftControlPlane(core: BrokerCoreApi): ControlPlane {
  const controllerKind = createControllerKind();
  return {
    mode: "kraft",
    kinds: [controllerKind],
    inputs,
    describeInput,
    bootstrap,

    attachBroker(engine, broker) {
      const brokerId = Number(broker.id.slice(1));
      const image = core.image(engine, brokerId);
      const reg = image.brokers[String(brokerId)];
      initBrokerState(engine, broker, {
        registered: reg !== undefined,
        brokerEpoch: reg?.epoch ?? -1,
        fenced: reg?.fenced ?? true,
        controller: image.controllerId,
      });
      scheduleHeartbeat(engine, broker);
      sendMetadataFetch(core, engine, broker);
    },

    brokerStarting(engine, broker) {
      initBrokerState(engine, broker, { registered: false, brokerEpoch: -1, fenced: true, controller: null });
      engine.record(
        "note",
        broker.id,
        `broker ${broker.id.slice(1)} starts: it registers with the controller and stays fenced until its metadata catches up with its registration`,
      );
      sendHeartbeatOrRegistration(core, engine, broker);
      scheduleHeartbeat(engine, broker);
      sendMetadataFetch(core, engine, broker);
    },

    requestControlledShutdown(engine, broker) {
      requestShutdown(core, engine, broker);
    },

    brokerStopped(engine, broker) {
      stopBroker(engine, broker);
    },

    sendAlterPartition(engine, broker, request) {
      sendAlterPartition(core, engine, broker, request);
    },

    handleBrokerEvent(engine, broker, event) {
      return handleBrokerKraftEvent(core, engine, broker, event);
    },

    createTopic(engine, topic: TopicSpec) {
      return runAdmin(engine, "CreateTopics", (state) =>
        createTopicRecords(state, topic, engine.rng("kraft.placement")),
      );
    },
    deleteTopic(engine, name) {
      return runAdmin(engine, "DeleteTopics", (state) => deleteTopicRecords(state.image, name));
    },
    createPartitions(engine, topic, totalCount) {
      return runAdmin(engine, "CreatePartitions", (state) =>
        createPartitionsRecords(state.image, topic, totalCount, engine.rng("kraft.placement")),
      );
    },
    alterTopicConfig(engine, topic, config: Partial<TopicConfig>) {
      return runAdmin(engine, "IncrementalAlterConfigs", (state) => alterConfigRecords(state.image, topic, config));
    },
    electLeaders(engine, electionType, partitions) {
      return runAdmin(engine, "ElectLeaders", (state) => electLeadersRecords(state.image, electionType, partitions));
    },

    describe,
  };
}
