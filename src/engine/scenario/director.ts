// The scenario director: an engine actor that checks the conditions of a
// scenario's `when` steps every pollMs of virtual time and fires each step
// the first time its condition holds. Living inside the engine makes it part
// of the world: checkpointed, replayed by seek, identical in Node and browser.

import type { ClusterContext } from "../kafka/context.ts";
import { clusterView } from "../kafka/views.ts";
import { lostAcknowledgedRecords } from "../kafka/checker.ts";
import type { Engine } from "../world/engine.ts";
import type { ActorKind, ActorRecord, SimInput } from "../world/types.ts";
import type { Condition, WhenStep } from "./schema.ts";

export const DIRECTOR_KIND = "scenario-director";
export const DIRECTOR_ID = "director";
export const DIRECTOR_POLL_MS = 50;

export interface DirectorConfig extends Record<string, unknown> {
  /** Each `when` step with its index in the scenario's steps. */
  steps: { index: number; step: WhenStep }[];
}

export interface DirectorData extends Record<string, unknown> {
  /** Step index → virtual time it fired. */
  fired: Record<string, number>;
  /** The leader of every partition and the active controller at time 0, for the "changed" conditions. */
  baseline: { leaders: Record<string, number>; controller: string | null } | null;
}

export function createDirectorKind(getCtx: () => ClusterContext | null): ActorKind {
  return {
    kind: DIRECTOR_KIND,
    createData: (): DirectorData => ({ fired: {}, baseline: null }),
    onEvent(engine, actor, event) {
      if (event.type !== "director.tick") return true;
      tick(engine, actor, getCtx());
      engine.schedule(actor.id, DIRECTOR_POLL_MS, { type: "director.tick" }, "tick");
      return true;
    },
  };
}

export function startDirector(engine: Engine, steps: DirectorConfig["steps"]): void {
  const actor = engine.spawn(DIRECTOR_ID, DIRECTOR_KIND, { steps });
  engine.schedule(actor.id, 0, { type: "director.tick" }, "tick");
}

function tick(engine: Engine, actor: ActorRecord, ctx: ClusterContext | null): void {
  if (!ctx) return;
  const d = actor.data as DirectorData;
  const cfg = actor.config as DirectorConfig;
  const view = clusterView(engine, ctx, 0);
  if (d.baseline === null) {
    d.baseline = {
      leaders: Object.fromEntries(view.partitions.map((p) => [`${p.topic}-${p.partition}`, p.leader])),
      controller: view.controller.activeControllerId,
    };
  }
  for (const { index, step } of cfg.steps) {
    if (d.fired[String(index)] !== undefined) continue;
    if (step.fromMs !== undefined && engine.nowMs < step.fromMs) continue;
    const held = holds(step.when, view, d.baseline, () => lostAcknowledgedRecords(engine, ctx).length);
    if (!held) continue;
    d.fired[String(index)] = engine.nowMs;
    engine.record("note", actor.id, `scenario step ${index + 1}: ${describeCondition(step.when)} holds now`, {
      step: index,
    });
    if (step.do) engine.applyNow(step.do as SimInput, "scenario");
  }
}

function holds(
  c: Condition,
  view: ReturnType<typeof clusterView>,
  baseline: NonNullable<DirectorData["baseline"]>,
  lostCount: () => number,
): boolean {
  const partition =
    "partition" in c ? view.partitions.find((p) => p.topic === c.topic && p.partition === c.partition) : undefined;
  switch (c.type) {
    case "leaderChanged":
      return (
        partition !== undefined &&
        partition.leader >= 0 &&
        partition.leader !== baseline.leaders[`${c.topic}-${c.partition}`]
      );
    case "leaderIs":
      return partition !== undefined && partition.leader === c.broker;
    case "isrSize": {
      if (!partition) return false;
      const n = partition.isr.length;
      return (
        (c.equals === undefined || n === c.equals) &&
        (c.atMost === undefined || n <= c.atMost) &&
        (c.atLeast === undefined || n >= c.atLeast)
      );
    }
    case "offline":
      return partition !== undefined && partition.leader < 0;
    case "acknowledged":
      return (view.producers.find((p) => p.id === c.producer)?.acknowledged ?? 0) >= c.atLeast;
    case "producerErrorSeen":
      return (view.producers.find((p) => p.id === c.producer)?.errors[c.error] ?? 0) > 0;
    case "brokerState":
      return view.brokers.find((b) => b.actorId === c.node)?.lifecycle === c.state;
    case "controllerChanged":
      return view.controller.activeControllerId !== null && view.controller.activeControllerId !== baseline.controller;
    case "lostAcknowledgedRecords":
      return lostCount() >= c.atLeast;
    case "groupState":
      return view.groups.find((g) => g.groupId === c.groupId)?.state === c.state;
    case "lagBelow":
    case "lagAbove": {
      const g = view.groups.find((x) => x.groupId === c.groupId);
      if (!g) return false;
      const lag =
        c.topic === undefined
          ? g.totalLag
          : g.partitions.filter((p) => p.topic === c.topic).reduce((n, p) => n + p.lag, 0);
      return c.type === "lagBelow" ? lag <= c.atMost : lag >= c.atLeast;
    }
  }
}

export function describeCondition(c: Condition): string {
  switch (c.type) {
    case "leaderChanged":
      return `the leader of ${c.topic}-${c.partition} changed`;
    case "leaderIs":
      return `broker ${c.broker} leads ${c.topic}-${c.partition}`;
    case "isrSize":
      return `the ISR of ${c.topic}-${c.partition} has ${c.equals ?? ""}${c.atMost !== undefined ? `at most ${c.atMost}` : ""}${c.atLeast !== undefined ? `at least ${c.atLeast}` : ""} member(s)`;
    case "offline":
      return `${c.topic}-${c.partition} has no leader`;
    case "acknowledged":
      return `${c.producer} has ${c.atLeast} acknowledged record(s)`;
    case "producerErrorSeen":
      return `${c.producer} saw ${c.error}`;
    case "brokerState":
      return `${c.node} is ${c.state}`;
    case "controllerChanged":
      return "the active controller changed";
    case "lostAcknowledgedRecords":
      return `${c.atLeast} acknowledged record(s) are lost`;
    case "groupState":
      return `group ${c.groupId} is ${c.state}`;
    case "lagBelow":
      return `group ${c.groupId}'s lag is at most ${c.atMost}`;
    case "lagAbove":
      return `group ${c.groupId}'s lag is at least ${c.atLeast}`;
  }
}
