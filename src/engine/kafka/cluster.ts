// Wiring a Kafka cluster into an engine: the broker core (BrokerCoreApi), the
// chosen control plane, the load generators, and the cluster's inputs.

import type { Engine, EngineRegistry } from "../world/engine.ts";
import type { ActorKind, ActorRecord, InputHandler, SimInput } from "../world/types.ts";
import { BROKER_KIND, brokerLifecycle, createBrokerKind, type BrokerConfigInput } from "./broker/brokerKind.ts";
import type { BrokerData } from "./broker/brokerData.ts";
import {
  alterPartitionResponse as coreAlterPartitionResponse,
  applyMetadata as coreApplyMetadata,
  dataOf,
  ensureFetchers,
} from "./broker/replicaManager.ts";
import type { BrokerCoreApi, ControlPlane, ControlPlaneFactory } from "./controlPlane.ts";
import type { ClusterExtensionFactory } from "./extension.ts";
import type { ClusterContext } from "./context.ts";
import { brokerActorId } from "./ids.ts";
import {
  createLoadGeneratorKind,
  LOADGEN_KIND,
  startLoadGenerator,
  type LoadGeneratorConfig,
  type LoadGeneratorData,
} from "./loadgen/loadGenerator.ts";
import { EMPTY_IMAGE, type MetadataChange, type MetadataImage } from "./metadata.ts";
import type { ClusterSpec, TopicSpec } from "./spec.ts";
import { acksNumber, topicConfigFromKafkaNames } from "./resolveSpec.ts";

function brokerActor(engine: Engine, brokerId: number): ActorRecord | undefined {
  const id = brokerActorId(brokerId);
  return engine.hasActor(id) ? engine.actor(id) : undefined;
}

export function createBrokerCore(ctx: ClusterContext): BrokerCoreApi {
  return {
    applyMetadata(engine, brokerId, changes, why) {
      const a = brokerActor(engine, brokerId);
      if (a && a.alive) coreApplyMetadata(ctx, engine, a, changes, why);
    },
    alterPartitionResponse(engine, brokerId, topic, partition, result) {
      const a = brokerActor(engine, brokerId);
      if (a && a.alive) coreAlterPartitionResponse(ctx, engine, a, topic, partition, result);
    },
    registered(engine, brokerId, brokerEpoch) {
      const a = brokerActor(engine, brokerId);
      if (!a || !a.alive) return;
      dataOf(a).brokerEpoch = brokerEpoch;
      engine.record("note", a.id, `broker ${brokerId} registered with the controller (broker epoch ${brokerEpoch})`);
    },
    unfenced(engine, brokerId) {
      const a = brokerActor(engine, brokerId);
      if (!a || !a.alive) return;
      const d = dataOf(a);
      if (!d.fenced) return;
      d.fenced = false;
      engine.dispatch(a.id, { type: "broker.unfenced" });
    },
    controlledShutdownComplete(engine, brokerId) {
      const a = brokerActor(engine, brokerId);
      if (a && a.alive) engine.dispatch(a.id, { type: "broker.shutdownComplete" });
    },
    image(engine, brokerId) {
      const a = brokerActor(engine, brokerId);
      return a ? dataOf(a).image : EMPTY_IMAGE;
    },
    isUp(engine, brokerId) {
      const a = brokerActor(engine, brokerId);
      return a !== undefined && a.alive;
    },
  };
}

export interface ClusterModule {
  readonly ctx: ClusterContext;
  readonly kinds: Record<string, ActorKind>;
  readonly inputs: Record<string, InputHandler>;
  readonly describeInput: Record<string, (input: SimInput) => string>;
  /** Spawns the settled cluster and the load generators. */
  populate(engine: Engine, loadGenerators: LoadGeneratorConfig[]): void;
}

