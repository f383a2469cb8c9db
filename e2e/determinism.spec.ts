// The same seed and input log give the same trace hash in Chromium (the
// engine as bundled for the page) and in Node (the engine as the CLI runs it).

import { expect, test } from "@playwright/test";
import { join } from "node:path";
import { createSimulation } from "../src/engine/index.ts";
import { libraryPaths, loadScenarioFile, REPO_ROOT, runScenario } from "../src/cli/runScenario.ts";

const scenario = {
  version: 1,
  title: "cross-platform hash",
  toy: { nodes: ["a", "b", "c", "d"], pingIntervalMs: 200, pingTimeoutMs: 90 },
  network: { latencyMsMin: 1, latencyMsMax: 60, lossProbability: 0.05 },
};
const inputs = [
  { atMs: 500, input: { type: "crash", node: "b" }, source: "user" as const },
  {
    atMs: 900,
    input: { type: "partition", islands: [["a"], ["c", "d"]] },
    source: "user" as const,
  },
  { atMs: 1500, input: { type: "heal" }, source: "user" as const },
  {
    atMs: 1600,
    input: { type: "restart", node: "b" },
    source: "user" as const,
  },
  {
    atMs: 2000,
    input: { type: "clogLink", from: "a", to: "c", forMs: 700 },
    source: "user" as const,
  },
];

test("a fixed seed and input log hash the same in Chromium and in Node", async ({ page }) => {
  const sim = createSimulation(scenario, { seed: 20261126, inputs });
  sim.runUntil(6000);
  const nodeHash = sim.traceHash();

  await page.goto("/");
  await page.waitForFunction(() => window.__kafkaSim !== undefined);
  const browserHash = await page.evaluate(
    ([sc, inp]) =>
      window.__kafkaSim!.traceHashFor(sc, {
        seed: 20261126,
        untilMs: 6000,
        inputs: inp as never,
      }),
    [scenario, inputs] as const,
  );
  expect(browserHash).toBe(nodeHash);
  expect(sim.trace.length).toBeGreaterThan(200); // a run with real work in it
});

test("every built-in scenario hashes the same in Chromium and in Node", async ({ page }) => {
  const fromNode = libraryPaths().map((path) => ({
    path,
    traceHash: runScenario(loadScenarioFile(join(REPO_ROOT, path))).traceHash,
  }));
  await page.goto("/");
  await page.waitForFunction(() => window.__kafkaSim !== undefined);
  const fromBrowser = await page.evaluate(() => window.__kafkaSim!.libraryHashes());
  expect(fromBrowser).toEqual(fromNode);
});
