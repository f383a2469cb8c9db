// One vanilla zustand store for what the views need. The engine never
// imports it. Actions are plain module functions that call setState, so
// anything (keyboard handlers, the frame loop, e2e hooks) can call them.
//
// The Simulation object is mutable and large, so the store keeps a
// reference to it plus a `revision` number bumped after every change: views
// select `revision` to re-render and then read the simulation directly.

import { createStore } from "zustand/vanilla";
import { useStore } from "zustand";
import { createSimulation, type Simulation } from "../engine/index.ts";
import { scenarioLibrary } from "../scenarios/library.ts";
import { parseScenarioText } from "../scenarios/parseText.ts";

export const SPEEDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 100] as const;

export interface SimState {
  sim: Simulation;
  scenarioId: string;
  revision: number;
  playing: boolean;
  /** Virtual ms per wall ms. */
  speed: number;
  selectedEventId: number | null;
  /** True when the last frame ran out of its work budget and the clock fell behind. */
  lagging: boolean;
  error: string | null;
}

function simFor(scenarioId: string): Simulation {
  const entry = scenarioLibrary.find((e) => e.id === scenarioId) ?? scenarioLibrary[0];
  return createSimulation(parseScenarioText(entry.text, entry.path));
}

const firstScenario = scenarioLibrary.find((e) => e.id === "kernel-ping-ring")?.id ?? scenarioLibrary[0].id;

export const simStore = createStore<SimState>()(() => ({
  sim: simFor(firstScenario),
  scenarioId: firstScenario,
  revision: 0,
  playing: false,
  speed: 1,
  selectedEventId: null,
  lagging: false,
  error: null,
}));

export const useSim = <T>(selector: (s: SimState) => T): T => useStore(simStore, selector);

const touched = (extra: Partial<SimState> = {}) => simStore.setState((s) => ({ ...extra, revision: s.revision + 1 }));

export const play = () => simStore.setState({ playing: true });
export const pause = () => simStore.setState({ playing: false });
export const togglePlay = () => simStore.setState((s) => ({ playing: !s.playing }));

export function setSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed <= 0) return;
  simStore.setState({ speed });
}

export function faster(): void {
  const { speed } = simStore.getState();
  const next = SPEEDS.find((x) => x > speed);
  if (next) setSpeed(next);
}

export function slower(): void {
  const { speed } = simStore.getState();
  const next = [...SPEEDS].reverse().find((x) => x < speed);
  if (next) setSpeed(next);
}

/** One event forward (pauses first, so the step is visible). */
export function stepOnce(): void {
  const { sim } = simStore.getState();
  sim.step();
  touched({ playing: false });
}

export function seekTo(tMs: number): void {
  const { sim } = simStore.getState();
  sim.seek(Math.max(0, Math.round(tMs)));
  touched();
}

/** Applies a user action now; acting after a rewind forks a new branch. */
export function act(input: { type: string; [k: string]: unknown }): void {
  const { sim } = simStore.getState();
  try {
    sim.act(input);
    touched({ error: null });
  } catch (e) {
    touched({ error: (e as Error).message });
  }
}

export function switchBranch(id: number): void {
  simStore.getState().sim.switchBranch(id);
  touched();
}

export function loadScenario(scenarioId: string): void {
  try {
    const sim = simFor(scenarioId);
    touched({
      sim,
      scenarioId,
      playing: false,
      selectedEventId: null,
      error: null,
    });
  } catch (e) {
    // Keep what the user had open; say what was wrong.
    touched({ error: (e as Error).message });
  }
}

export function reset(): void {
  loadScenario(simStore.getState().scenarioId);
}

export function selectEvent(id: number | null): void {
  simStore.setState({ selectedEventId: id });
}

export function dismissError(): void {
  simStore.setState({ error: null });
}

/** Called by the frame loop after it advanced the engine. */
export function advanced(lagging: boolean): void {
  touched({ lagging });
}
