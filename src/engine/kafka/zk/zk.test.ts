import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../core/trace.ts";
import { setLinkOverride } from "../../net/network.ts";
import type { PartitionState } from "../metadata.ts";
import { zkStore } from "./store.ts";
import { fakeData, testCluster, topic, type TestCluster } from "./testkit.ts";
import { ZK_PATHS } from "./znodes.ts";

const SESSION_MS = 3_000; // classroom zookeeper.session.timeout.ms

function zkEvents(c: TestCluster, kind: string): TraceEvent[] {
  return c.engine.trace.filter((e) => e.data?.zk === kind);
}

function part(c: TestCluster, t: string, p: number): PartitionState {
  const s = c.cp.describe(c.engine).partitions.find((x) => x.topic === t && x.partition === p);
  if (!s) throw new Error(`no state for ${t}-${p}`);
  return s;
}

function hasNode(c: TestCluster, path: string): boolean {
  return zkStore(c.engine).nodes[path] !== undefined;
}

describe("ZooKeeper mode: bootstrap", () => {
  it("starts with preferred leaders, full ISRs, broker 1 as controller at epoch 1, and stays quiet", () => {
    const c = testCluster();
    const v = c.cp.describe(c.engine);
    expect(v.mode).toBe("zookeeper");
    expect(v.activeControllerId).toBe("b1");
    expect(v.controllerEpoch).toBe(1);
    for (const p of v.partitions) {
      expect(p.leader).toBe(p.replicas[0]);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leaderEpoch).toBe(0);
    }
    if (v.detail.kind !== "zookeeper") throw new Error("wrong detail");
    expect(v.detail.sessions.map((s) => s.ownerBrokerId)).toEqual([1, 2, 3]);
    expect(v.detail.ensemble.every((s) => s.serving)).toBe(true);
    const paths = v.detail.znodes.map((z) => z.path);
    for (const p of [
      "/controller",
      "/controller_epoch",
      "/brokers/ids/1",
      "/brokers/ids/3",
      "/brokers/topics/t/partitions/2/state",
    ])
      expect(paths).toContain(p);
    expect(v.detail.znodes.find((z) => z.path === "/controller")?.ephemeralOwner).not.toBeNull();

    c.engine.runUntil(60_000);
    expect(zkEvents(c, "sessionExpired")).toEqual([]);
    expect(zkEvents(c, "controllerElected")).toEqual([]);
    expect(c.cp.describe(c.engine).controllerEpoch).toBe(1);
  });

  it("places replicas with Kafka's rack-unaware rule and the engine's seeded randomness", () => {
    const a = testCluster({
      seed: 7,
      brokers: 5,
      topics: [{ name: "p", partitions: 10, replicationFactor: 3, config: {} }],
    });
    const b = testCluster({
      seed: 7,
      brokers: 5,
      topics: [{ name: "p", partitions: 10, replicationFactor: 3, config: {} }],
    });
    const pa = a.cp.describe(a.engine).partitions.map((p) => p.replicas);
    expect(pa).toEqual(b.cp.describe(b.engine).partitions.map((p) => p.replicas));
    const leaders = pa.map((r) => r[0]);
    for (let id = 1; id <= 5; id++) expect(leaders.filter((l) => l === id)).toHaveLength(2);
    for (const r of pa) expect(new Set(r).size).toBe(3);
  });
});

