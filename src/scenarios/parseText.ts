// Turning scenario text (JSON or YAML) into a value for the schema. Errors
// name the line and column, so an author can find the mistake.
//
// The YAML parser is ~30 kB gzipped, and the first page needs none: the
// built-in YAML scenarios reach the browser as JSON (vite.config.ts converts
// them at build time). So in the browser it is a lazy chunk, loaded by
// `loadYamlParser()` before a YAML file is opened; in Node (the command line,
// tests) it is loaded with this module, so parsing stays synchronous there.

import { ScenarioError } from "../engine/api.ts";

type YamlModule = typeof import("yaml");

const inNode = typeof process !== "undefined" && typeof process.versions?.node === "string";
let yaml: YamlModule | null = inNode ? await import("yaml") : null;
let loading: Promise<void> | null = null;

/** Loads the YAML parser (once); `parseScenarioText` needs it for YAML texts. */
export function loadYamlParser(): Promise<void> {
  loading ??= import("yaml").then((m) => {
    yaml = m;
  });
  return loading;
}

/** True when `text` (named `fileName`) is JSON rather than YAML. */
export function isJsonText(text: string, fileName = "scenario"): boolean {
  return /\.json$/i.test(fileName) || /^\s*[{[]/.test(text);
}

export function parseScenarioText(text: string, fileName = "scenario"): unknown {
  if (isJsonText(text, fileName)) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ScenarioError(
        [
          {
            path: "(file)",
            message: `not valid JSON: ${(e as Error).message}`,
          },
        ],
        fileName,
      );
    }
  }
  if (!yaml) throw new Error(`Cannot read ${fileName} yet: the YAML parser is still loading (loadYamlParser())`);
  try {
    // YAML's core schema only: no custom tags, nothing that could run code.
    return yaml.parse(text, { schema: "core", maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof yaml.YAMLParseError) {
      const pos = e.linePos?.[0];
      throw new ScenarioError(
        [
          {
            path: "(file)",
            message: `not valid YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ""}: ${e.message.split("\n")[0]}`,
          },
        ],
        fileName,
      );
    }
    throw e;
  }
}
