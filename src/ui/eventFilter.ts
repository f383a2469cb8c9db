// Which trace events the log shows, and how repeats fold: a cluster trace is
// mostly sends, deliveries and timers, and a rejected producer can report the
// same error hundreds of times a second.

import type { TraceEvent } from "../engine/index.ts";

export interface LogEntry {
  event: TraceEvent;
  /** How many events with the same sentence (numbers aside) it stands for. */
  count: number;
}

/** The sentence with numbers blanked: "12 record(s) failed" and "13 record(s) failed" fold together. */
export function template(e: TraceEvent): string {
  return `${e.kind}|${e.actor}|${e.text.replace(/\d+(\.\d+)?/g, "#")}`;
}

export function shownInLog(e: TraceEvent, options: { cluster: boolean; drops: boolean }): boolean {
  if (e.kind === "send" || e.kind === "timer") return false;
  if (options.cluster && e.kind === "deliver") return false;
  if (e.kind === "drop" && !options.drops) return false;
  return true;
}

/**
 * The newest `limit` entries, newest first, each standing for every later
 * repeat of its sentence within the scanned window (at most `scan` events back).
 */
export function recentEvents(
  trace: readonly TraceEvent[],
  options: { cluster: boolean; drops: boolean; limit: number; scan?: number },
): LogEntry[] {
  const out: LogEntry[] = [];
  const byTemplate = new Map<string, LogEntry>();
  const stop = Math.max(0, trace.length - (options.scan ?? 20_000));
  for (let i = trace.length - 1; i >= stop; i--) {
    const e = trace[i];
    if (!shownInLog(e, options)) continue;
    const t = template(e);
    const seen = byTemplate.get(t);
    if (seen) {
      seen.count++;
      continue;
    }
    if (out.length >= options.limit) continue;
    const entry = { event: e, count: 1 };
    byTemplate.set(t, entry);
    out.push(entry);
  }
  return out;
}

export interface ChainStep {
  event: TraceEvent;
  /** Repeats of the same sentence folded into this line. */
  count: number;
  /** Message hops and timers skipped since the previous line. */
  skipped: number;
}

/**
 * A cause chain as a learner reads it: the event, then only the causes that
 * say something (state changes, faults, actions, notes: not each message hop
 * or timer), repeats folded into one line, the root always kept. A retry loop
 * of hundreds of sends becomes a few lines.
 */
export function condenseChain(chain: readonly TraceEvent[], maxLines = 12): { steps: ChainStep[]; hidden: number } {
  // A short chain is read whole: every hop is part of the story.
  if (chain.length <= maxLines) return { steps: chain.map((event) => ({ event, count: 1, skipped: 0 })), hidden: 0 };
  const steps: ChainStep[] = [];
  const seen = new Map<string, ChainStep>();
  let skipped = 0;
  let hidden = 0;
  chain.forEach((e, i) => {
    const first = i === 0;
    const root = i === chain.length - 1;
    const plumbing = e.kind === "send" || e.kind === "deliver" || e.kind === "timer";
    if (!first && !root && plumbing) {
      skipped++;
      return;
    }
    const t = template(e);
    const again = seen.get(t);
    if (again && !root) {
      again.count++;
      skipped = 0;
      return;
    }
    if (steps.length >= maxLines && !root) {
      hidden++;
      return;
    }
    const step = { event: e, count: 1, skipped };
    skipped = 0;
    seen.set(t, step);
    steps.push(step);
  });
  return { steps, hidden };
}
