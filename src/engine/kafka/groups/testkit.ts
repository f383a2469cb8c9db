// Building worlds with consumer groups for tests, through the public
// cluster API (createClusterModule + an engine), until createSimulation
// wires the extension itself.

import { Engine } from "../../world/engine.ts";
import type { InputEntry, SimInput } from "../../world/types.ts";
import { parseScenario } from "../../scenario/load.ts";
import { defaultRegistry } from "../../simulation.ts";
import { createClusterModule, extendRegistry, type ClusterModule } from "../cluster.ts";
import { CONTROL_PLANES } from "../allControlPlanes.ts";
import { resolveClusterSpec, resolveLoadGenerators } from "../resolveSpec.ts";
import type { ConsumerEntry } from "./config.ts";
import { createGroupsExtension } from "./index.ts";
import { consumersSchema, groupCoordinatorSchema } from "./schema.ts";
import { checkGroupInvariants, freshGroupCheckerMemory, type GroupViolation } from "./invariants.ts";
import { consumerViews, groupView, type ConsumerView, type GroupView } from "./views.ts";

export interface GroupWorldOptions {
  seed?: number;
  brokers?: number;
  mode?: "kraft" | "zookeeper";
  topics?: { name: string; partitions: number; replicationFactor: number; config?: Record<string, unknown> }[];
  loadGenerators?: Record<string, unknown>[];
  consumers: unknown[];
  coordinator?: Record<string, unknown>;
  clusterConfig?: Record<string, unknown>;
  steps?: { atMs: number; do: SimInput }[];
  network?: Record<string, unknown>;
  profile?: "classroom" | "kafka-defaults";
  /** Check the group guarantees after every event. */
  checkEveryStep?: boolean;
}

export interface GroupWorld {
  engine: Engine;
  module: ClusterModule;
  runUntil(tMs: number): void;
  group(id: string): GroupView;
  consumer(id: string): ConsumerView;
  consumers(): ConsumerView[];
  violations: GroupViolation[];
  act(input: SimInput): void;
}

export function buildGroupWorld(o: GroupWorldOptions): GroupWorld {
  const scenario = parseScenario({
    version: 1,
    title: "groups test",
    seed: o.seed ?? 7,
    profile: o.profile ?? "classroom",
    network: o.network ?? { latencyMsMin: 1, latencyMsMax: 3 },
    cluster: {
      mode: o.mode ?? "kraft",
      brokers: o.brokers ?? 3,
      controllers: 3,
      config: { "offsets.topic.num.partitions": 5, ...o.clusterConfig },
    },
    topics: o.topics ?? [{ name: "orders", partitions: 3, replicationFactor: 3 }],
    loadGenerators: o.loadGenerators ?? [],
  });
  const spec = resolveClusterSpec(scenario)!;
  const consumers = consumersSchema.parse(o.consumers) as ConsumerEntry[];
  const coordinator = groupCoordinatorSchema.parse(o.coordinator ?? {});
  const module = createClusterModule(spec, CONTROL_PLANES[spec.mode], [
    createGroupsExtension({ profile: scenario.profile, consumers, coordinator }),
  ]);
  const engine = new Engine(extendRegistry(defaultRegistry(), module), {
    seed: scenario.seed,
    network: scenario.network,
  });
  module.populate(engine, resolveLoadGenerators(scenario, spec));
  engine.inputs = (o.steps ?? []).map((s): InputEntry => ({ atMs: s.atMs, input: s.do, source: "scenario" }));
  const violations: GroupViolation[] = [];
  const memory = freshGroupCheckerMemory();
  const seen = new Set<string>();
  const check = () => {
    for (const v of checkGroupInvariants(engine, module.ctx, memory)) {
      const key = `${v.guarantee}|${v.subject}|${v.detail}`;
      if (!seen.has(key)) {
        seen.add(key);
        violations.push(v);
      }
    }
  };
  return {
    engine,
    module,
    violations,
    runUntil(tMs) {
      if (o.checkEveryStep) {
        while (engine.nextTimeMs() <= tMs) {
          engine.step();
          check();
        }
      }
      engine.runUntil(tMs);
      check();
    },
    group: (id) => groupView(engine, module.ctx, id),
    consumer: (id) => {
      const c = consumerViews(engine, module.ctx).find((x) => x.id === id);
      if (!c) throw new RangeError(`no consumer ${id}`);
      return c;
    },
    consumers: () => consumerViews(engine, module.ctx),
    act(input) {
      engine.inputs.splice(engine.world.inputCursor, 0, { atMs: engine.nowMs, input, source: "user" });
      engine.runUntil(engine.nowMs);
    },
  };
}

/** Trace lines mentioning `text` (for debugging a failing test). */
export function traceLines(engine: Engine, filter: (text: string, actor: string) => boolean): string[] {
  return engine.trace.filter((e) => filter(e.text, e.actor)).map((e) => `${e.time.toFixed(1)} ${e.actor}: ${e.text}`);
}
