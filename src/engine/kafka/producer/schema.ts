// Zod fragments for producers in a scenario file: the `producers` list, the
// producer inputs (steps and user actions) and the producer expectations.
// scenario/schema.ts composes them; `checkProducersInScenario` adds the
// cross-field checks (known topics, unique ids, settings that Kafka would
// reject with a ConfigException).
//
// The small id / name rules are repeated from scenario/schema.ts so that this
// file does not import it (scenario/schema.ts imports this one).

import { z } from "zod/mini";
import { nodeId, timeMs, topicName } from "../../scenario/fields.ts";
import type { ConfigProblem } from "../configNames.ts";
import { producerDefaults, resolveProducerSettings, type ProfileName } from "./settings.ts";
import type { Timings } from "../profile.ts";

/** Producer settings by their Kafka names, e.g. { "acks": "all", "linger.ms": 5 }. */
export const producerSettingsSchema = z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()]));

const loadFields = {
  /** Records per second the producer generates by itself (0: only by hand and bursts). */
  ratePerSec: z.optional(z.number().check(z.minimum(0), z.maximum(100_000))),
  /** Keys to use; none: null keys (the sticky partitioner). */
  keys: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(10_000))),
  /** 0: keys in turn; > 0: key i drawn with weight 1/(i+1)^keySkew (hot keys). */
  keySkew: z.optional(z.number().check(z.minimum(0), z.maximum(5))),
  /** Extra records all at once. */
  bursts: z.optional(
    z
      .array(z.strictObject({ atMs: timeMs, count: z.number().check(z.int(), z.minimum(1), z.maximum(100_000)) }))
      .check(z.maxLength(1000)),
  ),
  /** Pad generated values to this many characters (fills batch.size sooner). */
  valueBytes: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000))),
};

export const producerSchema = z.strictObject({
  id: nodeId,
  topic: topicName,
  ...loadFields,
  config: z.optional(producerSettingsSchema),
});
export type ProducerSpecInput = z.infer<typeof producerSchema>;

const header = z.strictObject({
  key: z.string().check(z.minLength(1), z.maxLength(100)),
  value: z.string().check(z.maxLength(1000)),
});

/** The producer inputs, to add to scenario/schema.ts's discriminated union. */
export const produceInputSchema = z.strictObject({
  type: z.literal("produce"),
  producer: nodeId,
  key: z.optional(z.string().check(z.maxLength(200))),
  /** null writes a tombstone (deletes the key on a compacted topic). */
  value: z.optional(z.nullable(z.string().check(z.maxLength(1000)))),
  headers: z.optional(z.array(header).check(z.maxLength(20))),
});
export const setProducerInputSchema = z.strictObject({
  type: z.literal("setProducer"),
  producer: nodeId,
  ...loadFields,
  config: z.optional(producerSettingsSchema),
});
export const beginTransactionInputSchema = z.strictObject({ type: z.literal("beginTransaction"), producer: nodeId });
export const commitTransactionInputSchema = z.strictObject({ type: z.literal("commitTransaction"), producer: nodeId });
export const abortTransactionInputSchema = z.strictObject({ type: z.literal("abortTransaction"), producer: nodeId });
export const addProducerInputSchema = z.strictObject({
  type: z.literal("addProducer"),
  id: nodeId,
  topic: topicName,
  ...loadFields,
  config: z.optional(producerSettingsSchema),
});
export const removeProducerInputSchema = z.strictObject({ type: z.literal("removeProducer"), producer: nodeId });

export const producerInputSchemas = [
  produceInputSchema,
  setProducerInputSchema,
  beginTransactionInputSchema,
  commitTransactionInputSchema,
  abortTransactionInputSchema,
  addProducerInputSchema,
  removeProducerInputSchema,
] as const;

const name = z.optional(z.string().check(z.maxLength(200)));

