// A classic group's statechart, with Kafka's ClassicGroupState names:
//
//   Empty ─PREPARE_REBALANCE→ PreparingRebalance.initialDelay   (group.initial.rebalance.delay.ms,
//                                                                extended while members keep joining)
//   Stable / CompletingRebalance ─PREPARE_REBALANCE→ PreparingRebalance.awaitingRejoin (rebalance timeout)
//   PreparingRebalance ─JOIN_COMPLETED→ CompletingRebalance ─ASSIGNMENT_STORED→ Stable
//   PreparingRebalance ─ALL_MEMBERS_GONE→ Empty;   anything ─UNLOAD→ Dead
//
// The machine owns the group's state and its timers; the coordinator's plain
// code (coordinator.ts) owns the members and decides when a phase is over.
// Many groups live in one broker, and the broker's own machine belongs to
// the broker core, so each group's machine is kept as { value, context } in
// the module's data and stepped here: delayed raises become engine timers on
// the broker named after the group; effects run after the step (so an effect
// that steps the machine again never interleaves with the step's timers).

import { assign, setup } from "xstate";
import { stateLabel, stepMachine } from "../../machines/host.ts";
import type { Engine } from "../../world/engine.ts";
import type { ActorRecord, SimEvent } from "../../world/types.ts";
import type { ClassicGroup, GroupMachineContext } from "./coordinatorState.ts";

export type GroupMachineEvent =
  | { type: "PREPARE_REBALANCE"; rebalanceTimeoutMs: number; why: string }
  | { type: "MEMBER_ADDED"; why: string }
  | { type: "JOIN_COMPLETED"; why: string }
  | { type: "ALL_MEMBERS_GONE"; why: string }
  | { type: "ASSIGNMENT_STORED"; why: string }
  | { type: "UNLOAD"; why: string };

export const classicGroupMachine = setup({
  types: {
    context: {} as GroupMachineContext,
    input: {} as GroupMachineContext,
    events: {} as GroupMachineEvent,
  },
  actions: {
    // Carried out by the coordinator after the step (coordinator.ts).
    joinDeadline: () => {},
    syncDeadline: () => {},
  },
  delays: {
    initialDelay: ({ context }) => context.delayMs,
    rebalanceTimeout: ({ context }) => context.rebalanceTimeoutMs,
  },
  guards: {
    "newMemberJoinedAndTimeLeft?": ({ context }) => context.newMemberAdded && context.remainingMs > 0,
  },
}).createMachine({
  id: "classicGroup",
  context: ({ input }) => ({ ...input }),
  initial: "Empty",
  on: { UNLOAD: { target: ".Dead" } },
  states: {
    Empty: {
      on: {
        PREPARE_REBALANCE: {
          target: "PreparingRebalance.initialDelay",
          actions: assign(({ context, event }) => ({
            rebalanceTimeoutMs: event.rebalanceTimeoutMs,
            delayMs: context.initialDelayMs,
            remainingMs: Math.max(event.rebalanceTimeoutMs - context.initialDelayMs, 0),
            newMemberAdded: false,
          })),
        },
      },
    },
    PreparingRebalance: {
      initial: "awaitingRejoin",
      on: {
        JOIN_COMPLETED: { target: "CompletingRebalance" },
        ALL_MEMBERS_GONE: { target: "Empty" },
      },
      states: {
        // InitialDelayedJoin: never completes early; each new member buys another delay.
        initialDelay: {
          on: { MEMBER_ADDED: { actions: assign({ newMemberAdded: true }) } },
          after: {
            initialDelay: [
              {
                guard: "newMemberJoinedAndTimeLeft?",
                target: "initialDelay",
                reenter: true,
                actions: assign(({ context }) => ({
                  newMemberAdded: false,
                  delayMs: Math.min(context.initialDelayMs, context.remainingMs),
                  remainingMs: Math.max(context.remainingMs - context.delayMs, 0),
                })),
              },
              { actions: "joinDeadline" },
            ],
          },
        },
        // DelayedJoin: completes as soon as every member rejoined, else at the rebalance timeout.
        awaitingRejoin: {
          after: { rebalanceTimeout: { target: "awaitingRejoin", reenter: true, actions: "joinDeadline" } },
        },
      },
    },
    CompletingRebalance: {
      on: {
        ASSIGNMENT_STORED: { target: "Stable" },
        PREPARE_REBALANCE: {
          target: "PreparingRebalance.awaitingRejoin",
          actions: assign(({ event }) => ({ rebalanceTimeoutMs: event.rebalanceTimeoutMs })),
        },
      },
      // The leader's SyncGroup must come within the rebalance timeout.
      after: { rebalanceTimeout: { actions: "syncDeadline" } },
    },
    Stable: {
      on: {
        PREPARE_REBALANCE: {
          target: "PreparingRebalance.awaitingRejoin",
          actions: assign(({ event }) => ({ rebalanceTimeoutMs: event.rebalanceTimeoutMs })),
        },
      },
    },
    Dead: { type: "final" },
  },
});