export function createClusterModule(
  spec: ClusterSpec,
  factory: ControlPlaneFactory,
  extensionFactories: readonly ClusterExtensionFactory[] = [],
): ClusterModule {
  const ctx: ClusterContext = { spec, controlPlane: undefined as unknown as ControlPlane, brokerModules: [] };
  const core = createBrokerCore(ctx);
  const controlPlane = factory(core);
  ctx.controlPlane = controlPlane;
  const extensions = extensionFactories.map((f) => f(ctx));
  for (const ext of extensions) {
    for (const m of ext.brokerModules ?? []) ctx.brokerModules.push(m);
    // Internal topics a feature needs exist from the start, like __consumer_offsets in a running cluster.
    for (const t of ext.extraTopics?.(ctx) ?? []) if (!spec.topics.some((x) => x.name === t.name)) spec.topics.push(t);
  }
  const kinds: Record<string, ActorKind> = {};
  for (const k of [
    createBrokerKind(ctx),
    createLoadGeneratorKind(ctx),
    ...controlPlane.kinds,
    ...extensions.flatMap((e) => e.kinds ?? []),
  ])
    kinds[k.kind] = k;
  const inputs: Record<string, InputHandler> = { ...clusterInputs(ctx), ...controlPlane.inputs };
  const describeInput: Record<string, (input: SimInput) => string> = {
    ...clusterInputDescriptions,
    ...controlPlane.describeInput,
  };
  for (const ext of extensions) {
    Object.assign(inputs, ext.inputs ?? {});
    Object.assign(describeInput, ext.describeInput ?? {});
  }
  return {
    ctx,
    kinds,
    inputs,
    describeInput,
    populate(engine, loadGenerators) {
      const image = controlPlane.bootstrap(engine, spec);
      for (let id = 1; id <= spec.brokers; id++) spawnBootstrappedBroker(ctx, engine, id, image);
      for (let id = 1; id <= spec.brokers; id++) controlPlane.attachBroker(engine, engine.actor(brokerActorId(id)));
      for (const lg of loadGenerators) {
        const actor = engine.spawn(lg.id, LOADGEN_KIND, lg);
        startLoadGenerator(ctx, engine, actor);
      }
      for (const ext of extensions) ext.populate?.(engine, ctx);
    },
  };
}

function spawnBootstrappedBroker(ctx: ClusterContext, engine: Engine, brokerId: number, image: MetadataImage): void {
  const config: BrokerConfigInput = { brokerId, bootstrapped: true };
  const actor = engine.spawn(brokerActorId(brokerId), BROKER_KIND, config);
  const d = actor.data as BrokerData;
  d.fenced = false;
  d.brokerEpoch = image.brokers[String(brokerId)]?.epoch ?? 0;
  // The image as changes, so the broker takes its roles the same way it will later.
  const changes: MetadataChange[] = [
    { type: "controller", controllerId: image.controllerId, controllerEpoch: image.controllerEpoch },
    ...Object.keys(image.brokers)
      .sort((a, b) => Number(a) - Number(b))
      .map((k): MetadataChange => ({ type: "broker", broker: image.brokers[k] })),
    ...Object.keys(image.topics)
      .sort()
      .map((k): MetadataChange => ({ type: "topic", topic: image.topics[k] })),
    ...Object.keys(image.partitions)
      .sort()
      .map((k): MetadataChange => ({ type: "partition", state: image.partitions[k] })),
    { type: "offset", metadataOffset: image.metadataOffset },
  ];
  coreApplyMetadata(ctx, engine, actor, changes, "the cluster as the scenario starts");
  ensureFetchers(ctx, engine, actor);
}

// ------------------------------------------------------------------ inputs

function str(input: SimInput, field: string): string {
  const v = input[field];
  if (typeof v !== "string" || v === "") throw new TypeError(`${input.type}: "${field}" must be a non-empty string`);
  return v;
}

function requireKind(engine: Engine, id: string, kind: string, inputType: string): ActorRecord {
  if (!engine.hasActor(id)) throw new RangeError(`${inputType}: no node "${id}"`);
  const a = engine.actor(id);
  if (a.kind !== kind) throw new RangeError(`${inputType}: "${id}" is not a ${kind}`);
  return a;
}

function reportAdmin(engine: Engine, what: string, result: { ok: boolean; detail: string; error?: string }): void {
  engine.record(
    "note",
    "world",
    result.ok ? `${what}: ${result.detail}` : `${what} failed with ${result.error}: ${result.detail}`,
    { admin: what, ok: result.ok },
  );
}

