import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vectors from "../fixtures/kafka-vectors.json";
import { NO_LEADER } from "./common.ts";
import {
  electLeader,
  kraftElectLeaders,
  kraftPartitionChange,
  kraftRemoveBroker,
  kraftUnfenceBroker,
  zkElectLeader,
  zkRemoveReplicaFromIsr,
  type KraftElection,
  type PartitionRegistration,
  type ZkElectionStrategy,
} from "./election.ts";

interface ZkCase {
  mode: "zk";
  strategy: ZkElectionStrategy;
  assignment: number[];
  isr: number[];
  liveReplicas: number[];
  shuttingDownBrokers?: number[];
  uncleanLeaderElectionEnabled?: boolean;
  expectedLeader: number | null;
  source: string;
}
interface KraftCase {
  mode: "kraft";
  election: KraftElection;
  partition: { replicas: number[]; isr: number[]; leader: number; acceptableLeaders: string };
  targetIsr?: number[];
  targetReplicas?: number[];
  expectedLeader: number;
  expectedUnclean: boolean;
  source: string;
}
interface KraftSequence {
  mode: "kraft";
  brokers: number[];
  initial: Record<string, { replicas: number[]; leader: number; isr: number[] }>;
  steps: { action: string; expected: Record<string, { leader?: number; leaderNot?: number; isr?: number[] }> }[];
  source: string;
}
type ElectionCase = ZkCase | KraftCase | KraftSequence;

const cases = (vectors.leaderElection as unknown as { cases: ElectionCase[] }).cases;

function numbersIn(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

/** Turns the vectors' "acceptableLeaders" phrase into a broker list over `universe`. */
function acceptableFrom(phrase: string, universe: readonly number[]): number[] {
  const p = phrase.replace(/\(.*\)/, "").trim();
  if (/^all brokers$/i.test(p)) return universe.slice();
  const except = /^every broker except (.+)$/i.exec(p);
  if (except !== null) {
    const excluded = numbersIn(except[1]);
    return universe.filter((b) => !excluded.includes(b));
  }
  const only = /^(?:only )?brokers? (.+)$/i.exec(p);
  if (only !== null) return numbersIn(only[1]);
  throw new Error(`unrecognised acceptableLeaders phrase: "${phrase}"`);
}

function caseName(c: ElectionCase, i: number): string {
  if ("strategy" in c) {
    return (
      `#${i} zk ${c.strategy}: assignment [${c.assignment}] isr [${c.isr}] live [${c.liveReplicas}]` +
      (c.shuttingDownBrokers ? ` shuttingDown [${c.shuttingDownBrokers}]` : "") +
      (c.uncleanLeaderElectionEnabled ? " unclean enabled" : "") +
      ` -> ${c.expectedLeader ?? "none"}`
    );
  }
  if ("election" in c) {
    return (
      `#${i} kraft ${c.election}: replicas [${c.partition.replicas}] isr [${c.partition.isr}] leader ${c.partition.leader}` +
      (c.targetIsr ? ` targetIsr [${c.targetIsr}]` : "") +
      (c.targetReplicas ? ` targetReplicas [${c.targetReplicas}]` : "") +
      ` acceptable "${c.partition.acceptableLeaders}" -> ${c.expectedLeader}`
    );
  }
  return `#${i} kraft sequence: ${c.steps.map((s) => s.action).join(" / ")}`;
}

/** Replays a ReplicationControlManager fencing story from the vectors. */
function runSequence(c: KraftSequence): void {
  const active = new Set<number>(c.brokers);
  const parts = new Map<string, PartitionRegistration>();
  for (const [name, p] of Object.entries(c.initial)) {
    parts.set(name, {
      replicas: p.replicas,
      isr: p.isr,
      leader: p.leader,
      leaderEpoch: 0,
      partitionEpoch: 0,
      leaderRecoveryState: "RECOVERED",
    });
  }
  const activeList = () => [...active].sort((a, b) => a - b);
  const fence = (b: number) => {
    active.delete(b);
    for (const [name, p] of parts)
      if (p.isr.includes(b)) parts.set(name, kraftRemoveBroker(p, b, activeList()).partition);
  };
  const unfence = (b: number) => {
    active.add(b);
    for (const [name, p] of parts)
      if (p.leader === NO_LEADER) parts.set(name, kraftUnfenceBroker(p, b, activeList()).partition);
  };
  for (const step of c.steps) {
    // Drop explanatory parentheses (those containing a space), keep ElectLeaders(UNCLEAN).
    const action = step.action.replace(/\s*\([^)]*\s[^)]*\)/g, "");
    const clauses = action
      .split(/,\s*then\s+|;\s*|\s+then\s+|,\s+(?=(?:un)?fence|ElectLeaders)/i)
      .map((s) => s.replace(/^then\s+/i, "").trim());
    for (const clause of clauses) {
      let m: RegExpExecArray | null;
      if ((m = /^fence brokers? (.+)$/i.exec(clause)) !== null) for (const b of numbersIn(m[1])) fence(b);
      else if ((m = /^unfence brokers? (.+)$/i.exec(clause)) !== null) for (const b of numbersIn(m[1])) unfence(b);
      else if ((m = /^ElectLeaders\((\w+)\) for (.+)$/i.exec(clause)) !== null) {
        const type = m[1].toUpperCase() as "PREFERRED" | "UNCLEAN";
        for (const name of m[2].split(/\s*(?:,|and)\s*/).filter((s) => s.length > 0)) {
          const p = parts.get(name);
          if (p === undefined) throw new Error(`unknown partition ${name}`);
          const r = kraftElectLeaders(p, type, activeList());
          if (r.result !== null) parts.set(name, r.result.partition);
        }
      } else if (clause.length > 0) throw new Error(`unrecognised action: "${clause}"`);
    }
    for (const [name, exp] of Object.entries(step.expected)) {
      const p = parts.get(name);
      expect(p, name).toBeDefined();
      if (p === undefined) continue;
      if (exp.leader !== undefined) expect(p.leader, `${name} leader after "${step.action}"`).toBe(exp.leader);
      if (exp.leaderNot !== undefined)
        expect(p.leader, `${name} leader after "${step.action}"`).not.toBe(exp.leaderNot);
      if (exp.isr !== undefined)
        expect([...p.isr].sort(), `${name} ISR after "${step.action}"`).toEqual([...exp.isr].sort());
    }
  }
}