describe("ZooKeeper mode: broker failure", () => {
  it("expires a crashed broker's session after zookeeper.session.timeout.ms, not earlier, then re-elects with the ZooKeeper rules", () => {
    const c = testCluster({
      topics: [
        topic("t", [
          [1, 2, 3],
          [2, 3, 1],
          [3, 1, 2],
        ]),
        topic("solo", [[2]]),
      ],
    });
    c.engine.runUntil(2_000);
    c.engine.crash("b2", "test");
    // Step until /brokers/ids/2 vanishes, checking it is there all along.
    while (hasNode(c, ZK_PATHS.brokerId(2))) {
      expect(part(c, "t", 1).leader).toBe(2);
      c.engine.step();
    }
    const [expiry] = zkEvents(c, "sessionExpired");
    expect(expiry.data?.broker).toBe(2);
    const heard = Number(expiry.data?.lastHeardMs);
    expect(heard).toBeGreaterThanOrEqual(1_000);
    expect(expiry.time).toBeGreaterThanOrEqual(heard + SESSION_MS);
    expect(expiry.time).toBeLessThan(heard + SESSION_MS + 400); // rounded up to ZooKeeper's tick
    c.engine.runUntil(12_000);
    expect(expiry.text).toMatch(/zookeeper\.session\.timeout\.ms/);
    expect(hasNode(c, ZK_PATHS.brokerId(2))).toBe(false);

    // t-1 was led by 2: the first live ISR member in assignment order [2,3,1] is 3.
    expect(part(c, "t", 1)).toMatchObject({ leader: 3, isr: [3, 1], leaderEpoch: 1 });
    // Followers: 2 leaves the ISR, the leader stays, the leader epoch goes up.
    expect(part(c, "t", 0)).toMatchObject({ leader: 1, isr: [1, 3], leaderEpoch: 1 });
    expect(part(c, "t", 2)).toMatchObject({ leader: 3, isr: [3, 1], leaderEpoch: 1 });
    // The last ISR member is never removed: no leader, ISR stays [2].
    expect(part(c, "solo", 0)).toMatchObject({ leader: -1, isr: [2], leaderEpoch: 1 });

    // Live replicas got LeaderAndIsr with the new leader.
    for (const id of [1, 3]) {
      const d = fakeData(c.engine, id);
      expect(d.image.partitions["t-1"]).toMatchObject({ leader: 3, leaderEpoch: 1 });
      expect(d.applied.some((a) => a.why.startsWith("LeaderAndIsr from controller b1 (controller epoch 1)"))).toBe(
        true,
      );
      expect(d.image.brokers["2"].fenced).toBe(true);
    }
  });

  it("gives a returning broker its replicas and a leader to its leaderless partition", () => {
    const c = testCluster({
      topics: [
        topic("t", [
          [1, 2, 3],
          [2, 3, 1],
          [3, 1, 2],
        ]),
        topic("solo", [[2]]),
      ],
    });
    c.engine.runUntil(1_000);
    c.engine.crash("b2", "test");
    c.engine.runUntil(8_000);
    expect(part(c, "solo", 0).leader).toBe(-1);
    c.engine.restart("b2", "test");
    c.engine.runUntil(10_000);
    expect(hasNode(c, ZK_PATHS.brokerId(2))).toBe(true);
    expect(fakeData(c.engine, 2).registrations).toBe(1);
    expect(part(c, "solo", 0)).toMatchObject({ leader: 2, isr: [2], leaderEpoch: 2 });
    const d = fakeData(c.engine, 2);
    expect(d.image.partitions["solo-0"]).toMatchObject({ leader: 2 });
    expect(d.image.partitions["t-1"]).toMatchObject({ leader: 3 });
    // The controller does not put it back into ISRs: its leaders do, with AlterPartition.
    expect(part(c, "t", 0).isr).toEqual([1, 3]);
  });

  it("a quick restart cannot register while the old session lives, and registers once it expires", () => {
    const c = testCluster();
    c.engine.runUntil(1_000);
    c.engine.crash("b3", "test");
    c.engine.runUntil(1_200);
    c.engine.restart("b3", "test");
    c.engine.runUntil(1_500);
    expect(zkEvents(c, "registerConflict").length).toBeGreaterThan(0);
    c.engine.runUntil(10_000);
    expect(zkEvents(c, "sessionExpired").map((e) => e.data?.broker)).toEqual([3]);
    expect(zkEvents(c, "registered").map((e) => e.data?.broker)).toEqual([3]);
    const change = zkEvents(c, "brokerChange").map((e) => [e.data?.gone, e.data?.added]);
    expect(change).toEqual([
      [[3], []],
      [[], [3]],
    ]);
  });

  it("a clean stop closes the session at once: no wait for the session timeout", () => {
    const c = testCluster();
    c.engine.runUntil(2_000);
    c.engine.stop("b3", "test");
    expect(hasNode(c, ZK_PATHS.brokerId(3))).toBe(false);
    expect(zkEvents(c, "sessionClosed")).toHaveLength(1);
    c.engine.runUntil(2_100);
    expect(part(c, "t", 2).leader).toBe(1);
    expect(zkEvents(c, "sessionExpired")).toEqual([]);
  });
});

