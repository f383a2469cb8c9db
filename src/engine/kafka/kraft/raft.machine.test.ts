// The quorum-state machine stepped as pure transitions, as the engine steps it.

import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { startMachine, stateLabel, stepMachine, type MachineAction } from "../../machines/host.ts";
import { electionBackoffMs, raftMachine, type RaftContext, type RaftInput, type RaftLocal } from "./raft.machine.ts";

const input: RaftInput = {
  id: "c2",
  nodeId: 3002,
  voters: ["c1", "c2", "c3"],
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  requestTimeoutMs: 1000,
};

const local = (over: Partial<RaftLocal> = {}): RaftLocal => ({
  nowMs: 0,
  logEndOffset: 10,
  lastEpoch: 3,
  highWatermark: 10,
  randomElectionTimeoutMs: 1500,
  backoffRandom: 0.5,
  ...over,
});

class Voter {
  snap: AnyMachineSnapshot;
  actions: MachineAction[] = [];
  constructor() {
    [this.snap] = startMachine(raftMachine, input);
  }
  step(event: { type: string; [k: string]: unknown }): this {
    const withLocal = { local: local(), ...event };
    [this.snap, this.actions] = stepMachine(raftMachine, this.snap, withLocal);
    return this;
  }
  get state(): string {
    return stateLabel(this.snap.value);
  }
  get ctx(): RaftContext {
    return this.snap.context as RaftContext;
  }
  sent(type: string): { to: string; event: Record<string, unknown> }[] {
    return this.actions
      .filter((a) => a.type === "send" && (a.params as { event: { type: string } }).event.type === type)
      .map((a) => a.params as { to: string; event: Record<string, unknown> });
  }
  timer(idPart: string): number | undefined {
    const raise = this.actions.find((a) => a.type === "xstate.raise" && String(a.params?.id).includes(idPart));
    return raise ? (raise.params as { delay: number }).delay : undefined;
  }
}

const follower = (epoch = 3) =>
  new Voter().step({ type: "raft.init", persisted: { epoch, votedFor: null, leaderId: "c1" } });

