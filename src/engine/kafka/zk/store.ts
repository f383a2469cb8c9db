// The logical ZooKeeper database (world.data.zk): znodes, sessions, watches,
// and the operations Kafka brokers run against it. The ensemble (ensemble.ts)
// decides *when* an operation may run (quorum); this file says *what* it does.

import { invariant } from "../../core/assert.ts";
import type { Engine } from "../../world/engine.ts";
import { brokerActorId } from "../ids.ts";
import { isServing } from "./quorum.ts";
import type {
  ControllerStateRead,
  NodeRead,
  WatchChild,
  WatchNotification,
  ZkOp,
  ZkOpResult,
  ZkSession,
  ZkStore,
  ZkWatch,
  ZkWrite,
  ZkWriteResult,
  Znode,
} from "./types.ts";
import { baseName, compareNames, decodeAssignment, decodeControllerId, parentOf, ZK_PATHS } from "./znodes.ts";

export const ZK_DATA_KEY = "zk";

export function zkStore(engine: Engine): ZkStore {
  const s = engine.world.data[ZK_DATA_KEY] as ZkStore | undefined;
  invariant(s !== undefined, "ZooKeeper mode is not bootstrapped (world.data.zk is missing)");
  return s;
}

export function hasZkStore(engine: Engine): boolean {
  return engine.world.data[ZK_DATA_KEY] !== undefined;
}

/** A znode change, for firing watches. */
export interface NodeChange {
  readonly path: string;
  readonly what: "created" | "deleted" | "changed";
}

// ------------------------------------------------------------------ znodes

export function childrenOf(store: ZkStore, path: string): Znode[] {
  const prefix = path === "/" ? "/" : path + "/";
  const out: Znode[] = [];
  for (const p of Object.keys(store.nodes)) {
    if (p.startsWith(prefix) && p.indexOf("/", prefix.length) < 0) out.push(store.nodes[p]);
  }
  return out.sort((a, b) => compareNames(baseName(a.path), baseName(b.path)));
}

export function createNode(
  store: ZkStore,
  path: string,
  data: string,
  ephemeralOwner: number | null,
  changes: NodeChange[],
  ensureParents = false,
): Znode | "NODEEXISTS" | "NONODE" {
  if (store.nodes[path]) return "NODEEXISTS";
  const parent = parentOf(path);
  if (parent !== "/" && !store.nodes[parent]) {
    if (!ensureParents) return "NONODE";
    createNode(store, parent, "", null, changes, true);
  }
  store.zxid += 1;
  const node: Znode = { path, data, version: 0, czxid: store.zxid, mzxid: store.zxid, ephemeralOwner };
  store.nodes[path] = node;
  changes.push({ path, what: "created" });
  return node;
}

/** setData with an expected version (-1: any). Returns the new version. */
export function setNode(
  store: ZkStore,
  path: string,
  data: string,
  expectedVersion: number,
  changes: NodeChange[],
): number | "BADVERSION" | "NONODE" {
  const node = store.nodes[path];
  if (!node) return "NONODE";
  if (expectedVersion >= 0 && node.version !== expectedVersion) return "BADVERSION";
  store.zxid += 1;
  node.data = data;
  node.version += 1;
  node.mzxid = store.zxid;
  changes.push({ path, what: "changed" });
  return node.version;
}

export function deleteNode(store: ZkStore, path: string, recursive: boolean, changes: NodeChange[]): boolean {
  if (!store.nodes[path]) return false;
  const kids = childrenOf(store, path);
  if (kids.length > 0) {
    if (!recursive) return false;
    for (const k of kids) deleteNode(store, k.path, true, changes);
  }
  store.zxid += 1;
  delete store.nodes[path];
  changes.push({ path, what: "deleted" });
  return true;
}

export function readData(store: ZkStore, path: string): string | null {
  return store.nodes[path]?.data ?? null;
}

export function controllerHolder(store: ZkStore): number | null {
  return decodeControllerId(readData(store, ZK_PATHS.controller));
}

export function controllerEpochOf(store: ZkStore): number {
  return Number(readData(store, ZK_PATHS.controllerEpoch) ?? "0");
}

// ------------------------------------------------------------------ sessions and watches

export function findSession(store: ZkStore, id: number): ZkSession | undefined {
  return store.sessions.find((s) => s.id === id);
}

export function sessionOf(store: ZkStore, brokerId: number): ZkSession | undefined {
  let found: ZkSession | undefined;
  for (const s of store.sessions) if (s.owner === brokerId) found = s;
  return found;
}

