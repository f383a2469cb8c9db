// The two statecharts each ZooKeeper-mode broker runs (stepped from
// broker.data.zk by slot.ts; their effects live in client.ts and controller.ts).
//
// The ZooKeeper client (Kafka's ZooKeeperClient over ZooKeeper's ClientCnxn):
//   CLOSED -START-> CONNECTING -CONNECTED_ACK-> CONNECTED
//   CONNECTING: no answer within the connect timeout (session timeout / servers) -> next server
//   CONNECTED: nothing heard for the read timeout (2/3 of the session timeout) -> CONNECTING the next server
//   the server says the session is gone -> EXPIRED, and at once a new session (Kafka re-creates its client)
//
// The controller election (KafkaController#elect):
//   IDLE -RACE-> ELECTING (create /controller) -WON-> ACTIVE | -LOST-> IDLE; RESIGN from anywhere -> IDLE

import { assign, setup } from "xstate";
import type { ClientContext, RoleContext } from "./types.ts";

export type ClientEvent =
  | { type: "START" }
  | { type: "TICK"; idleMs: number; sinceAttemptMs: number }
  | { type: "CONNECTED_ACK"; sessionId: number; newSession: boolean }
  | { type: "SESSION_EXPIRED" }
  | { type: "CLOSE" };

const target = ({ context }: { context: ClientContext }) => ({
  server: context.servers[context.serverIndex],
  sessionId: context.sessionId,
});

export const zkClientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as ClientEvent,
  },
  actions: {
    sendConnect: (_, _p: { server: string; sessionId: number }) => {},
    sendPing: (_, _p: { server: string; sessionId: number }) => {},
    connectTimedOut: (_, _p: { server: string; sessionId: number }) => {},
    disconnected: (_, _p: { server: string; idleMs: number }) => {},
    sessionEstablished: (_, _p: { sessionId: number; newSession: boolean; server: string }) => {},
    flushRequests: () => {},
    sessionExpired: (_, _p: { sessionId: number }) => {},
    closed: () => {},
  },
  guards: {
    "connectTimedOut?": ({ context, event }) =>
      event.type === "TICK" && event.sinceAttemptMs >= context.connectTimeoutMs,
    "readTimedOut?": ({ context, event }) => event.type === "TICK" && event.idleMs >= context.readTimeoutMs,
    "answersOurSession?": ({ context, event }) =>
      event.type === "CONNECTED_ACK" && (context.sessionId === 0 || context.sessionId === event.sessionId),
  },
}).createMachine({
  id: "zkClient",
  initial: "CLOSED",
  context: ({ input }) => input as ClientContext,
  states: {
    CLOSED: {
      on: { START: { target: "CONNECTING", actions: assign({ sessionId: 0 }) } },
    },
    CONNECTING: {
      entry: { type: "sendConnect", params: target },
      on: {
        TICK: {
          guard: "connectTimedOut?",
          target: "CONNECTING",
          reenter: true,
          actions: [
            { type: "connectTimedOut", params: target },
            assign({ serverIndex: ({ context }) => (context.serverIndex + 1) % context.servers.length }),
          ],
        },
        CONNECTED_ACK: {
          guard: "answersOurSession?",
          target: "CONNECTED",
          actions: [
            assign({ sessionId: ({ event }) => event.sessionId }),
            {
              type: "sessionEstablished",
              params: ({ context, event }) => ({
                sessionId: event.sessionId,
                newSession: event.newSession,
                server: context.servers[context.serverIndex],
              }),
            },
          ],
        },
        SESSION_EXPIRED: { target: "EXPIRED" },
        CLOSE: { target: "CLOSED", actions: "closed" },
      },
    },
    CONNECTED: {
      entry: "flushRequests",
      on: {
        TICK: [
          {
            guard: "readTimedOut?",
            target: "CONNECTING",
            actions: [
              {
                type: "disconnected",
                params: ({ context, event }) => ({
                  server: context.servers[context.serverIndex],
                  idleMs: event.idleMs,
                }),
              },
              assign({ serverIndex: ({ context }) => (context.serverIndex + 1) % context.servers.length }),
            ],
          },
          { actions: { type: "sendPing", params: target } },
        ],
        SESSION_EXPIRED: { target: "EXPIRED" },
        CLOSE: { target: "CLOSED", actions: "closed" },
      },
    },
    EXPIRED: {
      entry: { type: "sessionExpired", params: ({ context }) => ({ sessionId: context.sessionId }) },
      always: { target: "CONNECTING", actions: assign({ sessionId: 0 }) },
    },
  },
});

export type RoleEvent =
  | { type: "RACE" }
  | { type: "WON"; epoch: number; epochZkVersion: number }
  | { type: "LOST"; holder: number | null }
  | { type: "RESIGN"; why: string };

export const controllerRoleMachine = setup({
  types: {
    context: {} as RoleContext,
    events: {} as RoleEvent,
  },
  actions: {
    sendElect: () => {},
    becomeController: (_, _p: { epoch: number; epochZkVersion: number }) => {},
    resign: (_, _p: { why: string }) => {},
  },
}).createMachine({
  id: "controllerElection",
  initial: "IDLE",
  context: ({ input }) => input as RoleContext,
  states: {
    IDLE: {
      on: { RACE: { target: "ELECTING" } },
    },
    ELECTING: {
      entry: "sendElect",
      on: {
        WON: {
          target: "ACTIVE",
          actions: {
            type: "becomeController",
            params: ({ event }) => ({ epoch: event.epoch, epochZkVersion: event.epochZkVersion }),
          },
        },
        LOST: { target: "IDLE" },
        RESIGN: { target: "IDLE" },
      },
    },
    ACTIVE: {
      on: {
        RESIGN: {
          target: "IDLE",
          actions: { type: "resign", params: ({ event }) => ({ why: event.why }) },
        },
      },
    },
  },
});
