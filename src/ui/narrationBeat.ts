import type { Narration as Beat } from "../engine/index.ts";

/** The latest narration beat at or before the playhead. */
export function currentBeat(beats: readonly Beat[], nowMs: number): Beat | undefined {
  let last: Beat | undefined;
  for (const b of beats) if (b.atMs <= nowMs) last = b;
  return last;
}
