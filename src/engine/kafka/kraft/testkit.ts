// A fake broker core for testing the KRaft control plane without the real
// broker: a tiny broker kind that keeps the metadata image the control plane
// hands it, and records what it was told (registrations, unfencing, AlterPartition
// answers). Used by the tests beside this file only.

import { Engine } from "../../world/engine.ts";
import { kernelInputDescriptions, kernelInputs } from "../../world/kernelInputs.ts";
import type { ActorKind, ActorRecord } from "../../world/types.ts";
import type { NetworkConfig } from "../../net/network.ts";
import type { AlterPartitionResult, BrokerCoreApi, ControlPlane } from "../controlPlane.ts";
import { brokerActorId } from "../ids.ts";
import { applyChanges, EMPTY_IMAGE, type MetadataImage } from "../metadata.ts";
import { timingsFor, type Timings } from "../profile.ts";
import { DEFAULT_BROKER_CONFIG, type BrokerConfig, type ClusterSpec, type TopicSpec } from "../spec.ts";
import { createKraftControlPlane } from "./kraftControlPlane.ts";

export const FAKE_BROKER_KIND = "fake-broker";

export interface FakeBrokerData extends Record<string, unknown> {
  brokerId: number;
  image: MetadataImage;
  /** Survive restarts, for assertions. */
  history: {
    applied: { atMs: number; why: string; changes: number }[];
    registered: { atMs: number; brokerEpoch: number }[];
    unfenced: { atMs: number; metadataOffset: number }[];
    shutdownComplete: { atMs: number }[];
    alterResponses: { atMs: number; topic: string; partition: number; result: AlterPartitionResult }[];
  };
  kraft?: unknown;
}

export const fakeData = (a: ActorRecord): FakeBrokerData => a.data as FakeBrokerData;

export interface KraftWorld {
  engine: Engine;
  plane: ControlPlane;
  spec: ClusterSpec;
  broker(id: number): ActorRecord;
}

export interface KraftWorldOptions {
  seed: number;
  brokers?: number;
  controllers?: number;
  topics?: TopicSpec[];
  timings?: Partial<Timings>;
  brokerConfig?: Partial<BrokerConfig>;
  network?: Partial<NetworkConfig>;
}

export function topic(
  name: string,
  partitions: number,
  replicationFactor: number,
  extra: Partial<TopicSpec> = {},
): TopicSpec {
  return { name, partitions, replicationFactor, config: {}, ...extra };
}

export function buildKraftWorld(o: KraftWorldOptions): KraftWorld {
  const holder: { plane: ControlPlane | null } = { plane: null };
  const actorOf = (engine: Engine, brokerId: number): ActorRecord => engine.actor(brokerActorId(brokerId));
  const core: BrokerCoreApi = {
    applyMetadata(engine, brokerId, changes, why) {
      const d = fakeData(actorOf(engine, brokerId));
      d.image = applyChanges(d.image, changes);
      d.history.applied.push({ atMs: engine.nowMs, why, changes: changes.length });
    },
    alterPartitionResponse(engine, brokerId, topicName, partition, result) {
      fakeData(actorOf(engine, brokerId)).history.alterResponses.push({
        atMs: engine.nowMs,
        topic: topicName,
        partition,
        result,
      });
    },
    registered(engine, brokerId, brokerEpoch) {
      fakeData(actorOf(engine, brokerId)).history.registered.push({ atMs: engine.nowMs, brokerEpoch });
    },
    unfenced(engine, brokerId) {
      const d = fakeData(actorOf(engine, brokerId));
      d.history.unfenced.push({ atMs: engine.nowMs, metadataOffset: d.image.metadataOffset });
    },
    controlledShutdownComplete(engine, brokerId) {
      fakeData(actorOf(engine, brokerId)).history.shutdownComplete.push({ atMs: engine.nowMs });
      engine.stop(brokerActorId(brokerId), "controlled shutdown complete");
    },
    image(engine, brokerId) {
      return fakeData(actorOf(engine, brokerId)).image;
    },
    isUp(engine, brokerId) {
      return actorOf(engine, brokerId).alive;
    },
  };
  const plane = createKraftControlPlane(core);
  holder.plane = plane;
  const fakeKind: ActorKind = {
    kind: FAKE_BROKER_KIND,
    createData(actor) {
      const prev = actor.data as Partial<FakeBrokerData>;
      const d: FakeBrokerData = {
        brokerId: Number(actor.config.brokerId),
        image: EMPTY_IMAGE,
        history: prev.history ?? {
          applied: [],
          registered: [],
          unfenced: [],
          shutdownComplete: [],
          alterResponses: [],
        },
      };
      return d;
    },
    onEvent(engine, actor, event) {
      if (event.type.startsWith("kraft."))
        return (holder.plane as ControlPlane).handleBrokerEvent(engine, actor, event);
      return true;
    },
    onRestart(engine, actor) {
      (holder.plane as ControlPlane).brokerStarting(engine, actor);
    },
    onStop(engine, actor) {
      (holder.plane as ControlPlane).brokerStopped(engine, actor);
    },
  };
  const spec: ClusterSpec = {
    mode: "kraft",
    brokers: o.brokers ?? 3,
    controllers: o.controllers ?? 3,
    zookeeperNodes: 0,
    brokerConfig: { ...DEFAULT_BROKER_CONFIG, ...o.brokerConfig },
    timings: timingsFor("classroom", o.timings),
    topics: o.topics ?? [],
  };
  const kinds: Record<string, ActorKind> = { [FAKE_BROKER_KIND]: fakeKind };
  for (const k of plane.kinds) kinds[k.kind] = k;
  const engine = new Engine(
    {
      kinds,
      inputs: { ...kernelInputs, ...plane.inputs },
      describeInput: { ...kernelInputDescriptions, ...plane.describeInput },
    },
    { seed: o.seed, network: o.network },
  );
  const image = plane.bootstrap(engine, spec);
  for (let b = 1; b <= spec.brokers; b++) {
    const a = engine.spawn(brokerActorId(b), FAKE_BROKER_KIND, { brokerId: b });
    fakeData(a).image = image;
  }
  for (let b = 1; b <= spec.brokers; b++) plane.attachBroker(engine, engine.actor(brokerActorId(b)));
  return { engine, plane, spec, broker: (id) => engine.actor(brokerActorId(id)) };
}
