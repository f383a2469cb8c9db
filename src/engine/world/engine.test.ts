import { describe, expect, it } from "vitest";
import { Engine } from "./engine.ts";
import type { ActorKind } from "./types.ts";

// A client that re-arms a long timeout on every short tick, as Kafka clients
// do with request and poll timeouts.
const rearming: ActorKind = {
  kind: "rearming",
  createData: () => ({ ticks: 0, timeouts: 0 }),
  onEvent(engine, actor, event) {
    const d = actor.data as { ticks: number; timeouts: number };
    if (event.type === "tick") {
      d.ticks++;
      engine.schedule(actor.id, 30_000, { type: "timeout" }, "timeout");
      if (d.ticks < 10_000) engine.schedule(actor.id, 1, { type: "tick" }, "tick");
    } else if (event.type === "timeout") d.timeouts++;
    return true;
  },
};

function run(): Engine {
  const engine = new Engine({ kinds: { rearming }, inputs: {} }, { seed: 1 });
  engine.spawn("c1", "rearming");
  engine.schedule("c1", 0, { type: "tick" }, "tick");
  engine.runUntil(5_000);
  return engine;
}

describe("timer queue", () => {
  it("sweeps re-armed timers out of the heap, so it stays small", () => {
    const engine = run();
    // 5000 ticks so far, each re-arming the 30 s timeout: without the sweep, 5000 dead entries.
    expect(engine.world.queue.length).toBeLessThan(2 * 1024 + 10);
  });

  it("still fires the live timer once, at its time", () => {
    const engine = run();
    engine.runUntil(60_000);
    const d = engine.actor("c1").data as { ticks: number; timeouts: number };
    expect(d.ticks).toBe(10_000);
    expect(d.timeouts).toBe(1);
    const fired = engine.trace.filter((e) => e.kind === "timer" && e.text.includes("timeout"));
    expect(fired.map((e) => e.time)).toEqual([9_999 + 30_000]);
    expect(engine.world.queue.length).toBe(0);
  });
});
