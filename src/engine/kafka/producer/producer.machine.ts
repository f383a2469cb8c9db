// The producer's lifecycle, with TransactionManager.State's names
// (clients/.../producer/internals/TransactionManager.java): UNINITIALIZED,
// INITIALIZING (waiting for InitProducerId), READY, IN_TRANSACTION,
// COMMITTING_TRANSACTION, ABORTING_TRANSACTION, ABORTABLE_ERROR, FATAL_ERROR.
// A producer without idempotence goes straight to READY; an idempotent one
// passes through INITIALIZING to get its producer id, and again for an epoch
// bump (KIP-360). The records never go through this machine: the
// accumulator and the sender are plain code (producerKind.ts), which read
// the state and raise the events below.

import { setup } from "xstate";

export interface ProducerMachineInput {
  id: string;
  /** enable.idempotence (effective) */
  idempotent: boolean;
  /** transactional.id is set */
  transactional: boolean;
}

export type ProducerMachineEvent =
  | { type: "producer.start" }
  | { type: "producer.producerIdAssigned" }
  | { type: "producer.bumpEpoch" }
  | { type: "producer.beginTransaction" }
  | { type: "producer.commitTransaction" }
  | { type: "producer.abortTransaction" }
  | { type: "producer.transactionCompleted" }
  | { type: "producer.abortableError"; error: string }
  | { type: "producer.fatalError"; error: string };

export const PRODUCER_STATES = [
  "UNINITIALIZED",
  "INITIALIZING",
  "READY",
  "IN_TRANSACTION",
  "COMMITTING_TRANSACTION",
  "ABORTING_TRANSACTION",
  "ABORTABLE_ERROR",
  "FATAL_ERROR",
] as const;
export type ProducerState = (typeof PRODUCER_STATES)[number];

export const producerMachine = setup({
  types: {
    context: {} as ProducerMachineInput,
    input: {} as ProducerMachineInput,
    events: {} as ProducerMachineEvent,
  },
  actions: {
    // Carried out by the producer kind (effects in producerKind.ts).
    requestProducerId: () => {},
    enteredReady: () => {},
    beganTransaction: () => {},
    beginCompleting: () => {},
    enteredAbortableError: (_, _params: { error: string }) => {},
    enteredFatalError: (_, _params: { error: string }) => {},
  },
  guards: {
    "needsProducerId?": ({ context }) => context.idempotent || context.transactional,
    "isTransactional?": ({ context }) => context.transactional,
    "isIdempotentOnly?": ({ context }) => context.idempotent && !context.transactional,
  },
}).createMachine({
  id: "producer",
  context: ({ input }) => ({ ...input }),
  initial: "UNINITIALIZED",
  on: {
    "producer.fatalError": {
      target: ".FATAL_ERROR",
      actions: { type: "enteredFatalError", params: ({ event }) => ({ error: event.error }) },
    },
  },
  states: {
    UNINITIALIZED: {
      on: {
        "producer.start": [{ target: "INITIALIZING", guard: "needsProducerId?" }, { target: "READY" }],
      },
    },
    INITIALIZING: {
      entry: "requestProducerId",
      on: { "producer.producerIdAssigned": "READY" },
    },
    READY: {
      entry: "enteredReady",
      on: {
        "producer.beginTransaction": { target: "IN_TRANSACTION", guard: "isTransactional?" },
        "producer.bumpEpoch": { target: "INITIALIZING", guard: "isIdempotentOnly?" },
      },
    },
    IN_TRANSACTION: {
      entry: "beganTransaction",
      on: {
        "producer.commitTransaction": "COMMITTING_TRANSACTION",
        "producer.abortTransaction": "ABORTING_TRANSACTION",
        "producer.abortableError": {
          target: "ABORTABLE_ERROR",
          actions: { type: "enteredAbortableError", params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
    COMMITTING_TRANSACTION: {
      entry: "beginCompleting",
      on: {
        "producer.transactionCompleted": "READY",
        "producer.abortableError": {
          target: "ABORTABLE_ERROR",
          actions: { type: "enteredAbortableError", params: ({ event }) => ({ error: event.error }) },
        },
      },
    },
    ABORTING_TRANSACTION: {
      entry: "beginCompleting",
      on: { "producer.transactionCompleted": "READY" },
    },
    ABORTABLE_ERROR: {
      on: { "producer.abortTransaction": "ABORTING_TRANSACTION" },
    },
    FATAL_ERROR: {},
  },
});
