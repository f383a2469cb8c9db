// The ZooKeeper servers (actors "zk1".."zkN", kind "zookeeper"). Each one is a
// LOOKING / FOLLOWING / LEADING statechart, as ZooKeeper's QuorumPeer names
// its states; the roles are recomputed from reachability on every server tick
// and every client message. Only a server with quorum answers clients, and
// only the leader expires sessions (ZooKeeper's SessionTracker lives on the
// leader), at its tick: like ZooKeeper's ExpiryQueue, a session expires at the
// first tick at or after its deadline, never before.

import { setup } from "xstate";
import { stateLabel } from "../../machines/host.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorKind, ActorRecord, SimEvent } from "../../world/types.ts";
import { brokerActorId } from "../ids.ts";
import { ensembleStatus, isUpNow } from "./quorum.ts";
import {
  applyOp,
  endSession,
  findSession,
  fireWatches,
  hasZkStore,
  openSession,
  resendWatches,
  zkStore,
  type NodeChange,
} from "./store.ts";
import type { ZkOp, ZkSession, ZkStore } from "./types.ts";
import { sessionHex } from "./znodes.ts";

export const ZOOKEEPER_KIND = "zookeeper";

type ServerRole = "LOOKING" | "FOLLOWING" | "LEADING";
type RoleEvent = { type: "zk.role"; role: ServerRole; reach: number; of: number };

/** ZooKeeper's own tickTime: 2000 ms under Kafka's defaults (a third of the client's ping interval). */
export function serverTickMs(store: ZkStore): number {
  return Math.max(1, Math.round(store.timings.zookeeperTickMs / 3));
}

const is =
  (role: ServerRole) =>
  ({ event }: { event: RoleEvent }): boolean =>
    event.role === role;

export const zkServerMachine = setup({
  types: {
    context: {} as { id: string },
    events: {} as RoleEvent,
    input: {} as { id: string },
  },
  actions: {
    // Carried out by the engine (ZOOKEEPER kind effects).
    becameLeader: (_, _params: { reach: number; of: number }) => {},
    lostQuorum: (_, _params: { reach: number; of: number }) => {},
  },
  guards: {
    "leading?": is("LEADING"),
    "following?": is("FOLLOWING"),
    "looking?": is("LOOKING"),
  },
}).createMachine({
  id: "zkServer",
  context: ({ input }) => ({ id: input.id }),
  initial: "LOOKING",
  states: {
    LOOKING: {
      on: {
        "zk.role": [
          { guard: "leading?", target: "LEADING" },
          { guard: "following?", target: "FOLLOWING" },
        ],
      },
    },
    FOLLOWING: {
      on: {
        "zk.role": [
          { guard: "leading?", target: "LEADING" },
          {
            guard: "looking?",
            target: "LOOKING",
            actions: { type: "lostQuorum", params: ({ event }) => ({ reach: event.reach, of: event.of }) },
          },
        ],
      },
    },
    LEADING: {
      entry: { type: "becameLeader", params: ({ event }) => ({ reach: event.reach, of: event.of }) },
      on: {
        "zk.role": [
          { guard: "following?", target: "FOLLOWING" },
          {
            guard: "looking?",
            target: "LOOKING",
            actions: { type: "lostQuorum", params: ({ event }) => ({ reach: event.reach, of: event.of }) },
          },
        ],
      },
    },
  },
});

function roleOf(actor: ActorRecord): ServerRole {
  return stateLabel(actor.snapshot?.value) as ServerRole;
}

/** Recomputes every server's role from who reaches whom, and tells the servers whose role changed. */
export function evaluateEnsemble(engine: Engine): void {
  const store = zkStore(engine);
  const status = ensembleStatus(engine, store.ensemble, store.leader);
  store.leader = status.leader;
  for (const s of store.ensemble) {
    if (!engine.hasActor(s)) continue;
    const a = engine.actor(s);
    if (!a.alive) continue;
    const role: ServerRole = status.leader === s ? "LEADING" : status.serving[s] ? "FOLLOWING" : "LOOKING";
    if (roleOf(a) !== role)
      engine.dispatch(s, { type: "zk.role", role, reach: status.reach[s], of: store.ensemble.length });
  }
}

/**
 * The leader ticks at ZooKeeper's tickTime (its session expiry granularity);
 * the other servers only re-check their quorum, at the client ping interval.
 */
export function scheduleServerTick(engine: Engine, serverId: string): void {
  const store = zkStore(engine);
  const tick = store.leader === serverId ? serverTickMs(store) : store.timings.zookeeperTickMs;
  const next = (Math.floor(engine.nowMs / tick) + 1) * tick;
  engine.schedule(serverId, next - engine.nowMs, { type: "zk.serverTick" }, "zk.serverTick");
}

function setting(store: ZkStore): string {
  return `zookeeper.session.timeout.ms = ${store.timings.zookeeperSessionTimeoutMs}`;
}

/** Ends a session as expired: its ephemeral znodes go and the watches fire. */
export function expireSession(engine: Engine, store: ZkStore, session: ZkSession, actorId: string, why: string): void {
  const changes: NodeChange[] = [];
  const gone = endSession(store, session, changes);
  engine.record(
    "emit",
    actorId,
    `ZooKeeper expired broker ${session.owner}'s session ${sessionHex(session.id)}: ${why}; ` +
      (gone.length > 0 ? `${gone.join(" and ")} deleted` : "it held no ephemeral znodes"),
    {
      zk: "sessionExpired",
      sessionId: session.id,
      broker: session.owner,
      lastHeardMs: session.lastHeardMs,
      timeoutMs: session.timeoutMs,
      deleted: gone,
    },
  );
  fireWatches(engine, store, changes);
}

