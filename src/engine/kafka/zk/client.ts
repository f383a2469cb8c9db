// A broker's ZooKeeper client: its session (pings, reconnects to the next
// server, expiry and a fresh session), its requests and answers, and the
// watches it gets (which start a controller election or feed the controller).

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { BrokerCoreApi } from "../controlPlane.ts";
import { effectiveTopicConfig } from "../spec.ts";
import { clientTimings, currentServer, scheduleClientTick, sendRequest, zkOf, zkRequest } from "./brokerZk.ts";
import { enqueue, onControllerInit, onControllerReadTopics, onControllerWrite, roleEvent } from "./controller.ts";
import { zkClientMachine, type ClientEvent } from "./machines.ts";
import { stepSlot, type SlotMachine } from "./slot.ts";
import { zkStore } from "./store.ts";
import type { BrokerZk, PendingRequest, WatchNotification, ZkOpResult } from "./types.ts";
import {
  CONFIG_CHANGE_PREFIX,
  decodeConfigChange,
  decodeControllerId,
  decodeTopicConfig,
  encodeBrokerRegistration,
  sessionHex,
  ZK_PATHS,
} from "./znodes.ts";

function must(broker: ActorRecord): BrokerZk {
  const z = zkOf(broker);
  if (!z) throw new Error(`${broker.id} has no ZooKeeper state`);
  return z;
}

function sessionTimeoutText(engine: Engine): string {
  return `zookeeper.session.timeout.ms = ${zkStore(engine).timings.zookeeperSessionTimeoutMs}`;
}

export const clientDef: SlotMachine = {
  machine: zkClientMachine,
  label: "ZooKeeper client",
  effects: {
    sendConnect(engine, broker, params) {
      const z = must(broker);
      z.attemptAtMs = engine.nowMs;
      engine.send(broker.id, String(params.server), {
        type: "zk.connect",
        from: broker.id,
        brokerId: z.brokerId,
        sessionId: Number(params.sessionId),
      });
    },
    sendPing(engine, broker, params) {
      engine.send(broker.id, String(params.server), {
        type: "zk.ping",
        from: broker.id,
        sessionId: Number(params.sessionId),
      });
    },
    connectTimedOut(engine, broker, params) {
      const z = must(broker);
      engine.record(
        "note",
        broker.id,
        `broker ${z.brokerId}: no answer from ${params.server} within ${z.client.context.connectTimeoutMs} ms ` +
          `(zookeeper.session.timeout.ms / ${z.client.context.servers.length} servers); trying the next server`,
      );
    },
    disconnected(engine, broker, params) {
      const z = must(broker);
      engine.record(
        "emit",
        broker.id,
        `broker ${z.brokerId} lost its ZooKeeper connection to ${params.server}: nothing heard for ${Math.round(Number(params.idleMs))} ms ` +
          `(2/3 of ${sessionTimeoutText(engine)}); trying the next server — session ${sessionHex(z.client.context.sessionId)} survives if ZooKeeper hears from it in time`,
        { zk: "disconnected", broker: z.brokerId },
      );
    },
    sessionEstablished(engine, broker, params) {
      const z = must(broker);
      z.lastHeardMs = engine.nowMs;
      if (params.newSession !== true) return;
      z.registered = false;
      engine.record(
        "emit",
        broker.id,
        `broker ${z.brokerId} has ZooKeeper session ${sessionHex(Number(params.sessionId))} via ${params.server}; it registers /brokers/ids/${z.brokerId}`,
        { zk: "sessionEstablished", broker: z.brokerId, sessionId: params.sessionId },
      );
      queueRegistration(engine, z);
    },
    flushRequests(engine, broker) {
      const z = must(broker);
      for (const r of z.pending) sendRequest(engine, broker, z, r);
    },
    sessionExpired(engine, broker, params) {
      const z = must(broker);
      engine.record(
        "emit",
        broker.id,
        `broker ${z.brokerId} learned that its ZooKeeper session ${sessionHex(Number(params.sessionId))} expired ` +
          `(${sessionTimeoutText(engine)}): its ephemeral znodes are gone; Kafka re-creates its ZooKeeper client and registers again`,
        { zk: "learnedExpiry", broker: z.brokerId },
      );
      z.pending = [];
      z.registered = false;
      if (z.role.value !== "IDLE")
        roleEvent(engine, broker, z, { type: "RESIGN", why: "its ZooKeeper session expired" });
    },
    closed() {},
  },
};

