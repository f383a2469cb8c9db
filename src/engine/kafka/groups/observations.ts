// What an observer of the whole cluster notes about groups, kept in
// world.data (not in any process, so it survives coordinator crashes and
// moves): every rebalance with its start, end and reason, and samples of the
// group's lag taken whenever a commit completes. Views, expectations and the
// checker read it; no actor ever does.

import type { Engine } from "../../world/engine.ts";

export interface RebalanceRecord {
  startedAtMs: number;
  /** When the group became Stable (or Empty) again; null while in progress. */
  endedAtMs: number | null;
  fromGeneration: number;
  toGeneration: number | null;
  reason: string;
  /** Broker id of the coordinator that ran it. */
  coordinator: number;
}

export interface GroupObservation {
  rebalances: RebalanceRecord[];
  /** Committed lag (HW − committed, summed over partitions, per topic) when commits completed. */
  lagSamples: { atMs: number; byTopic: Record<string, number> }[];
}

export interface GroupsObservations {
  groups: Record<string, GroupObservation>;
}

const KEY = "consumerGroups";
const MAX_LAG_SAMPLES = 2_000;

export function observations(engine: Engine): GroupsObservations {
  let o = engine.world.data[KEY] as GroupsObservations | undefined;
  if (!o) {
    o = { groups: {} };
    engine.world.data[KEY] = o;
  }
  return o;
}

export function peekObservations(engine: Engine): GroupsObservations | undefined {
  return engine.world.data[KEY] as GroupsObservations | undefined;
}

function groupObs(engine: Engine, groupId: string): GroupObservation {
  const o = observations(engine);
  return (o.groups[groupId] ??= { rebalances: [], lagSamples: [] });
}

export function noteRebalanceStarted(
  engine: Engine,
  groupId: string,
  fromGeneration: number,
  reason: string,
  coordinator: number,
): void {
  const g = groupObs(engine, groupId);
  const last = g.rebalances[g.rebalances.length - 1];
  if (last && last.endedAtMs === null) return; // already under way (e.g. a new coordinator carries it on)
  g.rebalances.push({
    startedAtMs: engine.nowMs,
    endedAtMs: null,
    fromGeneration,
    toGeneration: null,
    reason,
    coordinator,
  });
}

export function noteRebalanceEnded(engine: Engine, groupId: string, toGeneration: number): void {
  const g = groupObs(engine, groupId);
  const last = g.rebalances[g.rebalances.length - 1];
  if (!last || last.endedAtMs !== null) return;
  last.endedAtMs = engine.nowMs;
  last.toGeneration = toGeneration;
}

export function noteLagSample(engine: Engine, groupId: string, byTopic: Record<string, number>): void {
  const g = groupObs(engine, groupId);
  const last = g.lagSamples[g.lagSamples.length - 1];
  if (last && last.atMs === engine.nowMs) {
    last.byTopic = byTopic;
    return;
  }
  g.lagSamples.push({ atMs: engine.nowMs, byTopic });
  if (g.lagSamples.length > MAX_LAG_SAMPLES) g.lagSamples.splice(0, g.lagSamples.length - MAX_LAG_SAMPLES);
}
