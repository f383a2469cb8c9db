// What a ZooKeeper-mode broker does with the controller's requests
// (LeaderAndIsr, UpdateMetadata, StopReplica) and with its own controlled
// shutdown. A request whose controller epoch is older than the newest this
// broker has seen comes from a deposed controller and is rejected with
// STALE_CONTROLLER_EPOCH (ReplicaManager#becomeLeaderOrFollower,
// #maybeUpdateMetadataCache).

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { BrokerCoreApi } from "../controlPlane.ts";
import {
  tpKey,
  type BrokerRegistrationState,
  type MetadataChange,
  type PartitionState,
  type TopicState,
} from "../metadata.ts";
import { brokerIdOf } from "../ids.ts";
import { zkOf } from "./brokerZk.ts";
import { zkStore } from "./store.ts";

const KIND_NAMES: Record<string, string> = {
  "zk.LeaderAndIsr": "LeaderAndIsr",
  "zk.UpdateMetadata": "UpdateMetadata",
  "zk.StopReplica": "StopReplica",
};

export function onControllerRequest(engine: Engine, broker: ActorRecord, core: BrokerCoreApi, event: SimEvent): void {
  const z = zkOf(broker);
  if (!z || z.stopped) return;
  const name = KIND_NAMES[event.type] ?? event.type;
  const from = String(event.controllerId);
  const epoch = Number(event.controllerEpoch);
  const reject = (error: string, why: string): void => {
    engine.record("emit", broker.id, `broker ${z.brokerId} rejected ${name} from ${from}: ${why} (${error})`, {
      zk: "rejected",
      request: name,
      error,
      from,
      controllerEpoch: epoch,
    });
    engine.send(broker.id, from, {
      type: "zk.ControllerRequestRejected",
      request: name,
      error,
      controllerEpoch: epoch,
      newestEpoch: z.controllerEpochSeen,
    });
  };
  if (epoch < z.controllerEpochSeen) {
    reject(
      "STALE_CONTROLLER_EPOCH",
      `its controller epoch ${epoch} is older than ${z.controllerEpochSeen}, the newest this broker has seen — ${from} is a deposed controller`,
    );
    return;
  }
  const brokerEpoch = Number(event.brokerEpoch ?? -1);
  if (brokerEpoch >= 0 && z.brokerEpoch >= 0 && brokerEpoch < z.brokerEpoch) {
    reject(
      "STALE_BROKER_EPOCH",
      `it was meant for this broker's previous registration (broker epoch ${brokerEpoch} < ${z.brokerEpoch})`,
    );
    return;
  }
  if (epoch !== z.controllerEpochSeen || from !== z.controllerIdSeen) {
    engine.record("note", broker.id, `broker ${z.brokerId} now follows controller ${from} (controller epoch ${epoch})`);
  }
  z.controllerEpochSeen = epoch;
  z.controllerIdSeen = from;

  const image = core.image(engine, z.brokerId);
  const changes: MetadataChange[] = [{ type: "controller", controllerId: from, controllerEpoch: epoch }];
  for (const b of (event.brokers as BrokerRegistrationState[] | undefined) ?? [])
    changes.push({ type: "broker", broker: b });
  for (const t of (event.topics as TopicState[] | undefined) ?? []) changes.push({ type: "topic", topic: t });
  for (const p of (event.partitions as PartitionState[] | undefined) ?? []) {
    const cached = image.partitions[tpKey(p.topic, p.partition)];
    const stale =
      cached !== undefined &&
      (p.leaderEpoch < cached.leaderEpoch ||
        (p.leaderEpoch === cached.leaderEpoch && p.partitionEpoch < cached.partitionEpoch));
    if (!stale) changes.push({ type: "partition", state: p });
  }
  for (const t of (event.deletedTopics as string[] | undefined) ?? []) changes.push({ type: "topicDeleted", name: t });
  if (event.type === "zk.StopReplica" && event.deletePartitions === true)
    changes.push({ type: "topicDeleted", name: String(event.topic) });
  const why = `${name} from controller ${from} (controller epoch ${epoch})${typeof event.why === "string" ? `: ${event.why}` : ""}`;
  core.applyMetadata(engine, z.brokerId, changes, why);
}

