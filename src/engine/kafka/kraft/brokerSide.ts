// The broker's half of KRaft, run inside broker actors (their kind routes
// "kraft." events here): BrokerLifecycleManager (registration, heartbeats,
// controlled shutdown) and the metadata fetcher that follows the active
// controller's committed records as an observer, turning each record into
// MetadataChange[] for the broker core.
//
// The state lives in broker.data.kraft as one plain object that is replaced,
// never mutated, whatever the broker core's checkpoint copy does.

import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { AlterPartitionRequest, BrokerCoreApi } from "../controlPlane.ts";
import { brokerIdOf } from "../ids.ts";
import { applyChanges, type MetadataChange } from "../metadata.ts";
import { defaultsOf, kraftWorld, quorumRequestTimeoutMs } from "./config.ts";
import type {
  AlterPartitionMessage,
  AlterPartitionResponseMessage,
  BrokerHeartbeatRequest,
  BrokerHeartbeatResponse,
  BrokerRegistrationRequest,
  BrokerRegistrationResponse,
  MetadataFetch,
  MetadataFetchResponse,
} from "./protocol.ts";
import { recordToChanges } from "./records.ts";

export interface BrokerKraftState {
  readonly incarnation: number;
  readonly registered: boolean;
  readonly brokerEpoch: number;
  /** As the last heartbeat answer said. */
  readonly fenced: boolean;
  readonly wantShutDown: boolean;
  readonly shutdownComplete: boolean;
  readonly stopped: boolean;
  /** Where requests go: the active controller as far as this broker knows. */
  readonly controller: string;
  readonly controllerEpoch: number;
  readonly nextReqId: number;
  /** The metadata fetch in flight, if any. */
  readonly fetchReqId: number | null;
  /** Answers to requests older than this are stale. */
  readonly lastHeartbeatReqId: number;
  /** A heartbeat was sent the moment the metadata reached the registration record. */
  readonly caughtUpSent: boolean;
  /** The AlterPartition in flight per partition ("orders-0"), by request id. */
  readonly pendingAlter: readonly { readonly key: string; readonly reqId: number }[];
}

const REQ_IDS_PER_INCARNATION = 1_000_000_000;

export function brokerState(broker: ActorRecord): BrokerKraftState | undefined {
  return broker.data.kraft as BrokerKraftState | undefined;
}

function setState(broker: ActorRecord, patch: Partial<BrokerKraftState>): BrokerKraftState {
  const next = { ...(broker.data.kraft as BrokerKraftState), ...patch };
  broker.data.kraft = next;
  return next;
}

function idOf(broker: ActorRecord): number {
  const id = brokerIdOf(broker.id);
  if (id === null) throw new RangeError(`${broker.id} is not a broker`);
  return id;
}

function takeReqId(broker: ActorRecord): number {
  const s = brokerState(broker) as BrokerKraftState;
  setState(broker, { nextReqId: s.nextReqId + 1 });
  return s.nextReqId;
}

function nextController(engine: Engine, current: string): string {
  const cs = kraftWorld(engine).controllers;
  const i = cs.indexOf(current);
  return cs[(i + 1) % cs.length];
}

/** Follows a NOT_CONTROLLER answer: the hinted controller, else the next one in order. */
function redirect(engine: Engine, broker: ActorRecord, hint: string | null): boolean {
  const s = brokerState(broker) as BrokerKraftState;
  const next = hint !== null && hint !== s.controller ? hint : nextController(engine, s.controller);
  setState(broker, { controller: next });
  return hint !== null && hint !== s.controller;
}

export function initBrokerState(
  engine: Engine,
  broker: ActorRecord,
  init: { registered: boolean; brokerEpoch: number; fenced: boolean; controller: string | null },
): void {
  const w = kraftWorld(engine);
  const prev = brokerState(broker);
  const state: BrokerKraftState = {
    incarnation: broker.incarnation,
    registered: init.registered,
    brokerEpoch: init.brokerEpoch,
    fenced: init.fenced,
    wantShutDown: false,
    shutdownComplete: false,
    stopped: false,
    controller: init.controller ?? prev?.controller ?? w.controllers[0],
    controllerEpoch: 0,
    nextReqId: broker.incarnation * REQ_IDS_PER_INCARNATION + 1,
    fetchReqId: null,
    lastHeartbeatReqId: 0,
    caughtUpSent: !init.fenced,
    pendingAlter: [],
  };
  broker.data.kraft = state;
}