/** Every broker watches /controller (data) and /config/changes (children) for the life of its session. */
export function openSession(store: ZkStore, owner: number, server: string, nowMs: number): ZkSession {
  const s: ZkSession = {
    id: store.nextSessionId++,
    owner,
    server,
    lastHeardMs: nowMs,
    timeoutMs: store.timings.zookeeperSessionTimeoutMs,
  };
  store.sessions.push(s);
  store.sessions.sort((a, b) => a.id - b.id);
  addWatch(store, s.id, ZK_PATHS.controller, "data");
  addWatch(store, s.id, ZK_PATHS.configChanges, "children");
  return s;
}

/** Removes a session (expired or closed) with its ephemeral nodes and watches; returns the deleted paths. */
export function endSession(store: ZkStore, session: ZkSession, changes: NodeChange[]): string[] {
  store.sessions = store.sessions.filter((s) => s.id !== session.id);
  store.watches = store.watches.filter((w) => w.sessionId !== session.id);
  const gone: string[] = [];
  for (const p of Object.keys(store.nodes).sort()) {
    if (store.nodes[p]?.ephemeralOwner === session.id) {
      deleteNode(store, p, false, changes);
      gone.push(p);
    }
  }
  return gone;
}

export function addWatch(store: ZkStore, sessionId: number, path: string, kind: ZkWatch["kind"]): void {
  if (store.watches.some((w) => w.sessionId === sessionId && w.path === path && w.kind === kind)) return;
  store.watches.push({ sessionId, path, kind });
}

function childEntries(store: ZkStore, path: string): WatchChild[] {
  return childrenOf(store, path).map((n) => ({ name: baseName(n.path), czxid: n.czxid, data: n.data }));
}

export function notificationFor(store: ZkStore, w: ZkWatch): WatchNotification {
  return {
    path: w.path,
    kind: w.kind,
    data: readData(store, w.path),
    children: w.kind === "children" ? childEntries(store, w.path) : [],
  };
}

/** Sends one notification to the watcher, through the server its session is connected to. */
export function deliverWatch(engine: Engine, store: ZkStore, w: ZkWatch): void {
  const session = findSession(store, w.sessionId);
  if (!session) return;
  // A server without quorum has closed its connections; the client gets the
  // current state again when it reconnects (see resendWatches).
  if (!isServing(engine, store.ensemble, session.server)) return;
  engine.send(session.server, brokerActorId(session.owner), {
    type: "zk.watch",
    sessionId: session.id,
    notification: notificationFor(store, w),
  });
}

/** Fires the watches that the changes trigger: data watches on a path, child watches on its parent. */
export function fireWatches(engine: Engine, store: ZkStore, changes: readonly NodeChange[]): void {
  const fired: ZkWatch[] = [];
  for (const c of changes) {
    for (const w of store.watches) {
      const hit =
        (w.kind === "data" && w.path === c.path) ||
        (w.kind === "children" && c.what !== "changed" && w.path === parentOf(c.path));
      if (hit && !fired.includes(w)) fired.push(w);
    }
  }
  for (const w of fired) deliverWatch(engine, store, w);
}

/** After a reconnect, ZooKeeper replays what the client's watches missed; here: the current state of each. */
export function resendWatches(engine: Engine, store: ZkStore, sessionId: number): void {
  for (const w of store.watches) if (w.sessionId === sessionId) deliverWatch(engine, store, w);
}

// ------------------------------------------------------------------ operations

function applyWrite(store: ZkStore, w: ZkWrite, changes: NodeChange[]): ZkWriteResult {
  switch (w.op) {
    case "create": {
      const existing = store.nodes[w.path];
      // A retried create whose first attempt succeeded is not an error.
      if (existing && existing.data === w.data) return { ok: true, version: existing.version };
      const r = createNode(store, w.path, w.data, null, changes, true);
      return typeof r === "string" ? { ok: false, error: r } : { ok: true, version: r.version };
    }
    case "set": {
      const existing = store.nodes[w.path];
      // Kafka's updateLeaderAndIsr treats a version conflict whose data already matches as success.
      if (existing && existing.version !== w.version && existing.data === w.data)
        return { ok: true, version: existing.version };
      const r = setNode(store, w.path, w.data, w.version, changes);
      return typeof r === "string" ? { ok: false, error: r } : { ok: true, version: r };
    }
    case "delete":
      deleteNode(store, w.path, w.recursive, changes);
      return { ok: true, version: -1 };
  }
}

