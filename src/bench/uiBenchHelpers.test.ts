import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { deltas, gzipBytes, initialJsFiles, percentile, type Manifest } from "./uiBenchHelpers.ts";

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile(xs, 1)).toBe(1);
  });

  it("does not reorder its input, and is NaN for no samples", () => {
    const xs = [3, 1, 2];
    expect(percentile(xs, 99)).toBe(3);
    expect(xs).toEqual([3, 1, 2]);
    expect(percentile([], 95)).toBeNaN();
  });
});

describe("deltas", () => {
  it("gives the gaps between timestamps", () => {
    expect(deltas([0, 16.5, 33.5, 50])).toEqual([16.5, 17, 16.5]);
    expect(deltas([7])).toEqual([]);
  });
});

describe("gzipBytes", () => {
  it("is the length of a valid gzip stream", () => {
    const text = "const a = 1;\n".repeat(1000);
    const n = gzipBytes(text);
    expect(n).toBeGreaterThan(18);
    expect(n).toBeLessThan(text.length / 10);
  });

  it("matches node:zlib at level 9", () => {
    const data = new TextEncoder().encode("hello");
    expect(gunzipSync(gzipSync(data, { level: 9 })).toString()).toBe("hello");
    expect(gzipBytes(data)).toBe(gzipSync(data, { level: 9 }).length);
  });
});

describe("initialJsFiles", () => {
  const html = `<!doctype html><html><head>
    <script type="module" crossorigin src="/assets/index-abc.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/vendor-def.js">
    <link rel="stylesheet" crossorigin href="/assets/index-xyz.css">
    <link rel="icon" href="/favicon.svg">
    <script src="https://example.com/analytics.js"></script>
  </head><body><div id="root"></div></body></html>`;

  const manifest: Manifest = {
    "index.html": {
      file: "assets/index-abc.js",
      isEntry: true,
      imports: ["_vendor-def.js"],
      dynamicImports: ["src/lazy.tsx"],
      css: ["assets/index-xyz.css"],
    },
    "_vendor-def.js": { file: "assets/vendor-def.js", imports: ["_shared-ghi.js"] },
    "_shared-ghi.js": { file: "assets/shared-ghi.js", imports: ["_vendor-def.js"] },
    "src/lazy.tsx": { file: "assets/lazy-jkl.js", imports: ["_shared-ghi.js"] },
  };

  it("takes the entry and its static imports, transitively, but not lazy chunks", () => {
    expect(initialJsFiles(html, manifest)).toEqual([
      "assets/index-abc.js",
      "assets/shared-ghi.js",
      "assets/vendor-def.js",
    ]);
  });

  it("reads module scripts and preloads from the HTML alone when there is no manifest", () => {
    expect(initialJsFiles(html, {})).toEqual(["assets/index-abc.js", "assets/vendor-def.js"]);
  });

  it("ignores classic scripts, styles and absolute URLs", () => {
    expect(initialJsFiles(`<script src="/a.js"></script><link rel="preload" href="/b.js">`, {})).toEqual([]);
  });
});