/** The group machine's timers, as the broker's trace names them. */
export const GROUP_MACHINE_TIMEOUTS = {
  initialDelay: "group.initialRebalanceDelayTimeout",
  join: "group.rebalanceTimeout",
  sync: "group.syncTimeout",
} as const;
export const GROUP_MACHINE_TIMEOUT_TYPES: readonly string[] = Object.values(GROUP_MACHINE_TIMEOUTS);

function timeoutType(raiseId: string): string {
  if (raiseId.includes("initialDelay")) return GROUP_MACHINE_TIMEOUTS.initialDelay;
  if (raiseId.includes("CompletingRebalance")) return GROUP_MACHINE_TIMEOUTS.sync;
  return GROUP_MACHINE_TIMEOUTS.join;
}

export type GroupEffect = (engine: Engine, broker: ActorRecord, group: ClassicGroup) => void;

const stepping = new Set<ClassicGroup>();
const deferred = new Map<ClassicGroup, GroupMachineEvent[]>();

export function groupTimerId(groupId: string, id: string): string {
  return `group:${groupId}|${id}`;
}

/**
 * Feeds one event to a group's machine, records the state change with its
 * reason, arms/cancels its timers on the broker and then runs its effects.
 */
export function stepGroup(
  engine: Engine,
  broker: ActorRecord,
  group: ClassicGroup,
  event: GroupMachineEvent,
  effects: Readonly<Record<string, GroupEffect>>,
): void {
  if (stepping.has(group)) {
    const q = deferred.get(group) ?? [];
    q.push(event);
    deferred.set(group, q);
    return;
  }
  stepping.add(group);
  const afterStep: string[] = [];
  try {
    let next: GroupMachineEvent | undefined = event;
    while (next) {
      runOne(engine, broker, group, next, afterStep);
      next = deferred.get(group)?.shift();
    }
  } finally {
    stepping.delete(group);
    deferred.delete(group);
  }
  for (const name of afterStep) effects[name]?.(engine, broker, group);
}

/** Delivers a fired machine timer (a delayed raise) to the group's machine. */
export function fireGroupTimer(
  engine: Engine,
  broker: ActorRecord,
  group: ClassicGroup,
  inner: SimEvent,
  effects: Readonly<Record<string, GroupEffect>>,
): void {
  stepGroup(engine, broker, group, inner as unknown as GroupMachineEvent, effects);
}

function runOne(
  engine: Engine,
  broker: ActorRecord,
  group: ClassicGroup,
  event: GroupMachineEvent,
  afterStep: string[],
): void {
  const snapshot = classicGroupMachine.resolveState({
    value: group.machine.value as never,
    context: group.machine.context,
  });
  const [after, actions] = stepMachine(classicGroupMachine, snapshot, event);
  const from = stateLabel(group.machine.value);
  group.machine = {
    value: after.value as string | Record<string, string>,
    context: after.context as GroupMachineContext,
  };
  const to = stateLabel(group.machine.value);
  const fromTop = from.split(".")[0];
  const toTop = to.split(".")[0];
  if (fromTop !== toTop) {
    const why = typeof (event as { why?: unknown }).why === "string" ? (event as { why: string }).why : event.type;
    engine.record("state", broker.id, `group ${group.groupId}: ${fromTop} → ${toTop}: ${why}`, {
      group: group.groupId,
      from: fromTop,
      to: toTop,
      generation: group.generation,
      on: event.type,
    });
  }
  for (const { type, params } of actions) {
    if (type === "xstate.raise") {
      const p = params as { event: SimEvent; delay?: number; id?: string };
      if (typeof p.delay !== "number") continue;
      const id = p.id ?? p.event.type;
      engine.schedule(
        broker.id,
        p.delay,
        { type: timeoutType(id), groupId: group.groupId, loadId: group.loadId, inner: p.event },
        groupTimerId(group.groupId, id),
      );
    } else if (type === "xstate.cancel") {
      engine.cancel(broker.id, groupTimerId(group.groupId, String((params as { sendId: string }).sendId)));
    } else if (!type.startsWith("xstate.")) afterStep.push(type);
  }
}

/** A fresh machine slot for a new group, in Empty (or Stable, for a group loaded with members). */
export function initialGroupMachine(
  groupId: string,
  initialDelayMs: number,
  rebalanceTimeoutMs: number,
  value: "Empty" | "Stable" = "Empty",
): ClassicGroup["machine"] {
  return {
    value,
    context: {
      groupId,
      initialDelayMs,
      rebalanceTimeoutMs,
      delayMs: initialDelayMs,
      remainingMs: 0,
      newMemberAdded: false,
    },
  };
}

/** The timer ids a group's machine may have armed (to cancel them when the group is unloaded). */
export function groupMachineTimerIds(groupId: string): string[] {
  return [
    "xstate.after.initialDelay.classicGroup.PreparingRebalance.initialDelay",
    "xstate.after.rebalanceTimeout.classicGroup.PreparingRebalance.awaitingRejoin",
    "xstate.after.rebalanceTimeout.classicGroup.CompletingRebalance",
  ].map((id) => groupTimerId(groupId, id));
}
