// ZooKeeper mode (Kafka <= 3.x): a ZooKeeper ensemble, brokers with
// ZooKeeper sessions, and a controller elected through /controller running
// inside one broker. See CONTEXT.md.

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, InputHandler, SimEvent, SimInput } from "../../world/types.ts";
import type { AlterPartitionResult, BrokerCoreApi, ControlPlane } from "../controlPlane.ts";
import { brokerActorId, brokerIdOf, zookeeperActorId } from "../ids.ts";
import {
  tpKey,
  type BrokerRegistrationState,
  type MetadataImage,
  type PartitionState,
  type TopicState,
} from "../metadata.ts";
import { effectiveTopicConfig, type ClusterSpec } from "../spec.ts";
import * as admin from "./admin.ts";
import {
  onShutdownResponse,
  onShutdownTimeout,
  onControllerRequest,
  onRequestRejected,
  attemptShutdown,
  startControlledShutdown,
} from "./brokerRequests.ts";
import { firstServerIndex, newBrokerZk, scheduleClientTick, zkOf } from "./brokerZk.ts";
import { clientEvent, onClientTick, onRegisterRetry, onServerMessage } from "./client.ts";
import { ctxFromState, enqueue, roleEvent, scheduleAutoRebalance } from "./controller.ts";
import { describeZookeeper } from "./describe.ts";
import { canReach, createZookeeperKind, evaluateEnsemble, expireSession, spawnEnsemble } from "./ensemble.ts";
import { assignReplicasToBrokers, validateAssignment } from "./placement.ts";
import {
  applyOp,
  controllerEpochOf,
  controllerHolder,
  createNode,
  endSession,
  findSession,
  fireWatches,
  openSession,
  sessionOf,
  ZK_DATA_KEY,
  zkStore,
  type NodeChange,
} from "./store.ts";
import type { ZkStore } from "./types.ts";
import {
  encodeBrokerRegistration,
  encodeController,
  encodeState,
  sessionHex,
  TOP_LEVEL_PATHS,
  ZK_PATHS,
} from "./znodes.ts";

export { ZOOKEEPER_KIND } from "./ensemble.ts";
export { ZK_DATA_KEY } from "./store.ts";
export { assignReplicasToBrokers } from "./placement.ts";
export type { ZkStore, BrokerZk } from "./types.ts";

function brokerIdOfInput(input: SimInput): number {
  const v = input.broker;
  const id = typeof v === "number" ? v : typeof v === "string" ? (brokerIdOf(v) ?? Number(v)) : NaN;
  if (!Number.isInteger(id) || id < 1)
    throw new TypeError(`${input.type}: "broker" must be a broker id like 2 or "b2"`);
  return id;
}

