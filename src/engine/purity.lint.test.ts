// The engine's purity rules must really fire: each forbidden thing below is
// linted as if it were a file in src/engine and must be reported. The same
// code in a UI file must pass those rules, so the test cannot pass vacuously.

import { describe, expect, it } from "vitest";
import { ESLint } from "eslint";

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

const forbidden: [string, string][] = [
  ["Math.random", "export const x = Math.random();\n"],
  ["Date.now", "export const x = Date.now();\n"],
  ["new Date", "export const x = new Date();\n"],
  ["setTimeout", "setTimeout(() => {}, 5);\nexport {};\n"],
  ["setInterval", "setInterval(() => {}, 5);\nexport {};\n"],
  ["performance.now", "export const x = performance.now();\n"],
  ["react import", 'import { useState } from "react";\nexport const x = useState;\n'],
  ["d3-selection import", 'import { select } from "d3-selection";\nexport const x = select;\n'],
  ["document", "export const x = document.title;\n"],
];

describe("engine purity lint rules", () => {
  it.each(forbidden)(
    "reports %s inside src/engine",
    async (_name, code) => {
      const ids = await ruleIdsFor(code, "src/engine/world/forbidden-example.ts");
      expect(ids.some((id) => id.startsWith("no-restricted"))).toBe(true);
    },
    30_000,
  );

  it("does not apply the engine rules outside src/engine", async () => {
    const ids = await ruleIdsFor("export const x = Math.random() + Date.now();\n", "src/ui/allowed-example.ts");
    expect(ids.filter((id) => id.startsWith("no-restricted"))).toEqual([]);
  }, 30_000);

  it("the engine as it stands is clean", async () => {
    const results = await eslint.lintFiles(["src/engine/**/*.ts"]);
    const problems = results.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId?.startsWith("no-restricted"))
        .map((m) => `${r.filePath}:${m.line} ${m.message}`),
    );
    expect(problems).toEqual([]);
  }, 60_000);
});
