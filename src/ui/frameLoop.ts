// The one animation-frame loop that owns wall time. Each frame it advances
// the engine by elapsed wall time × speed, but never spends more than a
// share of the frame on engine work: if a busy scenario cannot keep up,
// virtual time slows down instead of the page freezing.
//
// The engine's share is the time left until the frame's deadline (one
// display interval after the frame began) once the rest of the frame is
// paid for: React, style, layout and paint, measured after each frame as
// the time from the end of engine work to the first task after rendering,
// and estimated as the median of the last few. Within MIN_BUDGET_MS and
// MAX_BUDGET_MS: a frame with room lets virtual time keep up; a frame
// without still moves it a little.

import { advanced, pause, simStore } from "../store/simStore.ts";

export const MAX_BUDGET_MS = 8;
export const MIN_BUDGET_MS = 1;
/** The display interval before one is measured (60 Hz). */
const DEFAULT_INTERVAL_MS = 1000 / 60;
/** A long pause (a background tab) must not turn into one giant step. */
const MAX_FRAME_GAP_MS = 100;
/** Engine steps between two looks at the clock. */
const STEPS_PER_CLOCK_READ = 8;
/** Render costs the estimate is the median of. */
const RENDER_SAMPLES = 15;
/** Room kept for what the estimate misses (timers, GC, jitter). */
const SLACK_MS = 1;

/**
 * The engine's budget for this frame: from `nowMs` (when the frame callback
 * runs) to the frame's deadline (`frameStartMs` + `intervalMs`), minus what
 * rendering the frame is expected to cost, within [MIN_BUDGET_MS, MAX_BUDGET_MS].
 */
export function engineBudgetMs(frameStartMs: number, nowMs: number, intervalMs: number, renderMs: number): number {
  const left = frameStartMs + intervalMs - nowMs - renderMs - SLACK_MS;
  if (!(left > MIN_BUDGET_MS)) return MIN_BUDGET_MS;
  return Math.min(MAX_BUDGET_MS, left);
}

/** The median of the last `size` values pushed (0 before any). */
export class MovingMedian {
  private values: number[] = [];
  private next = 0;
  private readonly size: number;

  constructor(size: number) {
    this.size = size;
  }

  push(v: number): void {
    if (!Number.isFinite(v) || v < 0) return;
    if (this.values.length < this.size) this.values.push(v);
    else this.values[this.next] = v;
    this.next = (this.next + 1) % this.size;
  }

  get value(): number {
    const n = this.values.length;
    if (n === 0) return 0;
    const s = this.values.slice().sort((a, b) => a - b);
    return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}

/**
 * The display interval: the shortest gap between frames seen lately (60 Hz,
 * 120 Hz…), forgotten after 240 frames so a slower screen is learnt again.
 */
export class DisplayInterval {
  intervalMs = DEFAULT_INTERVAL_MS;
  private measured = false;
  private sinceShortest = 0;

  update(gapMs: number): number {
    if (!(gapMs > 0)) return this.intervalMs;
    if (!this.measured || gapMs <= this.intervalMs || ++this.sinceShortest > 240) {
      this.intervalMs = Math.max(4, gapMs);
      this.measured = true;
      this.sinceShortest = 0;
    }
    return this.intervalMs;
  }
}

export function startFrameLoop(): () => void {
  let last = performance.now();
  let handle = 0;
  const display = new DisplayInterval();
  const render = new MovingMedian(RENDER_SAMPLES);
  // After rendering, the first task measures what the frame cost past the engine.
  const channel = new MessageChannel();
  let renderFrom = -1;
  channel.port1.onmessage = () => {
    if (renderFrom >= 0) render.push(performance.now() - renderFrom);
    renderFrom = -1;
  };
  const frame = (now: number) => {
    const rawGap = now - last;
    const gap = Math.min(rawGap, MAX_FRAME_GAP_MS);
    last = now;
    display.update(rawGap);
    const { playing, speed, sim } = simStore.getState();
    if (playing) {
      let target = sim.nowMs + gap * speed;
      // Stop at a narration pause so the audience can think before it happens.
      const pauseBeat = sim.narration().find((b) => b.kind === "pause" && b.atMs > sim.nowMs && b.atMs <= target);
      if (pauseBeat) target = pauseBeat.atMs;
      const started = performance.now();
      const budgetMs = engineBudgetMs(now, started, display.intervalMs, render.value);
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
      renderFrom = performance.now();
      channel.port2.postMessage(null);
      advanced(lagging);
      if (pauseBeat && !lagging) pause();
    }
    handle = requestAnimationFrame(frame);
  };
  handle = requestAnimationFrame(frame);
  return () => {
    cancelAnimationFrame(handle);
    channel.port1.onmessage = null;
    channel.port1.close();
  };
}
