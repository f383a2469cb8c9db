import { describe, expect, it } from "vitest";
import {
  MAX_ZOOM,
  ZOOM_STEP,
  clampTransform,
  contentWidthFor,
  fitScale,
  fitTransform,
  isBigCluster,
  minScale,
  panBy,
  parseTransform,
  sameTransform,
  transformAttr,
  wheelFactor,
  zoomAround,
  zoomStep,
  type ZoomBounds,
} from "./zoom.ts";

// A 9-broker cluster laid out wider and taller than its 900 × 480 view.
const big: ZoomBounds = { viewW: 900, viewH: 480, contentW: 1200, contentH: 2400 };
// The default scenario: the content is exactly the view.
const small: ZoomBounds = { viewW: 900, viewH: 480, contentW: 900, contentH: 480 };

describe("fit and limits", () => {
  it("fit fills the width, top aligned; the minimum shows the whole content", () => {
    expect(fitScale(big)).toBeCloseTo(0.75);
    expect(fitTransform(big)).toEqual({ k: 0.75, x: 0, y: 0 });
    expect(minScale(big)).toBeCloseTo(0.2);
    expect(fitTransform(small)).toEqual({ k: 1, x: 0, y: 0 });
    expect(minScale(small)).toBe(1);
  });

  it("never enlarges at fit, and clamps the scale to [min, MAX_ZOOM]", () => {
    expect(fitScale({ viewW: 900, viewH: 480, contentW: 640, contentH: 360 })).toBe(1);
    expect(clampTransform({ k: 99, x: 0, y: 0 }, big).k).toBe(MAX_ZOOM);
    expect(clampTransform({ k: 0.01, x: 0, y: 0 }, big).k).toBeCloseTo(0.2);
    expect(clampTransform({ k: 0.5, x: 0, y: 0 }, small).k).toBe(1);
  });

  it("keeps a larger content covering the view and centres a narrower one", () => {
    // At 2× the content is 2400 × 4800: it can pan until its edges meet the view's.
    expect(clampTransform({ k: 2, x: 100, y: 50 }, big)).toEqual({ k: 2, x: 0, y: 0 });
    expect(clampTransform({ k: 2, x: -9999, y: -9999 }, big)).toEqual({ k: 2, x: 900 - 2400, y: 480 - 4800 });
    // At the minimum (0.2) it is 240 wide: centred across, top aligned.
    expect(clampTransform({ k: 0.2, x: -50, y: 30 }, big)).toEqual({ k: 0.2, x: (900 - 240) / 2, y: 0 });
  });
});

describe("zoom around a point", () => {
  it("keeps the content point under the pointer in place", () => {
    const t = { k: 1, x: -100, y: -200 };
    const b = { ...big, viewW: 900, viewH: 480 };
    const p = { x: 400, y: 300 };
    const before = { x: (p.x - t.x) / t.k, y: (p.y - t.y) / t.k };
    const z = zoomAround(t, 2, p, b);
    expect(z.k).toBe(2);
    expect((p.x - z.x) / z.k).toBeCloseTo(before.x);
    expect((p.y - z.y) / z.k).toBeCloseTo(before.y);
  });

  it("steps by ZOOM_STEP around the view's centre, and out again to where it was", () => {
    const fit = fitTransform(big);
    const inOnce = zoomStep(fit, 1, big);
    expect(inOnce.k).toBeCloseTo(0.75 * ZOOM_STEP);
    const centre = { x: 450, y: 240 };
    expect((centre.x - inOnce.x) / inOnce.k).toBeCloseTo((centre.x - fit.x) / fit.k);
    expect(sameTransform(zoomStep(inOnce, -1, big), fit)).toBe(true);
    // Out of the default view stops at the whole-content minimum.
    let t = fit;
    for (let i = 0; i < 10; i++) t = zoomStep(t, -1, big);
    expect(t.k).toBeCloseTo(minScale(big));
    for (let i = 0; i < 20; i++) t = zoomStep(t, 1, big);
    expect(t.k).toBe(MAX_ZOOM);
  });

  it("pans within bounds", () => {
    const t = zoomStep(fitTransform(big), 1, big);
    const moved = panBy(t, -50, -80, big);
    expect(moved.x).toBeCloseTo(t.x - 50);
    expect(moved.y).toBeCloseTo(t.y - 80);
    expect(panBy(fitTransform(small), -50, -80, small)).toEqual({ k: 1, x: 0, y: 0 });
  });

  it("wheel: a notch down zooms out, up zooms in; a pinch (ctrl) counts more", () => {
    expect(wheelFactor(100, 0, false)).toBeLessThan(1);
    expect(wheelFactor(-100, 0, false)).toBeGreaterThan(1);
    expect(wheelFactor(-10, 0, true)).toBeCloseTo(wheelFactor(-100, 0, false));
    expect(wheelFactor(-3, 1, false)).toBeCloseTo(Math.pow(2, 0.15));
  });
});

describe("attribute and content width", () => {
  it("writes and reads the transform attribute", () => {
    const attr = transformAttr({ k: 1.41421356, x: -12.345, y: 0 });
    expect(attr).toBe("translate(-12.3,0) scale(1.4142)");
    expect(parseTransform(attr)).toEqual({ k: 1.4142, x: -12.3, y: 0 });
    expect(parseTransform("rotate(3)")).toBeNull();
  });

  it("widens the content only when brokers would be squeezed", () => {
    const base = { viewW: 906, controlNodes: 3, producers: true, groups: false };
    expect(contentWidthFor({ ...base, brokers: 3 })).toBe(906);
    expect(contentWidthFor({ ...base, brokers: 6 })).toBe(906);
    const nine = contentWidthFor({ ...base, brokers: 9 });
    expect(nine).toBeGreaterThan(906);
    // Each of the 9 cards gets at least 92 px between the producer and consumer columns.
    expect((nine - 168 - 116 - 12 * 8) / 9).toBeGreaterThanOrEqual(92);
  });

  it("a big cluster is beyond 6 × 12 × RF 3 or squeezed at fit", () => {
    expect(isBigCluster({ brokers: 6, partitions: 12, maxReplicas: 3, fitK: 1 })).toBe(false);
    expect(isBigCluster({ brokers: 9, partitions: 24, maxReplicas: 3, fitK: 0.75 })).toBe(true);
    expect(isBigCluster({ brokers: 3, partitions: 13, maxReplicas: 3, fitK: 1 })).toBe(true);
    expect(isBigCluster({ brokers: 3, partitions: 1, maxReplicas: 3, fitK: 0.9 })).toBe(true);
  });
});