describe("leader election vectors (leaderElection.cases)", () => {
  it.each(cases.map((c, i) => [caseName(c, i), c] as const))("%s", (_name, c) => {
    if ("strategy" in c) {
      const r = electLeader({
        mode: "zk",
        strategy: c.strategy,
        assignment: c.assignment,
        leaderAndIsr: { leader: NO_LEADER, leaderEpoch: 0, isr: c.isr },
        liveBrokers: c.liveReplicas,
        shuttingDownBrokers: c.shuttingDownBrokers ?? [],
        uncleanLeaderElectionEnable: c.uncleanLeaderElectionEnabled ?? false,
      });
      expect(r.changed ? r.leader : null).toBe(c.expectedLeader);
      expect(r.reason.length).toBeGreaterThan(0);
    } else if ("election" in c) {
      const universe = [
        ...new Set([...c.partition.replicas, ...(c.targetReplicas ?? []), ...c.partition.isr, ...(c.targetIsr ?? [])]),
      ].sort((a, b) => a - b);
      const r = electLeader({
        mode: "kraft",
        election: c.election,
        partition: {
          replicas: c.partition.replicas,
          isr: c.partition.isr,
          leader: c.partition.leader,
          leaderEpoch: 0,
          partitionEpoch: 0,
          leaderRecoveryState: "RECOVERED",
        },
        acceptableLeaders: acceptableFrom(c.partition.acceptableLeaders, universe),
        targetIsr: c.targetIsr,
        targetReplicas: c.targetReplicas,
      });
      expect(r.leader).toBe(c.expectedLeader);
      expect(r.unclean).toBe(c.expectedUnclean);
    } else {
      runSequence(c);
    }
  });
});