export function readControllerState(store: ZkStore): ControllerStateRead {
  const topics = childrenOf(store, ZK_PATHS.topics).map((t) => {
    const name = baseName(t.path);
    const { replicas } = decodeAssignment(t.data);
    return {
      name,
      assignment: t.data,
      config: readData(store, ZK_PATHS.configTopic(name)),
      states: replicas.map((_, p) => {
        const n = store.nodes[ZK_PATHS.partitionState(name, p)];
        return { partition: p, data: n ? n.data : null, version: n ? n.version : -1 };
      }),
    };
  });
  return {
    controllerEpoch: Number(readData(store, ZK_PATHS.controllerEpoch) ?? "0"),
    brokers: childrenOf(store, ZK_PATHS.brokerIds).map((n) => ({ id: Number(baseName(n.path)), epoch: n.czxid })),
    topics,
    deletions: childrenOf(store, ZK_PATHS.deleteTopics).map((n) => baseName(n.path)),
  };
}

const CONTROLLER_WATCHES: readonly { path: string; kind: ZkWatch["kind"] }[] = [
  { path: ZK_PATHS.brokerIds, kind: "children" },
  { path: ZK_PATHS.topics, kind: "children" },
  { path: ZK_PATHS.deleteTopics, kind: "children" },
];

/** Runs one client operation for `session`. The caller fires watches for the returned changes. */
export function applyOp(store: ZkStore, session: ZkSession, op: ZkOp, changes: NodeChange[]): ZkOpResult {
  switch (op.kind) {
    case "registerBroker": {
      const path = ZK_PATHS.brokerId(op.brokerId);
      const existing = store.nodes[path];
      if (existing) {
        if (existing.ephemeralOwner === session.id) return { kind: "registerBroker", ok: true, czxid: existing.czxid };
        return { kind: "registerBroker", ok: false, ownerSession: existing.ephemeralOwner ?? -1 };
      }
      const node = createNode(store, path, op.data, session.id, changes, true) as Znode;
      return { kind: "registerBroker", ok: true, czxid: node.czxid };
    }
    case "electController": {
      const ctrl = store.nodes[ZK_PATHS.controller];
      const epochNode = store.nodes[ZK_PATHS.controllerEpoch];
      if (ctrl) {
        if (ctrl.ephemeralOwner === session.id && epochNode) {
          return {
            kind: "electController",
            won: true,
            epoch: Number(epochNode.data),
            epochZkVersion: epochNode.version,
          };
        }
        return { kind: "electController", won: false, holder: decodeControllerId(ctrl.data) };
      }
      createNode(store, ZK_PATHS.controller, op.data, session.id, changes);
      let epoch = 1;
      let epochZkVersion = 0;
      if (epochNode) {
        epoch = Number(epochNode.data) + 1;
        epochZkVersion = setNode(store, ZK_PATHS.controllerEpoch, String(epoch), epochNode.version, changes) as number;
      } else {
        createNode(store, ZK_PATHS.controllerEpoch, "1", null, changes);
      }
      return { kind: "electController", won: true, epoch, epochZkVersion };
    }
    case "readControllerState": {
      for (const w of CONTROLLER_WATCHES) addWatch(store, session.id, w.path, w.kind);
      for (const t of childrenOf(store, ZK_PATHS.topics)) addWatch(store, session.id, t.path, "data");
      return { kind: "readControllerState", state: readControllerState(store) };
    }
    case "read": {
      for (const p of op.watchData) addWatch(store, session.id, p, "data");
      const nodes: NodeRead[] = op.paths.map((path) => {
        const n = store.nodes[path];
        return { path, data: n ? n.data : null, version: n ? n.version : -1, czxid: n ? n.czxid : -1 };
      });
      return { kind: "read", nodes };
    }
    case "controllerWrite": {
      const epochNode = store.nodes[ZK_PATHS.controllerEpoch];
      if (!epochNode || epochNode.version !== op.epochZkVersion) {
        return { kind: "controllerWrite", ok: false, error: "CONTROLLER_MOVED" };
      }
      return { kind: "controllerWrite", ok: true, results: op.writes.map((w) => applyWrite(store, w, changes)) };
    }
    case "unwatchController": {
      store.watches = store.watches.filter(
        (w) =>
          w.sessionId !== session.id ||
          (w.path === ZK_PATHS.controller && w.kind === "data") ||
          (w.path === ZK_PATHS.configChanges && w.kind === "children"),
      );
      return { kind: "unwatchController" };
    }
  }
}