describe("ZooKeeper mode: controller failover and fencing", () => {
  it("after the controller's session expires another broker wins /controller with a higher epoch", () => {
    const c = testCluster();
    c.engine.runUntil(3_000);
    c.engine.inputs.push({ atMs: 3_000, input: { type: "expireSession", broker: 1 }, source: "user" });
    c.engine.runUntil(8_000);
    const won = zkEvents(c, "controllerElected");
    expect(won).toHaveLength(1);
    expect(won[0].data?.broker).not.toBe(1);
    expect(won[0].data?.controllerEpoch).toBe(2);
    expect(won[0].text).toMatch(/won the race for \/controller: controller epoch 2/);
    expect(zkEvents(c, "resigned").map((e) => e.actor)).toEqual(["b1"]);
    const v = c.cp.describe(c.engine);
    expect(v.activeControllerId).toBe(`b${won[0].data?.broker}`);
    expect(v.controllerEpoch).toBe(2);
    // Broker 1 got a new session and registered again (a new broker epoch).
    expect(fakeData(c.engine, 1).registrations).toBe(1);
    expect(hasNode(c, ZK_PATHS.brokerId(1))).toBe(true);
    for (const id of [1, 2, 3]) expect(fakeData(c.engine, id).image.controllerEpoch).toBe(2);
  });

  it("a deposed controller's late request is rejected with STALE_CONTROLLER_EPOCH", () => {
    const c = testCluster();
    c.engine.runUntil(1_000);
    // b1's messages to b3 take 2 s: its LeaderAndIsr for a new topic is still on the way...
    setLinkOverride(c.engine.world.net, "b1", "b3", { extraLatencyMs: 2_000 });
    expect(c.cp.createTopic(c.engine, topic("late", [[3, 1]])).ok).toBe(true);
    c.engine.runUntil(1_100);
    // ...when b1 is deposed.
    c.engine.inputs.push({ atMs: 1_100, input: { type: "expireSession", broker: "b1" }, source: "user" });
    c.engine.runUntil(6_000);
    const rejected = zkEvents(c, "rejected").filter((e) => e.actor === "b3");
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0].data).toMatchObject({ error: "STALE_CONTROLLER_EPOCH", from: "b1", controllerEpoch: 1 });
    expect(rejected[0].text).toMatch(/deposed controller/);
    expect(fakeData(c.engine, 3).image.controllerEpoch).toBe(2);
  });

  it("a controller cut off from ZooKeeper is replaced, and resigns when it learns its session expired", () => {
    const c = testCluster();
    c.engine.runUntil(1_000);
    // Cut b1 off from ZooKeeper only; it still reaches the brokers and believes it is the controller.
    c.engine.inputs.push({
      atMs: 1_000,
      input: { type: "partition", islands: [["b1"], ["zk1", "zk2", "zk3"]] },
      source: "user",
    });
    c.engine.runUntil(8_000);
    expect(c.cp.describe(c.engine).controllerEpoch).toBe(2);
    expect(zkEvents(c, "controllerElected")[0].data?.broker).not.toBe(1);
    // Heal: b1 reconnects, learns its session expired and resigns.
    c.engine.inputs.push({ atMs: 8_000, input: { type: "heal" }, source: "user" });
    c.engine.runUntil(12_000);
    expect(zkEvents(c, "resigned").map((e) => e.actor)).toContain("b1");
    expect(zkEvents(c, "learnedExpiry").map((e) => e.actor)).toContain("b1");
  });
});

