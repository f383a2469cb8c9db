// A small typed API on window for Playwright (as tldraw does): it lets a
// browser test compute trace hashes with the engine as bundled for the page,
// and read the store without scraping pixels.

import { createSimulation, type InputEntry } from "../engine/index.ts";
import { scenarioLibrary } from "../scenarios/library.ts";
import { parseScenarioText } from "../scenarios/parseText.ts";
import { simStore } from "../store/simStore.ts";

export interface KafkaSimE2eApi {
  traceHashFor(scenario: unknown, options: { seed?: number; untilMs: number; inputs?: InputEntry[] }): string;
  libraryHashes(): { path: string; traceHash: string }[];
  state(): {
    nowMs: number;
    playing: boolean;
    speed: number;
    branchId: number;
    branches: number;
    scenarioId: string;
  };
}

declare global {
  interface Window {
    __kafkaSim?: KafkaSimE2eApi;
  }
}

export function installE2eApi(): void {
  window.__kafkaSim = {
    traceHashFor(scenario, { seed, untilMs, inputs }) {
      const sim = createSimulation(scenario, { seed, inputs });
      sim.runUntil(untilMs);
      return sim.traceHash();
    },
    libraryHashes() {
      return scenarioLibrary.map((e) => {
        const sim = createSimulation(parseScenarioText(e.text, e.path));
        sim.runUntil(sim.scenario.durationMs);
        return { path: e.path, traceHash: sim.traceHash() };
      });
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
  };
}
