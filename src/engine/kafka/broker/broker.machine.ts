// A broker's lifecycle, with Kafka's BrokerState names
// (metadata/src/main/java/org/apache/kafka/metadata/BrokerState.java):
// STARTING → RECOVERY → RUNNING → PENDING_CONTROLLED_SHUTDOWN → SHUTTING_DOWN.
// A crash is not a state: the engine takes the whole process down and a
// restart begins again at STARTING. In KRaft the broker waits in RECOVERY
// until the controller unfences it, as BrokerServer does.

import { setup } from "xstate";

export interface BrokerMachineInput {
  brokerId: number;
  /** Start already RUNNING (the cluster a scenario begins with). */
  bootstrapped: boolean;
  startupMs: number;
  /** 0 after a clean shutdown: nothing to recover. */
  logRecoveryMs: number;
}

export type BrokerMachineEvent =
  { type: "broker.unfenced" } | { type: "broker.shutdownRequested" } | { type: "broker.shutdownComplete" };

export const brokerMachine = setup({
  types: {
    context: {} as BrokerMachineInput,
    input: {} as BrokerMachineInput,
    events: {} as BrokerMachineEvent,
  },
  actions: {
    // Carried out by the broker kind (effects in brokerKind.ts).
    beginRegistration: () => {},
    enteredRunning: () => {},
    requestControlledShutdown: () => {},
    finishShutdown: () => {},
  },
  delays: {
    startup: ({ context }) => context.startupMs,
    logRecovery: ({ context }) => context.logRecoveryMs,
  },
  guards: {
    "isBootstrapped?": ({ context }) => context.bootstrapped,
  },
}).createMachine({
  id: "broker",
  context: ({ input }) => ({ ...input }),
  initial: "NOT_RUNNING",
  states: {
    NOT_RUNNING: {
      always: [{ target: "RUNNING", guard: "isBootstrapped?" }, { target: "STARTING" }],
    },
    STARTING: {
      after: { startup: "RECOVERY" },
    },
    RECOVERY: {
      initial: "recoveringLogs",
      states: {
        recoveringLogs: { after: { logRecovery: "awaitingUnfence" } },
        awaitingUnfence: { entry: "beginRegistration" },
      },
      on: { "broker.unfenced": { target: "RUNNING" } },
    },
    RUNNING: {
      entry: "enteredRunning",
      on: { "broker.shutdownRequested": "PENDING_CONTROLLED_SHUTDOWN" },
    },
    PENDING_CONTROLLED_SHUTDOWN: {
      entry: "requestControlledShutdown",
      on: { "broker.shutdownComplete": "SHUTTING_DOWN" },
    },
    SHUTTING_DOWN: {
      after: { 50: { actions: "finishShutdown" } },
    },
  },
});
