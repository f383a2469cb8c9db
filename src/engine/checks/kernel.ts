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
  const queuedTimerSeqs = new Set<number>();
  for (const q of world.queue) if (q.type === "timer") queuedTimerSeqs.add(q.seq);
  for (const actorId of Object.keys(world.timers)) {
    const armed = world.timers[actorId];
    const actor = world.actors[actorId];
    for (const [timerId, seq] of armed) {
      if (!actor || !actor.alive)
        out.push({
          name: "Down actors have no timers",
          detail: `${actorId}'s timer ${timerId} is armed while ${actorId} is down`,
        });
      // A crash drops every timer, so an armed one was set in this life and waits in the queue.
      if (!queuedTimerSeqs.has(seq))
        out.push({
          name: "Armed timers wait in the queue",
          detail: `${actorId}'s timer ${timerId} (#${seq}) has no queue entry`,
        });
    }
  }
  return out;
}
