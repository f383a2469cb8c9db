// Zoom and pan of the cluster SVG. The transform is React state rendered as one
// <g transform> around the content (layout/zoom.ts does the math): the wheel or
// a pinch zooms around the pointer, a drag that starts on the background pans
// (a drag that starts on a button is left alone), the buttons and i / o / 0 step
// around the centre or go back to fit. Null state means "fit", so the start view
// follows resizes and new layouts until the user zooms.

import {
  useEffect,
  useEffectEvent,
  useRef,
  useState,
  type FocusEvent,
  type MouseEvent,
  type PointerEvent,
  type ReactNode,
} from "react";
import {
  MAX_ZOOM,
  clampTransform,
  fitTransform,
  minScale,
  panBy,
  sameTransform,
  transformAttr,
  wheelFactor,
  zoomAround,
  zoomStep,
  type ZoomBounds,
  type ZoomTransform,
} from "../layout/zoom.ts";
import { onZoomCommand, type ZoomCommand } from "../zoomCommands.ts";

interface Props {
  bounds: ZoomBounds;
  /** A new value (another scenario, another topic focus) goes back to fit. */
  resetKey: string;
  /** Beyond 6 brokers × 12 partitions × RF 3 (or squeezed at fit): say how to read it. */
  big: boolean;
  /** More than one topic: the toolbar's Topic select can focus on one. */
  topicSelect: boolean;
  /** Hide the hint (partition mode covers the bottom of the stage). */
  quiet: boolean;
  /** Where the buttons go: the empty corner above the producers, or the right when there are none. */
  corner: "left" | "right";
  animate: boolean;
  svg: {
    className: string;
    role: string;
    "aria-label": string;
    "data-testid": string;
    "data-mode": string;
    onClick: () => void;
  };
  children: ReactNode;
}

interface Zoom {
  key: string;
  t: ZoomTransform | null;
  smooth: boolean;
}

interface Drag {
  id: number;
  x: number;
  y: number;
  from: ZoomTransform;
  moved: boolean;
}

/** Drags that start on these are theirs (click, their own drag), never a pan. */
const NOT_BACKGROUND = '[role="button"], button, a, input, select, textarea, [data-no-pan]';

