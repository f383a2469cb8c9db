// The KRaft control plane end to end, against a fake broker core (testkit.ts):
// bootstrap, controller failover, quorum loss, broker fencing and
// re-registration, AlterPartition validation, controlled shutdown, unclean
// election, and determinism across checkpoints.

import { describe, expect, it } from "vitest";
import { cloneWorld } from "../../world/engine.ts";
import type { InputEntry } from "../../world/types.ts";
import { NO_LEADER, tpKey, type PartitionState } from "../metadata.ts";
import { quorumRequestTimeoutMs } from "./config.ts";
import { activeController, controllerData, raftStateOf } from "./index.ts";
import { buildKraftWorld, fakeData, topic, type KraftWorld } from "./testkit.ts";

function act(w: KraftWorld, atMs: number, input: InputEntry["input"]): void {
  w.engine.inputs.push({ atMs, input, source: "user" });
}

function partition(w: KraftWorld, topicName: string, p: number): PartitionState {
  const st = w.plane.describe(w.engine).partitions.find((x) => x.topic === topicName && x.partition === p);
  if (!st) throw new Error(`no partition ${topicName}-${p}`);
  return st;
}

/** The trace notes of records the active controller appended, of one type. */
function appended(w: KraftWorld, type: string): { time: number; actor: string; text: string }[] {
  return w.engine.trace
    .filter((e) => e.kind === "note" && e.data?.recordType === type)
    .map((e) => ({ time: e.time, actor: e.actor, text: e.text }));
}

function voterEpochs(w: KraftWorld): number[] {
  const d = w.plane.describe(w.engine).detail;
  if (d.kind !== "kraft") throw new Error("not kraft");
  return d.voters.map((v) => v.epoch);
}

describe("bootstrap", () => {
  it("starts with c1 active, leaders on preferred replicas, full ISRs, striped placement", () => {
    const w = buildKraftWorld({
      seed: 7,
      topics: [
        topic("orders", 6, 3),
        topic("pinned", 2, 2, {
          assignment: [
            [3, 1],
            [2, 3],
          ],
        }),
      ],
    });
    const v = w.plane.describe(w.engine);
    expect(v.activeControllerId).toBe("c1");
    expect(v.controllerEpoch).toBe(1);
    expect(v.brokers.map((b) => [b.id, b.fenced])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    const orders = v.partitions.filter((p) => p.topic === "orders");
    expect(orders).toHaveLength(6);
    for (const p of v.partitions) {
      expect(p.leader).toBe(p.replicas[0]);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leaderEpoch).toBe(0);
      expect(p.partitionEpoch).toBe(0);
    }
    // Striped: each partition starts one broker further on; after one round over the 3 unfenced
    // brokers the lists are shuffled. Either way every broker leads 2 of the 6.
    const leads = [1, 2, 3].map((b) => orders.filter((p) => p.leader === b).length);
    expect(leads).toEqual([2, 2, 2]);
    const next = (b: number) => (b % 3) + 1;
    for (let i = 0; i < 3; i++) {
      const r = orders[i].replicas;
      expect(r).toEqual([r[0], next(r[0]), next(next(r[0]))]);
      if (i > 0) expect(r[0]).toBe(next(orders[i - 1].replicas[0]));
    }
    expect(new Set(orders.slice(3).map((p) => p.leader)).size).toBe(3);
    expect(partition(w, "pinned", 0).replicas).toEqual([3, 1]);
    expect(partition(w, "pinned", 1).replicas).toEqual([2, 3]);
    if (v.detail.kind !== "kraft") throw new Error("not kraft");
    for (const voter of v.detail.voters) expect(voter.highWatermark).toBe(voter.logEndOffset);
  });

  it("stays quiet without faults: one epoch, no fencing, brokers hold the controller's partitions", () => {
    const w = buildKraftWorld({ seed: 3, topics: [topic("orders", 3, 3)] });
    w.engine.runUntil(20_000);
    expect(voterEpochs(w)).toEqual([1, 1, 1]);
    expect(appended(w, "FenceBrokerRecord")).toEqual([]);
    const v = w.plane.describe(w.engine);
    expect(v.activeControllerId).toBe("c1");
    for (let b = 1; b <= 3; b++) {
      const img = fakeData(w.broker(b)).image;
      expect(img.controllerId).toBe("c1");
      for (const p of v.partitions) expect(img.partitions[tpKey(p.topic, p.partition)]).toEqual(p);
    }
  });
});

