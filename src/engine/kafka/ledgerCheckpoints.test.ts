// Checkpoints share the producers' and consumers' ledgers (core/appendLog.ts)
// instead of copying them. Time travel must not notice: rewinding, forking a
// branch that appends to the restored ledgers, and switching back all give
// the worlds that straight runs give.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createSimulation, type Simulation } from "../index.ts";

const LIBRARY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../scenarios/library");
const library = (file: string): unknown => JSON.parse(readFileSync(path.join(LIBRARY, file), "utf8"));

/** What the ledgers feed: acknowledged counts, records read, losses, and the trace. */
function ledgerFacts(sim: Simulation) {
  const c = sim.cluster(0)!;
  return {
    hash: sim.traceHash(),
    acknowledged: c.producers.map((p) => [p.id, p.acknowledged]),
    read: (c.consumers ?? []).map((x) => [x.id, x.recordsRead]),
    lost: sim.lostAcknowledgedRecords().length,
  };
}

describe.each([
  ["12-boxing-day-lag.json", 9_000],
  ["14-idempotent-vs-plain-retries.json", 6_000],
])("ledgers shared by checkpoints: %s", (file, untilMs) => {
  const crash = { type: "crash", node: "b2" } as const;

  // The same calls on two simulations: one restores from checkpoints every
  // 500 ms (sharing ledgers with the live world), the other only from time 0
  // (empty ledgers, nothing shared). Any leak between holders shows as a
  // difference.
  function travel(checkpointIntervalMs: number) {
    const sim = createSimulation(library(file), { checkpointIntervalMs });
    sim.runUntil(untilMs);
    const original = ledgerFacts(sim);
    sim.seek(Math.round(untilMs / 3));
    sim.act(crash); // a new branch: appends to the restored ledgers
    sim.runUntil(untilMs);
    const forked = ledgerFacts(sim);
    sim.switchBranch(1);
    sim.runUntil(untilMs);
    return { original, forked, back: ledgerFacts(sim) };
  }

  it("a fork that appends to restored ledgers, and the branch it left, match a run that shares nothing", () => {
    const shared = travel(500);
    expect(shared.original.acknowledged.some(([, n]) => (n as number) > 0)).toBe(true);
    expect(shared.forked.hash).not.toBe(shared.original.hash);
    expect(shared.back).toEqual(shared.original);
    expect(shared).toEqual(travel(1e12));
  });
});