function expireDueSessions(engine: Engine, store: ZkStore, leader: string): void {
  for (const s of store.sessions.slice()) {
    const silentMs = engine.nowMs - s.lastHeardMs;
    if (silentMs < s.timeoutMs) continue;
    expireSession(engine, store, s, leader, `no ping for ${Math.round(silentMs)} ms (${setting(store)})`);
  }
}

function onServerTick(engine: Engine, actor: ActorRecord): void {
  evaluateEnsemble(engine);
  scheduleServerTick(engine, actor.id);
  const store = zkStore(engine);
  if (store.leader === actor.id) expireDueSessions(engine, store, actor.id);
}

function touch(session: ZkSession, server: string, nowMs: number): void {
  session.lastHeardMs = nowMs;
  session.server = server;
}

/** A client message at a server: connect, ping or request. */
function onClientMessage(engine: Engine, actor: ActorRecord, event: SimEvent): void {
  evaluateEnsemble(engine);
  const store = zkStore(engine);
  const from = String(event.from);
  const status = ensembleStatus(engine, store.ensemble);
  if (!status.serving[actor.id]) {
    engine.record(
      "note",
      actor.id,
      `${actor.id} ignores ${event.type} from ${from}: it reaches ${status.reach[actor.id]} of ${store.ensemble.length} ZooKeeper servers, no quorum`,
    );
    return;
  }
  const sessionId = Number(event.sessionId);
  const now = engine.nowMs;
  if (event.type === "zk.connect" && sessionId === 0) {
    const brokerId = Number(event.brokerId);
    const s = openSession(store, brokerId, actor.id, now);
    engine.record(
      "emit",
      actor.id,
      `${actor.id} opened ZooKeeper session ${sessionHex(s.id)} for broker ${brokerId} (${setting(store)})`,
      { zk: "sessionOpened", sessionId: s.id, broker: brokerId },
    );
    engine.send(actor.id, from, { type: "zk.connected", sessionId: s.id, newSession: true, server: actor.id });
    return;
  }
  const session = findSession(store, sessionId);
  if (!session) {
    engine.send(actor.id, from, { type: "zk.expired", sessionId });
    return;
  }
  const moved = session.server !== actor.id;
  touch(session, actor.id, now);
  switch (event.type) {
    case "zk.connect":
      engine.record(
        "note",
        actor.id,
        `broker ${session.owner}'s session ${sessionHex(session.id)} reconnected through ${actor.id}` +
          (moved ? " (moved from another server); the session lives on" : ""),
      );
      engine.send(actor.id, from, { type: "zk.connected", sessionId, newSession: false, server: actor.id });
      resendWatches(engine, store, sessionId);
      return;
    case "zk.ping":
      engine.send(actor.id, from, { type: "zk.pong", sessionId });
      return;
    case "zk.request": {
      const changes: NodeChange[] = [];
      const result = applyOp(store, session, event.op as ZkOp, changes);
      engine.send(actor.id, from, { type: "zk.response", sessionId, xid: event.xid, result });
      fireWatches(engine, store, changes);
      return;
    }
  }
}

export function createZookeeperKind(): ActorKind {
  return {
    kind: ZOOKEEPER_KIND,
    machine: zkServerMachine,
    machineInput: (actor) => ({ id: actor.id }),
    createData: () => ({}),
    onEvent(engine, actor, event) {
      if (event.type === "zk.role") return false; // the statechart's
      if (!hasZkStore(engine)) return true;
      if (event.type === "zk.serverTick") onServerTick(engine, actor);
      else if (event.type === "zk.connect" || event.type === "zk.ping" || event.type === "zk.request")
        onClientMessage(engine, actor, event);
      return true;
    },
    effects: {
      becameLeader(engine, actor, params) {
        // A new ZooKeeper leader starts every session's timeout afresh.
        const store = zkStore(engine);
        store.leader = actor.id;
        for (const s of store.sessions) s.lastHeardMs = engine.nowMs;
        scheduleServerTick(engine, actor.id);
        engine.record(
          "emit",
          actor.id,
          `${actor.id} leads the ZooKeeper ensemble (reaches ${params.reach} of ${params.of} servers): ` +
            `ZooKeeper serves again and every session's ${store.timings.zookeeperSessionTimeoutMs} ms timeout (zookeeper.session.timeout.ms) starts afresh`,
          { zk: "leader", server: actor.id },
        );
      },
      lostQuorum(engine, actor, params) {
        engine.record(
          "emit",
          actor.id,
          `${actor.id} lost the ZooKeeper quorum (reaches ${params.reach} of ${params.of} servers, needs a majority): ` +
            "it stops serving; no znode can change and no session can expire while no majority is up",
          { zk: "lostQuorum", server: actor.id },
        );
      },
    },
    onRestart(engine, actor) {
      if (!hasZkStore(engine)) return;
      scheduleServerTick(engine, actor.id);
      evaluateEnsemble(engine);
    },
  };
}

/** Spawns the ensemble's actors and starts their ticks; the store must exist already. */
export function spawnEnsemble(engine: Engine, ensemble: readonly string[]): void {
  for (const id of ensemble) engine.spawn(id, ZOOKEEPER_KIND, { id });
  for (const id of ensemble) scheduleServerTick(engine, id);
  evaluateEnsemble(engine);
}

/** The live session's server is up, has quorum, and the broker can reach it: a clean close gets through. */
export function canReach(engine: Engine, store: ZkStore, brokerId: number, server: string): boolean {
  const b = brokerActorId(brokerId);
  return (
    isUpNow(engine, server) &&
    ensembleStatus(engine, store.ensemble).serving[server] === true &&
    !engine.world.net.blocked[`${b}>${server}`]
  );
}
