// The one animation-frame loop that owns wall time. Each frame it advances
// the engine by elapsed wall time × speed, but never spends more than a
// small budget of the frame on engine work: if a busy scenario cannot keep
// up, virtual time slows down instead of the page freezing.

import { advanced, pause, simStore } from "../store/simStore.ts";

const WORK_BUDGET_MS = 8;
/** A long pause (a background tab) must not turn into one giant step. */
const MAX_FRAME_GAP_MS = 100;

export function startFrameLoop(): () => void {
  let last = performance.now();
  let handle = 0;
  const frame = (now: number) => {
    const gap = Math.min(now - last, MAX_FRAME_GAP_MS);
    last = now;
    const { playing, speed, sim } = simStore.getState();
    if (playing) {
      let target = sim.nowMs + gap * speed;
      // Stop at a narration pause so the audience can think before it happens.
      const pauseBeat = sim.narration().find((b) => b.kind === "pause" && b.atMs > sim.nowMs && b.atMs <= target);
      if (pauseBeat) target = pauseBeat.atMs;
      const started = performance.now();
      let lagging = false;
      let steps = 0;
      while (sim.nextEventAtMs() < target) {
        sim.step();
        if (++steps % 32 === 0 && performance.now() - started > WORK_BUDGET_MS) {
          lagging = true;
          break;
        }
      }
      if (!lagging) {
        if (pauseBeat) sim.runToBefore(pauseBeat.atMs);
        else sim.runUntil(Math.floor(target * 1000) / 1000);
      }
      advanced(lagging);
      if (pauseBeat && !lagging) pause();
    }
    handle = requestAnimationFrame(frame);
  };
  handle = requestAnimationFrame(frame);
  return () => cancelAnimationFrame(handle);
}
