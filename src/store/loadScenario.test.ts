// Loading a scenario whose controller mode the page has not loaded yet
// (ZooKeeper mode is a separate chunk, see engine/kafka/controlPlanes.ts).
// Each test gets fresh modules, so the mode starts unloaded every time.

import { beforeEach, describe, expect, it, vi } from "vitest";

const ZK_SCENARIO = "09-zookeeper-session-expiry";
const KRAFT_SCENARIO = "10-kraft-controller-failover";

async function freshStore() {
  vi.resetModules();
  return await import("./simStore.ts");
}

describe("loading a scenario whose controller mode is not loaded yet", () => {
  beforeEach(() => vi.resetModules());

  it("loads the mode, then the scenario, and says so meanwhile", async () => {
    const store = await freshStore();
    const result = store.loadScenario(ZK_SCENARIO);
    expect(result).toBeInstanceOf(Promise);
    expect(store.simStore.getState().notice).toEqual(["Loading ZooKeeper mode…"]);
    expect(store.simStore.getState().scenarioId).not.toBe(ZK_SCENARIO);

    expect(await result).toBe(true);
    const state = store.simStore.getState();
    expect(state.scenarioId).toBe(ZK_SCENARIO);
    expect(state.sim.clusterModule?.ctx.spec.mode).toBe("zookeeper");
    expect(state.notice).toBeNull();
    // The next ZooKeeper load is immediate.
    expect(store.loadScenario(ZK_SCENARIO)).toBe(true);
  });

  it("gives way to a load started while the mode was loading", async () => {
    const store = await freshStore();
    const slow = store.loadScenario(ZK_SCENARIO);
    expect(store.loadScenario(KRAFT_SCENARIO)).toBe(true);
    expect(await slow).toBe(false);
    expect(store.simStore.getState().scenarioId).toBe(KRAFT_SCENARIO);
  });

  it("switching the open scenario to ZooKeeper mode waits for the mode too", async () => {
    const store = await freshStore();
    store.loadScenario(KRAFT_SCENARIO);
    store.switchMode("zookeeper");
    await vi.waitFor(() => expect(store.simStore.getState().sim.clusterModule?.ctx.spec.mode).toBe("zookeeper"));
    expect(store.simStore.getState().variant).toEqual({ mode: "zookeeper" });
  });

  it("a custom scenario value in ZooKeeper mode resolves to true and stays open", async () => {
    const store = await freshStore();
    const { scenarioLibrary } = await import("../scenarios/library.ts");
    const raw = JSON.parse(scenarioLibrary.find((e) => e.id === ZK_SCENARIO)!.text) as Record<string, unknown>;
    expect(await store.loadScenarioValue("custom", { ...raw, title: "Mine" })).toBe(true);
    expect(store.simStore.getState().sim.scenario.title).toBe("Mine");
    // A later reset reloads it from the kept value (it was not dropped as a failed load).
    store.reset();
    expect(store.simStore.getState().sim.scenario.title).toBe("Mine");
  });
});
