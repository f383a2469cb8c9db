// A small typed API on window for Playwright (as tldraw does): it lets a
// browser test compute trace hashes with the engine as bundled for the page,
// read the store without scraping pixels, and move virtual time
// deterministically (no sleeps).

import { createSimulationLoadingModes, type InputEntry } from "../engine/api.ts";
import { libraryText, loadLibraryTexts, scenarioLibrary } from "../scenarios/library.ts";
import { parseScenarioText } from "../scenarios/parseText.ts";
import { act, loadScenario, loadScenarioValue, pause, runTo, seekTo, setSpeed, simStore } from "../store/simStore.ts";

export interface KafkaSimE2eApi {
  traceHashFor(scenario: unknown, options: { seed?: number; untilMs: number; inputs?: InputEntry[] }): Promise<string>;
  libraryHashes(): Promise<{ path: string; traceHash: string }[]>;
  state(): {
    nowMs: number;
    playing: boolean;
    speed: number;
    branchId: number;
    branches: number;
    scenarioId: string;
  };
  /** Loads a built-in scenario by id (paused at time 0); resolves once loaded (ZooKeeper mode may load first). */
  load(scenarioId: string): Promise<boolean>;
  /** Loads a scenario given as a value (paused at time 0); resolves once loaded. */
  loadValue(scenario: unknown): Promise<boolean>;
  /** Pauses and runs the simulation forward to `tMs` of virtual time. */
  runTo(tMs: number): void;
  /** Pauses and moves the playhead to `tMs` (backwards restores a checkpoint). */
  seek(tMs: number): void;
  setSpeed(speed: number): void;
  /** Applies a user action now (as the UI would). */
  act(input: { type: string; [k: string]: unknown }): boolean;
  /** The user's own inputs on the current branch (what a share link carries). */
  userInputs(): { atMs: number; type: string }[];
  /** The scenario's title and duration. */
  scenario(): { title: string; durationMs: number; seed: number };
  /** Leader, ISR and HW of every partition, as the engine has them. */
  partitions(): { key: string; leader: number; isr: number[]; hw: Record<string, number> }[];
}

declare global {
  interface Window {
    __kafkaSim?: KafkaSimE2eApi;
  }
}

export function installE2eApi(): void {
  window.__kafkaSim = {
    async traceHashFor(scenario, { seed, untilMs, inputs }) {
      const sim = await createSimulationLoadingModes(scenario, { seed, inputs });
      sim.runUntil(untilMs);
      return sim.traceHash();
    },
    async libraryHashes() {
      await loadLibraryTexts();
      const hashes: { path: string; traceHash: string }[] = [];
      for (const e of scenarioLibrary) {
        const sim = await createSimulationLoadingModes(parseScenarioText(libraryText(e.id), e.path));
        sim.runUntil(sim.scenario.durationMs);
        hashes.push({ path: e.path, traceHash: sim.traceHash() });
      }
      return hashes;
    },
    state() {
      const s = simStore.getState();
      return {
        nowMs: s.sim.nowMs,
        playing: s.playing,
        speed: s.speed,
        branchId: s.sim.branchId,
        branches: s.sim.branches.length,
        scenarioId: s.scenarioId,
      };
    },
    async load(scenarioId) {
      return await loadScenario(scenarioId);
    },
    async loadValue(scenario) {
      return await loadScenarioValue("custom", scenario);
    },
    runTo(tMs) {
      pause();
      runTo(tMs);
    },
    seek(tMs) {
      pause();
      seekTo(tMs);
    },
    setSpeed(speed) {
      setSpeed(speed);
    },
    act(input) {
      return act(input);
    },
    userInputs() {
      return simStore
        .getState()
        .sim.inputLog.filter((x) => x.source === "user")
        .map((x) => ({ atMs: x.atMs, type: x.input.type }));
    },
    scenario() {
      const { sim } = simStore.getState();
      return { title: sim.scenario.title, durationMs: sim.scenario.durationMs, seed: sim.seed };
    },
    partitions() {
      const c = simStore.getState().sim.cluster(0);
      return (c?.partitions ?? []).map((p) => ({
        key: `${p.topic}-${p.partition}`,
        leader: p.leader,
        isr: [...p.isr],
        hw: Object.fromEntries(p.replicaViews.map((r) => [`b${r.brokerId}`, r.highWatermark])),
      }));
    },
  };
}
