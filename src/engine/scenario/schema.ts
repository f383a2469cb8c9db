// The scenario file format, as a zod schema. A scenario is data: JSON or
// YAML, never code. The same schema validates files, links and the objects
// tests build, and is exported as a JSON Schema for editors.
//
// Version 1 covers the kernel (toy nodes, network faults, narration and a
// first set of expectations). The cluster and client issues extend it; a
// file's `version` says which shape it has.

import { z } from "zod";

const nodeId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "a node id uses letters, digits, '.', '_' or '-'");
const timeMs = z
  .number()
  .int()
  .min(0)
  .max(86_400_000 * 7);

export const networkSchema = z
  .object({
    latencyMsMin: z.number().min(0).max(60_000),
    latencyMsMax: z.number().min(0).max(60_000),
    lossProbability: z.number().min(0).max(1),
  })
  .partial()
  .strict()
  .refine((n) => n.latencyMsMin === undefined || n.latencyMsMax === undefined || n.latencyMsMin <= n.latencyMsMax, {
    message: "latencyMsMin must not exceed latencyMsMax",
  });

export const toySchema = z
  .object({
    nodes: z.array(nodeId).min(1).max(12),
    pingIntervalMs: z.number().int().min(1).max(3_600_000).default(1000),
    pingTimeoutMs: z.number().int().min(1).max(3_600_000).default(500),
  })
  .strict()
  .refine((t) => new Set(t.nodes).size === t.nodes.length, {
    message: "node ids must be unique",
  });

/** The kernel's inputs. Each is also a user action in the UI. */
export const kernelInputSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("crash"), node: nodeId }).strict(),
  z.object({ type: z.literal("restart"), node: nodeId }).strict(),
  z.object({ type: z.literal("pause"), node: nodeId, forMs: z.number().min(1).max(3_600_000) }).strict(),
  z
    .object({
      type: z.literal("partition"),
      islands: z.array(z.array(nodeId).min(1)).min(2),
      oneWay: z.boolean().optional(),
    })
    .strict(),
  z.object({ type: z.literal("isolate"), node: nodeId }).strict(),
  z
    .object({
      type: z.literal("cutLink"),
      from: z.array(nodeId).min(1),
      to: z.array(nodeId).min(1),
    })
    .strict(),
  z.object({ type: z.literal("heal") }).strict(),
  z
    .object({
      type: z.literal("slowLink"),
      from: nodeId,
      to: nodeId,
      extraLatencyMs: z.number().min(0).max(600_000),
      bothWays: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("clogLink"),
      from: nodeId,
      to: nodeId,
      forMs: z.number().min(0).max(3_600_000),
    })
    .strict(),
  z
    .object({
      type: z.literal("setLoss"),
      lossProbability: z.number().min(0).max(1),
    })
    .strict(),
  z
    .object({
      type: z.literal("setLatency"),
      latencyMsMin: z.number().min(0).max(60_000),
      latencyMsMax: z.number().min(0).max(60_000),
    })
    .strict(),
  z.object({ type: z.literal("resetLinks") }).strict(),
]);

export const stepSchema = z.union([
  z.object({ atMs: timeMs, do: kernelInputSchema }).strict(),
  z.object({ atMs: timeMs, say: z.string().min(1).max(2000) }).strict(),
  z
    .object({
      atMs: timeMs,
      pause: z.string().min(1).max(2000),
      /** A predict-then-reveal question: choices, and the index of the right one. */
      choices: z.array(z.string().min(1).max(200)).min(2).max(6).optional(),
      answer: z.number().int().min(0).optional(),
      reveal: z.string().min(1).max(2000).optional(),
    })
    .strict()
    .refine(
      (p) =>
        (p.choices === undefined) === (p.answer === undefined) &&
        (p.answer === undefined || (p.choices !== undefined && p.answer < p.choices.length)),
      {
        message: "a question needs both choices and an answer that indexes them",
      },
    ),
]);

const traceKind = z.enum(["input", "send", "deliver", "drop", "timer", "state", "emit", "fault", "note"]);

export const expectationSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("traceCount"),
      name: z.string().max(200).optional(),
      kind: traceKind,
      actor: nodeId.optional(),
      atLeast: z.number().int().min(0).optional(),
      atMost: z.number().int().min(0).optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("actorState"),
      name: z.string().max(200).optional(),
      actor: nodeId,
      state: z.string().min(1).max(200),
    })
    .strict(),
  z
    .object({
      type: z.literal("traceText"),
      name: z.string().max(200).optional(),
      contains: z.string().min(1).max(500),
      present: z.boolean().default(true),
    })
    .strict(),
]);

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    title: z.string().min(1).max(200),
    description: z.string().max(10_000).optional(),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    profile: z.enum(["classroom", "kafka-defaults"]).default("classroom"),
    /** How far the command line runs by default, in virtual ms. */
    durationMs: timeMs.min(1).default(10_000),
    network: networkSchema.optional(),
    toy: toySchema.optional(),
    steps: z.array(stepSchema).max(1000).default([]),
    expectations: z.array(expectationSchema).max(200).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const known = new Set(s.toy?.nodes ?? []);
    s.steps.forEach((step, i) => {
      if (!("do" in step)) return;
      for (const [field, id] of nodeRefs(step.do)) {
        if (!known.has(id))
          ctx.addIssue({
            code: "custom",
            path: ["steps", i, "do", ...field],
            message: `no node "${id}" in this scenario`,
          });
      }
    });
    s.expectations.forEach((e, i) => {
      if ("actor" in e && e.actor !== undefined && !known.has(e.actor)) {
        ctx.addIssue({
          code: "custom",
          path: ["expectations", i, "actor"],
          message: `no node "${e.actor}" in this scenario`,
        });
      }
    });
  });

function nodeRefs(input: KernelInput): [(string | number)[], string][] {
  switch (input.type) {
    case "crash":
    case "restart":
    case "pause":
    case "isolate":
      return [[["node"], input.node]];
    case "partition":
      return input.islands.flatMap((g, i) => g.map((id, j): [(string | number)[], string] => [["islands", i, j], id]));
    case "cutLink":
      return [
        ...input.from.map((id, j): [(string | number)[], string] => [["from", j], id]),
        ...input.to.map((id, j): [(string | number)[], string] => [["to", j], id]),
      ];
    case "slowLink":
    case "clogLink":
      return [
        [["from"], input.from],
        [["to"], input.to],
      ];
    default:
      return [];
  }
}

export type KernelInput = z.infer<typeof kernelInputSchema>;
export type ScenarioStep = z.infer<typeof stepSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
/** A validated scenario, defaults filled in. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** What an author writes (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

export const SCENARIO_FORMAT_VERSION = 1;
