// The scenario format as a JSON Schema, for editors' autocomplete
// ("$schema": "…/scenario.schema.json"). Generated from the zod schema, so
// the two can never disagree; a test checks the file in public/ is current.

import { z } from "zod/mini";
import { scenarioSchema } from "../engine/index.ts";

export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://kafka-sim.local/scenario.schema.json",
    title: "Kafka Sim scenario",
    description:
      "A scripted Kafka Sim scenario: the cluster, its topics and clients, timed steps (actions, narration, questions) and expectations. See docs/scenarios.md.",
  };
}

export function scenarioJsonSchemaText(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + "\n";
}
