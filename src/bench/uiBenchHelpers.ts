// Pure helpers of the UI benchmark (uiBench.ts): percentiles of frame
// deltas, and which built files make up the JavaScript of the first paint.
// No browser, no Vite here, so they can be unit tested.

import { gzipSync } from "node:zlib";

/** The p-th percentile (0 < p ≤ 100) by the nearest-rank method; NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The gaps between consecutive timestamps. */
export function deltas(stamps: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < stamps.length; i++) out.push(stamps[i] - stamps[i - 1]);
  return out;
}

/** The size of `data` gzipped at level 9, in bytes. */
export function gzipBytes(data: Uint8Array | string): number {
  return gzipSync(data, { level: 9 }).length;
}

/** One chunk of Vite's build manifest (`build.manifest: true`, `.vite/manifest.json`). */
export interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export type Manifest = Record<string, ManifestChunk>;

/**
 * The JavaScript files the page fetches before its first paint, as paths
 * relative to the build's outDir: the module scripts and module preloads of
 * the built index.html, plus (as a cross-check) every manifest entry and its
 * static imports, transitively. Dynamic imports (lazy chunks) are left out.
 */
export function initialJsFiles(indexHtml: string, manifest: Manifest): string[] {
  const files = new Set<string>();
  const strip = (url: string) => url.replace(/^(\.?\/)+/, "").replace(/[?#].*$/, "");
  for (const tag of indexHtml.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']*)["']`, "i").exec(tag)?.[1];
    const isScript = /^<script/i.test(tag);
    const url = isScript ? attr("src") : attr("href");
    if (!url || /^[a-z]+:\/\//i.test(url)) continue;
    if (isScript ? attr("type") === "module" : attr("rel") === "modulepreload") files.add(strip(url));
  }
  const visit = (key: string, seen: Set<string>) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    files.add(manifest[key].file);
    for (const dep of manifest[key].imports ?? []) visit(dep, seen);
  };
  const seen = new Set<string>();
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key, seen);
  return [...files].filter((f) => /\.m?js$/.test(f)).sort();
}
