// A KRaft voter's quorum state (KIP-595), as KafkaRaftClient / QuorumState
// name the states: Unattached, Voted, Candidate, Leader, Follower, Resigned
// (Kafka 3.9; the Prospective pre-vote state of KIP-996 came in 4.0).
// "Initializing" only waits for the persisted quorum state (QuorumState#initialize).
//
// The machine holds the election state and the timers. The log lives in the
// actor's plain data; every event the machine sees carries `local` (the log's
// tail and fresh random draws), added by controllerKind.onEvent, so the
// machine itself stays a pure function with no randomness in it.

import { assign, emit, enqueueActions, setup } from "xstate";
import { candidateLogIsUpToDate, majorityOf } from "./raftLog.ts";

export interface RaftInput {
  id: string;
  nodeId: number;
  /** Every voter's actor id, sorted, this one included. */
  voters: string[];
  /** controller.quorum.election.timeout.ms */
  electionTimeoutMs: number;
  /** controller.quorum.fetch.timeout.ms */
  fetchTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms */
  electionBackoffMaxMs: number;
  /** How long a voter waits for a fetch answer before asking again. */
  requestTimeoutMs: number;
}

/** What the plain-code side knows that the machine needs, handed over with every event. */
export interface RaftLocal {
  /** Virtual time now (ms): the machine keeps a deadline where Kafka keeps a remaining timeout. */
  nowMs: number;
  logEndOffset: number;
  lastEpoch: number;
  highWatermark: number;
  /** A fresh draw of controller.quorum.election.timeout.ms + uniform [0, same). */
  randomElectionTimeoutMs: number;
  /** A fresh uniform draw in [0, 1) for the election backoff. */
  backoffRandom: number;
}

export interface PersistedElection {
  epoch: number;
  votedFor: string | null;
  leaderId: string | null;
}

export interface RaftContext extends RaftInput {
  epoch: number;
  votedFor: string | null;
  leaderId: string | null;
  logEndOffset: number;
  lastEpoch: number;
  highWatermark: number;
  granted: string[];
  rejected: string[];
  /** Consecutive elections this voter started (CandidateState#retries). */
  retries: number;
  /** The election timeout armed on entering the current state (randomized, or what was left of the last one). */
  electionMs: number;
  /** When the armed election timeout ends. */
  electionDeadlineMs: number;
  /** True in Unattached, Voted and Candidate: moving to Unattached keeps their remaining election time. */
  keepsElectionTimer: boolean;
  /** The latest fresh draw of the randomized election timeout, from `local`. */
  drawnElectionMs: number;
  nowMs: number;
  backoffRandom: number;
  backoffMs: number;
  /** Why the last transition happened, for the sentence the next state reports. */
  why: string;
}

type WithLocal = { local: RaftLocal };
export type RaftEvent =
  | ({ type: "raft.init"; persisted: PersistedElection } & WithLocal)
  | ({ type: "raft.bootstrap"; epoch: number; leaderId: string } & WithLocal)
  | ({
      type: "raft.voteRequest";
      candidateId: string;
      candidateEpoch: number;
      lastOffsetEpoch: number;
      lastOffset: number;
    } & WithLocal)
  | ({ type: "raft.voteResponse"; voterId: string; epoch: number; granted: boolean } & WithLocal)
  | ({ type: "raft.newLeader"; epoch: number; leaderId: string; why: string } & WithLocal)
  | ({ type: "raft.higherEpoch"; epoch: number; why: string } & WithLocal)
  | ({ type: "raft.fetched"; epoch: number; leaderId: string } & WithLocal)
  | ({ type: "raft.resign"; why: string } & WithLocal);

/** The election backoff of KafkaRaftClient#binaryExponentialElectionBackoffMs (base 100 ms). */
export function electionBackoffMs(retries: number, random: number, maxMs: number): number {
  const bound = 2 << Math.min(20, Math.max(0, retries - 1));
  return Math.min(100 * Math.floor(random * bound), maxMs);
}

const localOf = (event: unknown): RaftLocal | undefined => (event as { local?: RaftLocal }).local;