describe("controller failover", () => {
  for (const controllers of [3, 5]) {
    it(`a new active controller within fetch timeout + election timeout range (${controllers} voters), and brokers follow it`, () => {
      for (let seed = 1; seed <= 8; seed++) {
        const w = buildKraftWorld({ seed, controllers, topics: [topic("orders", 3, 3)] });
        const t = w.spec.timings;
        const crashAt = 2_000 + seed * 37;
        act(w, crashAt, { type: "crashActiveController" });
        w.engine.runUntil(crashAt);
        expect(w.engine.actor("c1").alive, `seed ${seed}`).toBe(false);
        // The followers' last answer came at most one long poll before the crash.
        w.engine.runUntil(crashAt + t.controllerQuorumFetchTimeoutMs - t.metadataFetchWaitMaxMs - 10);
        expect(activeController(w.engine), `seed ${seed}: too early`).toBeNull();
        const bound =
          crashAt +
          t.controllerQuorumFetchTimeoutMs +
          2 * t.controllerQuorumElectionTimeoutMs +
          t.controllerQuorumElectionBackoffMaxMs;
        w.engine.runUntil(bound);
        const active = activeController(w.engine);
        expect(active, `seed ${seed}: no leader by ${bound} ms`).not.toBeNull();
        const id = (active as { id: string }).id;
        const epoch = raftStateOf(active as never).epoch;
        expect(epoch).toBeGreaterThan(1);
        w.engine.runUntil(bound + 2 * quorumRequestTimeoutMs(t) + 500);
        for (let b = 1; b <= 3; b++) {
          const img = fakeData(w.broker(b)).image;
          expect([img.controllerId, img.controllerEpoch], `seed ${seed} b${b}`).toEqual([id, epoch]);
        }
        // No broker was fenced: the new controller gave every broker a fresh session.
        expect(appended(w, "FenceBrokerRecord"), `seed ${seed}`).toEqual([]);
        const text = w.engine.trace.find((e) => e.kind === "emit" && /became Candidate/.test(e.text))?.text ?? "";
        expect(text).toMatch(/controller\.quorum\.fetch\.timeout\.ms/);
      }
    });
  }

  it("a quorum of 3 with 2 controllers down makes no progress, and heals when one returns", () => {
    const w = buildKraftWorld({ seed: 11, topics: [topic("orders", 2, 3)] });
    act(w, 1_000, { type: "crash", node: "c1" });
    act(w, 1_000, { type: "crash", node: "c2" });
    w.engine.runUntil(20_000);
    expect(activeController(w.engine)).toBeNull();
    expect(raftStateOf(w.engine.actor("c3")).state).not.toBe("Leader");
    // c3 keeps trying: every epoch it starts fails without a majority.
    expect(raftStateOf(w.engine.actor("c3")).epoch).toBeGreaterThan(3);
    const refused = w.plane.createTopic(w.engine, topic("late", 1, 1));
    expect(refused).toMatchObject({ ok: false, error: "NOT_CONTROLLER" });
    const hwBefore = controllerData(w.engine.actor("c3")).hw;
    act(w, 20_000, { type: "restart", node: "c2" });
    w.engine.runUntil(25_000);
    const active = activeController(w.engine);
    expect(active).not.toBeNull();
    expect(controllerData(w.engine.actor("c3")).hw).toBeGreaterThan(hwBefore);
    const created = w.plane.createTopic(w.engine, topic("late", 1, 1));
    expect(created.ok).toBe(true);
    w.engine.runUntil(27_000);
    for (let b = 1; b <= 3; b++) expect(fakeData(w.broker(b)).image.topics.late).toBeDefined();
  });
});