describe("ZooKeeper election details", () => {
  it("offline clean election shrinks the ISR to online replicas and bumps the epoch", () => {
    const r = zkElectLeader({
      strategy: "offline",
      assignment: [1, 2, 3],
      leaderAndIsr: { leader: 1, leaderEpoch: 4, isr: [1, 2, 3] },
      liveBrokers: [2, 3],
    });
    expect(r).toMatchObject({
      leader: 2,
      isr: [2, 3],
      leaderEpoch: 5,
      unclean: false,
      changed: true,
      leaderRecoveryState: "RECOVERED",
    });
  });

  it("unclean election forces ISR = [leader] and RECOVERING", () => {
    const r = zkElectLeader({
      strategy: "offline",
      assignment: [1, 2, 3],
      leaderAndIsr: { leader: 1, leaderEpoch: 4, isr: [1] },
      liveBrokers: [3, 2],
      uncleanLeaderElectionEnable: true,
    });
    expect(r).toMatchObject({ leader: 2, isr: [2], leaderEpoch: 5, unclean: true, leaderRecoveryState: "RECOVERING" });
    expect(r.reason).toContain("unclean.leader.election.enable=true");
  });

  it("a broker in controlled shutdown is not online for an offline election", () => {
    const r = zkElectLeader({
      strategy: "offline",
      assignment: [1, 2],
      leaderAndIsr: { leader: 1, leaderEpoch: 0, isr: [1, 2] },
      liveBrokers: [2],
      shuttingDownBrokers: [2],
    });
    expect(r.changed).toBe(false);
    expect(r.reason).toContain("unclean.leader.election.enable=false");
  });

  it("controlled shutdown removes shutting-down brokers from the ISR", () => {
    const r = zkElectLeader({
      strategy: "controlledShutdown",
      assignment: [1, 2, 3],
      leaderAndIsr: { leader: 1, leaderEpoch: 2, isr: [1, 2, 3] },
      liveBrokers: [1, 2, 3],
      shuttingDownBrokers: [1],
    });
    expect(r).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 3 });
  });

  it("removing a dead replica never empties the ISR", () => {
    expect(zkRemoveReplicaFromIsr({ leader: 1, leaderEpoch: 3, isr: [1] }, 1)).toMatchObject({
      leader: -1,
      isr: [1],
      leaderEpoch: 4,
    });
    expect(zkRemoveReplicaFromIsr({ leader: 1, leaderEpoch: 3, isr: [1, 2] }, 2)).toMatchObject({
      leader: 1,
      isr: [1],
      leaderEpoch: 4,
    });
    expect(zkRemoveReplicaFromIsr({ leader: 1, leaderEpoch: 3, isr: [1, 2] }, 3).changed).toBe(false);
  });
});

describe("KRaft election details", () => {
  const base: PartitionRegistration = {
    replicas: [1, 2, 3],
    isr: [1, 2, 3],
    leader: 1,
    leaderEpoch: 7,
    partitionEpoch: 10,
    leaderRecoveryState: "RECOVERED",
  };

  it("fencing the leader elects the next ISR member and bumps both epochs", () => {
    const r = kraftRemoveBroker(base, 1, [2, 3]);
    expect(r.partition).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 8, partitionEpoch: 11 });
  });

  it("fencing a follower shrinks the ISR without a leader epoch bump (metadata version >= 3.6)", () => {
    const r = kraftRemoveBroker(base, 3, [1, 2]);
    expect(r.partition).toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 7, partitionEpoch: 11 });
  });

  it("an unclean election marks the leader RECOVERING", () => {
    const p: PartitionRegistration = { ...base, isr: [1], leader: NO_LEADER };
    const r = kraftPartitionChange({ partition: p, election: "UNCLEAN", acceptableLeaders: [3] });
    expect(r.partition).toMatchObject({ leader: 3, isr: [3], leaderRecoveryState: "RECOVERING" });
    expect(r.unclean).toBe(true);
  });

  it("ElectLeaders answers ELECTION_NOT_NEEDED / ELIGIBLE_LEADERS_NOT_AVAILABLE as Kafka does", () => {
    expect(kraftElectLeaders(base, "PREFERRED", [1, 2, 3]).error).toBe("ELECTION_NOT_NEEDED");
    expect(kraftElectLeaders(base, "UNCLEAN", [1, 2, 3]).error).toBe("ELECTION_NOT_NEEDED");
    const leaderless: PartitionRegistration = { ...base, isr: [1], leader: NO_LEADER };
    expect(kraftElectLeaders(leaderless, "UNCLEAN", [0, 4]).error).toBe("ELIGIBLE_LEADERS_NOT_AVAILABLE");
    expect(kraftElectLeaders({ ...base, leader: 2 }, "PREFERRED", [2, 3]).error).toBe("PREFERRED_LEADER_NOT_AVAILABLE");
  });

  it("property: a clean KRaft election only ever picks an acceptable ISR member, preferring a valid current leader", () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        ids,
        fc.subarray([0, 1, 2, 3, 4, 5, 6]),
        fc.subarray([0, 1, 2, 3, 4, 5, 6]),
        fc.integer({ min: -1, max: 6 }),
        (replicas, isrPick, acceptable, leader) => {
          const isr = replicas.filter((r) => isrPick.includes(r));
          const p: PartitionRegistration = {
            replicas,
            isr,
            leader,
            leaderEpoch: 0,
            partitionEpoch: 0,
            leaderRecoveryState: "RECOVERED",
          };
          const r = kraftPartitionChange({ partition: p, election: "ONLINE", acceptableLeaders: acceptable });
          if (r.leader !== NO_LEADER) {
            expect(isr).toContain(r.leader);
            expect(acceptable).toContain(r.leader);
          }
          if (leader !== NO_LEADER && isr.includes(leader) && acceptable.includes(leader))
            expect(r.leader).toBe(leader);
          // The ISR is never emptied without ELR.
          if (isr.length > 0) expect(r.partition.isr.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});
