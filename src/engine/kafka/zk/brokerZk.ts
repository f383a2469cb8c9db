// A broker's ZooKeeper-mode state (broker.data.zk) and its request queue.

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord } from "../../world/types.ts";
import type { BrokerId } from "../metadata.ts";
import type { BrokerZk, PendingRequest, RequestPurpose, ZkOp, ZkStore } from "./types.ts";

export function zkOf(broker: ActorRecord): BrokerZk | undefined {
  return (broker.data as { zk?: BrokerZk }).zk;
}

export interface ClientTimings {
  /** How often the client pings (zookeeperTickMs: a third of the session timeout). */
  readonly tickMs: number;
  /** ZooKeeper's ClientCnxn gives up on a silent server after 2/3 of the session timeout. */
  readonly readTimeoutMs: number;
  /** ...and on a connect attempt after session timeout / number of servers. */
  readonly connectTimeoutMs: number;
}

export function clientTimings(store: ZkStore): ClientTimings {
  const t = store.timings;
  return {
    tickMs: t.zookeeperTickMs,
    readTimeoutMs: Math.round((t.zookeeperSessionTimeoutMs * 2) / 3),
    connectTimeoutMs: Math.round(t.zookeeperSessionTimeoutMs / store.ensemble.length),
  };
}

/** Brokers start on different servers ((id - 1) mod N), as a shuffled connect string would spread them. */
export function firstServerIndex(store: ZkStore, brokerId: BrokerId): number {
  return (brokerId - 1) % store.ensemble.length;
}

export function newBrokerZk(store: ZkStore, brokerId: BrokerId): BrokerZk {
  const ct = clientTimings(store);
  return {
    brokerId,
    client: {
      value: "CLOSED",
      context: {
        brokerId,
        servers: store.ensemble.slice(),
        serverIndex: firstServerIndex(store, brokerId),
        sessionId: 0,
        connectTimeoutMs: ct.connectTimeoutMs,
        readTimeoutMs: ct.readTimeoutMs,
      },
    },
    role: { value: "IDLE", context: { brokerId } },
    lastHeardMs: 0,
    attemptAtMs: 0,
    nextXid: 1,
    pending: [],
    registered: false,
    brokerEpoch: -1,
    controllerEpochSeen: 0,
    controllerIdSeen: null,
    controller: null,
    shutdown: null,
    configChangeSeen: -1,
    stopped: false,
  };
}

export function currentServer(z: BrokerZk): string {
  return z.client.context.servers[z.client.context.serverIndex];
}

export function sendRequest(engine: Engine, broker: ActorRecord, z: BrokerZk, req: PendingRequest): void {
  engine.send(broker.id, currentServer(z), {
    type: "zk.request",
    from: broker.id,
    sessionId: z.client.context.sessionId,
    xid: req.xid,
    op: req.op,
  });
}

/**
 * Queues a ZooKeeper operation. It goes out now if the client is connected,
 * else when it connects again (Kafka's ZooKeeperClient waits for the
 * connection; requests lost with a connection are re-sent).
 */
export function zkRequest(engine: Engine, broker: ActorRecord, z: BrokerZk, op: ZkOp, purpose: RequestPurpose): void {
  const req: PendingRequest = { xid: z.nextXid++, op, purpose };
  z.pending.push(req);
  if (z.client.value === "CONNECTED") sendRequest(engine, broker, z, req);
}

export function scheduleClientTick(engine: Engine, broker: ActorRecord, store: ZkStore): void {
  engine.schedule(broker.id, clientTimings(store).tickMs, { type: "zk.tick" }, "zk.tick");
}
