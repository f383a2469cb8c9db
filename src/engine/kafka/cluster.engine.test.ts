// Issue 3's engine-level stories, through the public engine API only, in
// both controller modes. Timings are the Classroom profile's: KRaft fences a
// silent broker after broker.session.timeout.ms = 1500 ms, ZooKeeper expires
// its session after zookeeper.session.timeout.ms = 3000 ms.

import { describe, expect, it } from "vitest";
import { createSimulation, type Simulation } from "../index.ts";
import { CLASSROOM_TIMINGS } from "./profile.ts";

type Mode = "kraft" | "zookeeper";
const MODES: Mode[] = ["kraft", "zookeeper"];
const detectionMs = (mode: Mode) =>
  mode === "kraft" ? CLASSROOM_TIMINGS.brokerSessionTimeoutMs : CLASSROOM_TIMINGS.zookeeperSessionTimeoutMs;

function build(mode: Mode, extra: Record<string, unknown>, seed = 42): Simulation {
  return createSimulation(
    {
      version: 1,
      title: `engine test (${mode})`,
      seed,
      durationMs: 20_000,
      network: { latencyMsMin: 1, latencyMsMax: 4 },
      cluster: { mode, brokers: 3, controllers: 3, zookeeperNodes: 3 },
      ...extra,
    },
    { checkEveryStep: true },
  );
}

const orders = (config: Record<string, unknown> = {}) => [
  { name: "orders", partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]], config },
];
const keys = ["alice", "bob", "carol", "dave"];

function leaderAt(sim: Simulation, tMs: number): number {
  sim.runUntil(tMs);
  return sim.cluster()!.partitions.find((p) => p.topic === "orders")!.leader;
}

