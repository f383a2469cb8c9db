// The UI figures of `npm run bench`, measured in headless Chromium in one run:
//
//   ui.initial_js_gzip_kb   the JavaScript index.html loads before the first
//                           paint (entry chunk and its static imports, not lazy
//                           chunks), gzipped at level 9, in kB of 1000 bytes
//                           (as Vite reports sizes)
//   ui.idle_frame_ms_p95    requestAnimationFrame gaps on an idle page (paused)
//   ui.frame_ms_p95 / p99   the same while the Boxing Day workload plays at 1×
//                           with the moving dots on
//   ui.boxingday_sim_speed  virtual ms per wall ms over that window: the frame
//                           loop (src/ui/frameLoop.ts) slows virtual time when
//                           the engine cannot keep up, so a good frame time
//                           with a low sim speed means the work was shed, not done
//
// It builds the app with Vite into node_modules/.cache/ui-bench-dist (not
// dist/, which Playwright's tests use), serves it with `vite preview` on a
// free port (never 4173 or 5173), and drives Debian's Chromium
// (/usr/bin/chromium, or CHROMIUM_PATH) with the launch arguments of
// playwright.config.ts. Never `npx playwright install`.
//
// Frame gaps are taken inside the page: a requestAnimationFrame loop records
// the timestamp each callback is given (the frame's begin time). Headless
// Chromium (156, --disable-gpu) is not free-running: it paces frames with its
// own 60 Hz begin-frame clock, so an idle page shows gaps of 16.6-16.8 ms and
// a busy one multiples of 16.7 when frames are missed. performance.now()
// read inside the callback adds main-thread scheduling jitter on top (idle
// p95 ~20 ms on a shared 2-core machine) without saying more about missed
// frames, so the begin times are used.
//
// The page is served cross-origin isolated (COOP/COEP headers, checked in
// the page), because Chromium otherwise coarsens every timestamp, the frame
// begin times included, to 100 µs with random jitter: an idle 60 Hz page
// then shows gaps of 16.5-16.8 ms and a p95 of 16.8 though no frame was
// missed. Isolated, timestamps have 5 µs resolution and idle gaps read
// 16.66-16.67 ms. Nothing else about the page changes (it loads nothing
// from other origins).

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, devices, type Browser, type Page } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from "../../e2e/chromium.ts";
import { build, preview, type PreviewServer } from "vite";
import { BOXING_DAY_SCENARIO } from "./clusterBench.ts";
import { deltas, gzipBytes, initialJsFiles, percentile, type Manifest } from "./uiBenchHelpers.ts";

type Print = (name: string, value: number, unit: string, digits?: number) => void;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT_DIR = path.join(ROOT, "node_modules/.cache/ui-bench-dist");
const PREFERRED_PORT = 4179;
const IDLE_MS = 3_000;
const BUSY_MS = 10_000;
const FRAME_TARGET_MS = 16.7;
/** Headers that make the page cross-origin isolated, for 5 µs timestamps (see the top of this file). */
const CROSS_ORIGIN_ISOLATED = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};
const INITIAL_JS_TARGET_KB = 250;

function defaultPrint(name: string, value: number, unit: string, digits = 0): void {
  console.log(`${name}: ${value.toFixed(digits)} ${unit}`);
}

/** PREFERRED_PORT when it is free, else any free port the system gives. */
function freePort(): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        const got = typeof address === "object" && address ? address.port : port;
        server.close(() => resolve(got));
      });
    });
  return tryListen(PREFERRED_PORT).catch(() => tryListen(0));
}

async function buildApp(): Promise<void> {
  await build({
    root: ROOT,
    logLevel: "error",
    build: { outDir: OUT_DIR, emptyOutDir: true, manifest: true },
  });
}

async function initialJsGzipKb(): Promise<{ kb: number; files: string[] }> {
  const html = await readFile(path.join(OUT_DIR, "index.html"), "utf8");
  const manifestPath = path.join(OUT_DIR, ".vite/manifest.json");
  const manifest = existsSync(manifestPath) ? (JSON.parse(await readFile(manifestPath, "utf8")) as Manifest) : {};
  const files = initialJsFiles(html, manifest);
  if (files.length === 0) throw new Error("ui bench: index.html loads no JavaScript (is the build broken?)");
  let bytes = 0;
  for (const f of files) bytes += gzipBytes(await readFile(path.join(OUT_DIR, f)));
  return { kb: bytes / 1000, files };
}

/**
 * Installed before the page's own scripts: keeps the real requestAnimationFrame
 * for the recorder, and times the page's own frame callbacks (only the frame
 * loop uses them): the callback itself (engine stepping, then the store
 * update) and the microtask queued right after it, which runs once React has
 * rendered and committed the store update (a sync-lane render flushed in a
 * microtask queued during the callback; the derived view is computed there).
 * tsx compiles this file with esbuild's keepNames, which wraps the functions
 * given to page.evaluate in a `__name(fn, "name")` helper the page lacks.
 */
const PAGE_INIT = `
globalThis.__name = (fn) => fn;
(() => {
  const raf = window.requestAnimationFrame.bind(window);
  const probe = (window.__uiBench = { raf, on: false, callbackMs: [], afterMs: [] });
  window.requestAnimationFrame = (cb) =>
    raf((t) => {
      if (!probe.on) return cb(t);
      const t0 = performance.now();
      cb(t);
      const t1 = performance.now();
      probe.callbackMs.push(t1 - t0);
      queueMicrotask(() => probe.afterMs.push(performance.now() - t1));
    });
})();
`;

interface Probe {
  raf: typeof requestAnimationFrame;
  on: boolean;
  callbackMs: number[];
  afterMs: number[];
}