function bootstrap(engine: Engine, spec: ClusterSpec): MetadataImage {
  if (spec.zookeeperNodes < 1) throw new RangeError("ZooKeeper mode needs at least one ZooKeeper server");
  const ensemble = Array.from({ length: spec.zookeeperNodes }, (_, i) => zookeeperActorId(i + 1));
  const store: ZkStore = {
    ensemble,
    brokers: spec.brokers,
    timings: { ...spec.timings },
    brokerConfig: { ...spec.brokerConfig },
    zxid: 0,
    nextSessionId: 1,
    topicSeq: 0,
    configChangeSeq: 0,
    nodes: {},
    sessions: [],
    watches: [],
    uncleanElections: [],
    leader: null,
  };
  engine.world.data[ZK_DATA_KEY] = store;
  const changes: NodeChange[] = []; // nobody watches yet
  for (const p of TOP_LEVEL_PATHS) createNode(store, p, "", null, changes, true);
  createNode(store, ZK_PATHS.controllerEpoch, "1", null, changes);

  const brokerIds = Array.from({ length: spec.brokers }, (_, i) => i + 1);
  const brokers: Record<string, BrokerRegistrationState> = {};
  for (const id of brokerIds) {
    const s = openSession(store, id, ensemble[firstServerIndex(store, id)], engine.nowMs);
    const node = createNode(store, ZK_PATHS.brokerId(id), encodeBrokerRegistration(id, engine.nowMs), s.id, changes);
    if (typeof node === "string") throw new Error(`cannot register broker ${id}: ${node}`);
    brokers[String(id)] = { id, fenced: false, inControlledShutdown: false, epoch: node.czxid };
  }
  createNode(store, ZK_PATHS.controller, encodeController(1, engine.nowMs), sessionOf(store, 1)?.id ?? null, changes);

  const topics: Record<string, TopicState> = {};
  const partitions: Record<string, PartitionState> = {};
  const rng = engine.rng("zk.placement");
  for (const t of spec.topics) {
    if (topics[t.name]) throw new RangeError(`topic ${t.name} is listed twice`);
    let replicas: number[][];
    if (t.assignment) {
      const problem = validateAssignment(t.assignment, brokerIds);
      if (problem) throw new RangeError(`topic ${t.name}: ${problem}`);
      replicas = t.assignment.map((r) => r.slice());
    } else {
      replicas = assignReplicasToBrokers(brokerIds, t.partitions, t.replicationFactor, (n) => rng.int(0, n - 1));
    }
    const topicId = admin.writeTopic(store, t.name, replicas, t.config, changes);
    const config = effectiveTopicConfig(spec, t.config);
    topics[t.name] = {
      name: t.name,
      topicId,
      numPartitions: replicas.length,
      config,
      internal: t.name.startsWith("__"),
    };
    replicas.forEach((r, p) => {
      const data = encodeState({ leader: r[0], leaderEpoch: 0, isr: r, controllerEpoch: 1, recovery: "RECOVERED" });
      createNode(store, ZK_PATHS.partitionState(t.name, p), data, null, changes, true);
      partitions[tpKey(t.name, p)] = {
        topic: t.name,
        partition: p,
        replicas: r.slice(),
        isr: r.slice(),
        leader: r[0],
        leaderEpoch: 0,
        partitionEpoch: 0,
        leaderRecoveryState: "RECOVERED",
      };
    });
  }
  spawnEnsemble(engine, ensemble);
  engine.record(
    "note",
    "world",
    `ZooKeeper mode: ensemble ${ensemble.join(", ")}; brokers ${brokerIds.join(", ")} registered under /brokers/ids; broker 1 holds /controller (controller epoch 1)`,
  );
  return { topics, partitions, brokers, controllerId: brokerActorId(1), controllerEpoch: 1, metadataOffset: -1 };
}

function attachBroker(engine: Engine, broker: ActorRecord): void {
  const store = zkStore(engine);
  const id = brokerIdOf(broker.id);
  if (id === null) throw new RangeError(`${broker.id} is not a broker`);
  const session = sessionOf(store, id);
  if (!session) throw new Error(`broker ${id} has no bootstrap session`);
  const z = newBrokerZk(store, id);
  z.client = {
    value: "CONNECTED",
    context: { ...z.client.context, serverIndex: store.ensemble.indexOf(session.server), sessionId: session.id },
  };
  z.lastHeardMs = engine.nowMs;
  z.registered = true;
  z.brokerEpoch = store.nodes[ZK_PATHS.brokerId(id)]?.czxid ?? -1;
  z.controllerEpochSeen = controllerEpochOf(store);
  const holder = controllerHolder(store);
  z.controllerIdSeen = holder === null ? null : brokerActorId(holder);
  z.configChangeSeen = store.configChangeSeq;
  broker.data.zk = z;
  if (holder === id) {
    const r = applyOp(store, session, { kind: "readControllerState" }, []);
    if (r.kind === "readControllerState") {
      const epochNode = store.nodes[ZK_PATHS.controllerEpoch];
      z.controller = ctxFromState(store, r.state.controllerEpoch, epochNode.version, r.state);
      z.controller.initialized = true;
      z.role = { value: "ACTIVE", context: { brokerId: id } };
      scheduleAutoRebalance(
        engine,
        broker,
        z.controller,
        Math.min(5_000, store.timings.leaderImbalanceCheckIntervalMs),
      );
    }
  }
  scheduleClientTick(engine, broker, store);
}