describe("what survives a controller crash", () => {
  it("a vote is persisted: after a restart the voter refuses another candidate of the same epoch", () => {
    const w = buildKraftWorld({ seed: 17 });
    w.engine.runUntil(100);
    const leo = controllerData(w.engine.actor("c3")).log.length;
    const vote = (candidateId: string) => ({
      type: "kraft.Vote",
      candidateId,
      candidateEpoch: 7,
      lastOffsetEpoch: 1,
      lastOffset: leo,
    });
    const answers = () =>
      w.engine.world.queue
        .filter((q) => q.type === "deliver" && q.event.type === "kraft.VoteResponse" && q.source === "c3")
        .map((q) => [q.target, (q.event as unknown as { voteGranted: boolean }).voteGranted]);
    w.engine.dispatch("c3", vote("c2"));
    expect(raftStateOf(w.engine.actor("c3"))).toMatchObject({ state: "Voted", epoch: 7 });
    w.engine.crash("c3", "test");
    w.engine.restart("c3", "test");
    expect(raftStateOf(w.engine.actor("c3"))).toMatchObject({ state: "Voted", epoch: 7 });
    w.engine.dispatch("c3", vote("c1"));
    expect(answers()).toEqual([
      ["c2", true],
      ["c1", false],
    ]);
    expect(controllerData(w.engine.actor("c3")).log.length).toBe(leo);
  });

  it("an isolated leader resigns after 1.5 × controller.quorum.fetch.timeout.ms; the majority elects a new one; it follows after healing", () => {
    const w = buildKraftWorld({ seed: 18, topics: [topic("orders", 1, 3)] });
    const t = w.spec.timings;
    act(w, 1_000, { type: "isolateActiveController" });
    w.engine.runUntil(1_000 + 2 * t.controllerQuorumFetchTimeoutMs + 2 * t.controllerQuorumElectionTimeoutMs);
    expect(raftStateOf(w.engine.actor("c1")).state).not.toBe("Leader");
    const resigned = w.engine.trace.find((e) => e.actor === "c1" && /resigned as leader of epoch 1/.test(e.text));
    expect(resigned?.text).toMatch(/1\.5 × controller\.quorum\.fetch\.timeout\.ms/);
    const active = activeController(w.engine);
    expect(active?.id).not.toBe("c1");
    act(w, w.engine.nowMs, { type: "heal" });
    w.engine.runUntil(w.engine.nowMs + 3_000);
    const now = activeController(w.engine);
    expect(now).not.toBeNull();
    for (const id of ["c1", "c2", "c3"]) {
      expect(controllerData(w.engine.actor(id)).hw).toBe(controllerData(now as never).hw);
    }
  });
});