function active(core: BrokerCoreApi, engine: Engine, broker: ActorRecord): BrokerKraftState | null {
  const s = brokerState(broker);
  if (!s || s.stopped || !broker.alive || !core.isUp(engine, idOf(broker))) return null;
  return s;
}

// ------------------------------------------------------------------ registration and heartbeats

export function scheduleHeartbeat(engine: Engine, broker: ActorRecord): void {
  engine.schedule(
    broker.id,
    kraftWorld(engine).timings.brokerHeartbeatIntervalMs,
    { type: "kraft.heartbeatTick" },
    "kraft.heartbeat",
  );
}

/** BrokerRegistration while unregistered, BrokerHeartbeat afterwards. */
export function sendHeartbeatOrRegistration(core: BrokerCoreApi, engine: Engine, broker: ActorRecord): void {
  const s = active(core, engine, broker);
  if (!s) return;
  const brokerId = idOf(broker);
  const reqId = takeReqId(broker);
  if (!s.registered) {
    const ev: BrokerRegistrationRequest = {
      type: "kraft.BrokerRegistration",
      brokerId,
      incarnation: s.incarnation,
      reqId,
    };
    engine.send(broker.id, s.controller, ev);
    return;
  }
  const ev: BrokerHeartbeatRequest = {
    type: "kraft.BrokerHeartbeat",
    brokerId,
    brokerEpoch: s.brokerEpoch,
    currentMetadataOffset: core.image(engine, brokerId).metadataOffset,
    wantShutDown: s.wantShutDown,
    reqId,
  };
  engine.send(broker.id, s.controller, ev);
}

function onRegistrationResponse(
  core: BrokerCoreApi,
  engine: Engine,
  broker: ActorRecord,
  ev: BrokerRegistrationResponse,
): void {
  const s = active(core, engine, broker);
  if (!s || s.registered) return;
  const brokerId = idOf(broker);
  const r = ev.reply;
  if (r.error === "NOT_CONTROLLER") {
    redirect(engine, broker, ev.leaderId);
    return;
  }
  if (r.error !== "NONE") {
    engine.record(
      "note",
      broker.id,
      `broker ${brokerId}'s registration was refused with ${r.error}: its previous process still holds a session; it retries every ${kraftWorld(engine).timings.brokerHeartbeatIntervalMs} ms (broker.heartbeat.interval.ms) until that session expires (broker.session.timeout.ms)`,
    );
    return;
  }
  setState(broker, {
    registered: true,
    brokerEpoch: r.brokerEpoch,
    fenced: true,
    caughtUpSent: false,
    controller: ev.leaderId ?? s.controller,
  });
  core.registered(engine, brokerId, r.brokerEpoch);
  sendHeartbeatOrRegistration(core, engine, broker);
}

function onHeartbeatResponse(
  core: BrokerCoreApi,
  engine: Engine,
  broker: ActorRecord,
  ev: BrokerHeartbeatResponse,
): void {
  const s = active(core, engine, broker);
  if (!s || !s.registered || ev.reqId <= s.lastHeartbeatReqId) return;
  setState(broker, { lastHeartbeatReqId: ev.reqId });
  const brokerId = idOf(broker);
  const r = ev.reply;
  if (r.error === "NOT_CONTROLLER") {
    redirect(engine, broker, ev.leaderId);
    return;
  }
  if (r.error === "STALE_BROKER_EPOCH") {
    engine.record(
      "note",
      broker.id,
      `broker ${brokerId}'s broker epoch ${s.brokerEpoch} is unknown to the controller (STALE_BROKER_EPOCH): it registers again`,
    );
    setState(broker, { registered: false, fenced: true });
    return;
  }
  if (s.fenced && !r.isFenced) {
    setState(broker, { fenced: false });
    engine.record("note", broker.id, `broker ${brokerId} learned from controller ${ev.leaderId} that it is unfenced`);
    core.unfenced(engine, brokerId);
  } else if (!s.fenced && r.isFenced && !r.shouldShutDown) {
    setState(broker, { fenced: true, caughtUpSent: false });
    engine.record(
      "note",
      broker.id,
      `broker ${brokerId} learned from controller ${ev.leaderId} that it was fenced; it is unfenced again once its metadata has caught up`,
    );
  }
  const now = brokerState(broker) as BrokerKraftState;
  if (r.shouldShutDown && now.wantShutDown && !now.shutdownComplete) {
    setState(broker, { shutdownComplete: true });
    engine.record(
      "note",
      broker.id,
      `controller ${ev.leaderId} lets broker ${brokerId} shut down: it leads no partition any more`,
    );
    core.controlledShutdownComplete(engine, brokerId);
  }
}