function brokerStarting(engine: Engine, broker: ActorRecord): void {
  const store = zkStore(engine);
  const id = brokerIdOf(broker.id);
  if (id === null) return;
  const z = newBrokerZk(store, id);
  z.configChangeSeen = store.configChangeSeq;
  broker.data.zk = z;
  engine.record("note", broker.id, `broker ${id} starts its ZooKeeper client: a new session, then /brokers/ids/${id}`);
  scheduleClientTick(engine, broker, store);
  clientEvent(engine, broker, z, { type: "START" });
}

function brokerStopped(engine: Engine, broker: ActorRecord): void {
  const z = zkOf(broker);
  if (!z || z.stopped) return;
  const store = zkStore(engine);
  const session = findSession(store, z.client.context.sessionId);
  if (session) {
    if (canReach(engine, store, z.brokerId, session.server)) {
      const changes: NodeChange[] = [];
      const gone = endSession(store, session, changes);
      engine.record(
        "emit",
        broker.id,
        `broker ${z.brokerId} closed its ZooKeeper session ${sessionHex(session.id)} cleanly: ${gone.join(" and ") || "nothing"} deleted at once ` +
          `(a crash would leave them until zookeeper.session.timeout.ms = ${store.timings.zookeeperSessionTimeoutMs} passes)`,
        { zk: "sessionClosed", broker: z.brokerId, deleted: gone },
      );
      fireWatches(engine, store, changes);
    } else {
      engine.record(
        "note",
        broker.id,
        `broker ${z.brokerId} could not close its ZooKeeper session ${sessionHex(session.id)} (${session.server} unreachable or without quorum): it will expire after zookeeper.session.timeout.ms`,
      );
    }
  }
  if (z.role.value !== "IDLE") roleEvent(engine, broker, z, { type: "RESIGN", why: "it shut down" });
  if (z.client.value !== "CLOSED") clientEvent(engine, broker, z, { type: "CLOSE" });
  z.pending = [];
  z.stopped = true;
}

function sendAlterPartition(
  engine: Engine,
  broker: ActorRecord,
  request: Parameters<ControlPlane["sendAlterPartition"]>[2],
): void {
  const z = zkOf(broker);
  if (!z || z.controllerIdSeen === null) {
    engine.record(
      "note",
      broker.id,
      `${broker.id} knows no controller yet: AlterPartition for ${tpKey(request.topic, request.partition)} waits for a retry`,
    );
    return;
  }
  engine.send(broker.id, z.controllerIdSeen, { type: "zk.AlterPartition", from: broker.id, request });
}

