// Pure geometry: nodes on a circle, and where a message in flight is at a
// given playhead. Never read back from the DOM.

export interface Point {
  x: number;
  y: number;
}

export function ringPositions(ids: readonly string[], width: number, height: number, margin = 90): Map<string, Point> {
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.max(10, Math.min(width, height) / 2 - margin);
  const out = new Map<string, Point>();
  ids.forEach((id, i) => {
    // Start at the top and go clockwise, so n1 is always at twelve o'clock.
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, ids.length);
    out.set(id, { x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) });
  });
  return out;
}

/** The fraction of its path a message has covered at `nowMs`, in [0, 1]. */
export function progressAt(sentAtMs: number, deliverAtMs: number, nowMs: number): number {
  if (deliverAtMs <= sentAtMs) return 1;
  return Math.min(1, Math.max(0, (nowMs - sentAtMs) / (deliverAtMs - sentAtMs)));
}

/**
 * Where a message is: on the straight line from source to target, offset to
 * one side so that the two directions of a link do not overlap.
 */
export function messagePosition(from: Point, to: Point, progress: number, sideOffset = 10): Point {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const nx = -dy / len;
  const ny = dx / len;
  return {
    x: from.x + dx * progress + nx * sideOffset,
    y: from.y + dy * progress + ny * sideOffset,
  };
}