export function ZoomStage({ bounds, resetKey, big, topicSelect, quiet, corner, animate, svg, children }: Props) {
  const svgRef = useRef<SVGSVGElement>(null);
  const drag = useRef<Drag | null>(null);
  const swallowClick = useRef(false);
  const pointerFocus = useRef(false);
  const [zoom, setZoom] = useState<Zoom>({ key: resetKey, t: null, smooth: false });
  const [panning, setPanning] = useState(false);

  const fit = fitTransform(bounds);
  const explicit = zoom.key === resetKey ? zoom.t : null;
  const t = explicit ? clampTransform(explicit, bounds) : fit;
  const atFit = sameTransform(t, fit);
  const minK = minScale(bounds);
  const pannable = bounds.contentW * t.k > bounds.viewW + 0.5 || bounds.contentH * t.k > bounds.viewH + 0.5;

  const set = (next: ZoomTransform | null, smooth: boolean) => setZoom({ key: resetKey, t: next, smooth });
  // From the latest state, not this render's: several wheel events or key presses may come before the next render.
  const update = (f: (from: ZoomTransform) => ZoomTransform, smooth: boolean) =>
    setZoom((z) => {
      const from = z.key === resetKey && z.t ? clampTransform(z.t, bounds) : fitTransform(bounds);
      const next = f(from);
      return sameTransform(next, from) && z.key === resetKey ? z : { key: resetKey, t: next, smooth };
    });
  const command = (c: ZoomCommand) => {
    if (c === "fit") set(null, true);
    else update((from) => zoomStep(from, c === "in" ? 1 : -1, bounds), true);
  };

  const onCommand = useEffectEvent(command);
  useEffect(() => onZoomCommand((c) => onCommand(c)), []);

  const onWheel = useEffectEvent((e: WheelEvent) => {
    const el = svgRef.current;
    if (!el || (e.deltaY === 0 && e.deltaX === 0)) return;
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode ? bounds.viewH : 1;
    // Shift + wheel scrolls up and down; a sideways swipe scrolls across; the rest zooms.
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const [dx, dy] = e.shiftKey ? [0, -(e.deltaY || e.deltaX)] : [-e.deltaX, 0];
      update((from) => panBy(from, dx * unit, dy * unit, bounds), false);
      return;
    }
    const r = el.getBoundingClientRect();
    const p = { x: e.clientX - r.left, y: e.clientY - r.top };
    const factor = wheelFactor(e.deltaY, e.deltaMode, e.ctrlKey);
    update((from) => zoomAround(from, from.k * factor, p, bounds), false);
  });
  useEffect(() => {
    const el = svgRef.current;
    if (!el) return;
    // Not React's onWheel: that listener is passive and cannot keep the page from scrolling or zooming.
    const listener = (e: WheelEvent) => onWheel(e);
    el.addEventListener("wheel", listener, { passive: false });
    return () => el.removeEventListener("wheel", listener);
  }, []);

  const down = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0 || !pannable) return;
    if ((e.target as Element).closest(NOT_BACKGROUND)) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, from: t, moved: false };
  };
  const move = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved) {
      if (Math.hypot(dx, dy) < 4) return;
      d.moved = true;
      e.currentTarget.setPointerCapture?.(e.pointerId);
      setPanning(true);
    }
    set(panBy(d.from, dx, dy, bounds), false);
  };
  const up = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    drag.current = null;
    if (d.moved) {
      swallowClick.current = true;
      setPanning(false);
    }
  };
  // The click that ends a pan is not a click on the background (which clears the selection).
  const clickCapture = (e: MouseEvent<SVGSVGElement>) => {
    if (!swallowClick.current) return;
    swallowClick.current = false;
    e.stopPropagation();
  };
  // Tabbing to a card or lane outside the view (or focusing it from code) brings it into view; a click does not pan.
  const focusCapture = (e: FocusEvent<SVGSVGElement>) => {
    const el = e.target as Element;
    if (pointerFocus.current) {
      pointerFocus.current = false;
      return;
    }
    if (!svgRef.current) return;
    const v = svgRef.current.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    const margin = 12;
    const dx = r.left < v.left ? v.left - r.left + margin : r.right > v.right ? v.right - r.right - margin : 0;
    const dy = r.top < v.top ? v.top - r.top + margin : r.bottom > v.bottom ? v.bottom - r.bottom - margin : 0;
    if (dx !== 0 || dy !== 0) update((from) => panBy(from, dx, dy, bounds), true);
  };

  const smooth = animate && zoom.smooth && !panning;
  const attr = transformAttr(t);
  return (
    <>
      <svg
        ref={svgRef}
        {...svg}
        className={`${svg.className}${panning ? " panning" : ""}`}
        width={bounds.viewW}
        height={bounds.viewH}
        data-pannable={pannable}
        onPointerDownCapture={() => (pointerFocus.current = true)}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUpCapture={() => (pointerFocus.current = false)}
        onPointerUp={up}
        onPointerCancel={() => {
          drag.current = null;
          setPanning(false);
        }}
        onClickCapture={clickCapture}
        onFocusCapture={focusCapture}
      >
        <rect className="zoom-background" width={bounds.viewW} height={bounds.viewH} data-testid="cluster-background" />
        <g
          data-testid="cluster-content"
          transform={attr}
          data-zoom={t.k.toFixed(4)}
          data-at-fit={atFit}
          // CSS transitions apply to the CSS transform, not the attribute: the same value, eased.
          style={{ transform: cssTransform(t), transition: smooth ? "transform 200ms ease-out" : "none" }}
        >
          {children}
        </g>
        <ScrollMarks t={t} bounds={bounds} />
      </svg>
      <div className={`zoom-controls at-${corner}`} role="group" aria-label="Zoom">
        <button
          type="button"
          aria-label="Zoom out"
          title="Zoom out (o, or the mouse wheel)"
          aria-keyshortcuts="o"
          disabled={t.k <= minK + 1e-3}
          onClick={() => command("out")}
        >
          −
        </button>
        <button
          type="button"
          aria-label="Zoom in"
          title="Zoom in (i, or the mouse wheel); drag the background to pan"
          aria-keyshortcuts="i"
          disabled={t.k >= MAX_ZOOM - 1e-3}
          onClick={() => command("in")}
        >
          +
        </button>
        <button
          type="button"
          title="Fit the width to the view (0)"
          aria-keyshortcuts="0"
          onClick={() => command("fit")}
        >
          Fit
        </button>
      </div>
      {big && atFit && !quiet ? (
        <p className="zoom-hint" data-testid="zoom-hint">
          Big cluster: zoom in (wheel or i) and drag to pan{topicSelect ? ", or pick one Topic above" : ""}
        </p>
      ) : null}
    </>
  );
}

/** Where the view is in a content larger than it: thin bars at the right and bottom edges, like scroll bars. */
function ScrollMarks({ t, bounds: b }: { t: ZoomTransform; bounds: ZoomBounds }) {
  const w = b.contentW * t.k;
  const h = b.contentH * t.k;
  const bar = 5;
  return (
    <g className="zoom-scrollbars" aria-hidden="true" data-testid="zoom-scrollbars">
      {h > b.viewH + 0.5 ? (
        <rect
          x={b.viewW - bar - 2}
          y={(-t.y / h) * b.viewH}
          width={bar}
          height={(b.viewH / h) * b.viewH}
          rx={bar / 2}
        />
      ) : null}
      {w > b.viewW + 0.5 ? (
        <rect
          x={(-t.x / w) * b.viewW}
          y={b.viewH - bar - 2}
          width={(b.viewW / w) * b.viewW}
          height={bar}
          rx={bar / 2}
        />
      ) : null}
    </g>
  );
}

function cssTransform(t: ZoomTransform): string {
  return `translate(${t.x.toFixed(1)}px, ${t.y.toFixed(1)}px) scale(${t.k.toFixed(4)})`;
}
