/// <reference types="vitest/config" />
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { parse as parseYaml } from "yaml";

/**
 * The built-in YAML scenarios (src/scenarios/library/*.yaml, imported `?raw`
 * by library.ts) as the JSON text of their value: parsed here with the same
 * options as parseText.ts, so the browser needs no YAML parser to list or
 * open them. Any other YAML (a file the user opens) is parsed in the browser.
 */
function libraryYamlAsJson(): Plugin {
  const LIBRARY_YAML = /\/src\/scenarios\/library\/[^/]+\.ya?ml\?raw$/;
  return {
    name: "kafka-sim:library-yaml-as-json",
    enforce: "pre",
    load(id) {
      if (!LIBRARY_YAML.test(id)) return null;
      const file = id.slice(0, id.indexOf("?"));
      this.addWatchFile(file);
      const value: unknown = parseYaml(readFileSync(file, "utf8"), { schema: "core", maxAliasCount: 100 });
      return `export default ${JSON.stringify(JSON.stringify(value, null, 2))};`;
    },
  };
}

const LIBRARY_DIR = fileURLToPath(new URL("./src/scenarios/library/", import.meta.url));
const LIBRARY_INDEX = "virtual:scenario-library-index";

/**
 * `virtual:scenario-library-index`: each built-in scenario's file name, title
 * and whether it has a cluster, read here at build time, so the first page can
 * list the library without carrying every scenario's text (those load on
 * demand, see src/scenarios/library.ts). A file that does not parse is listed
 * by its name; the library tests report what is wrong with it.
 */
function libraryIndex(): Plugin {
  return {
    name: "kafka-sim:library-index",
    resolveId(id) {
      return id === LIBRARY_INDEX ? `\0${LIBRARY_INDEX}` : null;
    },
    load(id) {
      if (id !== `\0${LIBRARY_INDEX}`) return null;
      this.addWatchFile(LIBRARY_DIR);
      const index = readdirSync(LIBRARY_DIR)
        .filter((file) => /\.(json|ya?ml)$/.test(file))
        .sort()
        .map((file) => {
          this.addWatchFile(LIBRARY_DIR + file);
          const text = readFileSync(LIBRARY_DIR + file, "utf8");
          try {
            const value = (file.endsWith(".json") ? JSON.parse(text) : parseYaml(text, { schema: "core" })) as {
              title?: unknown;
              cluster?: unknown;
            };
            return { file, title: String(value.title ?? file), cluster: value.cluster !== undefined };
          } catch {
            return { file, title: file, cluster: false };
          }
        });
      return `export default ${JSON.stringify(index)};`;
    },
  };
}

export default defineConfig({
  plugins: [libraryYamlAsJson(), libraryIndex(), react()],
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
  test: {
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    // UI component tests opt into the DOM with a `// @vitest-environment happy-dom` pragma.
    testTimeout: 60_000,
  },
});
