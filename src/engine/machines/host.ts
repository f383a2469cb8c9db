// Stepping xstate v5 machines from an engine that owns time.
//
// Machines are stepped with pure transitions: the engine keeps each actor's
// snapshot as data, feeds it one event, gets the next snapshot plus the list
// of actions, and carries the actions out itself (delays become queue
// entries, sends go through the simulated network). See CONTEXT.md for the
// spike that settled this and its measured costs.
//
// For speed we call `machine.transition(snapshot, event, scope)` with one
// reused, inert actor scope per machine instead of the public `transition()`,
// which builds a throwaway actor on every call (about 5-15x slower). The scope
// is internal to xstate, so the version is pinned and `host.test.ts` checks
// that both paths give the same snapshots and actions.

import { createActor, initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from "xstate";

/** An action the engine must carry out, reduced to plain data. */
export interface MachineAction {
  type: string;
  params: Record<string, unknown> | undefined;
}

interface ReusedScope {
  scope: Parameters<AnyStateMachine["transition"]>[2];
  collected: { type: string; params?: unknown }[];
}

const scopes = new WeakMap<AnyStateMachine, ReusedScope>();

function scopeFor(machine: AnyStateMachine): ReusedScope {
  let entry = scopes.get(machine);
  if (entry) return entry;
  const self = createActor(machine);
  const collected: { type: string; params?: unknown }[] = [];
  const scope = {
    self,
    system: self.system,
    id: "",
    sessionId: "",
    defer() {},
    emit() {},
    logger() {},
    stopChild() {},
    actionExecutor: (action: { type: string; params?: unknown }) => {
      collected.push(action);
    },
  } as unknown as ReusedScope["scope"];
  entry = { scope, collected };
  scopes.set(machine, entry);
  return entry;
}

function toPlainActions(raw: readonly { type: string; params?: unknown }[]): MachineAction[] {
  const out: MachineAction[] = [];
  for (const a of raw)
    out.push({
      type: a.type,
      params: a.params as Record<string, unknown> | undefined,
    });
  return out;
}

export function startMachine(machine: AnyStateMachine, input: unknown): [AnyMachineSnapshot, MachineAction[]] {
  const [snapshot, actions] = initialTransition(machine, input as never);
  return [snapshot as AnyMachineSnapshot, toPlainActions(actions as { type: string; params?: unknown }[])];
}

export function stepMachine(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): [AnyMachineSnapshot, MachineAction[]] {
  const reused = scopeFor(machine);
  reused.collected.length = 0;
  const next = machine.transition(snapshot, event, reused.scope) as AnyMachineSnapshot;
  return [next, toPlainActions(reused.collected)];
}

/** A short, stable text for a state value: "RUNNING", or "online.leader" for nested states. */
export function stateLabel(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const parts = Object.keys(value)
      .sort()
      .map((k) => {
        const inner = stateLabel((value as Record<string, unknown>)[k]);
        return inner ? `${k}.${inner}` : k;
      });
    return parts.length === 1 ? parts[0] : `(${parts.join(", ")})`;
  }
  return "";
}