export function clientEvent(engine: Engine, broker: ActorRecord, z: BrokerZk, event: ClientEvent): void {
  stepSlot(engine, broker, clientDef, z.client, event);
}

function queueRegistration(engine: Engine, z: BrokerZk): void {
  if (z.pending.some((r) => r.purpose.p === "register")) return;
  z.pending.push({
    xid: z.nextXid++,
    op: { kind: "registerBroker", brokerId: z.brokerId, data: encodeBrokerRegistration(z.brokerId, engine.nowMs) },
    purpose: { p: "register" },
  });
}

export function onClientTick(engine: Engine, broker: ActorRecord): void {
  const z = zkOf(broker);
  if (!z || z.stopped || z.client.value === "CLOSED") return;
  scheduleClientTick(engine, broker, zkStore(engine));
  clientEvent(engine, broker, z, {
    type: "TICK",
    idleMs: engine.nowMs - z.lastHeardMs,
    sinceAttemptMs: engine.nowMs - z.attemptAtMs,
  });
}

export function onRegisterRetry(engine: Engine, broker: ActorRecord): void {
  const z = zkOf(broker);
  if (!z || z.stopped || z.registered || z.client.value !== "CONNECTED") return;
  if (z.pending.some((r) => r.purpose.p === "register")) return;
  queueRegistration(engine, z);
  sendRequest(engine, broker, z, z.pending[z.pending.length - 1]);
}

/** Messages from a ZooKeeper server to this broker. */
export function onServerMessage(engine: Engine, broker: ActorRecord, core: BrokerCoreApi, event: SimEvent): void {
  const z = zkOf(broker);
  if (!z || z.stopped) return;
  const sid = Number(event.sessionId);
  const ours = sid !== 0 && sid === z.client.context.sessionId;
  switch (event.type) {
    case "zk.connected":
      if (z.client.value === "CONNECTING" && event.server === currentServer(z))
        clientEvent(engine, broker, z, {
          type: "CONNECTED_ACK",
          sessionId: sid,
          newSession: event.newSession === true,
        });
      return;
    case "zk.pong":
      if (ours) z.lastHeardMs = engine.nowMs;
      return;
    case "zk.expired":
      if (ours && z.client.value !== "CLOSED") clientEvent(engine, broker, z, { type: "SESSION_EXPIRED" });
      return;
    case "zk.response": {
      if (!ours) return;
      z.lastHeardMs = engine.nowMs;
      const i = z.pending.findIndex((r) => r.xid === event.xid);
      if (i < 0) return; // answered already (a retried request)
      const [req] = z.pending.splice(i, 1);
      onResponse(engine, broker, core, z, req, event.result as ZkOpResult);
      return;
    }
    case "zk.watch":
      if (!ours) return;
      z.lastHeardMs = engine.nowMs;
      onWatch(engine, broker, z, event.notification as WatchNotification);
      return;
  }
}

