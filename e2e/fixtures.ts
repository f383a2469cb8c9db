// Helpers for browser tests: move virtual time through the page's own API
// (window.__kafkaSim), deterministically, with a frame between steps so the
// views observe what happens on the way (ghost records, markers, metrics).

import type { Page } from "@playwright/test";

export async function openScenario(page: Page, scenarioId: string): Promise<void> {
  await page.goto(`/?scenario=${scenarioId}`);
  // A ZooKeeper scenario opens once its mode's code has loaded (the default one shows meanwhile).
  await page.waitForFunction((id) => window.__kafkaSim?.state().scenarioId === id, scenarioId);
}

/** Runs the paused simulation forward to `tMs` in steps of `stepMs`, letting the page render after each. */
export async function runTo(page: Page, tMs: number, stepMs = 200): Promise<void> {
  const now = await page.evaluate(() => window.__kafkaSim!.state().nowMs);
  for (let t = Math.min(tMs, now + stepMs); ; t = Math.min(tMs, t + stepMs)) {
    await page.evaluate(async (at) => {
      window.__kafkaSim!.runTo(at);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
    }, t);
    if (t >= tMs) break;
  }
}

export async function seek(page: Page, tMs: number): Promise<void> {
  await page.evaluate((t) => window.__kafkaSim!.seek(t), tMs);
}

export async function nowMs(page: Page): Promise<number> {
  return page.evaluate(() => window.__kafkaSim!.state().nowMs);
}

/** A scenario as a value: `brokers` brokers, one topic of `partitions` × `rf`, one producer. */
export function bigScenario(brokers: number, partitions: number, rf: number) {
  return {
    version: 1,
    title: `${brokers} brokers × ${partitions} partitions × RF ${rf}`,
    seed: 4,
    durationMs: 6000,
    cluster: { mode: "kraft", brokers, controllers: 3 },
    topics: [{ name: "clicks", partitions, replicationFactor: rf, config: { "min.insync.replicas": 2 } }],
    loadGenerators: [
      {
        id: "p1",
        topic: "clicks",
        ratePerSec: 60,
        acks: "all",
        keys: ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"],
      },
    ],
  };
}
