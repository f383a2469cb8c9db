// Determinism and time travel, over random seeds and random input logs.
// fast-check prints the seed and the shrunk counterexample on failure.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkKernelInvariants } from "./checks/kernel.ts";
import { createSimulation, type Simulation } from "./simulation.ts";
import type { SimInput } from "./world/types.ts";

const NODES = ["n1", "n2", "n3", "n4"];
const scenario = {
  version: 1,
  title: "property world",
  toy: { nodes: NODES, pingIntervalMs: 300, pingTimeoutMs: 120 },
  network: { latencyMsMin: 1, latencyMsMax: 40, lossProbability: 0.02 },
};

const node = fc.constantFrom(...NODES);
const input: fc.Arbitrary<SimInput> = fc.oneof(
  node.map((n) => ({ type: "crash", node: n })),
  node.map((n) => ({ type: "restart", node: n })),
  fc
    .shuffledSubarray(NODES, { minLength: 1, maxLength: 3 })
    .map((left) => ({
      type: "partition",
      islands: [left, NODES.filter((n) => !left.includes(n))].filter((g) => g.length > 0),
    }))
    .filter((p) => p.islands.length === 2),
  fc.constant({ type: "heal" }),
  fc.tuple(node, fc.integer({ min: 1, max: 900 })).map(([n, forMs]) => ({ type: "pause", node: n, forMs })),
  fc
    .tuple(node, node, fc.integer({ min: 0, max: 500 }))
    .filter(([a, b]) => a !== b)
    .map(([from, to, extraLatencyMs]) => ({
      type: "slowLink",
      from,
      to,
      extraLatencyMs,
    })),
  fc
    .tuple(node, node, fc.integer({ min: 0, max: 800 }))
    .filter(([a, b]) => a !== b)
    .map(([from, to, forMs]) => ({ type: "clogLink", from, to, forMs })),
  fc.double({ min: 0, max: 0.5, noNaN: true }).map((lossProbability) => ({ type: "setLoss", lossProbability })),
);
const timedInputs = fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 4000 }), input }), { maxLength: 12 });
const seed = fc.integer({ min: 0, max: 0xffffffff });

function build(s: number, inputs: { atMs: number; input: SimInput }[], checkpointIntervalMs = 250): Simulation {
  return createSimulation(scenario, {
    seed: s,
    checkpointIntervalMs,
    inputs: inputs.map((i) => ({ ...i, source: "user" as const })),
  });
}

function worldView(sim: Simulation) {
  return {
    now: sim.nowMs,
    actors: sim.actors(),
    inFlight: sim.messagesInFlight(),
    islands: sim.islands(),
    hash: sim.traceHash(),
    trace: sim.trace.length,
  };
}

describe("determinism and time travel (property)", () => {
  it("two runs with the same seed and inputs give the same trace hash, and kernel invariants hold after every step", () => {
    fc.assert(
      fc.property(seed, timedInputs, (s, inputs) => {
        const a = build(s, inputs);
        let checked = 0;
        while (a.nextEventAtMs() <= 5000) {
          a.step();
          const violations = checkKernelInvariants(
            (a as unknown as { engine: { world: never } }).engine.world,
            a.trace,
            checked,
          );
          checked = a.trace.length - 1;
          if (violations.length > 0) throw new Error(`seed=${s}: ${JSON.stringify(violations)}`);
        }
        a.runUntil(5000);
        const b = build(s, inputs);
        b.runUntil(5000);
        expect(b.traceHash()).toBe(a.traceHash());
        expect(worldView(b)).toEqual(worldView(a));
      }),
      { numRuns: 40 },
    );
  });

  it("seek(t) then running on to T gives the same world and hash as running straight to T", () => {
    fc.assert(
      fc.property(
        seed,
        timedInputs,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        (s, inputs, t1, t2) => {
          const straight = build(s, inputs);
          straight.runUntil(5000);
          const travelling = build(s, inputs);
          travelling.runUntil(Math.max(t1, t2));
          travelling.seek(Math.min(t1, t2)); // backwards
          expect(travelling.nowMs).toBe(Math.min(t1, t2));
          travelling.seek(5000); // and forwards again
          expect(worldView(travelling)).toEqual(worldView(straight));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("forking at t and re-applying the same inputs gives back the original branch's hash", () => {
    fc.assert(
      fc.property(seed, timedInputs, fc.integer({ min: 0, max: 4000 }), (s, inputs, t) => {
        const sorted = inputs.map((x, i) => ({ ...x, i })).sort((a, b) => a.atMs - b.atMs || a.i - b.i);
        const original = build(s, sorted);
        original.runUntil(5000);
        const expected = original.traceHash();

        // The same inputs made by hand: first those up to t, then seek back and redo the rest.
        const sim = build(
          s,
          sorted.filter((x) => x.atMs <= t),
        );
        sim.runUntil(5000);
        sim.seek(t);
        const later = sorted.filter((x) => x.atMs > t);
        for (const x of later) sim.act(x.input, x.atMs);
        if (later.length > 0) expect(sim.branches.length).toBe(2);
        sim.runUntil(5000);
        expect(sim.traceHash()).toBe(expected);
        // The abandoned future is still reachable.
        if (later.length > 0) {
          const newBranch = sim.branchId;
          sim.switchBranch(1);
          sim.runUntil(5000);
          sim.switchBranch(newBranch);
          expect(sim.traceHash()).toBe(expected);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("checkpoint spacing never changes the result", () => {
    fc.assert(
      fc.property(seed, timedInputs, fc.integer({ min: 1, max: 3000 }), (s, inputs, interval) => {
        const a = build(s, inputs, interval);
        a.runUntil(4000);
        a.seek(1234);
        a.runUntil(4000);
        const b = build(s, inputs, 1_000_000);
        b.runUntil(4000);
        expect(a.traceHash()).toBe(b.traceHash());
      }),
      { numRuns: 25 },
    );
  });
});
