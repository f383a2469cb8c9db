/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
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

export default defineConfig({
  plugins: [libraryYamlAsJson(), react()],
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
