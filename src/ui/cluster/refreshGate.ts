// While the clock runs, the cluster view re-renders every frame (the dots
// move), but the log lanes and the cards need not: redrawing every record cell
// of every lane at 60 Hz was most of a Boxing Day frame (React, then style,
// layout and paint of ~1,000 changed SVG nodes). A memoised card or block
// redraws when what frames it changed (its box, the selection…) or when its
// refresh is due (simStore's `refreshKey`: every revision while paused, every
// few frames at a phase of its own while playing). This module remembers at
// which refresh each set of props was drawn.

import { refreshKey, REFRESH_FRAMES, simStore } from "../../store/simStore.ts";
import type { Box } from "../layout/cluster.ts";

const drawnAt = new WeakMap<object, number>();

/** Call while rendering: these props are drawn at the current refresh of `slot`. */
export function markDrawn(props: object, slot: number, every: number = REFRESH_FRAMES): void {
  drawnAt.set(props, refreshKey(simStore.getState(), slot, every));
}

/** True when the props last drawn (`prev`) are older than the current refresh of `slot` (or unknown). */
export function refreshDue(prev: object, slot: number, every: number = REFRESH_FRAMES): boolean {
  const at = drawnAt.get(prev);
  return at === undefined || at !== refreshKey(simStore.getState(), slot, every);
}

/** A small stable number for a string (spreads ids over refresh slots). */
export function slotOf(id: string | number): number {
  if (typeof id === "number") return Math.abs(Math.trunc(id));
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function sameBox(a: Box, b: Box): boolean {
  return a === b || (a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h);
}
