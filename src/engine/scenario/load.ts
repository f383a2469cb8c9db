// Parsing and validating scenarios from unknown input (files, links, tests).

import { ScenarioError, problemsFromZod } from "./errors.ts";
import { scenarioSchema, type Scenario } from "./schema.ts";

export function parseScenario(input: unknown, context = "scenario"): Scenario {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ScenarioError(
      [
        {
          path: "(root)",
          message: `a scenario must be an object; found ${input === null ? "null" : Array.isArray(input) ? "a list" : typeof input}`,
        },
      ],
      context,
    );
  }
  const result = scenarioSchema.safeParse(input);
  if (!result.success) throw new ScenarioError(problemsFromZod(result.error, input), context);
  return result.data;
}
