// KRaft safety under random faults of the controllers (crash, restart,
// network partitions, stalls, message loss), checked after every engine step:
//  - at most one leader per epoch, ever;
//  - every committed record at offset o is the same on every voter that has o committed
//    (committed metadata never changes, not even through truncation);
// and liveness once the faults stop: an active controller, and brokers that
// hold exactly the controller's committed partitions.
// fast-check prints the seed and the shrunk schedule on failure; replay one
// with KRAFT_PROPERTY_SEED=<seed>.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { SimInput } from "../../world/types.ts";
import { tpKey } from "../metadata.ts";
import { activeController, controllerData, raftStateOf } from "./index.ts";
import type { LogEntry } from "./records.ts";
import { buildKraftWorld, fakeData, topic, type KraftWorld } from "./testkit.ts";

const FAULTS_UNTIL_MS = 15_000;
const SETTLE_UNTIL_MS = 30_000;

type TimedInput = { atMs: number; input: SimInput };

/** One fault: a timed input, or a "bounce" (crash, then restart 1–150 ms later) that probes what survives a crash. */
function faultArbitrary(controllers: number): fc.Arbitrary<TimedInput[]> {
  const ids = Array.from({ length: controllers }, (_, i) => `c${i + 1}`);
  const node = fc.constantFrom(...ids);
  const at = fc.integer({ min: 0, max: FAULTS_UNTIL_MS });
  const bounce = fc.tuple(at, node, fc.integer({ min: 1, max: 150 })).map(([atMs, n, gap]) => [
    { atMs, input: { type: "crash", node: n } },
    { atMs: atMs + gap, input: { type: "restart", node: n } },
  ]);
  return fc.oneof(
    bounce,
    fc.tuple(at, simpleFault(ids, node)).map(([atMs, input]) => [{ atMs, input }]),
  );
}

function simpleFault(ids: string[], node: fc.Arbitrary<string>): fc.Arbitrary<SimInput> {
  const controllers = ids.length;
  return fc.oneof(
    node.map((n) => ({ type: "crash", node: n })),
    node.map((n) => ({ type: "restart", node: n })),
    fc.constant({ type: "crashActiveController" }),
    fc.constant({ type: "isolateActiveController" }),
    fc.constant({ type: "heal" }),
    fc.shuffledSubarray(ids, { minLength: 1, maxLength: controllers - 1 }).map((side) => ({
      type: "partition",
      islands: [side, ["b1", "b2", "b3", ...ids.filter((i) => !side.includes(i))]],
    })),
    fc.tuple(node, fc.integer({ min: 100, max: 3_000 })).map(([n, forMs]) => ({ type: "pause", node: n, forMs })),
    fc.double({ min: 0, max: 0.2, noNaN: true }).map((lossProbability) => ({ type: "setLoss", lossProbability })),
  );
}

const scenario = fc
  .record({ seed: fc.integer({ min: 0, max: 0xffffffff }), controllers: fc.constantFrom(3, 5) })
  .chain(({ seed, controllers }) =>
    fc.record({
      seed: fc.constant(seed),
      controllers: fc.constant(controllers),
      faults: fc.array(faultArbitrary(controllers), { maxLength: 14 }).map((groups) => groups.flat()),
    }),
  );

/** Checks the safety properties after every step. */
class SafetyChecker {
  private leaders = new Map<number, string>();
  private committed: string[] = [];
  private seen = new Map<string, { log: readonly LogEntry[]; hw: number }>();
  private canon = new WeakMap<LogEntry, string>();

  private readonly w: KraftWorld;

  constructor(w: KraftWorld) {
    this.w = w;
  }

  private key(e: LogEntry): string {
    let k = this.canon.get(e);
    if (k === undefined) {
      k = JSON.stringify(e);
      this.canon.set(e, k);
    }
    return k;
  }

