// Random fault schedules against the cluster, in both controller modes.
// Safe configuration (acks=all, RF 3, min ISR 2, unclean off): no guarantee
// may ever break and no acknowledged record may be lost. Unsafe ones (acks=1,
// min ISR 1, unclean on): losses may happen, but every loss the checker
// reports must be real (the record is absent from the leader's log) and
// explained. fast-check prints the seed and the shrunk schedule on failure.
// CLUSTER_PROPERTY_RUNS raises the number of schedules per mode.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createSimulation, type SimInput } from "../index.ts";

const RUNS = Number(process.env.CLUSTER_PROPERTY_RUNS ?? 60);
const BROKERS = ["b1", "b2", "b3"];
const DURATION_MS = 9000;

type Mode = "kraft" | "zookeeper";

function faultArbitrary(mode: Mode): fc.Arbitrary<{ atMs: number; input: SimInput }> {
  const broker = fc.constantFrom(...BROKERS);
  const controlNodes = mode === "kraft" ? ["c1", "c2", "c3"] : ["zk1", "zk2", "zk3"];
  const anyNode = fc.constantFrom(...BROKERS, ...controlNodes);
  const input: fc.Arbitrary<SimInput> = fc.oneof(
    broker.map((node) => ({ type: "crash", node })),
    broker.map((node) => ({ type: "restart", node })),
    broker.map((node) => ({ type: "shutdown", node })),
    fc.tuple(broker, fc.integer({ min: 100, max: 2500 })).map(([node, forMs]) => ({ type: "pause", node, forMs })),
    anyNode.map((node) => ({ type: "isolate", node })),
    fc.constant({ type: "heal" }),
    fc.constantFrom(...controlNodes).map((node) => ({ type: "crash", node })),
    fc.constantFrom(...controlNodes).map((node) => ({ type: "restart", node })),
  );
  return fc.record({ atMs: fc.integer({ min: 200, max: DURATION_MS - 1500 }), input });
}

function scenario(mode: Mode, safe: boolean, seed: number, faults: { atMs: number; input: SimInput }[]) {
  return {
    version: 1,
    title: `property (${mode}, ${safe ? "safe" : "unsafe"})`,
    seed,
    network: { latencyMsMin: 1, latencyMsMax: 5 },
    cluster: { mode, brokers: 3, controllers: 3, zookeeperNodes: 3 },
    topics: [
      {
        name: "t",
        partitions: 2,
        replicationFactor: 3,
        config: safe
          ? { "min.insync.replicas": 2 }
          : { "min.insync.replicas": 1, "unclean.leader.election.enable": true },
      },
    ],
    loadGenerators: [{ id: "p1", topic: "t", ratePerSec: 25, acks: safe ? "all" : 1, keys: ["a", "b", "c", "d", "e"] }],
    // Heal and restart everything near the end, so losses are judged on a recovered cluster.
    steps: [
      ...faults.map((f) => ({ atMs: f.atMs, do: f.input })),
      { atMs: DURATION_MS - 1200, do: { type: "heal" } },
      ...[...BROKERS, ...(mode === "kraft" ? ["c1", "c2", "c3"] : ["zk1", "zk2", "zk3"])].map((node) => ({
        atMs: DURATION_MS - 1200,
        do: { type: "restart", node },
      })),
    ],
  };
}

describe.each(["kraft", "zookeeper"] as const)("random fault schedules (%s)", (mode) => {
  it(`safe configuration: no violation, no lost acknowledged record (${RUNS} schedules)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(faultArbitrary(mode), { maxLength: 8 }),
        (seed, faults) => {
          const sim = createSimulation(scenario(mode, true, seed, faults), { checkEveryStep: true });
          sim.runUntil(DURATION_MS);
          sim.checkNow(true);
          const lost = sim.lostAcknowledgedRecords();
          if (sim.violations.length > 0 || lost.length > 0) {
            throw new Error(
              `seed=${seed}\nviolations: ${JSON.stringify(sim.violations.slice(0, 3))}\nlost: ${JSON.stringify(lost.slice(0, 3))}`,
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 600_000);

  it(`unsafe configuration: every reported loss is real and explained (${RUNS * 2} schedules)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(faultArbitrary(mode), { maxLength: 8 }),
        (seed, faults) => {
          const sim = createSimulation(scenario(mode, false, seed, faults));
          sim.runUntil(DURATION_MS);
          const view = sim.cluster(1_000_000)!; // every record, not just the newest
          const lostAtEnd = sim.lostAcknowledgedRecords();
          // The search is incremental: asked along the way, it must end with what one look at the end finds.
          const watched = createSimulation(scenario(mode, false, seed, faults));
          for (let t = 250; t < DURATION_MS; t += 250) {
            watched.runUntil(t);
            watched.lostAcknowledgedRecords();
          }
          watched.runUntil(DURATION_MS);
          expect(watched.lostAcknowledgedRecords(), `seed=${seed}: incremental and whole searches differ`).toEqual(
            lostAtEnd,
          );
          for (const lost of lostAtEnd) {
            expect(lost.explained, `seed=${seed}: ${lost.cause}`).toBe(true);
            // Real: the current leader's log does not hold that record at that offset.
            const p = view.partitions.find((x) => x.topic === lost.topic && x.partition === lost.partition)!;
            const leader = p.replicaViews.find((r) => r.brokerId === p.leader)!;
            const shown = leader.records.find((r) => r.offset === lost.offset);
            expect(shown?.value === lost.value, `seed=${seed}: ${lost.value} is on the leader after all`).toBe(false);
          }
        },
      ),
      { numRuns: RUNS * 2 },
    );
  }, 600_000);
});
