// A toy node for the kernel's first page and tests: it pings its peers in
// turn and waits for the answer, with a timeout. It exercises everything the
// real entities need from the engine: delayed transitions that become queue
// entries, their cancellation on exit, re-entry, and sends through the
// simulated network. It is not Kafka; the cluster engine replaces it.

import { assign, setup } from "xstate";

export interface ToyNodeInput {
  id: string;
  peers: string[];
  pingIntervalMs: number;
  pingTimeoutMs: number;
}

export interface ToyNodeContext extends ToyNodeInput {
  nextPeerIndex: number;
  waitingFor: string | null;
  pingsSent: number;
  pongsReceived: number;
  timeouts: number;
}

export type ToyNodeEvent = { type: "ping"; from: string; n: number } | { type: "pong"; from: string; n: number };

export const toyNodeMachine = setup({
  types: {
    context: {} as ToyNodeContext,
    events: {} as ToyNodeEvent,
    input: {} as ToyNodeInput,
  },
  actions: {
    // Carried out by the engine: it goes through the simulated network.
    send: (_, _params: { to: string; event: ToyNodeEvent }) => {},
  },
  delays: {
    pingInterval: ({ context }) => context.pingIntervalMs,
    pingTimeout: ({ context }) => context.pingTimeoutMs,
  },
  guards: {
    "hasPeers?": ({ context }) => context.peers.length > 0,
    "isAwaitedPong?": ({ context, event }) =>
      event.type === "pong" && event.from === context.waitingFor && event.n === context.pingsSent,
  },
}).createMachine({
  id: "toyNode",
  context: ({ input }) => ({
    ...input,
    nextPeerIndex: 0,
    waitingFor: null,
    pingsSent: 0,
    pongsReceived: 0,
    timeouts: 0,
  }),
  initial: "idle",
  on: {
    ping: {
      actions: {
        type: "send",
        params: ({ context, event }) => ({
          to: event.from,
          event: { type: "pong", from: context.id, n: event.n },
        }),
      },
    },
  },
  states: {
    idle: {
      after: {
        pingInterval: { target: "waiting", guard: "hasPeers?" },
      },
    },
    waiting: {
      entry: [
        assign(({ context }) => ({
          waitingFor: context.peers[context.nextPeerIndex % context.peers.length],
          nextPeerIndex: (context.nextPeerIndex + 1) % context.peers.length,
          pingsSent: context.pingsSent + 1,
        })),
        {
          type: "send",
          params: ({ context }) => ({
            to: context.waitingFor as string,
            event: { type: "ping", from: context.id, n: context.pingsSent },
          }),
        },
      ],
      on: {
        pong: {
          guard: "isAwaitedPong?",
          target: "idle",
          actions: assign(({ context }) => ({
            pongsReceived: context.pongsReceived + 1,
            waitingFor: null,
          })),
        },
      },
      after: {
        pingTimeout: {
          target: "idle",
          actions: assign(({ context }) => ({
            timeouts: context.timeouts + 1,
            waitingFor: null,
          })),
        },
      },
    },
  },
});
