// Loading a scenario whose code the page has not loaded yet: ZooKeeper mode
// (engine/kafka/controlPlanes.ts) and the library's texts other than the
// first scenario's (scenarios/library.ts) are separate chunks. Each test gets
// fresh modules, so both start unloaded every time.

import { beforeEach, describe, expect, it, vi } from "vitest";

const ZK_SCENARIO = "09-zookeeper-session-expiry";
const KRAFT_SCENARIO = "10-kraft-controller-failover";

/** A fresh store, with the library's texts here already unless `texts` is false. */
async function freshStore({ texts = true } = {}) {
  vi.resetModules();
  const store = await import("./simStore.ts");
  if (texts) await (await import("../scenarios/library.ts")).loadLibraryTexts();
  return store;
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
    const library = await import("../scenarios/library.ts");
    await library.loadLibraryTexts();
    const raw = JSON.parse(library.libraryText(ZK_SCENARIO)) as Record<string, unknown>;
    expect(await store.loadScenarioValue("custom", { ...raw, title: "Mine" })).toBe(true);
    expect(store.simStore.getState().sim.scenario.title).toBe("Mine");
    // A later reset reloads it from the kept value (it was not dropped as a failed load).
    store.reset();
    expect(store.simStore.getState().sim.scenario.title).toBe("Mine");
  });

  it("a built-in scenario other than the first waits for the library's texts", async () => {
    const store = await freshStore({ texts: false });
    const result = store.loadScenario(KRAFT_SCENARIO);
    expect(result).toBeInstanceOf(Promise);
    expect(store.simStore.getState().notice).toEqual(["Loading the scenario…"]);
    expect(await result).toBe(true);
    expect(store.simStore.getState().sim.scenario.title).toMatch(/KRaft/);
  });

  it("a ZooKeeper scenario with neither its text nor its mode here loads both, then opens", async () => {
    const store = await freshStore({ texts: false });
    expect(await store.loadScenario(ZK_SCENARIO)).toBe(true);
    expect(store.simStore.getState().scenarioId).toBe(ZK_SCENARIO);
    expect(store.simStore.getState().sim.clusterModule?.ctx.spec.mode).toBe("zookeeper");
  });
});
