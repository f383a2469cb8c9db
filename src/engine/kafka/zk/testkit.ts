// A tiny cluster for testing ZooKeeper mode without the real broker core: a
// fake BrokerCoreApi that only keeps each broker's metadata image and what
// happened to it, and a fake broker kind that hands every "zk." event to the
// control plane. Used by the tests beside it.

import { Engine } from "../../world/engine.ts";
import { kernelInputDescriptions, kernelInputs } from "../../world/kernelInputs.ts";
import type { ActorKind, ActorRecord } from "../../world/types.ts";
import type { AlterPartitionResult, BrokerCoreApi, ControlPlane } from "../controlPlane.ts";
import { brokerActorId } from "../ids.ts";
import { applyChanges, EMPTY_IMAGE, type MetadataChange, type MetadataImage } from "../metadata.ts";
import { timingsFor, type Timings } from "../profile.ts";
import { DEFAULT_BROKER_CONFIG, type BrokerConfig, type ClusterSpec, type TopicSpec } from "../spec.ts";
import { createZookeeperControlPlane } from "./index.ts";

export const FAKE_BROKER_KIND = "fake-broker";

export interface FakeBrokerData extends Record<string, unknown> {
  brokerId: number;
  image: MetadataImage;
  applied: { atMs: number; why: string; changes: readonly MetadataChange[] }[];
  alterResponses: { atMs: number; topic: string; partition: number; result: AlterPartitionResult }[];
  brokerEpoch: number;
  registrations: number;
  shutdownCompleteAtMs: number | null;
}

export function fakeData(engine: Engine, brokerId: number): FakeBrokerData {
  return engine.actor(brokerActorId(brokerId)).data as FakeBrokerData;
}

function fakeCore(): BrokerCoreApi {
  const data = (engine: Engine, id: number): FakeBrokerData | null => {
    const a = engine.actor(brokerActorId(id));
    return a.alive ? (a.data as FakeBrokerData) : null;
  };
  return {
    applyMetadata(engine, id, changes, why) {
      const d = data(engine, id);
      if (!d) return;
      d.image = applyChanges(d.image, changes);
      d.applied.push({ atMs: engine.nowMs, why, changes });
    },
    alterPartitionResponse(engine, id, topic, partition, result) {
      data(engine, id)?.alterResponses.push({ atMs: engine.nowMs, topic, partition, result });
    },
    registered(engine, id, epoch) {
      const d = data(engine, id);
      if (!d) return;
      d.brokerEpoch = epoch;
      d.registrations += 1;
    },
    unfenced() {},
    controlledShutdownComplete(engine, id) {
      const d = data(engine, id);
      if (!d) return;
      d.shutdownCompleteAtMs = engine.nowMs;
      engine.stop(brokerActorId(id), "controlled shutdown complete");
    },
    image(engine, id) {
      return (engine.actor(brokerActorId(id)).data as FakeBrokerData).image ?? EMPTY_IMAGE;
    },
    isUp(engine, id) {
      return engine.actor(brokerActorId(id)).alive;
    },
  };
}

function fakeBrokerKind(cp: ControlPlane): ActorKind {
  return {
    kind: FAKE_BROKER_KIND,
    createData(actor: ActorRecord) {
      const d: FakeBrokerData = {
        brokerId: Number(actor.config.brokerId),
        image: EMPTY_IMAGE,
        applied: [],
        alterResponses: [],
        brokerEpoch: -1,
        registrations: 0,
        shutdownCompleteAtMs: null,
      };
      return d;
    },
    onEvent(engine, actor, event) {
      if (event.type.startsWith("zk.")) return cp.handleBrokerEvent(engine, actor, event);
      return true;
    },
    onRestart(engine, actor) {
      cp.brokerStarting(engine, actor);
    },
    onStop(engine, actor) {
      cp.brokerStopped(engine, actor);
    },
  };
}

export interface TestCluster {
  readonly engine: Engine;
  readonly cp: ControlPlane;
  readonly spec: ClusterSpec;
  broker(id: number): ActorRecord;
}

export interface TestClusterOptions {
  seed?: number;
  brokers?: number;
  zookeeperNodes?: number;
  topics?: TopicSpec[];
  timings?: Partial<Timings>;
  brokerConfig?: Partial<BrokerConfig>;
}

export function topic(name: string, assignment: number[][], config: TopicSpec["config"] = {}): TopicSpec {
  return { name, partitions: assignment.length, replicationFactor: assignment[0].length, config, assignment };
}

/** Bootstraps ZooKeeper mode with fake brokers (classroom timings unless overridden). */
export function testCluster(o: TestClusterOptions = {}): TestCluster {
  const cp = createZookeeperControlPlane(fakeCore());
  const kinds: Record<string, ActorKind> = { [FAKE_BROKER_KIND]: fakeBrokerKind(cp) };
  for (const k of cp.kinds) kinds[k.kind] = k;
  const engine = new Engine(
    {
      kinds,
      inputs: { ...kernelInputs, ...cp.inputs },
      describeInput: { ...kernelInputDescriptions, ...cp.describeInput },
    },
    { seed: o.seed ?? 1 },
  );
  const spec: ClusterSpec = {
    mode: "zookeeper",
    brokers: o.brokers ?? 3,
    controllers: 1,
    zookeeperNodes: o.zookeeperNodes ?? 3,
    brokerConfig: { ...DEFAULT_BROKER_CONFIG, ...o.brokerConfig },
    timings: timingsFor("classroom", o.timings),
    topics: o.topics ?? [
      topic("t", [
        [1, 2, 3],
        [2, 3, 1],
        [3, 1, 2],
      ]),
    ],
  };
  const image = cp.bootstrap(engine, spec);
  for (let id = 1; id <= spec.brokers; id++) {
    const a = engine.spawn(brokerActorId(id), FAKE_BROKER_KIND, { brokerId: id });
    (a.data as FakeBrokerData).image = image;
    (a.data as FakeBrokerData).brokerEpoch = image.brokers[String(id)].epoch;
  }
  for (let id = 1; id <= spec.brokers; id++) cp.attachBroker(engine, engine.actor(brokerActorId(id)));
  return { engine, cp, spec, broker: (id) => engine.actor(brokerActorId(id)) };
}
