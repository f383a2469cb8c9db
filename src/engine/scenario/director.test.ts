import { describe, expect, it } from "vitest";
import { createSimulation } from "../index.ts";

const scenario = {
  version: 1,
  title: "conditional steps",
  seed: 4,
  network: { latencyMsMin: 1, latencyMsMax: 3 },
  cluster: { mode: "kraft", brokers: 3 },
  topics: [{ name: "t", partitions: 1, replicationFactor: 3, assignment: [[1, 2, 3]] }],
  loadGenerators: [{ id: "p1", topic: "t", ratePerSec: 10 }],
  steps: [
    { atMs: 1000, do: { type: "crash", node: "b3" } },
    { when: { type: "isrSize", topic: "t", atMost: 2 }, do: { type: "restart", node: "b3" } },
    { when: { type: "isrSize", topic: "t", equals: 3 }, fromMs: 3000, say: "b3 is back in the ISR." },
    { when: { type: "leaderIs", topic: "t", broker: 9 }, say: "never" },
  ],
};

describe("conditional (when) steps", () => {
  it("fire the first time their condition holds, act through the input path, and narrate at that time", () => {
    const sim = createSimulation(scenario);
    sim.runUntil(10_000);
    const restart = sim.trace.find((e) => e.kind === "input" && e.text.includes("restart b3"))!;
    const shrink = sim.trace.find((e) => e.kind === "note" && e.text.includes("scenario step 2"))!;
    expect(restart).toBeDefined();
    // b3 is fenced after broker.session.timeout.ms, the ISR shrinks, then the step fires.
    expect(restart.time).toBeGreaterThan(1000 + 1500);
    expect(restart.time).toBe(shrink.time);
    expect(restart.cause).toBe(shrink.cause); // caused by the director's check, not a root input
    const beats = sim.narration();
    expect(beats.map((b) => b.text)).toEqual(["b3 is back in the ISR."]);
    expect(beats[0].atMs).toBeGreaterThan(restart.time);
    expect(sim.actors().some((a) => a.id === "director")).toBe(false);
  });

  it("replay identically after seeking back", () => {
    const a = createSimulation(scenario);
    a.runUntil(10_000);
    const b = createSimulation(scenario, { checkpointIntervalMs: 500 });
    b.runUntil(10_000);
    b.seek(2000);
    b.runUntil(10_000);
    expect(b.traceHash()).toBe(a.traceHash());
    expect(b.narration()).toEqual(a.narration());
  });

  it("reject conditions about things the scenario does not have, naming the path", () => {
    expect(() =>
      createSimulation({ ...scenario, steps: [{ when: { type: "offline", topic: "nope" }, say: "x" }] }),
    ).toThrow(/steps\[0\]\.when\.topic: no topic "nope"/);
    expect(() =>
      createSimulation({
        ...scenario,
        steps: [{ when: { type: "offline", topic: "t" }, say: "x", do: { type: "heal" } }],
      }),
    ).toThrow(/exactly one of do, say or pause/);
  });
});