describe.each(MODES)("cluster engine in %s mode", (mode) => {
  it("a leader crash with acks=all, RF 3, min ISR 2 loses nothing and fails over within the detection time", () => {
    const sim = build(mode, {
      topics: orders({ "min.insync.replicas": 2 }),
      loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 40, acks: "all", keys }],
      steps: [
        { atMs: 3000, do: { type: "crash", node: "b1" } },
        { atMs: 10_000, do: { type: "restart", node: "b1" } },
      ],
    });
    expect(leaderAt(sim, 2900)).toBe(1);
    // Not before the failure detector fires ...
    expect(leaderAt(sim, 3000 + detectionMs(mode) - 200)).toBe(1);
    // ... and soon after it.
    const newLeader = leaderAt(sim, 3000 + detectionMs(mode) + 1000);
    expect([2, 3]).toContain(newLeader);
    const ackedBefore = sim.cluster()!.producers[0].acknowledged;
    sim.runUntil(16_000);
    const view = sim.cluster()!;
    expect(view.producers[0].acknowledged).toBeGreaterThan(ackedBefore + 100); // writes resumed on the new leader
    expect(sim.lostAcknowledgedRecords()).toEqual([]);
    sim.checkNow(true);
    expect(sim.violations).toEqual([]);
    // The restarted broker caught up and is back in the ISR.
    expect(view.partitions[0].isr).toContain(1);
  });

  it("acks=1 with the leader crashing right after the ack loses the record, and the checker names the cause", () => {
    const sim = build(mode, {
      topics: orders(),
      loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 50, acks: 1, keys }],
      steps: [
        // The followers stall, so the acks=1 writes of the next moments live only on the leader ...
        { atMs: 2000, do: { type: "pause", node: "b2", forMs: 900 } },
        { atMs: 2000, do: { type: "pause", node: "b3", forMs: 900 } },
        // ... which then dies.
        { atMs: 2600, do: { type: "crash", node: "b1" } },
        { atMs: 9000, do: { type: "restart", node: "b1" } },
      ],
    });
    sim.runUntil(14_000);
    const lost = sim.lostAcknowledgedRecords();
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((l) => l.acks === 1 && l.explained && l.cause.includes("acks=1"))).toBe(true);
    expect(sim.violations.filter((v) => v.guarantee !== "No acknowledged record lost")).toEqual([]);
  });

  it("an unclean election loses records and is flagged", () => {
    const sim = build(mode, {
      topics: orders({ "unclean.leader.election.enable": true }),
      loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 40, acks: "all", keys }],
      steps: [
        { atMs: 1000, do: { type: "crash", node: "b2" } },
        { atMs: 1000, do: { type: "crash", node: "b3" } },
        // The ISR shrinks to [1]; acks=all with min ISR 1 keeps acknowledging on b1 alone.
        { atMs: 8000, do: { type: "crash", node: "b1" } },
        { atMs: 9000, do: { type: "restart", node: "b2" } },
        { atMs: 9000, do: { type: "restart", node: "b3" } },
      ],
    });
    sim.runUntil(16_000);
    const view = sim.cluster()!;
    expect(view.controller.uncleanElections.length).toBeGreaterThan(0);
    expect([2, 3]).toContain(view.partitions[0].leader);
    const lost = sim.lostAcknowledgedRecords();
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((l) => l.explained)).toBe(true);
  });

  it("min ISR 2 with two brokers down rejects acks=all writes with NOT_ENOUGH_REPLICAS", () => {
    const sim = build(mode, {
      topics: orders({ "min.insync.replicas": 2 }),
      loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 40, acks: "all", keys }],
      steps: [
        { atMs: 1000, do: { type: "crash", node: "b2" } },
        { atMs: 1000, do: { type: "crash", node: "b3" } },
      ],
    });
    sim.runUntil(12_000);
    const p = sim.cluster()!.producers[0];
    expect(p.errors["NOT_ENOUGH_REPLICAS"] ?? 0).toBeGreaterThan(0);
    expect(sim.cluster()!.partitions[0].isr).toEqual([1]);
    expect(sim.lostAcknowledgedRecords()).toEqual([]);
  });

  it("a partition that isolates the leader elects a new one; the old leader is fenced by its epoch", () => {
    const controllers = mode === "kraft" ? ["c1", "c2", "c3"] : ["zk1", "zk2", "zk3"];
    const sim = build(mode, {
      // Without this, preferred-leader balancing (rightly) hands leadership back to b1 after the heal.
      cluster: {
        mode,
        brokers: 3,
        controllers: 3,
        zookeeperNodes: 3,
        config: { "auto.leader.rebalance.enable": false },
      },
      topics: orders({ "min.insync.replicas": 2 }),
      loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 40, acks: "all", keys }],
      steps: [
        { atMs: 2000, do: { type: "partition", islands: [["b1"], ["b2", "b3", "p1", ...controllers]] } },
        { atMs: 9000, do: { type: "heal" } },
      ],
    });
    const oldEpoch = (sim.runUntil(1900), sim.cluster()!.partitions[0].leaderEpoch);
    sim.runUntil(8000);
    let p = sim.cluster()!.partitions[0];
    expect([2, 3]).toContain(p.leader);
    expect(p.leaderEpoch).toBeGreaterThan(oldEpoch);
    // While cut off, b1 still believes it leads, in the old epoch: a zombie.
    const zombie = p.replicaViews.find((r) => r.brokerId === 1)!;
    expect(zombie.leaderEpoch).toBe(oldEpoch);
    sim.runUntil(16_000);
    p = sim.cluster()!.partitions[0];
    const back = p.replicaViews.find((r) => r.brokerId === 1)!;
    expect(back.role).toBe("follower");
    expect(back.leaderEpoch).toBe(p.leaderEpoch);
    expect(sim.lostAcknowledgedRecords()).toEqual([]);
    expect(sim.violations.filter((v) => v.guarantee === "Fencing")).toEqual([]);
  });

  it("the KIP-101 story keeps its acknowledged records: a restarted follower does not truncate to its stale HW", () => {
    // b2 must come back after its old registration is gone (in ZooKeeper mode
    // its old session lives until zookeeper.session.timeout.ms), catch up, and
    // only then see the leader die.
    const restartAt = 3000 + detectionMs(mode) + 500;
    const leaderCrashAt = restartAt + 4000;
    const sim = build(mode, {
      cluster: { mode, brokers: 2, controllers: 3, zookeeperNodes: 3 },
      topics: [{ name: "orders", partitions: 1, replicationFactor: 2, assignment: [[1, 2]] }],
      loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 40, acks: "all", keys }],
      steps: [
        // b2 restarts with a high-watermark checkpoint older than its log ...
        { atMs: 3000, do: { type: "crash", node: "b2" } },
        { atMs: restartAt, do: { type: "restart", node: "b2" } },
        // ... then the leader dies and b2 must lead with everything that was acknowledged.
        { atMs: leaderCrashAt, do: { type: "crash", node: "b1" } },
      ],
    });
    sim.runUntil(restartAt + 1);
    const restarted = sim.cluster()!.partitions[0].replicaViews.find((r) => r.brokerId === 2)!;
    // The story's premise: b2 comes back with an HW (from its checkpoint file) below its log end.
    // Before KIP-101 it would have truncated to that HW; now it keeps its log and asks the leader.
    expect(restarted.highWatermark).toBeLessThan(restarted.logEndOffset);
    sim.runUntil(leaderCrashAt - 100);
    expect(sim.cluster()!.partitions[0].isr).toEqual([1, 2]);
    sim.runUntil(leaderCrashAt + detectionMs(mode) + 3000);
    expect(sim.cluster()!.partitions[0].leader).toBe(2);
    expect(sim.cluster()!.producers[0].acknowledged).toBeGreaterThan(100);
    expect(sim.lostAcknowledgedRecords()).toEqual([]);
  });
});

describe("controller failover", () => {
  it("KRaft: crashing the active controller elects another", () => {
    const sim = build("kraft", { topics: orders(), steps: [{ atMs: 2000, do: { type: "crashActiveController" } }] });
    sim.runUntil(1900);
    const before = sim.cluster()!.controller.activeControllerId;
    expect(before).not.toBeNull();
    sim.runUntil(8000);
    const after = sim.cluster()!.controller;
    expect(after.activeControllerId).not.toBeNull();
    expect(after.activeControllerId).not.toBe(before);
    expect(after.controllerEpoch).toBeGreaterThan(1);
  });

  it("ZooKeeper: expiring the controller broker's session elects another controller", () => {
    const sim = build("zookeeper", {
      topics: orders(),
      steps: [{ atMs: 2000, do: { type: "expireSession", broker: 1 } }],
    });
    sim.runUntil(1900);
    const before = sim.cluster()!.controller;
    expect(before.activeControllerId).toBe("b1");
    sim.runUntil(8000);
    const after = sim.cluster()!.controller;
    expect(after.activeControllerId).not.toBeNull();
    expect(after.controllerEpoch).toBeGreaterThan(before.controllerEpoch);
  });
});