describe("ZooKeeper mode: controlled shutdown", () => {
  it("moves leaderships away before the broker stops, then closes its session", () => {
    const c = testCluster();
    c.engine.runUntil(1_000);
    c.cp.requestControlledShutdown(c.engine, c.broker(2));
    c.engine.runUntil(1_500);
    const d = fakeData(c.engine, 2);
    expect(d.shutdownCompleteAtMs).not.toBeNull();
    expect(c.broker(2).alive).toBe(false);
    // Before stopping, b2 learned that it no longer leads t-1 (first live ISR member not shutting down: 3).
    expect(d.image.partitions["t-1"]).toMatchObject({ leader: 3 });
    expect(part(c, "t", 1)).toMatchObject({ leader: 3, isr: [3, 1] });
    expect(part(c, "t", 0).isr).toEqual([1, 3]);
    expect(hasNode(c, ZK_PATHS.brokerId(2))).toBe(false);
    expect(zkEvents(c, "controlledShutdownDone")).toHaveLength(1);
  });

  it("the controller itself can shut down cleanly; another broker takes over at once", () => {
    const c = testCluster();
    c.engine.runUntil(1_000);
    c.cp.requestControlledShutdown(c.engine, c.broker(1));
    c.engine.runUntil(1_500);
    expect(c.broker(1).alive).toBe(false);
    expect(part(c, "t", 0).leader).toBe(2);
    const v = c.cp.describe(c.engine);
    expect(v.controllerEpoch).toBe(2);
    expect(v.activeControllerId).not.toBe("b1");
  });
});

describe("ZooKeeper mode: the ensemble needs a majority", () => {
  it("with 2 of 3 servers down nothing expires and no controller changes; after the heal it resumes", () => {
    const c = testCluster();
    c.engine.runUntil(1_000);
    c.engine.crash("zk2", "test");
    c.engine.crash("zk3", "test");
    c.engine.runUntil(1_500);
    c.engine.crash("b2", "test");
    c.engine.inputs.push({ atMs: 2_000, input: { type: "expireSession", broker: 3 }, source: "user" });
    c.engine.runUntil(15_000);
    let v = c.cp.describe(c.engine);
    if (v.detail.kind !== "zookeeper") throw new Error("wrong detail");
    expect(v.detail.ensemble.map((s) => s.serving)).toEqual([false, false, false]);
    expect(zkEvents(c, "lostQuorum").map((e) => e.actor)).toContain("zk1");
    expect(zkEvents(c, "sessionExpired")).toEqual([]);
    expect(zkEvents(c, "controllerElected")).toEqual([]);
    expect(hasNode(c, ZK_PATHS.brokerId(2))).toBe(true);
    expect(v.activeControllerId).toBe("b1");

    c.engine.restart("zk2", "test");
    const back = c.engine.nowMs;
    c.engine.runUntil(25_000);
    v = c.cp.describe(c.engine);
    const expired = zkEvents(c, "sessionExpired");
    expect(expired.map((e) => e.data?.broker)).toEqual([2]);
    // The new ZooKeeper leader restarted every session's timeout.
    expect(expired[0].time).toBeGreaterThanOrEqual(back + SESSION_MS);
    expect(v.activeControllerId).toBe("b1");
    expect(v.controllerEpoch).toBe(1);
    expect(part(c, "t", 1).leader).toBe(3);
  });
});

describe("ZooKeeper mode: unclean leader election", () => {
  function shrinkToLeader(c: TestCluster, t: string): void {
    const s = part(c, t, 0);
    c.cp.sendAlterPartition(c.engine, c.broker(s.leader), {
      topic: t,
      partition: 0,
      leaderId: s.leader,
      leaderEpoch: s.leaderEpoch,
      partitionEpoch: s.partitionEpoch,
      newIsr: [s.leader],
      brokerEpoch: fakeData(c.engine, s.leader).brokerEpoch,
    });
  }

  it("happens only when unclean.leader.election.enable is true", () => {
    const c = testCluster({
      topics: [topic("clean", [[2, 3]]), topic("dirty", [[2, 3]], { uncleanLeaderElectionEnable: true })],
    });
    c.engine.runUntil(500);
    shrinkToLeader(c, "clean");
    shrinkToLeader(c, "dirty");
    c.engine.runUntil(1_000);
    expect(part(c, "clean", 0).isr).toEqual([2]);
    c.engine.crash("b2", "test");
    c.engine.runUntil(8_000);
    expect(part(c, "clean", 0)).toMatchObject({ leader: -1, isr: [2] });
    expect(part(c, "dirty", 0)).toMatchObject({ leader: 3, isr: [3], leaderRecoveryState: "RECOVERING" });
    let unclean = c.cp.describe(c.engine).uncleanElections;
    expect(unclean.map((u) => [u.topic, u.leader])).toEqual([["dirty", 3]]);

    // Turning it on later makes the controller retry the offline partition.
    expect(c.cp.alterTopicConfig(c.engine, "clean", { uncleanLeaderElectionEnable: true }).ok).toBe(true);
    c.engine.runUntil(9_000);
    expect(part(c, "clean", 0)).toMatchObject({ leader: 3, isr: [3] });
    unclean = c.cp.describe(c.engine).uncleanElections;
    expect(unclean.map((u) => u.topic)).toEqual(["dirty", "clean"]);
    expect(fakeData(c.engine, 3).image.topics["clean"].config.uncleanLeaderElectionEnable).toBe(true);
  });
});

