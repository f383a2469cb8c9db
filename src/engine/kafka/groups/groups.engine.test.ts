// Consumer-group stories on a real simulated cluster (KRaft, 3 brokers,
// Classroom timings: session.timeout.ms 6000, heartbeat.interval.ms 1000,
// max.poll.interval.ms 15000, auto.commit.interval.ms 1000,
// group.initial.rebalance.delay.ms 300). Records come from the load generator.

import { describe, expect, it } from "vitest";
import { buildGroupWorld, type GroupWorldOptions } from "./testkit.ts";
import { consumerLedger } from "./views.ts";

const KEYS = ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"];
const load = (ratePerSec = 30) => [{ id: "p1", topic: "orders", ratePerSec, acks: "all", keys: KEYS }];
const consumer = (id: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id,
  groupId: "shop",
  topics: ["orders"],
  settings: { "auto.offset.reset": "earliest", ...settings },
  ...extra,
});

function world(o: Partial<GroupWorldOptions> & Pick<GroupWorldOptions, "consumers">) {
  return buildGroupWorld({ loadGenerators: load(), checkEveryStep: true, ...o });
}

const texts = (w: ReturnType<typeof world>, re: RegExp) => w.engine.trace.filter((e) => re.test(e.text));
const ownersOf = (w: ReturnType<typeof world>) =>
  Object.fromEntries(w.group("shop").partitions.map((p) => [`${p.topic}-${p.partition}`, p.owner]));