describe("raft machine", () => {
  it("a follower without fetch answers for controller.quorum.fetch.timeout.ms becomes Candidate of the next epoch and asks for votes", () => {
    const v = follower();
    expect(v.state).toBe("Follower.Fetching.AwaitingResponse");
    expect(v.timer("fetchTimeout")).toBe(2000);
    expect(v.sent("kraft.Fetch")).toEqual([
      {
        to: "c1",
        event: {
          type: "kraft.Fetch",
          replicaId: "c2",
          epoch: 3,
          fetchOffset: 10,
          lastFetchedEpoch: 3,
          highWatermark: 10,
        },
      },
    ]);
    v.step({ type: "xstate.after.fetchTimeout.raft.Follower.Fetching" });
    expect(v.state).toBe("Candidate.Electing");
    expect(v.ctx).toMatchObject({ epoch: 4, votedFor: "c2", leaderId: null, granted: ["c2"] });
    expect(v.sent("kraft.Vote").map((s) => s.to)).toEqual(["c1", "c3"]);
    expect(v.sent("kraft.Vote")[0].event).toMatchObject({ candidateEpoch: 4, lastOffsetEpoch: 3, lastOffset: 10 });
    expect(v.timer("electionTimeout")).toBe(1500); // the randomized draw handed in with the event
    expect(v.actions.some((a) => a.type === "persistElection")).toBe(true);
  });

  it("a candidate with a majority of votes becomes Leader", () => {
    const v = follower().step({ type: "xstate.after.fetchTimeout.raft.Follower.Fetching" });
    v.step({ type: "raft.voteResponse", voterId: "c3", epoch: 4, granted: true });
    expect(v.state).toBe("Leader");
    expect(v.actions.map((a) => a.type)).toContain("becomeLeader");
  });

  it("a candidate refused by a majority backs off (binary exponential, capped)", () => {
    const v = follower().step({ type: "xstate.after.fetchTimeout.raft.Follower.Fetching" });
    v.step({ type: "raft.voteResponse", voterId: "c1", epoch: 4, granted: false });
    expect(v.state).toBe("Candidate.Electing");
    v.step({ type: "raft.voteResponse", voterId: "c3", epoch: 4, granted: false });
    expect(v.state).toBe("Candidate.BackingOff");
    expect(electionBackoffMs(1, 0.5, 1000)).toBe(100);
    expect(electionBackoffMs(5, 0.99, 1000)).toBe(1000);
  });

  it("grants a vote only to a candidate whose log is at least as up to date, once per epoch", () => {
    const behind = new Voter().step({ type: "raft.init", persisted: { epoch: 3, votedFor: null, leaderId: null } });
    behind.step({ type: "raft.voteRequest", candidateId: "c1", candidateEpoch: 4, lastOffsetEpoch: 2, lastOffset: 50 });
    expect(behind.state).toBe("Unattached");
    expect(behind.sent("kraft.VoteResponse")[0].event).toMatchObject({ epoch: 4, voteGranted: false });
    behind.step({ type: "raft.voteRequest", candidateId: "c3", candidateEpoch: 4, lastOffsetEpoch: 3, lastOffset: 10 });
    expect(behind.state).toBe("Voted");
    expect(behind.sent("kraft.VoteResponse")[0]).toMatchObject({ to: "c3", event: { voteGranted: true } });
    behind.step({ type: "raft.voteRequest", candidateId: "c1", candidateEpoch: 4, lastOffsetEpoch: 9, lastOffset: 99 });
    expect(behind.sent("kraft.VoteResponse")[0].event).toMatchObject({ voteGranted: false });
    behind.step({ type: "raft.voteRequest", candidateId: "c3", candidateEpoch: 4, lastOffsetEpoch: 3, lastOffset: 10 });
    expect(behind.sent("kraft.VoteResponse")[0].event).toMatchObject({ voteGranted: true });
  });

  it("a leader that sees a newer epoch steps down", () => {
    const v = follower().step({ type: "xstate.after.fetchTimeout.raft.Follower.Fetching" });
    v.step({ type: "raft.voteResponse", voterId: "c3", epoch: 4, granted: true });
    v.step({ type: "raft.newLeader", epoch: 6, leaderId: "c3", why: "test" });
    expect(v.state).toBe("Follower.Fetching.AwaitingResponse");
    expect(v.actions.map((a) => a.type)).toContain("leaveLeader");
    expect(v.ctx).toMatchObject({ epoch: 6, leaderId: "c3" });
  });

  it("restarts from the quorum-state file: a former leader resigns, a voter keeps its vote", () => {
    expect(new Voter().step({ type: "raft.init", persisted: { epoch: 5, votedFor: "c2", leaderId: "c2" } }).state).toBe(
      "Resigned",
    );
    const voted = new Voter().step({ type: "raft.init", persisted: { epoch: 5, votedFor: "c3", leaderId: null } });
    expect(voted.state).toBe("Voted");
    voted.step({ type: "raft.voteRequest", candidateId: "c1", candidateEpoch: 5, lastOffsetEpoch: 9, lastOffset: 99 });
    expect(voted.sent("kraft.VoteResponse")[0].event).toMatchObject({ voteGranted: false });
  });

  it("moving to Unattached from Unattached/Voted/Candidate keeps the remaining election time (QuorumState#transitionToUnattached)", () => {
    const v = new Voter().step({ type: "raft.init", persisted: { epoch: 3, votedFor: null, leaderId: null } });
    expect(v.timer("electionTimeout")).toBe(1500);
    // 600 ms later a stale candidate raises the epoch: the timer runs on with 900 ms left, not a fresh 1500.
    [v.snap, v.actions] = stepMachine(raftMachine, v.snap, {
      type: "raft.voteRequest",
      candidateId: "c1",
      candidateEpoch: 9,
      lastOffsetEpoch: 1,
      lastOffset: 1,
      local: local({ nowMs: 600 }),
    } as never);
    expect(v.state).toBe("Unattached");
    expect(v.ctx.epoch).toBe(9);
    expect(v.timer("electionTimeout")).toBe(900);
    // From Follower it is a fresh randomized timeout.
    const f = follower();
    [f.snap, f.actions] = stepMachine(raftMachine, f.snap, {
      type: "raft.higherEpoch",
      epoch: 7,
      why: "t",
      local: local({ nowMs: 600 }),
    } as never);
    expect(f.timer("electionTimeout")).toBe(1500);
  });
});