function handleBrokerEvent(core: BrokerCoreApi, engine: Engine, broker: ActorRecord, event: SimEvent): boolean {
  const z = zkOf(broker);
  switch (event.type) {
    case "zk.tick":
      onClientTick(engine, broker);
      return true;
    case "zk.registerRetry":
      onRegisterRetry(engine, broker);
      return true;
    case "zk.connected":
    case "zk.pong":
    case "zk.expired":
    case "zk.response":
    case "zk.watch":
      onServerMessage(engine, broker, core, event);
      return true;
    case "zk.LeaderAndIsr":
    case "zk.UpdateMetadata":
    case "zk.StopReplica":
      onControllerRequest(engine, broker, core, event);
      return true;
    case "zk.ControllerRequestRejected":
      onRequestRejected(engine, broker, event);
      return true;
    case "zk.autoRebalance":
      if (z?.controller && z.role.value === "ACTIVE" && z.controller.epoch === event.epoch)
        enqueue(engine, broker, z, { t: "AutoRebalance", reschedule: true });
      return true;
    case "zk.AlterPartition": {
      const request = event.request as Parameters<ControlPlane["sendAlterPartition"]>[2];
      if (z?.controller && z.role.value === "ACTIVE") {
        enqueue(engine, broker, z, { t: "AlterPartition", request });
      } else {
        const result: AlterPartitionResult = { error: "NOT_CONTROLLER" };
        engine.send(broker.id, String(event.from), {
          type: "zk.AlterPartitionResponse",
          topic: request.topic,
          partition: request.partition,
          result,
        });
      }
      return true;
    }
    case "zk.AlterPartitionResponse":
      if (z && !z.stopped) {
        core.alterPartitionResponse(
          engine,
          z.brokerId,
          String(event.topic),
          Number(event.partition),
          event.result as AlterPartitionResult,
        );
      }
      return true;
    case "zk.ControlledShutdown":
      if (z?.controller && z.role.value === "ACTIVE") {
        enqueue(engine, broker, z, {
          t: "ControlledShutdown",
          broker: Number(event.brokerId),
          brokerEpoch: Number(event.brokerEpoch),
          attempt: Number(event.attempt),
        });
      } else {
        engine.send(broker.id, String(event.from), {
          type: "zk.ControlledShutdownResponse",
          attempt: event.attempt,
          error: "NOT_CONTROLLER",
          remaining: [],
        });
      }
      return true;
    case "zk.ControlledShutdownResponse":
      onShutdownResponse(engine, broker, core, event);
      return true;
    case "zk.csTimeout":
      onShutdownTimeout(engine, broker, core, event);
      return true;
    case "zk.csRetry":
      attemptShutdown(engine, broker, core);
      return true;
    default:
      return event.type.startsWith("zk.");
  }
}

const inputs: Record<string, InputHandler> = {
  expireSession(engine, input) {
    const id = brokerIdOfInput(input);
    const store = zkStore(engine);
    evaluateEnsemble(engine);
    const s = sessionOf(store, id);
    if (!s) {
      engine.record("note", "world", `broker ${id} has no ZooKeeper session to expire`);
      return;
    }
    if (store.leader === null) {
      engine.record(
        "note",
        "world",
        `ZooKeeper has no quorum: it cannot expire broker ${id}'s session (nothing changes without a majority)`,
      );
      return;
    }
    expireSession(
      engine,
      store,
      s,
      store.leader,
      `forced by the expireSession input, as if it had missed its pings for zookeeper.session.timeout.ms = ${s.timeoutMs}`,
    );
  },
  triggerLeaderRebalance(engine) {
    const store = zkStore(engine);
    const holder = controllerHolder(store);
    const broker = holder === null ? undefined : engine.actor(brokerActorId(holder));
    const z = broker ? zkOf(broker) : undefined;
    if (!broker || !broker.alive || !z?.controller || z.role.value !== "ACTIVE") {
      engine.record("note", "world", "no active controller: the leader balance check cannot run");
      return;
    }
    enqueue(engine, broker, z, { t: "AutoRebalance", reschedule: false });
  },
};

const describeInput: Record<string, (input: SimInput) => string> = {
  expireSession: (i) => `expire broker ${String(i.broker).replace(/^b/, "")}'s ZooKeeper session`,
  triggerLeaderRebalance: () =>
    "run the controller's leader balance check now (leader.imbalance.per.broker.percentage)",
};

export function createZookeeperControlPlane(core: BrokerCoreApi): ControlPlane {
  return {
    mode: "zookeeper",
    kinds: [createZookeeperKind()],
    inputs,
    describeInput,
    bootstrap,
    attachBroker,
    brokerStarting,
    requestControlledShutdown: (engine, broker) => startControlledShutdown(engine, broker, core),
    brokerStopped,
    sendAlterPartition,
    handleBrokerEvent: (engine, broker, event) => handleBrokerEvent(core, engine, broker, event),
    createTopic: admin.createTopic,
    deleteTopic: admin.deleteTopic,
    createPartitions: admin.createPartitions,
    alterTopicConfig: admin.alterTopicConfig,
    electLeaders: admin.electLeaders,
    describe: describeZookeeper,
  };
}
