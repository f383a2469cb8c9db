// The one animation-frame loop that owns wall time. Each frame it advances
// the engine by elapsed wall time × speed, but never spends more than a
// small budget of the frame on engine work: if a busy scenario cannot keep
// up, virtual time slows down instead of the page freezing.
//
// The budget adapts to what the rest of the frame costs (React, style,
// layout, paint, which the loop cannot time from here): when frames are
// missed it shrinks, when they are not it grows back, between
// MIN_BUDGET_MS and MAX_BUDGET_MS.

import { advanced, pause, simStore } from "../store/simStore.ts";

const MAX_BUDGET_MS = 8;
const MIN_BUDGET_MS = 1;
const START_BUDGET_MS = 4;
/** A long pause (a background tab) must not turn into one giant step. */
const MAX_FRAME_GAP_MS = 100;
/** Engine steps between two looks at the clock. */
const STEPS_PER_CLOCK_READ = 8;

/**
 * The engine's share of a frame, adjusted after each frame from the gap
 * between frames: a gap longer than 1.5 display intervals (a missed frame)
 * cuts it by a quarter, a frame on time lets it grow by 0.25 ms. The display
 * interval is the shortest gap seen lately (60 Hz, 120 Hz…).
 */
export class FrameBudget {
  budgetMs = START_BUDGET_MS;
  private intervalMs = Infinity;
  private sinceShortest = 0;

  /** Call once per frame with the gap since the previous frame, while the engine has work. */
  update(gapMs: number): number {
    if (!(gapMs > 0)) return this.budgetMs;
    if (gapMs <= this.intervalMs || ++this.sinceShortest > 240) {
      this.intervalMs = Math.max(4, gapMs);
      this.sinceShortest = 0;
    }
    if (gapMs > this.intervalMs * 1.5) this.budgetMs = Math.max(MIN_BUDGET_MS, this.budgetMs * 0.75);
    else this.budgetMs = Math.min(MAX_BUDGET_MS, this.budgetMs + 0.25);
    return this.budgetMs;
  }
}

export function startFrameLoop(): () => void {
  let last = performance.now();
  let handle = 0;
  const budget = new FrameBudget();
  let wasLagging = false;
  const frame = (now: number) => {
    const rawGap = now - last;
    const gap = Math.min(rawGap, MAX_FRAME_GAP_MS);
    last = now;
    const { playing, speed, sim } = simStore.getState();
    if (playing) {
      // Only a frame that had engine work to do says something about the budget.
      const budgetMs = wasLagging ? budget.update(rawGap) : budget.budgetMs;
      let target = sim.nowMs + gap * speed;
      // Stop at a narration pause so the audience can think before it happens.
      const pauseBeat = sim.narration().find((b) => b.kind === "pause" && b.atMs > sim.nowMs && b.atMs <= target);
      if (pauseBeat) target = pauseBeat.atMs;
      const started = performance.now();
      let lagging = false;
      let steps = 0;
      while (sim.nextEventAtMs() < target) {
        sim.step();
        if (++steps % STEPS_PER_CLOCK_READ === 0 && performance.now() - started > budgetMs) {
          lagging = true;
          break;
        }
      }
      if (!lagging) {
        if (pauseBeat) sim.runToBefore(pauseBeat.atMs);
        else sim.runUntil(Math.floor(target * 1000) / 1000);
      }
      wasLagging = lagging;
      advanced(lagging);
      if (pauseBeat && !lagging) pause();
    } else wasLagging = false;
    handle = requestAnimationFrame(frame);
  };
  handle = requestAnimationFrame(frame);
  return () => cancelAnimationFrame(handle);
}