function fresh(input: RaftInput | undefined): RaftContext {
  const i: RaftInput = input ?? {
    id: "",
    nodeId: 0,
    voters: [],
    electionTimeoutMs: 1000,
    fetchTimeoutMs: 2000,
    electionBackoffMaxMs: 1000,
    requestTimeoutMs: 1000,
  };
  return {
    ...i,
    voters: i.voters.slice(),
    epoch: 0,
    votedFor: null,
    leaderId: null,
    logEndOffset: 0,
    lastEpoch: 0,
    highWatermark: 0,
    granted: [],
    rejected: [],
    retries: 0,
    electionMs: i.electionTimeoutMs,
    electionDeadlineMs: 0,
    keepsElectionTimer: false,
    drawnElectionMs: i.electionTimeoutMs,
    nowMs: 0,
    backoffRandom: 0,
    backoffMs: 0,
    why: "",
  };
}

/** The sentence a voter reports on entering a state: which state, which epoch, and why. */
function stateSentence(c: RaftContext, state: string): string {
  switch (state) {
    case "Candidate":
      return `controller ${c.id} became Candidate for epoch ${c.epoch}: ${c.why}`;
    case "Leader":
      return `controller ${c.id} became Leader for epoch ${c.epoch}: ${c.why}`;
    case "Follower":
      return `controller ${c.id} follows leader ${c.leaderId} in epoch ${c.epoch}: ${c.why}`;
    case "Voted":
      return `controller ${c.id} voted for ${c.votedFor} in epoch ${c.epoch}: ${c.why}`;
    case "Resigned":
      return `controller ${c.id} resigned as leader of epoch ${c.epoch}: ${c.why}`;
    default:
      return `controller ${c.id} is ${state} in epoch ${c.epoch}: ${c.why}`;
  }
}

const settingElection = (c: RaftContext): string =>
  `controller.quorum.election.timeout.ms = ${c.electionTimeoutMs}, randomized between that and twice that`;

type ActionArgs = { context: RaftContext; event: RaftEvent };

/** Writes the election state to the quorum-state file (it survives a crash). */
const persist = {
  type: "persistElection",
  params: ({ context }: ActionArgs) => ({
    epoch: context.epoch,
    votedFor: context.votedFor,
    leaderId: context.leaderId,
  }),
} as const;

/** The Vote answer: granted exactly when, after this transition, this epoch's vote is the candidate's. */
const respondVote = {
  type: "send",
  params: ({ context, event }: ActionArgs) => {
    const e = event as Extract<RaftEvent, { type: "raft.voteRequest" }>;
    return {
      to: e.candidateId,
      event: {
        type: "kraft.VoteResponse",
        voterId: context.id,
        epoch: context.epoch,
        voteGranted: context.epoch === e.candidateEpoch && context.votedFor === e.candidateId,
        leaderId: context.leaderId,
      },
    };
  },
} as const;

/** A Fetch of the metadata log from the leader, from this voter's log end. */
const sendFetch = {
  type: "send",
  params: ({ context }: ActionArgs) => ({
    to: context.leaderId ?? context.id,
    event: {
      type: "kraft.Fetch",
      replicaId: context.id,
      epoch: context.epoch,
      fetchOffset: context.logEndOffset,
      lastFetchedEpoch: context.lastEpoch,
      highWatermark: context.highWatermark,
    },
  }),
} as const;

