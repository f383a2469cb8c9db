// The scenario's expectations as a checklist row each: held (✓), pending
// (not yet, the run goes on) or failed (✗, at the end of the scenario).

import type { ExpectationVerdict } from "../../engine/index.ts";

export type ChecklistStatus = "held" | "pending" | "failed";

export interface ChecklistRow {
  name: string;
  status: ChecklistStatus;
  detail: string;
}

export function checklistRows(
  verdicts: readonly ExpectationVerdict[],
  nowMs: number,
  durationMs: number,
): ChecklistRow[] {
  const ended = nowMs >= durationMs;
  return verdicts.map((v) => ({
    name: v.name,
    detail: v.detail,
    status: v.ok ? "held" : ended ? "failed" : "pending",
  }));
}

/** Wall time between two expectation checks (each runs the deep checker). */
export const CHECKLIST_EVERY_MS = 500;
