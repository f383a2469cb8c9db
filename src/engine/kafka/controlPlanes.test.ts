// On the page ZooKeeper mode arrives on demand. This file imports only api.ts
// (never index.ts, which registers every mode), so it sees the page's
// registry: KRaft only until loadControllerMode("zookeeper") is awaited.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ControllerModeNotLoaded, createSimulation, createSimulationLoadingModes, loadControllerMode } from "../api.ts";

const LIBRARY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../scenarios/library");
const library = (file: string): unknown => JSON.parse(readFileSync(path.join(LIBRARY, file), "utf8"));

describe("controller modes loaded on demand", () => {
  it("a KRaft scenario needs nothing loaded", () => {
    const sim = createSimulation(library("10-kraft-controller-failover.json"));
    sim.runUntil(1000);
    expect(sim.nowMs).toBe(1000);
  });

  it("a ZooKeeper scenario says its mode is missing, then runs once the mode is loaded", async () => {
    const scenario = library("09-zookeeper-session-expiry.json");
    let thrown: unknown;
    try {
      createSimulation(scenario);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ControllerModeNotLoaded);
    expect((thrown as ControllerModeNotLoaded).mode).toBe("zookeeper");
    expect((thrown as Error).message).toMatch(/ZooKeeper mode is not loaded yet/);

    const sim = await createSimulationLoadingModes(scenario);
    expect(sim.clusterModule?.ctx.spec.mode).toBe("zookeeper");
    sim.runUntil(sim.scenario.durationMs);
    const verdicts = sim.checkExpectations();
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    // Loaded once, it stays: the synchronous door works from now on, with the same run.
    await loadControllerMode("zookeeper");
    const again = createSimulation(scenario);
    again.runUntil(again.scenario.durationMs);
    expect(again.traceHash()).toBe(sim.traceHash());
  });
});