  check(): void {
    for (const id of this.w.engine.world.actorOrder) {
      const a = this.w.engine.actor(id);
      if (a.kind !== "kraft-controller") continue;
      const r = raftStateOf(a);
      if (a.alive && r.state === "Leader") {
        const prev = this.leaders.get(r.epoch);
        if (prev !== undefined && prev !== id) throw new Error(`two leaders in epoch ${r.epoch}: ${prev} and ${id}`);
        this.leaders.set(r.epoch, id);
      }
      const d = controllerData(a);
      const last = this.seen.get(id);
      if (last && last.log === d.log && last.hw === d.hw) continue;
      const from = last && last.log === d.log ? Math.min(last.hw, d.hw) : 0;
      if (d.hw > d.log.length) throw new Error(`${id}: HW ${d.hw} beyond its log end ${d.log.length}`);
      for (let o = from; o < d.hw; o++) {
        const k = this.key(d.log[o]);
        if (this.committed[o] === undefined) this.committed[o] = k;
        else if (this.committed[o] !== k) {
          throw new Error(`committed record ${o} differs on ${id}: ${k} vs ${this.committed[o]}`);
        }
      }
      this.seen.set(id, { log: d.log, hw: d.hw });
    }
  }

  get epochsWithLeader(): number {
    return this.leaders.size;
  }
}

function runChecked(w: KraftWorld, checker: SafetyChecker, untilMs: number): void {
  while (w.engine.nextTimeMs() <= untilMs) {
    w.engine.step();
    checker.check();
  }
  w.engine.runUntil(untilMs);
}

describe("KRaft safety under random controller faults", () => {
  it("one leader per epoch; committed metadata never changes; recovers once faults stop", () => {
    const seedOverride = process.env.KRAFT_PROPERTY_SEED;
    fc.assert(
      fc.property(scenario, ({ seed, controllers, faults }) => {
        const w = buildKraftWorld({
          seed,
          controllers,
          topics: [topic("orders", 3, 3), topic("audit", 1, 2)],
          network: { latencyMsMin: 1, latencyMsMax: 30 },
        });
        const ids = Array.from({ length: controllers }, (_, i) => `c${i + 1}`);
        // The faults, then they stop: heal, no loss, every controller back.
        const timed: TimedInput[] = [
          ...faults.map((f) => ({ atMs: Math.min(f.atMs, FAULTS_UNTIL_MS - 1), input: f.input })),
          { atMs: FAULTS_UNTIL_MS, input: { type: "heal" } },
          { atMs: FAULTS_UNTIL_MS, input: { type: "setLoss", lossProbability: 0 } },
          ...ids.map((id) => ({ atMs: FAULTS_UNTIL_MS, input: { type: "restart", node: id } })),
        ];
        const inputs = timed
          .map((f, i) => ({ ...f, i }))
          .sort((a, b) => a.atMs - b.atMs || a.i - b.i)
          .map((f) => ({ atMs: f.atMs, input: f.input, source: "user" as const }));
        w.engine.inputs = inputs;
        const checker = new SafetyChecker(w);
        runChecked(w, checker, SETTLE_UNTIL_MS);

        const active = activeController(w.engine);
        expect(active, `seed ${seed}: no active controller after the faults stopped`).not.toBeNull();
        const hw = controllerData(active as never).hw;
        for (const id of ids) expect(controllerData(w.engine.actor(id)).hw, `seed ${seed} ${id}`).toBe(hw);
        const view = w.plane.describe(w.engine);
        for (let b = 1; b <= 3; b++) {
          const img = fakeData(w.broker(b)).image;
          expect(img.controllerId, `seed ${seed} b${b}`).toBe(view.activeControllerId);
          for (const p of view.partitions)
            expect(img.partitions[tpKey(p.topic, p.partition)], `seed ${seed} b${b}`).toEqual(p);
        }
        expect(checker.epochsWithLeader).toBeGreaterThan(0);
      }),
      {
        numRuns: Number(process.env.KRAFT_RUNS ?? 40),
        seed: seedOverride === undefined ? undefined : Number(seedOverride),
        verbose: 1,
      },
    );
  }, 120_000);
});