describe("ZooKeeper mode: AlterPartition", () => {
  it("accepts a valid ISR change, rejects a stale leader epoch and a stale partition epoch", () => {
    const c = testCluster();
    c.engine.runUntil(500);
    const s = part(c, "t", 0);
    const base = { topic: "t", partition: 0, leaderId: 1, brokerEpoch: fakeData(c.engine, 1).brokerEpoch };
    c.cp.sendAlterPartition(c.engine, c.broker(1), {
      ...base,
      leaderEpoch: 0,
      partitionEpoch: s.partitionEpoch,
      newIsr: [1, 2],
    });
    c.engine.runUntil(600);
    const ok = fakeData(c.engine, 1).alterResponses.at(-1);
    expect(ok?.result).toEqual({ error: "NONE", isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
    expect(part(c, "t", 0)).toMatchObject({ isr: [1, 2], leaderEpoch: 0, partitionEpoch: 1 });
    expect(fakeData(c.engine, 3).image.partitions["t-0"].isr).toEqual([1, 2]);

    c.cp.sendAlterPartition(c.engine, c.broker(1), { ...base, leaderEpoch: 0, partitionEpoch: 0, newIsr: [1] });
    c.engine.runUntil(700);
    expect(fakeData(c.engine, 1).alterResponses.at(-1)?.result).toEqual({ error: "INVALID_UPDATE_VERSION" });

    c.cp.electLeaders(c.engine, "PREFERRED"); // nothing to do: every preferred replica leads
    c.engine.crash("b3", "test");
    c.engine.runUntil(6_000);
    expect(part(c, "t", 0).leaderEpoch).toBe(0); // 3 was not in its ISR any more
    expect(part(c, "t", 1).leaderEpoch).toBe(1);
    const s1 = part(c, "t", 1);
    c.cp.sendAlterPartition(c.engine, c.broker(2), {
      topic: "t",
      partition: 1,
      leaderId: 2,
      leaderEpoch: 0,
      partitionEpoch: s1.partitionEpoch,
      newIsr: [2],
      brokerEpoch: fakeData(c.engine, 2).brokerEpoch,
    });
    c.engine.runUntil(6_100);
    expect(fakeData(c.engine, 2).alterResponses.at(-1)?.result).toEqual({ error: "FENCED_LEADER_EPOCH" });
    expect(c.engine.trace.some((e) => /FENCED_LEADER_EPOCH/.test(e.text))).toBe(true);
  });

  it("answers NOT_CONTROLLER when sent to a broker that is not the controller", () => {
    const c = testCluster();
    fakeData(c.engine, 2);
    const z = c.broker(2).data.zk as { controllerIdSeen: string };
    z.controllerIdSeen = "b3"; // a stale belief
    c.cp.sendAlterPartition(c.engine, c.broker(2), {
      topic: "t",
      partition: 1,
      leaderId: 2,
      leaderEpoch: 0,
      partitionEpoch: 0,
      newIsr: [2, 3],
      brokerEpoch: fakeData(c.engine, 2).brokerEpoch,
    });
    c.engine.runUntil(100);
    expect(fakeData(c.engine, 2).alterResponses.at(-1)?.result).toEqual({ error: "NOT_CONTROLLER" });
  });
});

describe("ZooKeeper mode: preferred leaders", () => {
  it("the auto rebalance brings leadership back once the preferred replica is in sync (10 % rule)", () => {
    const c = testCluster();
    c.engine.runUntil(500);
    c.engine.crash("b2", "test");
    c.engine.runUntil(6_000);
    c.engine.restart("b2", "test");
    c.engine.runUntil(7_000);
    expect(part(c, "t", 1).leader).toBe(3);
    // The leaders let 2 back into their ISRs (what the broker core does once it caught up).
    for (const p of [0, 1, 2]) {
      const s = part(c, "t", p);
      c.cp.sendAlterPartition(c.engine, c.broker(s.leader), {
        topic: "t",
        partition: p,
        leaderId: s.leader,
        leaderEpoch: s.leaderEpoch,
        partitionEpoch: s.partitionEpoch,
        newIsr: s.replicas.filter((r) => r === 2 || s.isr.includes(r)),
        brokerEpoch: fakeData(c.engine, s.leader).brokerEpoch,
      });
    }
    c.engine.runUntil(7_100);
    expect(part(c, "t", 1).isr).toContain(2);
    c.engine.runUntil(30_000); // leader.imbalance.check.interval: 10 s in the classroom profile
    expect(part(c, "t", 1).leader).toBe(2);
    expect(zkEvents(c, "autoRebalance").some((e) => Number(e.data?.elections) > 0)).toBe(true);
  });
});

describe("ZooKeeper mode: admin operations", () => {
  it("creates a topic through ZooKeeper; the controller elects its leaders; fails cleanly without a controller", () => {
    const c = testCluster();
    c.engine.runUntil(100);
    const r = c.cp.createTopic(c.engine, { name: "orders", partitions: 3, replicationFactor: 2, config: {} });
    expect(r.ok).toBe(true);
    expect(
      c.cp.createTopic(c.engine, { name: "orders", partitions: 1, replicationFactor: 1, config: {} }),
    ).toMatchObject({
      ok: false,
      error: "TOPIC_ALREADY_EXISTS",
    });
    expect(c.cp.createTopic(c.engine, { name: "big", partitions: 1, replicationFactor: 4, config: {} })).toMatchObject({
      ok: false,
      error: "INVALID_REPLICATION_FACTOR",
    });
    c.engine.runUntil(200);
    for (let p = 0; p < 3; p++) {
      const s = part(c, "orders", p);
      expect(s.leader).toBe(s.replicas[0]);
      expect(s.isr).toEqual(s.replicas);
    }
    expect(fakeData(c.engine, 2).image.topics["orders"].numPartitions).toBe(3);

    expect(c.cp.createPartitions(c.engine, "orders", 5).ok).toBe(true);
    c.engine.runUntil(300);
    expect(c.cp.describe(c.engine).partitions.filter((p) => p.topic === "orders")).toHaveLength(5);

    expect(c.cp.deleteTopic(c.engine, "orders").ok).toBe(true);
    c.engine.runUntil(400);
    expect(c.cp.describe(c.engine).topics.map((t) => t.name)).toEqual(["t"]);
    expect(fakeData(c.engine, 1).image.topics["orders"]).toBeUndefined();

    c.engine.crash("b1", "test");
    expect(c.cp.createTopic(c.engine, { name: "x", partitions: 1, replicationFactor: 1, config: {} })).toMatchObject({
      ok: false,
      error: "NOT_CONTROLLER",
    });
  });
});

describe("ZooKeeper mode: determinism", () => {
  it("the same seed and faults give the same trace hash", () => {
    const run = (): string => {
      const c = testCluster({ seed: 42 });
      c.engine.inputs.push(
        { atMs: 1_000, input: { type: "crash", node: "b2" }, source: "user" },
        { atMs: 2_000, input: { type: "expireSession", broker: 1 }, source: "user" },
        { atMs: 6_000, input: { type: "restart", node: "b2" }, source: "user" },
      );
      c.engine.runUntil(20_000);
      return c.engine.traceHash();
    };
    expect(run()).toBe(run());
  });

  it("the world survives structuredClone mid-run", () => {
    const c = testCluster();
    c.engine.runUntil(3_000);
    c.engine.crash("b2", "test");
    c.engine.runUntil(4_000);
    expect(() => structuredClone(c.engine.world.data)).not.toThrow();
    for (const id of c.engine.world.actorOrder) expect(() => structuredClone(c.engine.actor(id).data)).not.toThrow();
  });
});