export const raftMachine = setup({
  types: {
    context: {} as RaftContext,
    events: {} as RaftEvent,
    input: {} as RaftInput,
  },
  actions: {
    // Carried out by the engine (through the simulated network) and by controllerKind's effects.
    send: (_, _params: { to: string; event: { type: string; [k: string]: unknown } }) => {},
    persistElection: (_, _params: PersistedElection) => {},
    becomeLeader: (_, _params: { epoch: number }) => {},
    leaveLeader: (_, _params: { epoch: number }) => {},
    absorb: assign(({ event }) => {
      const l = localOf(event);
      if (!l) return {};
      return {
        logEndOffset: l.logEndOffset,
        lastEpoch: l.lastEpoch,
        highWatermark: l.highWatermark,
        drawnElectionMs: l.randomElectionTimeoutMs,
        nowMs: l.nowMs,
        backoffRandom: l.backoffRandom,
      };
    }),
    /** QuorumState#randomElectionTimeoutMs: a fresh randomized election timeout. */
    armElectionTimer: assign(({ context }) => ({
      electionMs: context.drawnElectionMs,
      electionDeadlineMs: context.nowMs + context.drawnElectionMs,
    })),
    /**
     * QuorumState#transitionToUnattached: from Unattached, Voted or Candidate the
     * remaining election time carries over (so a stale candidate that keeps
     * raising the epoch cannot hold the others back for ever); otherwise a fresh one.
     */
    armUnattachedTimer: assign(({ context }) =>
      context.keepsElectionTimer
        ? { electionMs: Math.max(0, context.electionDeadlineMs - context.nowMs) }
        : { electionMs: context.drawnElectionMs, electionDeadlineMs: context.nowMs + context.drawnElectionMs },
    ),
    keepTimerOnUnattached: assign({ keepsElectionTimer: true }),
    freshTimerOnUnattached: assign({ keepsElectionTimer: false }),
    startElection: assign(({ context }) => ({
      epoch: context.epoch + 1,
      votedFor: context.id,
      leaderId: null,
      granted: [context.id],
      rejected: [],
      retries: context.retries + 1,
      electionMs: context.drawnElectionMs,
      electionDeadlineMs: context.nowMs + context.drawnElectionMs,
    })),
    computeBackoff: assign(({ context }) => ({
      backoffMs: electionBackoffMs(context.retries, context.backoffRandom, context.electionBackoffMaxMs),
    })),
    resetRetries: assign({ retries: 0 }),
    adoptPersisted: assign(({ event }) => {
      if (event.type !== "raft.init") return {};
      return { epoch: event.persisted.epoch, votedFor: event.persisted.votedFor, leaderId: event.persisted.leaderId };
    }),
    reportState: emit(({ context }, params: { state: string }) => ({
      type: "kraft.quorum",
      text: stateSentence(context, params.state),
      epoch: context.epoch,
      state: params.state,
    })),
  },
  delays: {
    electionTimeout: ({ context }) => context.electionMs,
    fetchTimeout: ({ context }) => context.fetchTimeoutMs,
    requestTimeout: ({ context }) => context.requestTimeoutMs,
    backoff: ({ context }) => context.backoffMs,
  },
  guards: {
    "wasLeader?": ({ context, event }) => event.type === "raft.init" && event.persisted.leaderId === context.id,
    "votedForSelf?": ({ context, event }) => event.type === "raft.init" && event.persisted.votedFor === context.id,
    "hasVoted?": ({ event }) => event.type === "raft.init" && event.persisted.votedFor !== null,
    "knowsLeader?": ({ event }) => event.type === "raft.init" && event.persisted.leaderId !== null,
    "bootstrapsAsLeader?": ({ context, event }) => event.type === "raft.bootstrap" && event.leaderId === context.id,
    "higherEpochAndLogOk?": ({ context, event }) =>
      event.type === "raft.voteRequest" &&
      event.candidateEpoch > context.epoch &&
      candidateLogIsUpToDate(event, event.local),
    "higherEpoch?": ({ context, event }) =>
      (event.type === "raft.voteRequest" && event.candidateEpoch > context.epoch) ||
      (event.type === "raft.higherEpoch" && event.epoch > context.epoch),
    "sameEpochAndLogOk?": ({ context, event }) =>
      event.type === "raft.voteRequest" &&
      event.candidateEpoch === context.epoch &&
      context.votedFor === null &&
      candidateLogIsUpToDate(event, event.local),
    "sameEpochSameCandidate?": ({ context, event }) =>
      event.type === "raft.voteRequest" &&
      event.candidateEpoch === context.epoch &&
      event.candidateId === context.votedFor,
    "hasMajority?": ({ context }) => context.granted.length >= majorityOf(context.voters.length),
    "grantedThisEpoch?": ({ context, event }) =>
      event.type === "raft.voteResponse" && event.epoch === context.epoch && event.granted,
    "rejectionMakesMajority?": ({ context, event }) =>
      event.type === "raft.voteResponse" &&
      event.epoch === context.epoch &&
      !event.granted &&
      !context.rejected.includes(event.voterId) &&
      context.rejected.length + 1 >= majorityOf(context.voters.length),
    "rejectedThisEpoch?": ({ context, event }) =>
      event.type === "raft.voteResponse" && event.epoch === context.epoch && !event.granted,
    "fromCurrentLeader?": ({ context, event }) =>
      event.type === "raft.fetched" && event.epoch === context.epoch && event.leaderId === context.leaderId,
    "isNewLeader?": ({ context, event }) =>
      event.type === "raft.newLeader" &&
      event.leaderId !== context.id &&
      (event.epoch > context.epoch || (event.epoch === context.epoch && context.leaderId === null)),
  },
}).createMachine({
  id: "raft",
  context: ({ input }) => fresh(input),
  initial: "Initializing",
  on: {
    "raft.voteRequest": [
      {
        guard: "higherEpochAndLogOk?",
        target: ".Voted",
        actions: [
          "absorb",
          assign(({ event }) => {
            const e = event as Extract<RaftEvent, { type: "raft.voteRequest" }>;
            return {
              epoch: e.candidateEpoch,
              votedFor: e.candidateId,
              leaderId: null,
              why: `${e.candidateId} asked for its vote in the newer epoch ${e.candidateEpoch}, and its log (last epoch ${e.lastOffsetEpoch}, end offset ${e.lastOffset}) is at least as up to date as this one's (last epoch ${e.local.lastEpoch}, end offset ${e.local.logEndOffset})`,
            };
          }),
          "armElectionTimer",
          respondVote,
        ],
      },
      {
        guard: "higherEpoch?",
        target: ".Unattached",
        actions: [
          "absorb",
          assign(({ event }) => {
            const e = event as Extract<RaftEvent, { type: "raft.voteRequest" }>;
            return {
              epoch: e.candidateEpoch,
              votedFor: null,
              leaderId: null,
              why: `${e.candidateId} started epoch ${e.candidateEpoch}, but its log (last epoch ${e.lastOffsetEpoch}, end offset ${e.lastOffset}) is behind this one's (last epoch ${e.local.lastEpoch}, end offset ${e.local.logEndOffset}): vote refused`,
            };
          }),
          "armUnattachedTimer",
          respondVote,
        ],
      },
      { actions: respondVote },
    ],
    "raft.newLeader": {
      guard: "isNewLeader?",
      target: ".Follower",
      actions: [
        "absorb",
        assign(({ context, event }) => {
          const e = event as Extract<RaftEvent, { type: "raft.newLeader" }>;
          return {
            votedFor: e.epoch === context.epoch ? context.votedFor : null,
            epoch: e.epoch,
            leaderId: e.leaderId,
            why: e.why,
          };
        }),
      ],
    },
    "raft.higherEpoch": {
      guard: "higherEpoch?",
      target: ".Unattached",
      actions: [
        "absorb",
        assign(({ event }) => {
          const e = event as Extract<RaftEvent, { type: "raft.higherEpoch" }>;
          return { epoch: e.epoch, votedFor: null, leaderId: null, why: e.why };
        }),
        "armUnattachedTimer",
      ],
    },
  },
  states: {
    Initializing: {
      on: {
        "raft.init": [
          {
            guard: "wasLeader?",
            target: "Resigned",
            actions: [
              "absorb",
              "adoptPersisted",
              assign({ why: "it restarted after leading this epoch, and a restarted leader never resumes leadership" }),
              "armElectionTimer",
            ],
          },
          {
            guard: "votedForSelf?",
            target: "Candidate",
            actions: [
              "absorb",
              "adoptPersisted",
              assign(({ context }) => ({
                granted: [context.id],
                rejected: [],
                retries: 1,
                why: "it restarted in the middle of its own election and resumes it",
              })),
              "armElectionTimer",
            ],
          },
          {
            guard: "hasVoted?",
            target: "Voted",
            actions: [
              "absorb",
              "adoptPersisted",
              assign({ why: "it restarted and remembers its vote" }),
              "armElectionTimer",
            ],
          },
          {
            guard: "knowsLeader?",
            target: "Follower",
            actions: ["absorb", "adoptPersisted", assign({ why: "it restarted and remembers the leader" })],
          },
          {
            target: "Unattached",
            actions: [
              "absorb",
              "adoptPersisted",
              assign({ why: "it started without knowing a leader" }),
              "armElectionTimer",
            ],
          },
        ],
        "raft.bootstrap": [
          {
            guard: "bootstrapsAsLeader?",
            target: "Leader",
            actions: [
              "absorb",
              assign(({ context, event }) => {
                const e = event as Extract<RaftEvent, { type: "raft.bootstrap" }>;
                return {
                  epoch: e.epoch,
                  votedFor: context.id,
                  leaderId: context.id,
                  why: "the cluster starts with it elected",
                };
              }),
            ],
          },
          {
            target: "Follower",
            actions: [
              "absorb",
              assign(({ event }) => {
                const e = event as Extract<RaftEvent, { type: "raft.bootstrap" }>;
                return {
                  epoch: e.epoch,
                  votedFor: e.leaderId,
                  leaderId: e.leaderId,
                  why: "the cluster starts with this leader",
                };
              }),
            ],
          },
        ],
      },
    },

    Unattached: {
      entry: [
        persist,
        "resetRetries",
        "keepTimerOnUnattached",
        { type: "reportState", params: { state: "Unattached" } },
      ],
      on: {
        "raft.voteRequest": {
          guard: "sameEpochAndLogOk?",
          target: "Voted",
          actions: [
            "absorb",
            assign(({ event }) => {
              const e = event as Extract<RaftEvent, { type: "raft.voteRequest" }>;
              return {
                votedFor: e.candidateId,
                why: `${e.candidateId}'s log (last epoch ${e.lastOffsetEpoch}, end offset ${e.lastOffset}) is at least as up to date as this one's (last epoch ${e.local.lastEpoch}, end offset ${e.local.logEndOffset})`,
              };
            }),
            "armElectionTimer",
            respondVote,
          ],
        },
      },
      after: {
        electionTimeout: {
          target: "Candidate",
          actions: [
            "absorb",
            assign(({ context }) => ({
              why: `its election timeout (${context.electionMs} ms) ran out and no leader appeared (${settingElection(context)})`,
            })),
            "startElection",
          ],
        },
      },
    },

    Voted: {
      entry: [persist, "resetRetries", "keepTimerOnUnattached", { type: "reportState", params: { state: "Voted" } }],
      on: {
        "raft.voteRequest": { guard: "sameEpochSameCandidate?", actions: respondVote },
      },
      after: {
        electionTimeout: {
          target: "Candidate",
          actions: [
            "absorb",
            assign(({ context }) => ({
              why: `the candidate it voted for (${context.votedFor}) did not win within ${context.electionMs} ms (${settingElection(context)})`,
            })),
            "startElection",
          ],
        },
      },
    },

    Candidate: {
      entry: [
        persist,
        "keepTimerOnUnattached",
        { type: "reportState", params: { state: "Candidate" } },
        enqueueActions(({ context, enqueue }) => {
          for (const voter of context.voters) {
            if (voter === context.id) continue;
            enqueue({
              type: "send",
              params: {
                to: voter,
                event: {
                  type: "kraft.Vote",
                  candidateId: context.id,
                  candidateEpoch: context.epoch,
                  lastOffsetEpoch: context.lastEpoch,
                  lastOffset: context.logEndOffset,
                },
              },
            });
          }
        }),
      ],
      always: {
        guard: "hasMajority?",
        target: "Leader",
        actions: assign(({ context }) => ({
          leaderId: context.id,
          why: `votes from [${context.granted.join(", ")}] are a majority of the ${context.voters.length} voters`,
        })),
      },
      on: {
        "raft.voteResponse": [
          {
            guard: "grantedThisEpoch?",
            actions: assign(({ context, event }) => {
              const e = event as Extract<RaftEvent, { type: "raft.voteResponse" }>;
              return {
                granted: context.granted.includes(e.voterId) ? context.granted : [...context.granted, e.voterId].sort(),
              };
            }),
          },
          {
            guard: "rejectionMakesMajority?",
            target: ".BackingOff",
            actions: [
              "absorb",
              assign(({ context, event }) => {
                const e = event as Extract<RaftEvent, { type: "raft.voteResponse" }>;
                return {
                  rejected: [...context.rejected, e.voterId].sort(),
                  why: "a majority of the voters refused their vote",
                };
              }),
              "computeBackoff",
            ],
          },
          {
            guard: "rejectedThisEpoch?",
            actions: assign(({ context, event }) => {
              const e = event as Extract<RaftEvent, { type: "raft.voteResponse" }>;
              return {
                rejected: context.rejected.includes(e.voterId)
                  ? context.rejected
                  : [...context.rejected, e.voterId].sort(),
              };
            }),
          },
        ],
      },
      initial: "Electing",
      states: {
        Electing: {
          after: {
            electionTimeout: {
              target: "BackingOff",
              actions: [
                "absorb",
                assign(({ context }) => ({
                  why: `no majority of votes within its randomized election timeout of ${context.electionMs} ms (${settingElection(context)})`,
                })),
                "computeBackoff",
              ],
            },
          },
        },
        BackingOff: {
          entry: emit(({ context }) => ({
            type: "kraft.quorum",
            text: `controller ${context.id}'s election for epoch ${context.epoch} failed: ${context.why}; it backs off ${context.backoffMs} ms before trying again (controller.quorum.election.backoff.max.ms = ${context.electionBackoffMaxMs})`,
            epoch: context.epoch,
          })),
          after: {
            backoff: {
              target: "#raft.Candidate",
              reenter: true,
              actions: [
                "absorb",
                assign(({ context }) => ({
                  why: `its election for epoch ${context.epoch} failed and its backoff of ${context.backoffMs} ms ended`,
                })),
                "startElection",
              ],
            },
          },
        },
      },
    },

    Leader: {
      entry: [
        persist,
        "resetRetries",
        "freshTimerOnUnattached",
        { type: "reportState", params: { state: "Leader" } },
        { type: "becomeLeader", params: ({ context }) => ({ epoch: context.epoch }) },
      ],
      exit: { type: "leaveLeader", params: ({ context }) => ({ epoch: context.epoch }) },
      on: {
        "raft.resign": {
          target: "Resigned",
          actions: [
            "absorb",
            assign(({ event }) => ({ why: (event as Extract<RaftEvent, { type: "raft.resign" }>).why })),
            "armElectionTimer",
          ],
        },
      },
    },

    Follower: {
      entry: [
        persist,
        "resetRetries",
        "freshTimerOnUnattached",
        { type: "reportState", params: { state: "Follower" } },
      ],
      initial: "Fetching",
      states: {
        // Re-entered on every answer from the leader, which restarts the fetch timeout.
        Fetching: {
          on: {
            "raft.fetched": { guard: "fromCurrentLeader?", target: "Fetching", reenter: true, actions: "absorb" },
          },
          after: {
            fetchTimeout: {
              target: "#raft.Candidate",
              actions: [
                "absorb",
                assign(({ context }) => ({
                  why: `no fetch response from leader ${context.leaderId} for ${context.fetchTimeoutMs} ms (controller.quorum.fetch.timeout.ms)`,
                })),
                "startElection",
              ],
            },
          },
          initial: "AwaitingResponse",
          states: {
            AwaitingResponse: {
              entry: sendFetch,
              after: { requestTimeout: { target: "AwaitingResponse", reenter: true } },
            },
          },
        },
      },
    },

    Resigned: {
      entry: [
        persist,
        "resetRetries",
        "freshTimerOnUnattached",
        { type: "reportState", params: { state: "Resigned" } },
      ],
      after: {
        electionTimeout: {
          target: "Candidate",
          actions: [
            "absorb",
            assign(({ context }) => ({
              why: `it resigned and no other leader appeared within ${context.electionMs} ms (${settingElection(context)})`,
            })),
            "startElection",
          ],
        },
      },
    },
  },
});
