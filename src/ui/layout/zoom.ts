// Pure math of the cluster view's zoom and pan: a transform (screen = content ×
// k + (x, y)) kept inside bounds, zoomed around a point, stepped by keys, and
// the content width that keeps broker cards readable. React state holds the
// transform; ClusterView renders it as one <g transform>.
//
//   "fit"  = the content's width fills the view, top aligned (the start view);
//   min k  = the whole content in view (an overview of a tall cluster);
//   max k  = MAX_ZOOM.

import { sideGaps, SIZES } from "./cluster.ts";

export interface ZoomTransform {
  k: number;
  x: number;
  y: number;
}

export interface ZoomBounds {
  /** The visible box (the SVG), in screen pixels. */
  viewW: number;
  viewH: number;
  /** The laid-out content, in content units. */
  contentW: number;
  contentH: number;
}

export const MAX_ZOOM = 4;
/** One press of Zoom in / Zoom out (two presses double the scale). */
export const ZOOM_STEP = Math.SQRT2;
/** Narrowest readable broker card and controller node ("RUNNING", "c2 Follower"). */
export const MIN_BROKER_WIDTH = 92;
export const MIN_CONTROL_NODE_WIDTH = 96;
/** Up to this size the cluster is readable at fit; beyond it the view suggests zooming or one topic. */
export const READABLE = { brokers: 6, partitions: 12, replicas: 3 };

/** The start view's scale: the content's width fills the view (never enlarged). */
export function fitScale(b: ZoomBounds): number {
  if (b.contentW <= 0 || b.viewW <= 0) return 1;
  return Math.min(1, b.viewW / b.contentW);
}

/** The smallest scale: the whole content in view. */
export function minScale(b: ZoomBounds): number {
  if (b.contentH <= 0 || b.viewH <= 0) return fitScale(b);
  return Math.min(fitScale(b), b.viewH / b.contentH);
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** A scale inside [minScale, MAX_ZOOM]. */
export function clampScale(k: number, b: ZoomBounds): number {
  return clamp(k, minScale(b), Math.max(minScale(b), MAX_ZOOM));
}

/**
 * Keeps the content covering the view: a dimension larger than the view may
 * pan only until its edge meets the view's edge; a smaller one is centred
 * (across) or top aligned (down).
 */
export function clampTransform(t: ZoomTransform, b: ZoomBounds): ZoomTransform {
  const k = clampScale(t.k, b);
  const w = b.contentW * k;
  const h = b.contentH * k;
  const x = w <= b.viewW ? (b.viewW - w) / 2 : clamp(t.x, b.viewW - w, 0);
  const y = h <= b.viewH ? 0 : clamp(t.y, b.viewH - h, 0);
  return { k, x, y };
}

/** The start view ("Fit"): the width fills the view, the top of the content at the top. */
export function fitTransform(b: ZoomBounds): ZoomTransform {
  return clampTransform({ k: fitScale(b), x: 0, y: 0 }, b);
}

/** Zooms to scale `k` keeping the content point under screen point `p` where it is. */
export function zoomAround(t: ZoomTransform, k: number, p: { x: number; y: number }, b: ZoomBounds): ZoomTransform {
  const k2 = clampScale(k, b);
  const cx = (p.x - t.x) / t.k;
  const cy = (p.y - t.y) / t.k;
  return clampTransform({ k: k2, x: p.x - cx * k2, y: p.y - cy * k2 }, b);
}

/** One keyboard / button step in (+1) or out (-1), around the centre of the view. */
export function zoomStep(t: ZoomTransform, direction: 1 | -1, b: ZoomBounds): ZoomTransform {
  const k = t.k * (direction > 0 ? ZOOM_STEP : 1 / ZOOM_STEP);
  return zoomAround(t, k, { x: b.viewW / 2, y: b.viewH / 2 }, b);
}

/** Moves the content by a drag of (dx, dy) screen pixels. */
export function panBy(t: ZoomTransform, dx: number, dy: number, b: ZoomBounds): ZoomTransform {
  return clampTransform({ k: t.k, x: t.x + dx, y: t.y + dy }, b);
}

/**
 * The scale factor of one wheel event (d3-zoom's formula): a mouse wheel notch
 * (~100 px) is ×1.15; a trackpad pinch arrives as ctrl+wheel with small deltas, so
 * it counts ten times as much.
 */
export function wheelFactor(deltaY: number, deltaMode: number, ctrlKey: boolean): number {
  const perUnit = deltaMode === 1 ? 0.05 : deltaMode ? 1 : 0.002;
  return Math.pow(2, -deltaY * perUnit * (ctrlKey ? 10 : 1));
}

/** Same transform (to a tenth of a pixel / a thousandth of scale): avoids needless renders. */
export function sameTransform(a: ZoomTransform, b: ZoomTransform): boolean {
  return Math.abs(a.k - b.k) < 1e-3 && Math.abs(a.x - b.x) < 0.1 && Math.abs(a.y - b.y) < 0.1;
}

/** The SVG transform attribute. */
export function transformAttr(t: ZoomTransform): string {
  const r = (v: number, d: number) => Number(v.toFixed(d));
  return `translate(${r(t.x, 1)},${r(t.y, 1)}) scale(${r(t.k, 4)})`;
}

/** Reads back `transformAttr` (tests). */
export function parseTransform(attr: string): ZoomTransform | null {
  const m = /translate\(([-\d.e]+),([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(attr);
  return m ? { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) } : null;
}

/**
 * The width to lay the content out at: the view's width, or wider when the
 * brokers (or controller nodes) would be squeezed below a readable card; the
 * fit scale then shrinks it into the view, and zooming in makes it readable.
 */
export function contentWidthFor(input: {
  viewW: number;
  brokers: number;
  controlNodes: number;
  producers: boolean;
  groups: boolean;
}): number {
  const S = SIZES;
  const gaps = sideGaps(input.producers, input.groups);
  const left = input.producers ? S.pad + S.producerWidth + gaps.left : S.pad;
  const right = gaps.right + (input.groups ? S.consumerWidthWithGroups : S.consumerWidth) + S.pad;
  const row = (n: number, w: number, gap: number) => (n > 0 ? n * w + gap * (n - 1) : 0);
  const mid = Math.max(
    row(input.brokers, MIN_BROKER_WIDTH, 12),
    110 + row(input.controlNodes, MIN_CONTROL_NODE_WIDTH, 10),
  );
  return Math.max(input.viewW, Math.ceil(left + mid + right));
}

/** Larger than the cluster the view is made readable for (6 brokers × 12 partitions × RF 3), or squeezed at fit. */
export function isBigCluster(input: {
  brokers: number;
  partitions: number;
  maxReplicas: number;
  fitK: number;
}): boolean {
  return (
    input.brokers > READABLE.brokers ||
    input.partitions > READABLE.partitions ||
    input.maxReplicas > READABLE.replicas ||
    input.fitK < 0.999
  );
}
