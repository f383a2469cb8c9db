// Admin operations in ZooKeeper mode, run at the active controller as if an
// admin client had sent them there. As in Kafka 3.x, the broker writes the
// request into ZooKeeper (/brokers/topics/<t>, /config/topics/<t>,
// /admin/delete_topics/<t>, /config/changes/...) and returns; the controller
// then reacts to its watch: partitions get leaders a moment later.

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord } from "../../world/types.ts";
import type { AdminResult } from "../controlPlane.ts";
import { brokerActorId } from "../ids.ts";
import { tpKey, type TopicConfig } from "../metadata.ts";
import { effectiveTopicConfig, type TopicSpec } from "../spec.ts";
import { zkOf } from "./brokerZk.ts";
import { enqueue, previewElection } from "./controller.ts";
import { canReach } from "./ensemble.ts";
import { assignReplicasToBrokers, PlacementError, validateAssignment } from "./placement.ts";
import {
  childrenOf,
  controllerHolder,
  createNode,
  deleteNode,
  fireWatches,
  readData,
  setNode,
  zkStore,
  type NodeChange,
} from "./store.ts";
import type { BrokerZk, ControllerCtx, ZkStore } from "./types.ts";
import {
  baseName,
  configChangeName,
  decodeAssignment,
  decodeTopicConfig,
  encodeAssignment,
  encodeConfigChange,
  encodeTopicConfig,
  ZK_PATHS,
} from "./znodes.ts";

const fail = (error: string, detail: string): AdminResult => ({ ok: false, error, detail });

interface Active {
  readonly broker: ActorRecord;
  readonly z: BrokerZk;
  readonly ctx: ControllerCtx;
  readonly store: ZkStore;
}

/** The broker holding /controller, running as controller, with a ZooKeeper connection that works. */
function activeController(engine: Engine): Active | AdminResult {
  const store = zkStore(engine);
  const holder = controllerHolder(store);
  if (holder === null)
    return fail(
      "NOT_CONTROLLER",
      "there is no active controller: /controller is empty (an election is under way, or ZooKeeper has no quorum)",
    );
  const id = brokerActorId(holder);
  const broker = engine.hasActor(id) ? engine.actor(id) : undefined;
  const z = broker ? zkOf(broker) : undefined;
  if (!broker || !broker.alive || !z || z.role.value !== "ACTIVE" || !z.controller)
    return fail(
      "NOT_CONTROLLER",
      `broker ${holder} holds /controller but is not running as controller (down, or its session has not expired yet)`,
    );
  if (
    z.client.value !== "CONNECTED" ||
    !canReach(engine, store, holder, z.client.context.servers[z.client.context.serverIndex])
  )
    return fail("REQUEST_TIMED_OUT", `controller ${id} cannot reach a ZooKeeper server with quorum`);
  return { broker, z, ctx: z.controller, store };
}

function isActive(a: Active | AdminResult): a is Active {
  return (a as Active).ctx !== undefined;
}

function registeredBrokers(store: ZkStore): number[] {
  return childrenOf(store, ZK_PATHS.brokerIds).map((n) => Number(baseName(n.path)));
}

