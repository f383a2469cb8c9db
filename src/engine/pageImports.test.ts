// The page loads ZooKeeper mode on demand (kafka/controlPlanes.ts), so nothing
// the first page imports statically may reach it: otherwise the code would be
// back in the first page's JavaScript (ui.initial_js_gzip_kb in `npm run
// bench`) without any test noticing.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Relative modules a file imports statically for their values (not `import type`, not `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  const found: string[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;]*?\s+from\s+)?"(\.[^"]+)"/gm;
  for (const m of text.matchAll(statement)) {
    if (m[2]) continue; // `import type` / `export type` vanish from the bundle
    if (m[1] === "export" && !m[3]) continue;
    found.push(path.resolve(path.dirname(file), m[4]));
  }
  return found.filter((f) => /\.(ts|tsx)$/.test(f) && existsSync(f));
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...staticImports(file));
  }
  return seen;
}

const relative = (files: Iterable<string>) => [...files].map((f) => path.relative(SRC, f)).sort();

describe("the first page's static imports", () => {
  const fromPage = reachable(path.join(SRC, "main.tsx"));

  it("reach the engine through api.ts, and the cluster core", () => {
    const files = relative(fromPage);
    expect(files).toContain("engine/api.ts");
    expect(files).toContain("engine/kafka/kraft/index.ts");
    expect(files).toContain("store/simStore.ts");
  });

  it("never reach ZooKeeper mode, or index.ts, which loads it eagerly", () => {
    const eager = relative(fromPage).filter(
      (f) => f.startsWith("engine/kafka/zk/") || f === "engine/index.ts" || f === "engine/kafka/allControlPlanes.ts",
    );
    expect(eager).toEqual([]);
  });

  it("would notice an eager import (index.ts reaches ZooKeeper mode)", () => {
    const fromIndex = relative(reachable(path.join(SRC, "engine/index.ts")));
    expect(fromIndex).toContain("engine/kafka/zk/index.ts");
  });
});