describe("classic protocol", () => {
  it("forms a group: MEMBER_ID_REQUIRED, the initial rebalance delay, range assignment by the leader", () => {
    const w = world({ consumers: [consumer("a1"), consumer("a2")] });
    w.runUntil(3000);
    const g = w.group("shop");
    expect(g.state).toBe("Stable");
    expect(g.generation).toBe(1);
    expect(g.assignor).toBe("range");
    expect(g.rebalanceProtocol).toBe("EAGER"); // the default [range, cooperative-sticky] runs eager
    expect(ownersOf(w)).toEqual({ "orders-0": "a1", "orders-1": "a1", "orders-2": "a2" });
    expect(texts(w, /MEMBER_ID_REQUIRED/).length).toBe(2);
    // The first join waited group.initial.rebalance.delay.ms (300), extended once for the second member.
    const prep = texts(w, /Empty → PreparingRebalance/)[0];
    const done = texts(w, /PreparingRebalance → CompletingRebalance/)[0];
    expect(done.time - prep.time).toBeGreaterThanOrEqual(599.9);
    expect(w.consumer("a1").recordsRead + w.consumer("a2").recordsRead).toBeGreaterThan(50);
    expect(w.violations).toEqual([]);
  });

  it("a consumer crash is noticed after session.timeout.ms and its partitions move", () => {
    const w = world({
      consumers: [consumer("a1"), consumer("a2")],
      steps: [{ atMs: 5000, do: { type: "crash", node: "a2" } }],
    });
    w.runUntil(5000 + 6000 - 1500);
    expect(w.group("shop").members.map((m) => m.clientId)).toEqual(["a1", "a2"]); // not yet: the session is still alive
    w.runUntil(5000 + 6000 + 1000);
    const removed = texts(w, /member a2-\w+ \(a2\) removed: no heartbeat for 6000 ms \(session\.timeout\.ms\)/);
    expect(removed).toHaveLength(1);
    // Its last heartbeat was at most heartbeat.interval.ms before the crash.
    expect(removed[0].time).toBeGreaterThanOrEqual(5000 + 6000 - 1000);
    expect(removed[0].time).toBeLessThanOrEqual(5000 + 6000);
    const g = w.group("shop");
    expect(g.state).toBe("Stable");
    expect(g.generation).toBe(2);
    expect(ownersOf(w)).toEqual({ "orders-0": "a1", "orders-1": "a1", "orders-2": "a1" });
    w.runUntil(15_000);
    expect(w.group("shop").totalLag).toBeLessThan(40);
    expect(w.violations).toEqual([]);
  });

  it("a clean close sends LeaveGroup and the group rebalances at once", () => {
    const w = world({
      consumers: [consumer("a1"), consumer("a2")],
      steps: [{ atMs: 5000, do: { type: "removeConsumer", id: "a2" } }],
    });
    w.runUntil(5000 + 1500); // within a heartbeat interval and a rebalance, far below session.timeout.ms
    expect(texts(w, /\(a2\) removed: it left the group \(LeaveGroup/)).toHaveLength(1);
    expect(w.group("shop").state).toBe("Stable");
    expect(ownersOf(w)).toEqual({ "orders-0": "a1", "orders-1": "a1", "orders-2": "a1" });
    expect(w.consumer("a2").alive).toBe(false);
    expect(w.violations).toEqual([]);
  });

  it("a consumer stalled past max.poll.interval.ms leaves the group and rejoins when it polls again", () => {
    const w = world({
      consumers: [consumer("a1"), consumer("a2")],
      steps: [{ atMs: 5000, do: { type: "stallConsumer", id: "a2", forMs: 20_000 } }],
    });
    w.runUntil(5000 + 14_000);
    expect(w.group("shop").members).toHaveLength(2); // the heartbeat thread keeps it in the group
    w.runUntil(5000 + 16_500);
    expect(texts(w, /a2 did not call poll\(\) for 15000 ms \(max\.poll\.interval\.ms\)/)).toHaveLength(1);
    expect(
      texts(w, /\(a2\) removed: it left the group \(LeaveGroup: consumer poll timeout has expired\)/),
    ).toHaveLength(1);
    expect(ownersOf(w)).toEqual({ "orders-0": "a1", "orders-1": "a1", "orders-2": "a1" });
    w.runUntil(5000 + 20_000 + 2500);
    const g = w.group("shop");
    expect(g.members.map((m) => m.clientId).sort()).toEqual(["a1", "a2"]);
    expect(g.state).toBe("Stable");
    expect(Object.values(ownersOf(w))).toContain("a2");
    expect(g.rebalances.length).toBe(3);
    expect(w.violations).toEqual([]);
  });

  it("eager rebalancing stops all consumption of the members while they rebalance; cooperative keeps unaffected partitions flowing", () => {
    const run = (strategy: string[]) => {
      const w = world({
        loadGenerators: load(60),
        topics: [{ name: "orders", partitions: 6, replicationFactor: 3 }],
        consumers: [
          consumer("a1", { "partition.assignment.strategy": strategy }, { processingMsPerRecord: 2 }),
          consumer("a2", { "partition.assignment.strategy": strategy }, { processingMsPerRecord: 2 }),
        ],
        steps: [
          {
            atMs: 5000,
            do: {
              type: "addConsumer",
              id: "a3",
              groupId: "shop",
              topics: ["orders"],
              settings: { "partition.assignment.strategy": strategy, "auto.offset.reset": "earliest" },
              processingMsPerRecord: 2,
            },
          },
        ],
      });
      w.runUntil(12_000);
      return w;
    };
    const eager = run(["range"]);
    const coop = run(["cooperative-sticky"]);
    const ge = eager.group("shop");
    const gc = coop.group("shop");
    expect(ge.rebalanceProtocol).toBe("EAGER");
    expect(gc.rebalanceProtocol).toBe("COOPERATIVE");
    expect(ge.state).toBe("Stable");
    expect(gc.state).toBe("Stable");
    // All three members own two partitions in the end.
    for (const g of [ge, gc]) expect(g.members.map((m) => m.assignment.length)).toEqual([2, 2, 2]);
    // Eager: members revoke everything before rejoining, so poll() returns nothing while they rebalance.
    expect(ge.deliveredWhileRebalancing).toBe(0);
    // Cooperative: members keep the partitions that do not move and go on reading them during the rebalance.
    expect(gc.deliveredWhileRebalancing).toBeGreaterThan(0);
    // Measured from the ledger: records processed during the rebalance by a1 and a2 (the members that stay).
    const rebalanceSpan = (g: typeof ge) => g.rebalances[1];
    const readDuring = (w: ReturnType<typeof world>, g: typeof ge) =>
      ["a1", "a2"].reduce((n, id) => {
        const r = rebalanceSpan(g);
        return n + consumerLedger(w.engine, id).filter((e) => e.rebalancing && e.polledAtMs >= r.startedAtMs).length;
      }, 0);
    expect(readDuring(eager, ge)).toBe(0);
    expect(readDuring(coop, gc)).toBeGreaterThan(0);
    // Cooperative needed a second round to hand over the revoked partitions.
    expect(gc.rebalances.length).toBeGreaterThanOrEqual(3);
    expect(texts(coop, /rejoins at once, so a second rebalance can hand them over/).length).toBeGreaterThan(0);
    expect(eager.violations).toEqual([]);
    expect(coop.violations).toEqual([]);
  });

  it("a static member restarted within session.timeout.ms gets its partitions back without a rebalance", () => {
    const w = world({
      consumers: [consumer("a1", { "group.instance.id": "i1" }), consumer("a2", { "group.instance.id": "i2" })],
      steps: [
        { atMs: 5000, do: { type: "crash", node: "a2" } },
        { atMs: 7000, do: { type: "restart", node: "a2" } },
      ],
    });
    w.runUntil(4900);
    const before = ownersOf(w);
    const generation = w.group("shop").generation;
    w.runUntil(14_000);
    const g = w.group("shop");
    expect(g.generation).toBe(generation);
    expect(g.rebalances).toHaveLength(1);
    expect(ownersOf(w)).toEqual(before);
    expect(texts(w, /static member i2 \(a2\) came back within session\.timeout\.ms/)).toHaveLength(1);
    expect(w.consumer("a2").memberState).toBe("STABLE");
    expect(w.consumer("a2").assigned).toEqual(["orders-2"]);
    expect(w.violations).toEqual([]);
  });

  it("a static member that stays away longer than session.timeout.ms is removed and its partitions move", () => {
    const w = world({
      consumers: [consumer("a1", { "group.instance.id": "i1" }), consumer("a2", { "group.instance.id": "i2" })],
      steps: [{ atMs: 5000, do: { type: "removeConsumer", id: "a2" } }],
    });
    w.runUntil(5000 + 3000);
    expect(w.group("shop").members).toHaveLength(2); // static members send no LeaveGroup
    w.runUntil(5000 + 7500);
    expect(ownersOf(w)).toEqual({ "orders-0": "a1", "orders-1": "a1", "orders-2": "a1" });
  });

  it("auto-commit plus a crash re-processes records: duplicates in the ledger", () => {
    const w = world({
      consumers: [consumer("a1"), consumer("a2")],
      steps: [{ atMs: 5500, do: { type: "crash", node: "a2" } }],
    });
    w.runUntil(15_000);
    const g = w.group("shop");
    expect(g.duplicates).toBeGreaterThan(0);
    expect(g.skips).toBe(0);
    expect(w.consumer("a1").duplicates).toBe(0); // each consumer read each record once; the group read some twice
    // The duplicates are records a2 processed after its last successful commit, read again by a1.
    const a2 = consumerLedger(w.engine, "a2");
    const a1 = consumerLedger(w.engine, "a1");
    const readByA2 = new Set(a2.filter((e) => e.partition === 2).map((e) => e.offset));
    expect(a1.filter((e) => e.partition === 2 && readByA2.has(e.offset)).length).toBe(g.duplicates);
    expect(w.violations).toEqual([]);
  });

  it("a crash of the coordinator's broker moves the group to the new leader of its __consumer_offsets partition; committed offsets survive", () => {
    const probe = world({ consumers: [consumer("a1"), consumer("a2")] });
    probe.runUntil(2000);
    const coordinator = probe.group("shop").coordinator!;
    const node = `b${coordinator}`;
    const w = world({
      consumers: [consumer("a1"), consumer("a2")],
      steps: [
        { atMs: 6000, do: { type: "crash", node } },
        { atMs: 14_000, do: { type: "restart", node } },
      ],
    });
    w.runUntil(5990);
    const committedBefore = w.group("shop").partitions.map((p) => p.committed ?? -1);
    expect(committedBefore.every((c) => c > 0)).toBe(true);
    w.runUntil(11_000);
    const g = w.group("shop");
    expect(g.coordinator).not.toBe(coordinator);
    expect(g.coordinator).not.toBeNull();
    expect(
      texts(
        w,
        new RegExp(
          `broker ${g.coordinator} is now the group coordinator for __consumer_offsets-${g.offsetsPartition} .*loaded shop \\(Stable, generation 1`,
        ),
      ),
    ).toHaveLength(1);
    // Every committed offset is still there (and has moved on since).
    g.partitions.forEach((p, i) => expect(p.committed ?? -1).toBeGreaterThanOrEqual(committedBefore[i]));
    expect(g.generation).toBe(1); // the members found the new coordinator and went on without a rebalance
    expect(g.state).toBe("Stable");
    w.runUntil(20_000);
    expect(w.group("shop").totalLag).toBeLessThan(40);
    expect(w.violations).toEqual([]);
  });

  it("resetting offsets (only while the group is empty) replays the partitions", () => {
    const w = world({
      consumers: [consumer("a1"), consumer("a2")],
      steps: [
        { atMs: 4000, do: { type: "resetOffsets", groupId: "shop", topic: "orders", to: "earliest" } },
        { atMs: 5000, do: { type: "removeConsumer", id: "a1" } },
        { atMs: 5000, do: { type: "removeConsumer", id: "a2" } },
        { atMs: 6000, do: { type: "resetOffsets", groupId: "shop", topic: "orders", to: "earliest" } },
        {
          atMs: 7000,
          do: {
            type: "addConsumer",
            id: "a3",
            groupId: "shop",
            topics: ["orders"],
            settings: { "auto.offset.reset": "latest" },
          },
        },
      ],
    });
    w.runUntil(4100);
    expect(
      texts(
        w,
        /reset the offsets of group shop on orders failed: group shop is Stable with 2 member\(s\); kafka-consumer-groups --reset-offsets needs it inactive/,
      ),
    ).toHaveLength(1);
    w.runUntil(6500);
    expect(w.group("shop").state).toBe("Empty");
    expect(w.group("shop").partitions.map((p) => p.committed)).toEqual([0, 0, 0]);
    const readBefore = w.consumer("a1").recordsRead + w.consumer("a2").recordsRead;
    w.runUntil(12_000);
    const a3 = w.consumer("a3");
    // a3 starts from the committed offsets (0), not from auto.offset.reset=latest: it replays everything.
    expect(a3.recordsRead).toBeGreaterThan(readBefore);
    expect(w.group("shop").duplicates).toBeGreaterThanOrEqual(readBefore);
    expect(w.violations).toEqual([]);
  });

  it("a partition reassigned to another consumer is never owned twice in a Stable group, even with many joins and leaves", () => {
    const w = world({
      topics: [{ name: "orders", partitions: 4, replicationFactor: 3 }],
      consumers: [consumer("a1"), consumer("a2")],
      steps: [
        { atMs: 3000, do: { type: "addConsumer", id: "a3", groupId: "shop", topics: ["orders"] } },
        { atMs: 4000, do: { type: "addConsumer", id: "a4", groupId: "shop", topics: ["orders"] } },
        { atMs: 6000, do: { type: "removeConsumer", id: "a1" } },
        { atMs: 7000, do: { type: "crash", node: "a3" } },
      ],
    });
    w.runUntil(20_000);
    const g = w.group("shop");
    expect(g.state).toBe("Stable");
    expect(g.members.map((m) => m.clientId).sort()).toEqual(["a2", "a4"]);
    expect(g.members.map((m) => m.assignment.length)).toEqual([2, 2]);
    expect(w.violations).toEqual([]);
  });
});

describe("consumer protocol (KIP-848)", () => {
  const c848 = (id: string, settings: Record<string, unknown> = {}) =>
    consumer(id, { "group.protocol": "consumer", ...settings });

  it("the broker assigns partitions and members reconcile one by one, without a global barrier", () => {
    const w = world({
      topics: [{ name: "orders", partitions: 6, replicationFactor: 3 }],
      consumers: [c848("a1"), c848("a2")],
      steps: [
        {
          atMs: 4000,
          do: {
            type: "addConsumer",
            id: "a3",
            groupId: "shop",
            topics: ["orders"],
            settings: { "group.protocol": "consumer", "auto.offset.reset": "earliest" },
          },
        },
      ],
    });
    w.runUntil(3000);
    let g = w.group("shop");
    expect(g.protocol).toBe("consumer");
    expect(g.state).toBe("Stable");
    expect(g.assignor).toBe("uniform");
    expect(g.members.map((m) => m.assignment.length)).toEqual([3, 3]);
    w.runUntil(12_000);
    g = w.group("shop");
    expect(g.state).toBe("Stable");
    expect(g.members.map((m) => m.assignment.length)).toEqual([2, 2, 2]);
    expect(texts(w, /must first revoke/).length).toBeGreaterThan(0);
    // a1 and a2 kept most of their partitions and went on reading them while the group was Reconciling.
    const r = g.rebalances[g.rebalances.length - 1];
    expect(r.reason).toBe("a3 joined");
    const during = ["a1", "a2"].reduce(
      (n, id) =>
        n +
        consumerLedger(w.engine, id).filter((e) => e.polledAtMs >= r.startedAtMs && e.polledAtMs <= r.endedAtMs!)
          .length,
      0,
    );
    expect(during).toBeGreaterThan(0);
    expect(w.violations).toEqual([]);
  });

  it("a crashed member is fenced after group.consumer.session.timeout.ms", () => {
    const w = world({
      consumers: [c848("a1"), c848("a2")],
      steps: [{ atMs: 4000, do: { type: "crash", node: "a2" } }],
    });
    w.runUntil(4000 + 6000 + 1500);
    expect(texts(w, /\(a2\) removed: no heartbeat for 6000 ms \(group\.consumer\.session\.timeout\.ms\)/)).toHaveLength(
      1,
    );
    expect(ownersOf(w)).toEqual({ "orders-0": "a1", "orders-1": "a1", "orders-2": "a1" });
    expect(w.violations).toEqual([]);
  });

  it("a classic member cannot join a consumer-protocol group", () => {
    const w = world({ consumers: [c848("a1"), consumer("a2")] });
    w.runUntil(3000);
    expect(w.consumer("a2").fatal).toBe("INCONSISTENT_GROUP_PROTOCOL");
    expect(w.group("shop").members.map((m) => m.clientId)).toEqual(["a1"]);
  });
});

describe("the poll loop", () => {
  it("lag builds when processing is slower than production, and shrinks when it speeds up", () => {
    const w = world({
      consumers: [consumer("a1", {}, { processingMsPerRecord: 100 })],
      steps: [{ atMs: 8000, do: { type: "setConsumer", id: "a1", processingMsPerRecord: 1 } }],
    });
    w.runUntil(8000);
    expect(w.consumer("a1").lag).toBeGreaterThan(100);
    w.runUntil(14_000);
    expect(w.consumer("a1").lag).toBeLessThan(20);
  });

  it("seekToBeginning replays a partition; pause stops it without leaving the group", () => {
    const w = world({
      consumers: [consumer("a1")],
      steps: [
        { atMs: 4000, do: { type: "pauseConsumer", id: "a1", topic: "orders", partition: 0 } },
        { atMs: 6000, do: { type: "resumeConsumer", id: "a1", topic: "orders", partition: 0 } },
        { atMs: 8000, do: { type: "seekConsumer", id: "a1", topic: "orders", partition: 1, to: "beginning" } },
      ],
    });
    w.runUntil(5900);
    const p0 = w.consumer("a1").partitions.find((p) => p.partition === 0)!;
    expect(p0.paused).toBe(true);
    expect(p0.lag).toBeGreaterThan(0);
    w.runUntil(10_000);
    const a1 = w.consumer("a1");
    expect(a1.partitions.every((p) => !p.paused)).toBe(true);
    expect(a1.duplicates).toBeGreaterThan(0); // partition 1 read twice
    expect(w.group("shop").rebalances).toHaveLength(1);
    expect(w.violations).toEqual([]); // a seek starts a new run: no continuity violation
  });

  it("auto.offset.reset=latest skips what was written before the group existed", () => {
    const w = world({ consumers: [consumer("a1", { "auto.offset.reset": "latest" }, { startAtMs: 3000 })] });
    w.runUntil(6000);
    const first = Math.min(...consumerLedger(w.engine, "a1").map((e) => e.offset));
    expect(first).toBeGreaterThan(0);
  });
});