interface Recording {
  /** requestAnimationFrame timestamps (the frames' begin times). */
  stamps: number[];
  /** Wall ms and virtual ms at the start and end of the window. */
  wallMs: [number, number];
  simMs: [number, number];
  /** The page's frame callbacks and the React work after each (see PAGE_INIT). */
  callbackMs: number[];
  afterMs: number[];
}

/** Frame timestamps for `ms` of wall time, taken in the page. */
function recordFrames(page: Page, ms: number): Promise<Recording> {
  return page.evaluate(async (ms) => {
    const probe = (window as unknown as { __uiBench: Probe }).__uiBench;
    const simNow = () => window.__kafkaSim?.state().nowMs ?? NaN;
    const stamps: number[] = [];
    probe.callbackMs = [];
    probe.afterMs = [];
    probe.on = true;
    const wall0 = performance.now();
    const sim0 = simNow();
    await new Promise<void>((resolve) => {
      const tick = (t: number) => {
        stamps.push(t);
        if (performance.now() - wall0 < ms) probe.raf(tick);
        else resolve();
      };
      probe.raf(tick);
    });
    const wall1 = performance.now();
    const sim1 = simNow();
    probe.on = false;
    return {
      stamps,
      wallMs: [wall0, wall1] as [number, number],
      simMs: [sim0, sim1] as [number, number],
      callbackMs: probe.callbackMs,
      afterMs: probe.afterMs,
    };
  }, ms);
}

async function settle(page: Page, ms: number): Promise<void> {
  await page.evaluate((ms) => new Promise((r) => setTimeout(r, ms)), ms);
}

export async function runUiBench(print: Print = defaultPrint): Promise<void> {
  const executablePath = CHROMIUM_EXECUTABLE;
  if (!existsSync(executablePath)) {
    console.log(`ui.skipped: no Chromium at ${executablePath} (set CHROMIUM_PATH, or BENCH_SKIP_UI=1)`);
    return;
  }

  await buildApp();
  const js = await initialJsGzipKb();
  print(
    "ui.initial_js_gzip_kb",
    js.kb,
    `kB gzipped, ${js.files.length} file(s) (target <= ${INITIAL_JS_TARGET_KB})`,
    1,
  );

  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  try {
    const port = await freePort();
    server = await preview({
      root: ROOT,
      logLevel: "warn",
      build: { outDir: OUT_DIR },
      preview: { host: "127.0.0.1", port, strictPort: true, open: false, headers: CROSS_ORIGIN_ISOLATED },
    });
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({
      ...devices["Desktop Chrome"],
      viewport: { width: 1280, height: 720 },
      reducedMotion: "no-preference",
    });
    await context.addInitScript(PAGE_INIT);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));

    // Idle: the first page, paused, after it has settled.
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: "networkidle" });
    await page.waitForFunction(() => window.__kafkaSim !== undefined);
    if (!(await page.evaluate(() => crossOriginIsolated)))
      throw new Error("ui bench: the page is not cross-origin isolated; frame times would be coarsened to 100 µs");
    await page.getByRole("button", { name: "Play", exact: true }).waitFor();
    await settle(page, 1000);
    const idle = await recordFrames(page, IDLE_MS);
    const idleGaps = deltas(idle.stamps);
    print("ui.idle_frame_ms_p95", percentile(idleGaps, 95), `ms (${idleGaps.length} frames)`, 1);

    // Busy: Boxing Day at 1× with the moving dots on, played with the real buttons.
    await page.evaluate((s) => window.__kafkaSim!.loadValue(s), BOXING_DAY_SCENARIO);
    const loaded = await page.evaluate(() => window.__kafkaSim!.scenario().title);
    if (loaded !== BOXING_DAY_SCENARIO.title) throw new Error(`ui bench: Boxing Day did not load (open: ${loaded})`);
    await page.getByRole("combobox", { name: "Speed" }).selectOption("1");
    await page.getByRole("checkbox", { name: "moving dots" }).check();
    if (await page.evaluate(() => matchMedia("(prefers-reduced-motion: reduce)").matches))
      throw new Error("ui bench: the page asks for reduced motion; the dots would not move");
    await settle(page, 500);
    await page.getByRole("button", { name: "Play", exact: true }).click();
    const busy = await recordFrames(page, BUSY_MS);
    const state = await page.evaluate(() => window.__kafkaSim!.state());
    if (!state.playing || state.speed !== 1) throw new Error(`ui bench: not playing at 1× (${JSON.stringify(state)})`);
    await page.getByRole("button", { name: "Pause", exact: true }).click();

    const gaps = deltas(busy.stamps);
    const wallMs = busy.wallMs[1] - busy.wallMs[0];
    print("ui.frame_ms_p95", percentile(gaps, 95), `ms (target <= ${FRAME_TARGET_MS})`, 1);
    print("ui.frame_ms_p99", percentile(gaps, 99), "ms", 1);
    print("ui.boxingday_sim_speed", (busy.simMs[1] - busy.simMs[0]) / wallMs, "x real time (at 1×)", 2);
    print(
      "ui.boxingday_frames",
      gaps.length,
      `frames in ${(wallMs / 1000).toFixed(1)} s (median gap ${percentile(gaps, 50).toFixed(1)} ms)`,
    );
    // Where a frame goes: what the rest of the frame gap leaves is style, layout,
    // paint, timers and GC.
    print("ui.boxingday_frame_loop_ms_p50", percentile(busy.callbackMs, 50), "ms (engine stepping, budget 8)", 1);
    print("ui.boxingday_react_ms_p50", percentile(busy.afterMs, 50), "ms (store update: derive, render, commit)", 1);
    if (pageErrors.length > 0) throw new Error(`ui bench: the page threw: ${pageErrors.join("; ")}`);
  } finally {
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  }
}