function onResponse(
  engine: Engine,
  broker: ActorRecord,
  core: BrokerCoreApi,
  z: BrokerZk,
  req: PendingRequest,
  result: ZkOpResult,
): void {
  const purpose = req.purpose;
  switch (purpose.p) {
    case "register":
      if (result.kind !== "registerBroker") return;
      if (result.ok) {
        z.registered = true;
        z.brokerEpoch = result.czxid;
        engine.record(
          "emit",
          broker.id,
          `broker ${z.brokerId} registered /brokers/ids/${z.brokerId} (ephemeral, session ${sessionHex(z.client.context.sessionId)}; broker epoch ${result.czxid})`,
          { zk: "registered", broker: z.brokerId, brokerEpoch: result.czxid },
        );
        core.registered(engine, z.brokerId, result.czxid);
        core.unfenced(engine, z.brokerId);
        if (z.role.value === "IDLE") roleEvent(engine, broker, z, { type: "RACE" });
      } else {
        engine.record(
          "emit",
          broker.id,
          `broker ${z.brokerId} cannot register: /brokers/ids/${z.brokerId} still belongs to session ${sessionHex(result.ownerSession)} ` +
            `(its previous life, not expired yet: ${sessionTimeoutText(engine)}). Real Kafka exits with NodeExistsException; here it retries`,
          { zk: "registerConflict", broker: z.brokerId },
        );
        engine.schedule(
          broker.id,
          clientTimings(zkStore(engine)).tickMs,
          { type: "zk.registerRetry" },
          "zk.registerRetry",
        );
      }
      return;
    case "elect":
      if (result.kind !== "electController" || z.role.value !== "ELECTING") return;
      if (result.won) {
        engine.record(
          "emit",
          broker.id,
          `broker ${z.brokerId} won the race for /controller: controller epoch ${result.epoch} (/controller_epoch incremented)`,
          { zk: "controllerElected", broker: z.brokerId, controllerEpoch: result.epoch },
        );
        roleEvent(engine, broker, z, { type: "WON", epoch: result.epoch, epochZkVersion: result.epochZkVersion });
      } else {
        engine.record(
          "note",
          broker.id,
          `broker ${z.brokerId} lost the race for /controller: ${result.holder === null ? "it is taken" : `broker ${result.holder} holds it`}; it keeps watching /controller`,
        );
        roleEvent(engine, broker, z, { type: "LOST", holder: result.holder });
      }
      return;
    case "controllerInit":
      onControllerInit(engine, broker, z, purpose.epoch, result);
      return;
    case "controllerWrite":
      onControllerWrite(engine, broker, z, purpose, result);
      return;
    case "controllerReadTopics":
      onControllerReadTopics(engine, broker, z, purpose.epoch, purpose.topics, result);
      return;
    case "topicConfig": {
      if (result.kind !== "read") return;
      const overrides = decodeTopicConfig(result.nodes[0]?.data ?? null);
      const old = core.image(engine, z.brokerId).topics[purpose.topic];
      if (!old) return;
      const config = effectiveTopicConfig(zkStore(engine), overrides);
      core.applyMetadata(
        engine,
        z.brokerId,
        [{ type: "topic", topic: { ...old, config } }],
        `config change notification ${purpose.change} for topic ${purpose.topic}`,
      );
      return;
    }
    case "unwatch":
      return;
  }
}

function onWatch(engine: Engine, broker: ActorRecord, z: BrokerZk, n: WatchNotification): void {
  if (n.path === ZK_PATHS.controller) {
    const holder = decodeControllerId(n.data);
    if (holder === null) {
      if (z.role.value === "ACTIVE") roleEvent(engine, broker, z, { type: "RESIGN", why: "/controller vanished" });
      if (z.registered && z.role.value === "IDLE") {
        engine.record("note", broker.id, `broker ${z.brokerId} saw /controller deleted: it races to create it`);
        roleEvent(engine, broker, z, { type: "RACE" });
      }
    } else if (holder !== z.brokerId && z.role.value === "ACTIVE") {
      roleEvent(engine, broker, z, { type: "RESIGN", why: `broker ${holder} now holds /controller` });
    }
    return;
  }
  if (n.path === ZK_PATHS.configChanges) {
    for (const c of n.children) {
      if (!c.name.startsWith(CONFIG_CHANGE_PREFIX)) continue;
      const seq = Number(c.name.slice(CONFIG_CHANGE_PREFIX.length));
      if (seq <= z.configChangeSeen) continue;
      z.configChangeSeen = seq;
      const topic = decodeConfigChange(c.data);
      if (topic === null) continue;
      zkRequest(
        engine,
        broker,
        z,
        { kind: "read", paths: [ZK_PATHS.configTopic(topic)], watchData: [] },
        { p: "topicConfig", topic, change: c.name },
      );
    }
    return;
  }
  if (!z.controller || z.role.value !== "ACTIVE") return;
  if (n.path === ZK_PATHS.brokerIds) enqueue(engine, broker, z, { t: "BrokerChange", children: n.children });
  else if (n.path === ZK_PATHS.topics)
    enqueue(engine, broker, z, { t: "TopicChange", names: n.children.map((c) => c.name) });
  else if (n.path === ZK_PATHS.deleteTopics)
    enqueue(engine, broker, z, { t: "TopicDeletion", names: n.children.map((c) => c.name) });
  else if (n.path.startsWith(ZK_PATHS.topics + "/") && n.kind === "data")
    enqueue(engine, broker, z, {
      t: "PartitionModifications",
      topic: n.path.slice(ZK_PATHS.topics.length + 1),
      data: n.data,
    });
}