function validateConfig(config: Partial<TopicConfig>): string | null {
  if (config.minInsyncReplicas !== undefined && !(config.minInsyncReplicas >= 1))
    return "min.insync.replicas must be at least 1";
  if (config.segmentBytes !== undefined && !(config.segmentBytes >= 14)) return "segment.bytes must be at least 14";
  if (config.retentionMs !== undefined && !(config.retentionMs >= -1)) return "retention.ms must be at least -1";
  return null;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;

export function createTopic(engine: Engine, topic: TopicSpec): AdminResult {
  const a = activeController(engine);
  if (!isActive(a)) return a;
  const { store } = a;
  const name = topic.name;
  if (!LEGAL_TOPIC.test(name) || name === "." || name === ".." || name.length > 249)
    return fail(
      "INVALID_TOPIC_EXCEPTION",
      `"${name}" is not a legal topic name (letters, digits, '.', '_', '-'; at most 249)`,
    );
  if (store.nodes[ZK_PATHS.topic(name)] || store.nodes[ZK_PATHS.deleteTopic(name)])
    return fail("TOPIC_ALREADY_EXISTS", `topic ${name} already exists`);
  const bad = validateConfig(topic.config);
  if (bad) return fail("INVALID_CONFIG", bad);
  const brokers = registeredBrokers(store);
  let replicas: number[][];
  if (topic.assignment) {
    const problem = validateAssignment(topic.assignment, brokers);
    if (problem) return fail("INVALID_REPLICA_ASSIGNMENT", problem);
    replicas = topic.assignment.map((r) => r.slice());
  } else {
    try {
      const rng = engine.rng("zk.placement");
      replicas = assignReplicasToBrokers(brokers, topic.partitions, topic.replicationFactor, (n) => rng.int(0, n - 1));
    } catch (e) {
      if (e instanceof PlacementError) return fail(e.code, e.message);
      throw e;
    }
  }
  const changes: NodeChange[] = [];
  writeTopic(store, name, replicas, topic.config, changes);
  engine.record(
    "emit",
    a.broker.id,
    `topic ${name} written to ZooKeeper by controller ${a.broker.id}: ${replicas.map((r, p) => `p${p}→[${r.join(",")}]`).join(" ")}`,
    { zk: "topicCreated", topic: name },
  );
  fireWatches(engine, store, changes);
  return {
    ok: true,
    detail: `topic ${name} created in ZooKeeper with ${replicas.length} partitions (${topic.assignment ? "given assignment" : "placed by assignReplicasToBrokers"}); the controller elects their leaders next`,
  };
}

/** Writes a topic's assignment and config znodes (also used to bootstrap). */
export function writeTopic(
  store: ZkStore,
  name: string,
  replicas: readonly (readonly number[])[],
  overrides: Partial<TopicConfig>,
  changes: NodeChange[],
): string {
  store.topicSeq += 1;
  const topicId = `topic-${store.topicSeq}`;
  createNode(store, ZK_PATHS.topic(name), encodeAssignment(topicId, replicas), null, changes, true);
  createNode(store, ZK_PATHS.configTopic(name), encodeTopicConfig(overrides), null, changes, true);
  return topicId;
}

export function deleteTopic(engine: Engine, name: string): AdminResult {
  const a = activeController(engine);
  if (!isActive(a)) return a;
  const { store } = a;
  if (!store.nodes[ZK_PATHS.topic(name)]) return fail("UNKNOWN_TOPIC_OR_PARTITION", `topic ${name} does not exist`);
  if (store.nodes[ZK_PATHS.deleteTopic(name)]) return { ok: true, detail: `topic ${name} is already being deleted` };
  const changes: NodeChange[] = [];
  createNode(store, ZK_PATHS.deleteTopic(name), "", null, changes, true);
  fireWatches(engine, store, changes);
  return {
    ok: true,
    detail: `topic ${name} marked for deletion (/admin/delete_topics/${name}); the controller deletes it`,
  };
}

export function createPartitions(engine: Engine, topic: string, totalCount: number): AdminResult {
  const a = activeController(engine);
  if (!isActive(a)) return a;
  const { store } = a;
  const data = readData(store, ZK_PATHS.topic(topic));
  if (data === null) return fail("UNKNOWN_TOPIC_OR_PARTITION", `topic ${topic} does not exist`);
  const { topicId, replicas } = decodeAssignment(data);
  if (!Number.isInteger(totalCount) || totalCount <= replicas.length)
    return fail(
      "INVALID_PARTITIONS",
      `Topic currently has ${replicas.length} partitions, ${totalCount} would not be an increase.`,
    );
  const brokers = registeredBrokers(store);
  const first = replicas[0];
  const startIndex = Math.max(
    0,
    brokers.findIndex((id) => id >= first[0]),
  );
  let added: number[][];
  try {
    added = assignReplicasToBrokers(
      brokers,
      totalCount - replicas.length,
      first.length,
      () => 0,
      startIndex,
      replicas.length,
    );
  } catch (e) {
    if (e instanceof PlacementError) return fail(e.code, e.message);
    throw e;
  }
  const changes: NodeChange[] = [];
  setNode(store, ZK_PATHS.topic(topic), encodeAssignment(topicId, [...replicas, ...added]), -1, changes);
  fireWatches(engine, store, changes);
  return {
    ok: true,
    detail: `topic ${topic} grows to ${totalCount} partitions: ${added.map((r, i) => `p${replicas.length + i}→[${r.join(",")}]`).join(" ")}`,
  };
}

export function alterTopicConfig(engine: Engine, topic: string, config: Partial<TopicConfig>): AdminResult {
  const a = activeController(engine);
  if (!isActive(a)) return a;
  const { store, ctx } = a;
  if (!store.nodes[ZK_PATHS.topic(topic)]) return fail("UNKNOWN_TOPIC_OR_PARTITION", `topic ${topic} does not exist`);
  const bad = validateConfig(config);
  if (bad) return fail("INVALID_CONFIG", bad);
  const overrides = { ...decodeTopicConfig(readData(store, ZK_PATHS.configTopic(topic))), ...config };
  const changes: NodeChange[] = [];
  const path = ZK_PATHS.configTopic(topic);
  if (store.nodes[path]) setNode(store, path, encodeTopicConfig(overrides), -1, changes);
  else createNode(store, path, encodeTopicConfig(overrides), null, changes, true);
  store.configChangeSeq += 1;
  createNode(
    store,
    `${ZK_PATHS.configChanges}/${configChangeName(store.configChangeSeq)}`,
    encodeConfigChange(topic),
    null,
    changes,
    true,
  );
  // Kafka purges old notifications after 15 minutes; keep the last ten.
  const notes = childrenOf(store, ZK_PATHS.configChanges);
  for (const n of notes.slice(0, Math.max(0, notes.length - 10))) deleteNode(store, n.path, false, changes);
  // The controller's own view first (it runs the admin request), then everyone's via the notification.
  const t = ctx.topics[topic];
  if (t) {
    const was = t.config.uncleanLeaderElectionEnable;
    t.overrides = overrides;
    t.config = effectiveTopicConfig(store, overrides);
    if (!was && t.config.uncleanLeaderElectionEnable) {
      engine.record(
        "emit",
        a.broker.id,
        `controller ${a.broker.id}: unclean.leader.election.enable=true for ${topic}: it retries leader election for the topic's offline partitions`,
        { zk: "uncleanEnabled", topic },
      );
      enqueue(engine, a.broker, a.z, {
        t: "OnlinePartitions",
        topic,
        why: `unclean.leader.election.enable turned on for ${topic}`,
      });
    }
  }
  fireWatches(engine, store, changes);
  return {
    ok: true,
    detail: `config of ${topic} now overrides ${JSON.stringify(overrides)}; brokers learn it from /config/changes`,
  };
}

export function electLeaders(
  engine: Engine,
  electionType: "PREFERRED" | "UNCLEAN",
  partitions?: readonly { topic: string; partition: number }[],
): AdminResult {
  const a = activeController(engine);
  if (!isActive(a)) return a;
  const { ctx } = a;
  const keys = partitions
    ? partitions.map((p) => tpKey(p.topic, p.partition))
    : Object.keys(ctx.partitions)
        .map((k) => ctx.partitions[k])
        .sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition))
        .map((p) => tpKey(p.topic, p.partition));
  const results = keys.map((k) => ({ key: k, ...previewElection(ctx, electionType, k) }));
  const todo = results.filter((r) => r.error === "NONE").map((r) => r.key);
  if (todo.length > 0) enqueue(engine, a.broker, a.z, { t: "ReplicaLeaderElection", electionType, keys: todo });
  const detail =
    results.map((r) => (r.error === "NONE" ? r.detail : `${r.detail} (${r.error})`)).join("; ") || "no partitions";
  const errors = results.filter((r) => r.error !== "NONE" && r.error !== "ELECTION_NOT_NEEDED");
  if (todo.length === 0 && errors.length > 0) return fail(errors[0].error, detail);
  return { ok: true, detail };
}
