// A consumer's membership lifecycle, with the client's MemberState names.
//
// Classic protocol (AbstractCoordinator.MemberState):
//   UNJOINED ─joinSent→ PREPARING_REBALANCE ─joined→ COMPLETING_REBALANCE ─synced→ STABLE
//   STABLE ─joinSent→ PREPARING_REBALANCE (a rebalance: the member rejoins)
// Consumer protocol (KIP-848 MemberState, reduced):
//   UNJOINED ─joinSent→ JOINING ─reconcile→ RECONCILING ─stable→ STABLE ─reconcile→ RECONCILING
// Any state ─reset→ UNJOINED (the member lost its generation / epoch, or left).
//
// The machine only tracks where the member is: the consumer's plain code
// (consumer.ts) sends the requests and tells the machine what happened, so
// every change lands in the trace as a state event.

import { setup } from "xstate";

export type MemberEvent =
  | { type: "member.joinSent" }
  | { type: "member.joined" }
  | { type: "member.synced" }
  | { type: "member.reconcile" }
  | { type: "member.stable" }
  | { type: "member.reset" };

export const MEMBER_STATES = [
  "UNJOINED",
  "PREPARING_REBALANCE",
  "COMPLETING_REBALANCE",
  "STABLE",
  "JOINING",
  "RECONCILING",
] as const;
export type MemberStateName = (typeof MEMBER_STATES)[number];

export interface MemberMachineInput {
  protocol: "classic" | "consumer";
}

export const memberMachine = setup({
  types: {
    context: {} as MemberMachineInput,
    input: {} as MemberMachineInput,
    events: {} as MemberEvent,
  },
  guards: {
    "classic?": ({ context }) => context.protocol === "classic",
  },
}).createMachine({
  id: "member",
  context: ({ input }) => ({ ...input }),
  initial: "UNJOINED",
  on: { "member.reset": { target: ".UNJOINED" } },
  states: {
    UNJOINED: {
      on: {
        "member.joinSent": [{ guard: "classic?", target: "PREPARING_REBALANCE" }, { target: "JOINING" }],
      },
    },
    PREPARING_REBALANCE: {
      on: { "member.joined": { target: "COMPLETING_REBALANCE" } },
    },
    COMPLETING_REBALANCE: {
      on: { "member.synced": { target: "STABLE" }, "member.joinSent": { target: "PREPARING_REBALANCE" } },
    },
    STABLE: {
      on: { "member.joinSent": { target: "PREPARING_REBALANCE" }, "member.reconcile": { target: "RECONCILING" } },
    },
    JOINING: {
      on: { "member.reconcile": { target: "RECONCILING" }, "member.stable": { target: "STABLE" } },
    },
    RECONCILING: {
      on: { "member.stable": { target: "STABLE" } },
    },
  },
});
