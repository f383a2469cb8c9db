// Which ZooKeeper servers can serve: a server serves only while it reaches a
// majority of the ensemble (itself included). Reaching means alive, not
// stalled, and not partitioned away in either direction. A leader keeps its
// role while it serves; otherwise the serving server with the highest id
// leads, as ZooKeeper's fast leader election picks the highest myid among
// servers with the same (here: shared) zxid.

import { isBlocked } from "../../net/network.ts";
import type { Engine } from "../../world/engine.ts";

export interface EnsembleStatus {
  readonly majority: number;
  /** How many servers (itself included) each server reaches. */
  readonly reach: Readonly<Record<string, number>>;
  readonly serving: Readonly<Record<string, boolean>>;
  readonly leader: string | null;
}

export function isUpNow(engine: Engine, id: string): boolean {
  if (!engine.hasActor(id)) return false;
  const a = engine.actor(id);
  return a.alive && a.pausedUntilMs <= engine.nowMs;
}

function reaches(engine: Engine, a: string, b: string): boolean {
  if (a === b) return true;
  const net = engine.world.net;
  return isUpNow(engine, b) && !isBlocked(net, a, b) && !isBlocked(net, b, a);
}

export function ensembleStatus(
  engine: Engine,
  ensemble: readonly string[],
  currentLeader: string | null = null,
): EnsembleStatus {
  const majority = Math.floor(ensemble.length / 2) + 1;
  const reach: Record<string, number> = {};
  const serving: Record<string, boolean> = {};
  let leader: string | null = null;
  for (const s of ensemble) {
    const up = isUpNow(engine, s);
    reach[s] = up ? ensemble.filter((t) => reaches(engine, s, t)).length : 0;
    serving[s] = up && reach[s] >= majority;
    if (serving[s]) leader = s;
  }
  if (currentLeader !== null && serving[currentLeader]) leader = currentLeader;
  return { majority, reach, serving, leader };
}

export function isServing(engine: Engine, ensemble: readonly string[], server: string): boolean {
  return ensembleStatus(engine, ensemble).serving[server] === true;
}
