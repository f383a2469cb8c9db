// Zod fragments for producers in a scenario file: the `producers` list, the
// producer inputs (steps and user actions) and the producer expectations.
// scenario/schema.ts composes them; `checkProducersInScenario` adds the
// cross-field checks (known topics, unique ids, settings that Kafka would
// reject with a ConfigException).
//
// The small id / name rules are repeated from scenario/schema.ts so that this
// file does not import it (scenario/schema.ts imports this one).

import { z } from "zod";
import { nodeId, timeMs, topicName } from "../../scenario/fields.ts";
import type { ConfigProblem } from "../configNames.ts";
import { producerDefaults, resolveProducerSettings, type ProfileName } from "./settings.ts";
import type { Timings } from "../profile.ts";

/** Producer settings by their Kafka names, e.g. { "acks": "all", "linger.ms": 5 }. */
export const producerSettingsSchema = z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.null()]));

const loadFields = {
  /** Records per second the producer generates by itself (0: only by hand and bursts). */
  ratePerSec: z.number().min(0).max(100_000).optional(),
  /** Keys to use; none: null keys (the sticky partitioner). */
  keys: z.array(z.string().min(1).max(100)).max(10_000).optional(),
  /** 0: keys in turn; > 0: key i drawn with weight 1/(i+1)^keySkew (hot keys). */
  keySkew: z.number().min(0).max(5).optional(),
  /** Extra records all at once. */
  bursts: z
    .array(z.object({ atMs: timeMs, count: z.number().int().min(1).max(100_000) }).strict())
    .max(1000)
    .optional(),
  /** Pad generated values to this many characters (fills batch.size sooner). */
  valueBytes: z.number().int().min(0).max(1_000_000).optional(),
};

export const producerSchema = z
  .object({
    id: nodeId,
    topic: topicName,
    ...loadFields,
    config: producerSettingsSchema.optional(),
  })
  .strict();
export type ProducerSpecInput = z.infer<typeof producerSchema>;

const header = z.object({ key: z.string().min(1).max(100), value: z.string().max(1000) }).strict();

/** The producer inputs, to add to scenario/schema.ts's discriminated union. */
export const produceInputSchema = z
  .object({
    type: z.literal("produce"),
    producer: nodeId,
    key: z.string().max(200).optional(),
    /** null writes a tombstone (deletes the key on a compacted topic). */
    value: z.string().max(1000).nullable().optional(),
    headers: z.array(header).max(20).optional(),
  })
  .strict();
export const setProducerInputSchema = z
  .object({
    type: z.literal("setProducer"),
    producer: nodeId,
    ...loadFields,
    config: producerSettingsSchema.optional(),
  })
  .strict();
export const beginTransactionInputSchema = z.object({ type: z.literal("beginTransaction"), producer: nodeId }).strict();
export const commitTransactionInputSchema = z
  .object({ type: z.literal("commitTransaction"), producer: nodeId })
  .strict();
export const abortTransactionInputSchema = z.object({ type: z.literal("abortTransaction"), producer: nodeId }).strict();
export const addProducerInputSchema = z
  .object({
    type: z.literal("addProducer"),
    id: nodeId,
    topic: topicName,
    ...loadFields,
    config: producerSettingsSchema.optional(),
  })
  .strict();
export const removeProducerInputSchema = z.object({ type: z.literal("removeProducer"), producer: nodeId }).strict();

export const producerInputSchemas = [
  produceInputSchema,
  setProducerInputSchema,
  beginTransactionInputSchema,
  commitTransactionInputSchema,
  abortTransactionInputSchema,
  addProducerInputSchema,
  removeProducerInputSchema,
] as const;

const name = z.string().max(200).optional();

/** The producer expectations, to add to scenario/schema.ts's expectation union. */
export const producerErrorSeenSchema = z
  .object({
    type: z.literal("producerErrorSeen"),
    name,
    producer: nodeId,
    error: z.string().min(1).max(100),
    seen: z.boolean().default(true),
  })
  .strict();
export const duplicatesWrittenSchema = z
  .object({
    type: z.literal("duplicatesWritten"),
    name,
    topic: topicName,
    producer: nodeId.optional(),
    atLeast: z.number().int().min(1).default(1),
  })
  .strict();
export const noDuplicatesWrittenSchema = z
  .object({ type: z.literal("noDuplicatesWritten"), name, topic: topicName, producer: nodeId.optional() })
  .strict();
export const reorderedWrittenSchema = z
  .object({
    type: z.literal("reorderedWritten"),
    name,
    topic: topicName,
    producer: nodeId.optional(),
    atLeast: z.number().int().min(1).default(1),
  })
  .strict();
export const noReorderedWrittenSchema = z
  .object({ type: z.literal("noReorderedWritten"), name, topic: topicName, producer: nodeId.optional() })
  .strict();
/** Same shape as scenario/schema.ts's "acknowledged"; producerAcknowledgedCount serves both kinds. */
export const producerAcknowledgedSchema = z
  .object({ type: z.literal("acknowledged"), name, producer: nodeId, atLeast: z.number().int().min(0) })
  .strict();
export const transactionsCompletedSchema = z
  .object({
    type: z.literal("transactionsCompleted"),
    name,
    producer: nodeId,
    committed: z.number().int().min(0).optional(),
    aborted: z.number().int().min(0).optional(),
  })
  .strict();

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
