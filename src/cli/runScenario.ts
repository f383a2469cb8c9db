// Running a scenario headless: shared by the command line and the tests.

import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createSimulation,
  ScenarioError,
  type ExpectationVerdict,
  type LostRecord,
  type Simulation,
} from "../engine/index.ts";
import { parseScenarioText } from "../scenarios/parseText.ts";

export const LIBRARY_DIR = resolve(fileURLToPath(new URL("../scenarios/library", import.meta.url)));
export const REPO_ROOT = resolve(LIBRARY_DIR, "../../..");

/** Paths (relative to the repository root) of every built-in scenario, sorted. */
export function libraryPaths(): string[] {
  return readdirSync(LIBRARY_DIR)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .sort()
    .map((f) => relative(REPO_ROOT, join(LIBRARY_DIR, f)));
}

export interface RunResult {
  title: string;
  seed: number;
  untilMs: number;
  traceHash: string;
  events: number;
  expectations: ExpectationVerdict[];
  /** Acknowledged records the partition's current leader no longer holds, each with its cause. */
  lostAcknowledgedRecords: LostRecord[];
  narration: { atMs: number; text: string }[];
  ok: boolean;
  sim: Simulation;
}

export function loadScenarioFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ScenarioError(
      [
        {
          path: "(file)",
          message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        },
      ],
      path,
    );
  }
  return parseScenarioText(text, path);
}

export function runScenario(value: unknown, options: { seed?: number; untilMs?: number } = {}): RunResult {
  const sim = createSimulation(value, { seed: options.seed });
  const untilMs = options.untilMs ?? sim.scenario.durationMs;
  sim.runUntil(untilMs);
  const expectations = sim.checkExpectations();
  return {
    title: sim.scenario.title,
    seed: sim.seed,
    untilMs,
    traceHash: sim.traceHash(),
    events: sim.trace.length,
    expectations,
    lostAcknowledgedRecords: sim.lostAcknowledgedRecords(),
    narration: sim
      .narration()
      .filter((n) => n.atMs <= untilMs)
      .map((n) => ({ atMs: n.atMs, text: n.text })),
    ok: expectations.every((e) => e.ok),
    sim,
  };
}