function clusterInputs(ctx: ClusterContext): Record<string, InputHandler> {
  return {
    shutdown(engine, input) {
      const a = requireKind(engine, str(input, "node"), BROKER_KIND, "shutdown");
      if (!a.alive) return;
      if (brokerLifecycle(a) !== "RUNNING") {
        engine.stop(a.id, "stopped while not RUNNING: no controlled shutdown possible");
        return;
      }
      engine.dispatch(a.id, { type: "broker.shutdownRequested" });
    },
    wipeDisk(engine, input) {
      const a = requireKind(engine, str(input, "node"), BROKER_KIND, "wipeDisk");
      if (a.alive) throw new RangeError(`wipeDisk: ${a.id} is running; crash or stop it first`);
      const d = a.data as BrokerData;
      d.disk = { logs: {}, hwCheckpoint: {}, cleanShutdown: false };
      const losses = (engine.world.data.diskLosses as { broker: number; atMs: number }[] | undefined) ?? [];
      engine.world.data.diskLosses = [...losses, { broker: d.brokerId, atMs: engine.nowMs }];
      engine.record("fault", a.id, `${a.id}'s disk was replaced: every log it held is gone`, { fault: "wipeDisk" });
    },
    createTopic(engine, input) {
      const topic: TopicSpec = {
        name: str(input, "name"),
        partitions: Number(input.partitions ?? ctx.spec.brokerConfig.numPartitions),
        replicationFactor: Number(input.replicationFactor ?? ctx.spec.brokerConfig.defaultReplicationFactor),
        config: topicConfigFromKafkaNames(input.config as Record<string, unknown> | undefined),
      };
      reportAdmin(engine, `create topic ${topic.name}`, ctx.controlPlane.createTopic(engine, topic));
    },
    deleteTopic(engine, input) {
      const name = str(input, "name");
      reportAdmin(engine, `delete topic ${name}`, ctx.controlPlane.deleteTopic(engine, name));
    },
    addPartitions(engine, input) {
      const topic = str(input, "topic");
      reportAdmin(
        engine,
        `grow ${topic} to ${input.totalCount} partitions`,
        ctx.controlPlane.createPartitions(engine, topic, Number(input.totalCount)),
      );
    },
    alterTopicConfig(engine, input) {
      const topic = str(input, "topic");
      reportAdmin(
        engine,
        `change the config of ${topic}`,
        ctx.controlPlane.alterTopicConfig(
          engine,
          topic,
          topicConfigFromKafkaNames(input.config as Record<string, unknown> | undefined),
        ),
      );
    },
    electLeaders(engine, input) {
      const type = input.electionType === "unclean" ? "UNCLEAN" : "PREFERRED";
      const partitions =
        typeof input.topic === "string" ? [{ topic: input.topic, partition: Number(input.partition ?? 0) }] : undefined;
      reportAdmin(
        engine,
        `${type.toLowerCase()} leader election`,
        ctx.controlPlane.electLeaders(engine, type, partitions),
      );
    },
    produce(engine, input) {
      const a = requireKind(engine, str(input, "producer"), LOADGEN_KIND, "produce");
      engine.dispatch(a.id, {
        type: "loadgen.produceOne",
        key: typeof input.key === "string" ? input.key : null,
        value: typeof input.value === "string" || input.value === null ? input.value : undefined,
      });
    },
    setLoad(engine, input) {
      const a = requireKind(engine, str(input, "producer"), LOADGEN_KIND, "setLoad");
      const d = a.data as LoadGeneratorData;
      if (typeof input.ratePerSec === "number") d.ratePerSec = input.ratePerSec;
      if (input.acks !== undefined) d.acks = acksNumber(input.acks as "all" | number);
      engine.record(
        "note",
        a.id,
        `${a.id} now produces ${d.ratePerSec} records/s with acks=${d.acks === -1 ? "all" : d.acks}`,
      );
    },
  };
}

const clusterInputDescriptions: Record<string, (input: SimInput) => string> = {
  shutdown: (i) => `shut ${i.node} down cleanly (controlled shutdown)`,
  wipeDisk: (i) => `replace ${i.node}'s disk (its logs are lost)`,
  createTopic: (i) =>
    `create topic ${i.name} (${i.partitions ?? "default"} partitions, replication factor ${i.replicationFactor ?? "default"})`,
  deleteTopic: (i) => `delete topic ${i.name}`,
  addPartitions: (i) => `grow ${i.topic} to ${i.totalCount} partitions`,
  alterTopicConfig: (i) => `change ${i.topic}'s config: ${JSON.stringify(i.config)}`,
  electLeaders: (i) =>
    `run a ${i.electionType ?? "preferred"} leader election${i.topic ? ` for ${i.topic}-${i.partition ?? 0}` : ""}`,
  produce: (i) => `produce one record by hand through ${i.producer}${i.key ? ` with key ${i.key}` : ""}`,
  setLoad: (i) =>
    `set ${i.producer} to ${i.ratePerSec ?? "its"} records/s${i.acks !== undefined ? `, acks=${i.acks === -1 ? "all" : i.acks}` : ""}`,
};

/** Adds a cluster module's kinds and inputs to an engine registry. */
export function extendRegistry(registry: EngineRegistry, module: ClusterModule): EngineRegistry {
  return {
    kinds: { ...registry.kinds, ...module.kinds },
    inputs: { ...registry.inputs, ...module.inputs },
    describeInput: { ...registry.describeInput, ...module.describeInput },
  };
}