describe("broker fencing and registration", () => {
  const topics = [topic("orders", 3, 3), topic("solo", 1, 1, { assignment: [[2]] })];

  it("fences a silent broker after broker.session.timeout.ms, removes it from ISRs (never emptying one) and moves its leaderships", () => {
    const w = buildKraftWorld({ seed: 5, topics });
    const t = w.spec.timings;
    const before = w.plane.describe(w.engine).partitions;
    act(w, 2_000, { type: "crash", node: "b2" });
    w.engine.runUntil(2_000 + t.brokerSessionTimeoutMs + 200);
    const fences = appended(w, "FenceBrokerRecord");
    expect(fences).toHaveLength(1);
    expect(fences[0].text).toMatch(/broker 2 fenced: no heartbeat for \d+ ms \(broker\.session\.timeout\.ms/);
    expect(fences[0].time).toBeGreaterThanOrEqual(2_000 + t.brokerSessionTimeoutMs - t.brokerHeartbeatIntervalMs);
    // A heartbeat sent just before the crash may still arrive (network latency up to 5 ms).
    expect(fences[0].time).toBeLessThanOrEqual(2_000 + t.brokerSessionTimeoutMs + 10);
    const v = w.plane.describe(w.engine);
    expect(v.brokers.find((b) => b.id === 2)?.fenced).toBe(true);
    for (const p of v.partitions) {
      const old = before.find((x) => x.topic === p.topic && x.partition === p.partition) as PartitionState;
      if (p.topic === "solo") {
        expect([p.leader, p.isr]).toEqual([NO_LEADER, [2]]); // the last ISR member stays
        continue;
      }
      expect(p.isr).not.toContain(2);
      expect(p.leader).not.toBe(2);
      if (old.leader === 2) {
        expect(p.leaderEpoch).toBe(old.leaderEpoch + 1);
        expect(p.leader).toBe(old.replicas.find((r) => r !== 2));
      } else expect(p.leaderEpoch).toBe(old.leaderEpoch);
      expect(p.partitionEpoch).toBe(old.partitionEpoch + 1);
    }
    // The surviving brokers learn it.
    w.engine.runUntil(w.engine.nowMs + 1_000);
    expect(fakeData(w.broker(1)).image.brokers["2"].fenced).toBe(true);
  });

  it("a restarted broker registers again with a new broker epoch, stays fenced until caught up, then is unfenced", () => {
    const w = buildKraftWorld({ seed: 6, topics });
    const t = w.spec.timings;
    const oldEpoch = w.plane.describe(w.engine).brokers.find((b) => b.id === 2)?.epoch as number;
    act(w, 1_000, { type: "crash", node: "b2" });
    const restartAt = 1_000 + t.brokerSessionTimeoutMs + 500;
    act(w, restartAt, { type: "restart", node: "b2" });
    w.engine.runUntil(restartAt + 3_000);
    const h = fakeData(w.broker(2)).history;
    expect(h.registered).toHaveLength(1);
    const newEpoch = h.registered[0].brokerEpoch;
    expect(newEpoch).toBeGreaterThan(oldEpoch);
    const reg = appended(w, "RegisterBrokerRecord");
    expect(reg[reg.length - 1].text).toContain(`at offset ${newEpoch} `);
    expect(h.unfenced).toHaveLength(1);
    expect(h.unfenced[0].metadataOffset).toBeGreaterThanOrEqual(newEpoch);
    expect(h.unfenced[0].atMs).toBeGreaterThan(h.registered[0].atMs);
    const v = w.plane.describe(w.engine);
    expect(v.brokers.find((b) => b.id === 2)).toMatchObject({ fenced: false, epoch: newEpoch });
    // Its leaderless single-replica partition is led again once it is unfenced.
    expect(partition(w, "solo", 0)).toMatchObject({ leader: 2, isr: [2] });
  });

  it("a broker restarted within its old session is refused (DUPLICATE_BROKER_REGISTRATION) until that session expires", () => {
    const w = buildKraftWorld({ seed: 8, topics });
    const t = w.spec.timings;
    act(w, 1_000, { type: "crash", node: "b2" });
    act(w, 1_100, { type: "restart", node: "b2" });
    w.engine.runUntil(1_000 + t.brokerSessionTimeoutMs + 3_000);
    const refusals = w.engine.trace.filter((e) => /DUPLICATE_BROKER_REGISTRATION/.test(e.text) && e.actor === "b2");
    expect(refusals.length).toBeGreaterThan(0);
    const h = fakeData(w.broker(2)).history;
    expect(h.registered).toHaveLength(1);
    const fence = appended(w, "FenceBrokerRecord")[0];
    expect(fence).toBeDefined();
    expect(h.registered[0].atMs).toBeGreaterThanOrEqual(fence.time);
    expect(h.unfenced).toHaveLength(1);
  });
});

describe("AlterPartition", () => {
  it("rejects a stale leader epoch (FENCED_LEADER_EPOCH), a stale partition epoch (INVALID_UPDATE_VERSION), ineligible replicas; applies a valid one", () => {
    const w = buildKraftWorld({ seed: 9, topics: [topic("orders", 1, 3, { assignment: [[1, 2, 3]] })] });
    const t = w.spec.timings;
    // Fence broker 1 (the leader): broker 2 leads in leader epoch 1, partition epoch 1.
    act(w, 500, { type: "crash", node: "b1" });
    w.engine.runUntil(500 + t.brokerSessionTimeoutMs + 500);
    const p = partition(w, "orders", 0);
    expect(p).toMatchObject({ leader: 2, isr: [2, 3], leaderEpoch: 1, partitionEpoch: 1 });
    const b2 = w.broker(2);
    const epoch2 = w.plane.describe(w.engine).brokers.find((b) => b.id === 2)?.epoch as number;
    const base = { topic: "orders", partition: 0, leaderId: 2, brokerEpoch: epoch2 };
    const send = (req: Partial<typeof base> & { leaderEpoch: number; partitionEpoch: number; newIsr: number[] }) => {
      w.plane.sendAlterPartition(w.engine, b2, { ...base, ...req });
      w.engine.runUntil(w.engine.nowMs + 300);
      const rs = fakeData(b2).history.alterResponses;
      return rs[rs.length - 1].result;
    };
    expect(send({ leaderEpoch: 0, partitionEpoch: 1, newIsr: [2] })).toEqual({ error: "FENCED_LEADER_EPOCH" });
    expect(send({ leaderEpoch: 1, partitionEpoch: 0, newIsr: [2] })).toEqual({ error: "INVALID_UPDATE_VERSION" });
    expect(send({ leaderEpoch: 1, partitionEpoch: 1, newIsr: [1, 2, 3] })).toEqual({ error: "INELIGIBLE_REPLICA" });
    expect(send({ leaderEpoch: 1, partitionEpoch: 1, newIsr: [2], brokerEpoch: epoch2 + 1000 })).toEqual({
      error: "STALE_BROKER_EPOCH",
    });
    expect(partition(w, "orders", 0).partitionEpoch).toBe(1);
    expect(send({ leaderEpoch: 1, partitionEpoch: 1, newIsr: [2] })).toEqual({
      error: "NONE",
      isr: [2],
      leaderEpoch: 1,
      partitionEpoch: 2,
    });
    expect(partition(w, "orders", 0)).toMatchObject({ leader: 2, isr: [2], leaderEpoch: 1, partitionEpoch: 2 });
    const rejected = w.engine.trace.filter(
      (e) => e.actor.startsWith("c") && /AlterPartition from broker 2 .* rejected with/.test(e.text),
    );
    expect(rejected.map((e) => /rejected with (\w+)/.exec(e.text)?.[1])).toEqual([
      "FENCED_LEADER_EPOCH",
      "INVALID_UPDATE_VERSION",
      "INELIGIBLE_REPLICA",
      "STALE_BROKER_EPOCH",
    ]);
  });

  it("answers only after the change is committed", () => {
    const w = buildKraftWorld({ seed: 10, topics: [topic("orders", 1, 3, { assignment: [[1, 2, 3]] })] });
    w.engine.runUntil(1_000);
    const b1 = w.broker(1);
    const epoch1 = w.plane.describe(w.engine).brokers.find((b) => b.id === 1)?.epoch as number;
    w.plane.sendAlterPartition(w.engine, b1, {
      topic: "orders",
      partition: 0,
      leaderId: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
      newIsr: [1, 2],
      brokerEpoch: epoch1,
    });
    w.engine.runUntil(2_000);
    const answer = fakeData(b1).history.alterResponses[0];
    const change = appended(w, "PartitionChangeRecord")[0];
    const commit = w.engine.trace.find(
      (e) => e.kind === "note" && e.time >= change.time && /committed \(high watermark/.test(e.text),
    );
    expect(answer.result).toMatchObject({ error: "NONE", isr: [1, 2], partitionEpoch: 1 });
    expect(commit).toBeDefined();
    expect(answer.atMs).toBeGreaterThanOrEqual((commit as { time: number }).time);
  });
});

describe("controlled shutdown", () => {
  it("moves the broker's leaderships before letting it stop, then fences it", () => {
    const w = buildKraftWorld({ seed: 12, topics: [topic("orders", 3, 3)] });
    w.engine.runUntil(1_000);
    const led = w.plane.describe(w.engine).partitions.filter((p) => p.leader === 1);
    expect(led.length).toBeGreaterThan(0);
    w.plane.requestControlledShutdown(w.engine, w.broker(1));
    w.engine.runUntil(5_000);
    const h = fakeData(w.broker(1)).history;
    expect(h.shutdownComplete).toHaveLength(1);
    const doneAt = h.shutdownComplete[0].atMs;
    const changes = appended(w, "BrokerRegistrationChangeRecord");
    expect(changes).toHaveLength(1);
    const moves = appended(w, "PartitionChangeRecord").filter((e) => /controlled shutdown/.test(e.text));
    expect(moves.filter((m) => /leader 1 →/.test(m.text))).toHaveLength(led.length);
    for (const m of moves) expect(m.time).toBeLessThan(doneAt);
    expect(w.broker(1).alive).toBe(false);
    const v = w.plane.describe(w.engine);
    for (const p of v.partitions) {
      expect(p.leader).not.toBe(1);
      expect(p.isr).not.toContain(1);
    }
    expect(v.brokers.find((b) => b.id === 1)).toMatchObject({ fenced: true, inControlledShutdown: true });
    expect(appended(w, "FenceBrokerRecord")[0].text).toMatch(/controlled shutdown complete/);
  });
});

describe("unclean leader election", () => {
  it("elects an out-of-sync replica only where unclean.leader.election.enable is true", () => {
    const w = buildKraftWorld({
      seed: 13,
      topics: [
        topic("clean", 1, 2, { assignment: [[1, 2]] }),
        topic("dirty", 1, 2, { assignment: [[1, 2]], config: { uncleanLeaderElectionEnable: true } }),
      ],
    });
    const t = w.spec.timings;
    w.engine.runUntil(500);
    const b1 = w.broker(1);
    const epoch1 = w.plane.describe(w.engine).brokers.find((b) => b.id === 1)?.epoch as number;
    for (const name of ["clean", "dirty"]) {
      w.plane.sendAlterPartition(w.engine, b1, {
        topic: name,
        partition: 0,
        leaderId: 1,
        leaderEpoch: 0,
        partitionEpoch: 0,
        newIsr: [1],
        brokerEpoch: epoch1,
      });
    }
    w.engine.runUntil(1_000);
    expect(partition(w, "clean", 0).isr).toEqual([1]);
    expect(partition(w, "dirty", 0).isr).toEqual([1]);
    act(w, 1_000, { type: "crash", node: "b1" });
    w.engine.runUntil(1_000 + t.brokerSessionTimeoutMs + 500);
    expect(partition(w, "clean", 0)).toMatchObject({ leader: NO_LEADER, isr: [1] });
    expect(partition(w, "dirty", 0)).toMatchObject({
      leader: 2,
      isr: [2],
      leaderRecoveryState: "RECOVERING",
      leaderEpoch: 1,
    });
    const v = w.plane.describe(w.engine);
    expect(v.uncleanElections).toEqual([{ topic: "dirty", partition: 0, leader: 2, atMs: expect.any(Number) }]);
    expect(appended(w, "PartitionChangeRecord").some((e) => /unclean election/.test(e.text))).toBe(true);
    w.engine.runUntil(w.engine.nowMs + 1_000);
    expect(fakeData(w.broker(2)).image.partitions["dirty-0"].leader).toBe(2);
  });

  it("ElectLeaders UNCLEAN elects an out-of-sync replica on demand, once", () => {
    const w = buildKraftWorld({ seed: 14, topics: [topic("t", 1, 2, { assignment: [[1, 2]] })] });
    const t = w.spec.timings;
    w.engine.runUntil(500);
    const epoch1 = w.plane.describe(w.engine).brokers.find((b) => b.id === 1)?.epoch as number;
    w.plane.sendAlterPartition(w.engine, w.broker(1), {
      topic: "t",
      partition: 0,
      leaderId: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
      newIsr: [1],
      brokerEpoch: epoch1,
    });
    act(w, 1_000, { type: "crash", node: "b1" });
    w.engine.runUntil(1_000 + t.brokerSessionTimeoutMs + 500);
    expect(partition(w, "t", 0).leader).toBe(NO_LEADER);
    const r = w.plane.electLeaders(w.engine, "UNCLEAN", [{ topic: "t", partition: 0 }]);
    expect(r.ok).toBe(true);
    w.engine.runUntil(w.engine.nowMs + 500);
    expect(partition(w, "t", 0)).toMatchObject({ leader: 2, isr: [2] });
    const again = w.plane.electLeaders(w.engine, "UNCLEAN", [{ topic: "t", partition: 0 }]);
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.detail).toMatch(/ELECTION_NOT_NEEDED/);
  });
});

describe("admin operations", () => {
  it("create, grow, configure and delete a topic through the active controller", () => {
    const w = buildKraftWorld({ seed: 15 });
    w.engine.runUntil(500);
    expect(w.plane.createTopic(w.engine, topic("events", 2, 2)).ok).toBe(true);
    expect(w.plane.createTopic(w.engine, topic("events", 2, 2))).toMatchObject({
      ok: false,
      error: "TOPIC_ALREADY_EXISTS",
    });
    expect(w.plane.createTopic(w.engine, topic("big", 1, 4))).toMatchObject({
      ok: false,
      error: "INVALID_REPLICATION_FACTOR",
    });
    w.engine.runUntil(1_000);
    expect(w.plane.createPartitions(w.engine, "events", 4).ok).toBe(true);
    expect(w.plane.createPartitions(w.engine, "events", 3)).toMatchObject({ ok: false, error: "INVALID_PARTITIONS" });
    expect(w.plane.alterTopicConfig(w.engine, "events", { minInsyncReplicas: 2 }).ok).toBe(true);
    w.engine.runUntil(1_500);
    const img = fakeData(w.broker(3)).image;
    expect(img.topics.events).toMatchObject({ numPartitions: 4, topicId: "topic-1" });
    expect(img.topics.events.config.minInsyncReplicas).toBe(2);
    expect(w.plane.describe(w.engine).topics).toEqual([
      { name: "events", numPartitions: 4, config: img.topics.events.config },
    ]);
    expect(w.plane.deleteTopic(w.engine, "events").ok).toBe(true);
    w.engine.runUntil(2_000);
    expect(fakeData(w.broker(3)).image.topics.events).toBeUndefined();
    expect(Object.keys(fakeData(w.broker(3)).image.partitions)).toEqual([]);
  });

  it("preferred-leader balancing moves leadership back when auto.leader.rebalance.enable", () => {
    for (const enabled of [true, false]) {
      const w = buildKraftWorld({
        seed: 16,
        topics: [topic("t", 1, 2, { assignment: [[1, 2]] })],
        brokerConfig: { autoLeaderRebalanceEnable: enabled },
      });
      const t = w.spec.timings;
      act(w, 500, { type: "crash", node: "b1" });
      act(w, 500 + t.brokerSessionTimeoutMs + 1_000, { type: "restart", node: "b1" });
      w.engine.runUntil(500 + t.brokerSessionTimeoutMs + 3_000);
      expect(partition(w, "t", 0).leader).toBe(2);
      // Broker 1 is back but not in the ISR yet (the fake core never expands it): add it.
      const epoch2 = w.plane.describe(w.engine).brokers.find((b) => b.id === 2)?.epoch as number;
      const p = partition(w, "t", 0);
      w.plane.sendAlterPartition(w.engine, w.broker(2), {
        topic: "t",
        partition: 0,
        leaderId: 2,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr: [1, 2],
        brokerEpoch: epoch2,
      });
      w.engine.runUntil(w.engine.nowMs + t.leaderImbalanceCheckIntervalMs + 500);
      expect(partition(w, "t", 0).leader, `enabled=${enabled}`).toBe(enabled ? 1 : 2);
      if (!enabled) {
        // Without auto balancing, the admin's preferred election does it.
        expect(w.plane.electLeaders(w.engine, "PREFERRED").ok).toBe(true);
        w.engine.runUntil(w.engine.nowMs + 500);
        expect(partition(w, "t", 0).leader).toBe(1);
        const again = w.plane.electLeaders(w.engine, "PREFERRED", [{ topic: "t", partition: 0 }]);
        expect(again.ok && again.detail).toMatch(/ELECTION_NOT_NEEDED/);
      }
    }
  });
});

describe("determinism", () => {
  const inputs: InputEntry[] = [
    { atMs: 1_500, input: { type: "crashActiveController" }, source: "user" },
    { atMs: 2_500, input: { type: "crash", node: "b3" }, source: "user" },
    { atMs: 4_000, input: { type: "restart", node: "c1" }, source: "user" },
    { atMs: 6_000, input: { type: "restart", node: "b3" }, source: "user" },
    { atMs: 7_000, input: { type: "isolateActiveController" }, source: "user" },
    { atMs: 9_000, input: { type: "heal" }, source: "user" },
  ];
  const run = (seed: number, splitAtMs?: number): string => {
    const w = buildKraftWorld({
      seed,
      topics: [topic("orders", 3, 3)],
      network: { latencyMsMin: 1, latencyMsMax: 20 },
    });
    w.engine.inputs = inputs.slice();
    if (splitAtMs === undefined) {
      w.engine.runUntil(12_000);
      return w.engine.traceHash();
    }
    w.engine.runUntil(splitAtMs);
    const checkpoint = cloneWorld(w.engine.world, w.engine.registry.kinds);
    w.engine.runUntil(12_000); // the original moves on; the checkpoint must not change with it
    const fresh = buildKraftWorld({
      seed,
      topics: [topic("orders", 3, 3)],
      network: { latencyMsMin: 1, latencyMsMax: 20 },
    });
    fresh.engine.restore(cloneWorld(checkpoint, fresh.engine.registry.kinds), []);
    fresh.engine.inputs = inputs.slice();
    fresh.engine.runUntil(12_000);
    expect(fresh.engine.traceHash()).toBe(w.engine.traceHash());
    return fresh.engine.traceHash();
  };

  it("the same seed and inputs give the same trace, also from a checkpoint restored in another engine", () => {
    const a = run(21);
    expect(run(21)).toBe(a);
    expect(run(21, 5_000)).toBe(a);
    expect(run(22)).not.toBe(a);
  });
});