// ------------------------------------------------------------------ metadata fetch

/** Fetches committed metadata records after the broker's current metadata offset. */
export function sendMetadataFetch(core: BrokerCoreApi, engine: Engine, broker: ActorRecord): void {
  const s = active(core, engine, broker);
  if (!s) return;
  const brokerId = idOf(broker);
  const reqId = takeReqId(broker);
  setState(broker, { fetchReqId: reqId });
  const ev: MetadataFetch = {
    type: "kraft.MetadataFetch",
    brokerId,
    reqId,
    fetchOffset: core.image(engine, brokerId).metadataOffset + 1,
  };
  engine.send(broker.id, s.controller, ev);
  const t = kraftWorld(engine).timings;
  engine.schedule(broker.id, quorumRequestTimeoutMs(t), { type: "kraft.fetchTimeout", reqId }, "kraft.fetchTimeout");
}

function onFetchTimeout(core: BrokerCoreApi, engine: Engine, broker: ActorRecord, reqId: number): void {
  const s = active(core, engine, broker);
  if (!s || s.fetchReqId !== reqId) return;
  const next = nextController(engine, s.controller);
  setState(broker, { controller: next, fetchReqId: null });
  sendMetadataFetch(core, engine, broker);
}

function onMetadataFetchResponse(
  core: BrokerCoreApi,
  engine: Engine,
  broker: ActorRecord,
  ev: MetadataFetchResponse,
): void {
  const s = active(core, engine, broker);
  if (!s || s.fetchReqId !== ev.reqId) return;
  engine.cancel(broker.id, "kraft.fetchTimeout");
  setState(broker, { fetchReqId: null });
  if (ev.error === "NOT_CONTROLLER") {
    if (redirect(engine, broker, ev.leaderId)) sendMetadataFetch(core, engine, broker);
    else
      engine.schedule(
        broker.id,
        kraftWorld(engine).timings.metadataFetchWaitMaxMs,
        { type: "kraft.fetchRetry" },
        "kraft.fetchRetry",
      );
    return;
  }
  const brokerId = idOf(broker);
  const leaderId = ev.leaderId as string;
  const before = core.image(engine, brokerId);
  const expected = before.metadataOffset + 1;
  const records = ev.records.filter((e) => e.offset >= expected);
  const defaults = defaultsOf(kraftWorld(engine));
  const changes: MetadataChange[] = [];
  let img = before;
  let last = before.metadataOffset;
  for (const e of records) {
    if (e.offset !== last + 1) break; // a gap cannot happen with committed records; stop rather than skip
    const ch = recordToChanges(img, e.record, defaults);
    img = applyChanges(img, ch);
    changes.push(...ch);
    last = e.offset;
  }
  const newController = img.controllerId !== leaderId || img.controllerEpoch !== ev.epoch;
  if (newController) changes.push({ type: "controller", controllerId: leaderId, controllerEpoch: ev.epoch });
  if (last !== before.metadataOffset) changes.push({ type: "offset", metadataOffset: last });
  if (s.controller !== leaderId || s.controllerEpoch !== ev.epoch) {
    if (s.controllerEpoch !== 0) {
      engine.record(
        "note",
        broker.id,
        `broker ${brokerId} now follows the active controller ${leaderId} (epoch ${ev.epoch})`,
        {
          controller: leaderId,
          epoch: ev.epoch,
        },
      );
    }
    setState(broker, { controller: leaderId, controllerEpoch: ev.epoch });
  }
  if (changes.length > 0) {
    const first = before.metadataOffset + 1;
    const why =
      last > before.metadataOffset
        ? `metadata ${first === last ? `record ${last}` : `records ${first}–${last}`} from controller ${leaderId} (epoch ${ev.epoch})`
        : `controller ${leaderId} is active (epoch ${ev.epoch})`;
    core.applyMetadata(engine, brokerId, changes, why);
  }
  // A starting broker heartbeats at once when its metadata reaches its own registration record.
  const st = brokerState(broker) as BrokerKraftState;
  if (st.registered && st.fenced && !st.caughtUpSent && core.image(engine, brokerId).metadataOffset >= st.brokerEpoch) {
    setState(broker, { caughtUpSent: true });
    sendHeartbeatOrRegistration(core, engine, broker);
  }
  sendMetadataFetch(core, engine, broker);
}

