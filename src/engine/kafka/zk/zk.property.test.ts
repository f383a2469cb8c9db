import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { brokerActorId, zookeeperActorId } from "../ids.ts";
import { zkOf } from "./brokerZk.ts";
import { zkStore } from "./store.ts";
import { testCluster, topic, type TestCluster } from "./testkit.ts";
import { decodeState } from "./znodes.ts";

type FaultKind =
  | "crashBroker"
  | "restartBroker"
  | "stopBroker"
  | "controlledShutdown"
  | "pauseBroker"
  | "expireSession"
  | "crashZk"
  | "restartZk"
  | "isolate"
  | "heal";

interface Fault {
  atMs: number;
  kind: FaultKind;
  target: number;
}

const faultArb: fc.Arbitrary<Fault> = fc.record({
  atMs: fc.integer({ min: 0, max: 40_000 }),
  kind: fc.constantFrom<FaultKind>(
    "crashBroker",
    "restartBroker",
    "stopBroker",
    "controlledShutdown",
    "pauseBroker",
    "expireSession",
    "crashZk",
    "restartZk",
    "isolate",
    "heal",
  ),
  target: fc.integer({ min: 1, max: 3 }),
});

function apply(c: TestCluster, f: Fault): void {
  const e = c.engine;
  const b = brokerActorId(f.target);
  switch (f.kind) {
    case "crashBroker":
      return e.crash(b, "fault");
    case "restartBroker":
      return e.restart(b, "fault");
    case "stopBroker":
      return e.stop(b, "fault");
    case "controlledShutdown": {
      const a = e.actor(b);
      const z = zkOf(a);
      if (a.alive && z && !z.stopped && !z.shutdown) c.cp.requestControlledShutdown(e, a);
      return;
    }
    case "pauseBroker":
      return e.pause(b, 4_000, "fault");
    case "expireSession":
      return c.cp.inputs.expireSession(e, { type: "expireSession", broker: f.target });
    case "crashZk":
      return e.crash(zookeeperActorId(f.target), "fault");
    case "restartZk":
      return e.restart(zookeeperActorId(f.target), "fault");
    case "isolate": {
      const node = f.target === 3 ? zookeeperActorId(1) : b;
      e.world.net.blocked = {};
      for (const other of e.world.actorOrder) {
        if (other === node) continue;
        e.world.net.blocked[`${node}>${other}`] = true;
        e.world.net.blocked[`${other}>${node}`] = true;
      }
      return;
    }
    case "heal":
      e.world.net.blocked = {};
      return;
  }
}

interface Seen {
  leaderEpochs: Record<string, number>;
  controllerOfEpoch: Record<string, number>;
}

function checkInvariants(c: TestCluster, seen: Seen): void {
  const store = zkStore(c.engine);
  for (const path of Object.keys(store.nodes).sort()) {
    if (!path.endsWith("/state")) continue;
    const s = decodeState(store.nodes[path].data);
    expect(s.isr.length, `${path}: the ISR is never empty`).toBeGreaterThan(0);
    const before = seen.leaderEpochs[path] ?? -1;
    expect(s.leaderEpoch, `${path}: leader epochs never go down`).toBeGreaterThanOrEqual(before);
    seen.leaderEpochs[path] = s.leaderEpoch;
  }
  const activeByEpoch = new Map<number, string[]>();
  for (const id of c.engine.world.actorOrder) {
    const a = c.engine.actor(id);
    const z = zkOf(a);
    if (!a.alive || !z?.controller || z.role.value !== "ACTIVE") continue;
    const list = activeByEpoch.get(z.controller.epoch) ?? [];
    list.push(id);
    activeByEpoch.set(z.controller.epoch, list);
  }
  for (const [epoch, ids] of activeByEpoch)
    expect(ids, `at most one active controller in epoch ${epoch}`).toHaveLength(1);
}

function checkElections(c: TestCluster, seen: Seen): void {
  let last = 1;
  for (const e of c.engine.trace) {
    if (e.data?.zk !== "controllerElected") continue;
    const epoch = Number(e.data.controllerEpoch);
    const broker = Number(e.data.broker);
    expect(epoch, "controller epochs only grow").toBeGreaterThan(last);
    last = epoch;
    const prev = seen.controllerOfEpoch[String(epoch)];
    expect(prev === undefined || prev === broker, `one controller per epoch (${epoch})`).toBe(true);
    seen.controllerOfEpoch[String(epoch)] = broker;
  }
}

function runSchedule(seed: number, faults: Fault[]): void {
  const c = testCluster({
    seed,
    topics: [
      topic("t", [
        [1, 2, 3],
        [2, 3, 1],
        [3, 1, 2],
      ]),
      topic("u", [[2, 3]], { uncleanLeaderElectionEnable: true }),
    ],
  });
  const seen: Seen = { leaderEpochs: {}, controllerOfEpoch: {} };
  const sorted = faults.slice().sort((a, b) => a.atMs - b.atMs);
  const endMs = 50_000;
  let i = 0;
  while (c.engine.nextTimeMs() <= endMs || i < sorted.length) {
    const next = c.engine.nextTimeMs();
    if (i < sorted.length && sorted[i].atMs <= next) {
      c.engine.runUntil(sorted[i].atMs);
      apply(c, sorted[i++]);
    } else if (next <= endMs) {
      c.engine.step();
    } else break;
    checkInvariants(c, seen);
  }
  checkElections(c, seen);
  recoverAndCheck(c);
}

/** After every fault is undone, the cluster settles: one controller, everyone registered, leaders where possible. */
function recoverAndCheck(c: TestCluster): void {
  const e = c.engine;
  e.world.net.blocked = {};
  e.runUntil(e.nowMs + 20_000); // let controlled shutdowns still retrying finish
  e.world.net.blocked = {};
  for (const id of e.world.actorOrder) if (!e.actor(id).alive) e.restart(id, "recovery");
  e.runUntil(e.nowMs + 30_000);
  const v = c.cp.describe(e);
  expect(v.activeControllerId, "a controller after recovery").not.toBeNull();
  const active = e.world.actorOrder.filter((id) => {
    const z = zkOf(e.actor(id));
    return z?.role.value === "ACTIVE" && z.controller?.initialized === true;
  });
  expect(active, "exactly the /controller holder is active").toEqual([v.activeControllerId]);
  expect(
    v.brokers.filter((b) => b.fenced).map((b) => b.id),
    "every broker registered",
  ).toEqual([]);
  for (const p of v.partitions) expect(p.leader, `${p.topic}-${p.partition} has a leader`).not.toBe(-1);
  for (let id = 1; id <= 3; id++)
    expect(zkOf(e.actor(brokerActorId(id)))?.controllerEpochSeen, `b${id} knows the controller epoch`).toBe(
      v.controllerEpoch,
    );
}

/** ZK_PROPERTY_RUNS=500 npx vitest run src/engine/kafka/zk/zk.property.test.ts for a longer hunt. */
const RUNS = Number(process.env.ZK_PROPERTY_RUNS ?? 30);

describe("ZooKeeper mode under random faults", () => {
  it(
    "keeps one controller per epoch, monotone leader epochs and non-empty ISRs",
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 0x7fffffff }),
          fc.array(faultArb, { minLength: 1, maxLength: 12 }),
          (seed, faults) => {
            try {
              runSchedule(seed, faults);
            } catch (e) {
              throw new Error(
                `world seed ${seed}, faults ${JSON.stringify(faults)}: ${e instanceof Error ? e.message : String(e)}`,
                { cause: e },
              );
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 1_000),
  );
});