/** The producer expectations, to add to scenario/schema.ts's expectation union. */
export const producerErrorSeenSchema = z.strictObject({
  type: z.literal("producerErrorSeen"),
  name,
  producer: nodeId,
  error: z.string().check(z.minLength(1), z.maxLength(100)),
  seen: z._default(z.boolean(), true),
});
export const duplicatesWrittenSchema = z.strictObject({
  type: z.literal("duplicatesWritten"),
  name,
  topic: topicName,
  producer: z.optional(nodeId),
  atLeast: z._default(z.number().check(z.int(), z.minimum(1)), 1),
});
export const noDuplicatesWrittenSchema = z.strictObject({
  type: z.literal("noDuplicatesWritten"),
  name,
  topic: topicName,
  producer: z.optional(nodeId),
});
export const reorderedWrittenSchema = z.strictObject({
  type: z.literal("reorderedWritten"),
  name,
  topic: topicName,
  producer: z.optional(nodeId),
  atLeast: z._default(z.number().check(z.int(), z.minimum(1)), 1),
});
export const noReorderedWrittenSchema = z.strictObject({
  type: z.literal("noReorderedWritten"),
  name,
  topic: topicName,
  producer: z.optional(nodeId),
});
/** Same shape as scenario/schema.ts's "acknowledged"; producerAcknowledgedCount serves both kinds. */
export const producerAcknowledgedSchema = z.strictObject({
  type: z.literal("acknowledged"),
  name,
  producer: nodeId,
  atLeast: z.number().check(z.int(), z.minimum(0)),
});
export const transactionsCompletedSchema = z.strictObject({
  type: z.literal("transactionsCompleted"),
  name,
  producer: nodeId,
  committed: z.optional(z.number().check(z.int(), z.minimum(0))),
  aborted: z.optional(z.number().check(z.int(), z.minimum(0))),
});

export const producerExpectationSchemas = [
  producerErrorSeenSchema,
  duplicatesWrittenSchema,
  noDuplicatesWrittenSchema,
  reorderedWrittenSchema,
  noReorderedWrittenSchema,
  transactionsCompletedSchema,
] as const;

export type ProducerExpectation =
  | z.infer<typeof producerErrorSeenSchema>
  | z.infer<typeof duplicatesWrittenSchema>
  | z.infer<typeof noDuplicatesWrittenSchema>
  | z.infer<typeof reorderedWrittenSchema>
  | z.infer<typeof noReorderedWrittenSchema>
  | z.infer<typeof producerAcknowledgedSchema>
  | z.infer<typeof transactionsCompletedSchema>;

export type ProducerInput =
  | z.infer<typeof produceInputSchema>
  | z.infer<typeof setProducerInputSchema>
  | z.infer<typeof beginTransactionInputSchema>
  | z.infer<typeof commitTransactionInputSchema>
  | z.infer<typeof abortTransactionInputSchema>
  | z.infer<typeof addProducerInputSchema>
  | z.infer<typeof removeProducerInputSchema>;

/** What checkProducersInScenario needs of a scenario (a structural subset of Scenario). */
export interface ScenarioWithProducers {
  profile: ProfileName;
  topics: readonly { name: string }[];
  producers?: readonly ProducerSpecInput[];
  timings?: Pick<Timings, "requestTimeoutMs" | "batchSizeBytes">;
}

/**
 * Cross-field checks for scenario/schema.ts's superRefine: each producer's
 * topic exists, its id is new (`known` holds the ids taken so far and gets
 * the producers added), and its settings are ones Kafka would accept.
 */
export function checkProducersInScenario(
  s: ScenarioWithProducers,
  known: Set<string>,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const topics = new Set(s.topics.map((t) => t.name));
  const timings =
    s.timings ??
    (s.profile === "classroom"
      ? { requestTimeoutMs: 5_000, batchSizeBytes: 1_024 }
      : { requestTimeoutMs: 30_000, batchSizeBytes: 16_384 });
  const defaults = producerDefaults(s.profile, timings);
  (s.producers ?? []).forEach((p, i) => {
    if (known.has(p.id)) issue(["producers", i, "id"], `"${p.id}" is already the id of another node`);
    known.add(p.id);
    if (!topics.has(p.topic)) issue(["producers", i, "topic"], `no topic "${p.topic}" in this scenario`);
    for (const problem of settingsProblems(p.config, defaults))
      issue(["producers", i, "config", problem.key], problem.message);
  });
}

export function settingsProblems(
  written: Record<string, unknown> | undefined,
  defaults: ReturnType<typeof producerDefaults>,
): ConfigProblem[] {
  return resolveProducerSettings(written, defaults).problems;
}
