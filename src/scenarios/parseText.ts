// Turning scenario text (JSON or YAML) into a value for the schema. Errors
// name the line and column, so an author can find the mistake.

import { parse as parseYaml, YAMLParseError } from "yaml";
import { ScenarioError } from "../engine/index.ts";

export function parseScenarioText(text: string, fileName = "scenario"): unknown {
  const isJson = /\.json$/i.test(fileName) || /^\s*[{[]/.test(text);
  if (isJson) {
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
  try {
    // YAML's core schema only: no custom tags, nothing that could run code.
    return parseYaml(text, { schema: "core", maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof YAMLParseError) {
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
