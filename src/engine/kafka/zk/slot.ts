// Stepping a statechart whose state lives inside another actor's data.
//
// A broker actor's own machine belongs to the broker core, so the ZooKeeper
// client and the controller-election machines of a broker live in
// broker.data.zk as plain { value, context } (structuredClone-safe). Each
// step rebuilds the snapshot with machine.resolveState, takes one pure
// transition (the engine's reused-scope fast path) and carries out the
// actions in order, like the engine does for actor machines. Events raised by
// an effect into the slot being stepped wait until the step is done.

import type { AnyStateMachine } from "xstate";
import { stepMachine } from "../../machines/host.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { MachineSlot } from "./types.ts";

export type SlotEffect = (engine: Engine, broker: ActorRecord, params: Record<string, unknown>) => void;

export interface SlotMachine {
  readonly machine: AnyStateMachine;
  /** "ZooKeeper client", "controller election": how the trace names the machine. */
  readonly label: string;
  readonly effects: Readonly<Record<string, SlotEffect>>;
}

const stepping = new Set<MachineSlot<string, unknown>>();
const deferred = new Map<MachineSlot<string, unknown>, SimEvent[]>();

export function stepSlot<V extends string, C>(
  engine: Engine,
  broker: ActorRecord,
  def: SlotMachine,
  slot: MachineSlot<V, C>,
  event: SimEvent,
): void {
  const key = slot as MachineSlot<string, unknown>;
  if (stepping.has(key)) {
    const q = deferred.get(key) ?? [];
    q.push(event);
    deferred.set(key, q);
    return;
  }
  stepping.add(key);
  try {
    let next: SimEvent | undefined = event;
    while (next) {
      runOne(engine, broker, def, slot, next);
      next = deferred.get(key)?.shift();
    }
  } finally {
    stepping.delete(key);
    deferred.delete(key);
  }
}

function runOne<V extends string, C>(
  engine: Engine,
  broker: ActorRecord,
  def: SlotMachine,
  slot: MachineSlot<V, C>,
  event: SimEvent,
): void {
  const snapshot = def.machine.resolveState({ value: slot.value, context: slot.context as never });
  const [after, actions] = stepMachine(def.machine, snapshot, event);
  const from = slot.value;
  slot.value = after.value as V;
  slot.context = after.context as C;
  if (from !== slot.value) {
    engine.record("state", broker.id, `${broker.id} ${def.label}: ${from} → ${slot.value} (on ${event.type})`, {
      machine: def.label,
      from,
      to: slot.value,
      on: event.type,
    });
  }
  for (const { type, params } of actions) {
    const effect = def.effects[type];
    if (effect) effect(engine, broker, params ?? {});
    else if (!type.startsWith("xstate."))
      throw new Error(`${broker.id} ${def.label}: no effect registered for action "${type}"`);
  }
}
