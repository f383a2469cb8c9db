import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { scenarioJsonSchema, scenarioJsonSchemaText } from "./jsonSchema.ts";

describe("the exported JSON Schema", () => {
  it("public/scenario.schema.json is up to date (run `npm run schema` after changing the format)", () => {
    const onDisk = readFileSync(new URL("../../public/scenario.schema.json", import.meta.url), "utf8");
    expect(onDisk).toBe(scenarioJsonSchemaText());
  });

  it("describes the top-level fields authors write", () => {
    const props = (scenarioJsonSchema().properties ?? {}) as Record<string, unknown>;
    for (const field of ["version", "title", "cluster", "topics", "loadGenerators", "steps", "expectations"])
      expect(props).toHaveProperty(field);
  });
});