// ------------------------------------------------------------------ AlterPartition

export function sendAlterPartition(
  core: BrokerCoreApi,
  engine: Engine,
  broker: ActorRecord,
  request: AlterPartitionRequest,
): void {
  const s = active(core, engine, broker);
  if (!s) return;
  const key = `${request.topic}-${request.partition}`;
  const reqId = takeReqId(broker);
  const pendingAlter = [...s.pendingAlter.filter((p) => p.key !== key), { key, reqId }].sort((a, b) =>
    a.key < b.key ? -1 : 1,
  );
  setState(broker, { pendingAlter });
  const ev: AlterPartitionMessage = { type: "kraft.AlterPartition", brokerId: idOf(broker), reqId, request };
  engine.send(broker.id, s.controller, ev);
}

function onAlterPartitionResponse(
  core: BrokerCoreApi,
  engine: Engine,
  broker: ActorRecord,
  ev: AlterPartitionResponseMessage,
): void {
  const s = active(core, engine, broker);
  if (!s) return;
  const key = `${ev.topic}-${ev.partition}`;
  const pending = s.pendingAlter.find((p) => p.key === key);
  if (!pending || pending.reqId !== ev.reqId) return; // superseded by a newer request
  setState(broker, { pendingAlter: s.pendingAlter.filter((p) => p !== pending) });
  if (ev.result.error === "NOT_CONTROLLER") redirect(engine, broker, ev.leaderId);
  core.alterPartitionResponse(engine, idOf(broker), ev.topic, ev.partition, ev.result);
}

// ------------------------------------------------------------------ routing

export function handleBrokerKraftEvent(
  core: BrokerCoreApi,
  engine: Engine,
  broker: ActorRecord,
  event: SimEvent,
): boolean {
  if (!event.type.startsWith("kraft.")) return false;
  if (!brokerState(broker)) return true; // not started under KRaft (yet): nothing to do
  switch (event.type) {
    case "kraft.heartbeatTick":
      if (!active(core, engine, broker)) return true;
      sendHeartbeatOrRegistration(core, engine, broker);
      scheduleHeartbeat(engine, broker);
      return true;
    case "kraft.fetchTimeout":
      onFetchTimeout(core, engine, broker, (event as unknown as { reqId: number }).reqId);
      return true;
    case "kraft.fetchRetry":
      if (active(core, engine, broker)?.fetchReqId === null) sendMetadataFetch(core, engine, broker);
      return true;
    case "kraft.BrokerRegistrationResponse":
      onRegistrationResponse(core, engine, broker, event as unknown as BrokerRegistrationResponse);
      return true;
    case "kraft.BrokerHeartbeatResponse":
      onHeartbeatResponse(core, engine, broker, event as unknown as BrokerHeartbeatResponse);
      return true;
    case "kraft.MetadataFetchResponse":
      onMetadataFetchResponse(core, engine, broker, event as unknown as MetadataFetchResponse);
      return true;
    case "kraft.AlterPartitionResponse":
      onAlterPartitionResponse(core, engine, broker, event as unknown as AlterPartitionResponseMessage);
      return true;
    default:
      return true; // a kraft event this broker has no use for
  }
}

export function stopBroker(engine: Engine, broker: ActorRecord): void {
  if (!brokerState(broker)) return;
  setState(broker, { stopped: true, fetchReqId: null, pendingAlter: [] });
  if (broker.alive) {
    engine.cancel(broker.id, "kraft.heartbeat");
    engine.cancel(broker.id, "kraft.fetchTimeout");
    engine.cancel(broker.id, "kraft.fetchRetry");
  }
}

export function requestShutdown(core: BrokerCoreApi, engine: Engine, broker: ActorRecord): void {
  if (!active(core, engine, broker)) return;
  setState(broker, { wantShutDown: true });
  sendHeartbeatOrRegistration(core, engine, broker);
}
