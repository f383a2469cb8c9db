// Invariants of the kernel itself, checked after every step in the property
// tests. The cluster's guarantees (design.md §7) live beside these.

import type { TraceEvent } from "../core/trace.ts";
import type { WorldState } from "../world/types.ts";

export interface InvariantViolation {
  name: string;
  detail: string;
}

export function checkKernelInvariants(
  world: WorldState,
  trace: readonly TraceEvent[],
  fromIndex = 0,
): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  for (let i = Math.max(1, fromIndex); i < trace.length; i++) {
    const prev = trace[i - 1];
    const e = trace[i];
    if (e.id !== prev.id + 1)
      out.push({
        name: "Trace ids dense",
        detail: `#${prev.id} followed by #${e.id}`,
      });
    if (e.time < prev.time)
      out.push({
        name: "Time never goes back",
        detail: `#${e.id} at ${e.time} after #${prev.id} at ${prev.time}`,
      });
    if (e.cause >= e.id)
      out.push({
        name: "A cause precedes its effect",
        detail: `#${e.id} caused by #${e.cause}`,
      });
  }
  for (const q of world.queue) {
    if (q.time < world.nowMs)
      out.push({
        name: "Queue holds no past events",
        detail: `${q.type} for ${q.target} at ${q.time} < now ${world.nowMs}`,
      });
  }
  for (const key of Object.keys(world.timers)) {
    const actorId = key.slice(0, key.indexOf("@"));
    const actor = world.actors[actorId];
    if (!actor || !actor.alive)
      out.push({
        name: "Down actors have no timers",
        detail: `${key} is armed while ${actorId} is down`,
      });
    const incarnation = Number(key.slice(key.indexOf("@") + 1, key.indexOf("|")));
    if (actor && incarnation !== actor.incarnation)
      out.push({
        name: "Timers belong to the current life",
        detail: `${key} vs incarnation ${actor.incarnation}`,
      });
  }
  return out;
}