export function onRequestRejected(engine: Engine, broker: ActorRecord, event: SimEvent): void {
  const z = zkOf(broker);
  if (!z) return;
  engine.record(
    "note",
    broker.id,
    `broker ${z.brokerId} learns that its ${event.request} (controller epoch ${event.controllerEpoch}) was rejected with ${event.error}`,
  );
}

// ------------------------------------------------------------------ controlled shutdown (the broker's side)

const MAX_ATTEMPTS = 3; // controlled.shutdown.max.retries

/** controlled.shutdown.retry.backoff.ms (5000), scaled with the profile like the session timeout. */
function retryBackoffMs(engine: Engine): number {
  return Math.max(1, Math.round((5_000 * zkStore(engine).timings.zookeeperSessionTimeoutMs) / 18_000));
}

export function startControlledShutdown(engine: Engine, broker: ActorRecord, core: BrokerCoreApi): void {
  const z = zkOf(broker);
  if (!z) {
    core.controlledShutdownComplete(engine, brokerIdOf(broker.id) ?? -1);
    return;
  }
  z.shutdown = { attempt: 0 };
  attemptShutdown(engine, broker, core);
}

export function attemptShutdown(engine: Engine, broker: ActorRecord, core: BrokerCoreApi): void {
  const z = zkOf(broker);
  if (!z || !z.shutdown) return;
  z.shutdown.attempt += 1;
  const attempt = z.shutdown.attempt;
  const target = z.controllerIdSeen;
  if (target === null) {
    failAttempt(engine, broker, core, "no controller is known");
    return;
  }
  engine.send(broker.id, target, {
    type: "zk.ControlledShutdown",
    from: broker.id,
    brokerId: z.brokerId,
    brokerEpoch: z.brokerEpoch,
    attempt,
  });
  engine.schedule(
    broker.id,
    zkStore(engine).timings.requestTimeoutMs,
    { type: "zk.csTimeout", attempt },
    "zk.csTimeout",
  );
}

export function onShutdownResponse(engine: Engine, broker: ActorRecord, core: BrokerCoreApi, event: SimEvent): void {
  const z = zkOf(broker);
  if (!z || !z.shutdown || event.attempt !== z.shutdown.attempt) return;
  engine.cancel(broker.id, "zk.csTimeout");
  const remaining = (event.remaining as string[] | undefined) ?? [];
  if (event.error === "NONE" && remaining.length === 0) {
    engine.record(
      "emit",
      broker.id,
      `broker ${z.brokerId}: controlled shutdown accepted — it leads no replicated partition any more; it may stop`,
      { zk: "controlledShutdownDone", broker: z.brokerId },
    );
    z.shutdown = null;
    core.controlledShutdownComplete(engine, z.brokerId);
    return;
  }
  failAttempt(
    engine,
    broker,
    core,
    event.error !== "NONE" ? `the controller answered ${event.error}` : `it still leads ${remaining.join(", ")}`,
  );
}

export function onShutdownTimeout(engine: Engine, broker: ActorRecord, core: BrokerCoreApi, event: SimEvent): void {
  const z = zkOf(broker);
  if (!z || !z.shutdown || event.attempt !== z.shutdown.attempt) return;
  failAttempt(
    engine,
    broker,
    core,
    `no answer within request.timeout.ms = ${zkStore(engine).timings.requestTimeoutMs}`,
  );
}

function failAttempt(engine: Engine, broker: ActorRecord, core: BrokerCoreApi, why: string): void {
  const z = zkOf(broker);
  if (!z || !z.shutdown) return;
  if (z.shutdown.attempt >= MAX_ATTEMPTS) {
    engine.record(
      "emit",
      broker.id,
      `broker ${z.brokerId}: controlled shutdown attempt ${z.shutdown.attempt} failed (${why}); after ${MAX_ATTEMPTS} attempts (controlled.shutdown.max.retries) it shuts down anyway`,
      { zk: "controlledShutdownGaveUp", broker: z.brokerId },
    );
    z.shutdown = null;
    core.controlledShutdownComplete(engine, z.brokerId);
    return;
  }
  const backoff = retryBackoffMs(engine);
  engine.record(
    "note",
    broker.id,
    `broker ${z.brokerId}: controlled shutdown attempt ${z.shutdown.attempt} failed (${why}); retrying in ${backoff} ms (controlled.shutdown.retry.backoff.ms)`,
  );
  engine.schedule(broker.id, backoff, { type: "zk.csRetry" }, "zk.csRetry");
}
