// Scenario-file fragments for consumer groups: the `consumers` list, the
// group coordinator's settings, the inputs (actions) and the expectations.
// Settings are written with Kafka's own names; unknown names are errors.

import { z } from "zod/mini";
import { clientKey, nodeId, topicName } from "../../scenario/fields.ts";
import { assignorName } from "./config.ts";

/** Kafka: group ids are any non-empty string; we keep them printable. */
const groupId = clientKey("group id");
const ms = z.number().check(z.int(), z.minimum(0), z.maximum(86_400_000));
const positiveMs = z.number().check(z.int(), z.minimum(1), z.maximum(86_400_000));
const name = z.optional(z.string().check(z.maxLength(200)));
const partition = z.optional(z.number().check(z.int(), z.minimum(0)));
const processingMsPerRecord = z.optional(z.number().check(z.minimum(0), z.maximum(60_000)));

const assignorWritten = z.string().check(
  z.minLength(1),
  z.maxLength(200),
  z.refine((s) => assignorName(s) !== null, {
    message: "an assignor is range, roundrobin, sticky or cooperative-sticky (or Kafka's class name for one)",
  }),
);

/** A consumer's settings, by Kafka's ConsumerConfig names. */
export const consumerSettingsSchema = z.partial(
  z.strictObject({
    "group.protocol": z.enum(["classic", "consumer"]),
    "partition.assignment.strategy": z.union([
      z.array(assignorWritten).check(z.minLength(1), z.maxLength(4)),
      assignorWritten,
    ]),
    "group.remote.assignor": z.enum(["uniform", "range"]),
    "group.instance.id": clientKey("group.instance.id"),
    "session.timeout.ms": positiveMs,
    "heartbeat.interval.ms": positiveMs,
    "max.poll.interval.ms": positiveMs,
    "max.poll.records": z.number().check(z.int(), z.minimum(1), z.maximum(100_000)),
    "enable.auto.commit": z.boolean(),
    "auto.commit.interval.ms": ms,
    "auto.offset.reset": z.enum(["earliest", "latest", "none"]),
    "isolation.level": z.enum(["read_uncommitted", "read_committed"]),
    "fetch.max.wait.ms": ms,
    "request.timeout.ms": positiveMs,
    "retry.backoff.ms": ms,
    "metadata.max.age.ms": positiveMs,
  }),
);

export const consumerSchema = z
  .strictObject({
    id: nodeId,
    groupId,
    topics: z.array(topicName).check(z.minLength(1), z.maxLength(20)),
    /** Kafka consumer settings, e.g. { "partition.assignment.strategy": ["cooperative-sticky"] }. */
    settings: z.optional(consumerSettingsSchema),
    /** The application's work per record, so lag visibly builds. */
    processingMsPerRecord,
    /** With enable.auto.commit=false: commitSync (default) or commitAsync after each batch. */
    manualCommit: z.optional(z.enum(["sync", "async"])),
    /** When the application starts (virtual ms). */
    startAtMs: z.optional(ms),
  })
  .check(
    z.refine(
      (c) =>
        c.settings?.["heartbeat.interval.ms"] === undefined ||
        c.settings["heartbeat.interval.ms"] < (c.settings["session.timeout.ms"] ?? Number.MAX_SAFE_INTEGER),
      {
        message: "heartbeat.interval.ms must be lower than session.timeout.ms",
        path: ["settings", "heartbeat.interval.ms"],
      },
    ),
  );

/** The scenario's `consumers` list. */
export const consumersSchema = z._default(z.array(consumerSchema).check(z.maxLength(50)), []);

/** Broker-side group coordinator settings, by Kafka's names (a scenario's `groupCoordinator`). */
export const groupCoordinatorSchema = z.partial(
  z.strictObject({
    "group.initial.rebalance.delay.ms": ms,
    "group.min.session.timeout.ms": positiveMs,
    "group.max.session.timeout.ms": positiveMs,
    "group.consumer.heartbeat.interval.ms": positiveMs,
    "group.consumer.session.timeout.ms": positiveMs,
    "group.consumer.assignors": z.array(z.enum(["uniform", "range"])).check(z.minLength(1), z.maxLength(2)),
    "offsets.commit.timeout.ms": positiveMs,
  }),
);

const offsetTarget = z.union([
  z.literal("earliest"),
  z.literal("latest"),
  z.strictObject({ offset: z.number().check(z.int(), z.minimum(0)) }),
  z.strictObject({ timestampMs: z.number().check(z.int(), z.minimum(0)) }),
]);

const seekTarget = z.union([
  z.literal("beginning"),
  z.literal("end"),
  z.strictObject({ offset: z.number().check(z.int(), z.minimum(0)) }),
  z.strictObject({ timestampMs: z.number().check(z.int(), z.minimum(0)) }),
]);

/** The consumer-group actions, to add to the scenario's inputSchema union. */
export const groupInputSchemas = [
  z.strictObject({
    type: z.literal("addConsumer"),
    id: nodeId,
    groupId,
    topics: z.array(topicName).check(z.minLength(1), z.maxLength(20)),
    settings: z.optional(consumerSettingsSchema),
    processingMsPerRecord,
    manualCommit: z.optional(z.enum(["sync", "async"])),
  }),
  z.strictObject({ type: z.literal("removeConsumer"), id: nodeId }),
  z.strictObject({ type: z.literal("stallConsumer"), id: nodeId, forMs: positiveMs }),
  z.strictObject({ type: z.literal("resetOffsets"), groupId, topic: topicName, partition, to: offsetTarget }),
  z.strictObject({ type: z.literal("setConsumer"), id: nodeId, processingMsPerRecord }),
  z.strictObject({ type: z.literal("seekConsumer"), id: nodeId, topic: topicName, partition, to: seekTarget }),
  z.strictObject({ type: z.literal("pauseConsumer"), id: nodeId, topic: z.optional(topicName), partition }),
  z.strictObject({ type: z.literal("resumeConsumer"), id: nodeId, topic: z.optional(topicName), partition }),
] as const;

export const groupInputSchema = z.discriminatedUnion("type", [...groupInputSchemas]);
export type GroupInput = z.infer<typeof groupInputSchema>;

const who = {
  /** One consumer (its own ledger), or… */
  consumer: z.optional(nodeId),
  /** …the whole group (all its consumers' ledgers together). */
  groupId: z.optional(groupId),
};
const whoGiven = z.refine<{ consumer?: string; groupId?: string }>(
  (e) => (e.consumer === undefined) !== (e.groupId === undefined),
  { message: "name either a consumer or a groupId" },
);

/** The consumer-group expectations, to add to the scenario's expectationSchema union. */
export const groupExpectationSchemas = [
  z.strictObject({
    type: z.literal("groupState"),
    name,
    groupId,
    state: z.enum(["Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead", "Assigning", "Reconciling"]),
  }),
  z.strictObject({
    type: z.literal("lagBelow"),
    name,
    groupId,
    topic: z.optional(topicName),
    atMost: z.number().check(z.int(), z.minimum(0)),
    /** The lag must have come down to atMost by this time (else: at the end of the run). */
    byMs: z.optional(ms),
  }),
  z
    .strictObject({
      type: z.literal("duplicatesSeen"),
      name,
      ...who,
      atLeast: z._default(z.number().check(z.int(), z.minimum(1)), 1),
    })
    .check(whoGiven),
  z.strictObject({ type: z.literal("noDuplicates"), name, ...who }).check(whoGiven),
  z
    .strictObject({
      type: z.literal("skipsSeen"),
      name,
      ...who,
      atLeast: z._default(z.number().check(z.int(), z.minimum(1)), 1),
    })
    .check(whoGiven),
  z.strictObject({ type: z.literal("noSkips"), name, ...who }).check(whoGiven),
  z.strictObject({
    type: z.literal("partitionOwner"),
    name,
    groupId,
    topic: topicName,
    partition: z._default(z.number().check(z.int(), z.minimum(0)), 0),
    /** A consumer id, or null for "nobody owns it". */
    consumer: z.nullable(nodeId),
  }),
  z.strictObject({
    type: z.literal("rebalances"),
    name,
    groupId,
    atLeast: z.optional(z.number().check(z.int(), z.minimum(0))),
    atMost: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  z.strictObject({
    type: z.literal("consumingPausedDuringRebalance"),
    name,
    groupId,
    /** true: no member got records while it was rebalancing (eager); false: some did (cooperative). */
    paused: z._default(z.boolean(), true),
  }),
] as const;

export const groupExpectationSchema = z.union([...groupExpectationSchemas]);
export type GroupExpectation = z.infer<typeof groupExpectationSchema>;

export const GROUP_EXPECTATION_TYPES: readonly string[] = [
  "groupState",
  "lagBelow",
  "duplicatesSeen",
  "noDuplicates",
  "skipsSeen",
  "noSkips",
  "partitionOwner",
  "rebalances",
  "consumingPausedDuringRebalance",
];

// zod/mini literals have no `.value`: the one value is in the definition.
export const GROUP_INPUT_TYPES: readonly string[] = groupInputSchemas.map((s) => s.shape.type.def.values[0]);

type Issue = (path: (string | number)[], message: string) => void;

/**
 * Cross-checks for the scenario's superRefine: consumer ids are unique and
 * not taken, topics exist, and actions/expectations name known consumers.
 * `known` is the set of node ids so far; consumer ids are added to it.
 */
export function checkGroupsScenario(
  s: {
    consumers: readonly { id: string; topics: readonly string[] }[];
    topics: readonly { name: string }[];
    steps: readonly unknown[];
    expectations: readonly unknown[];
  },
  known: Set<string>,
  issue: Issue,
): void {
  const topics = new Set(s.topics.map((t) => t.name));
  const consumers = new Set<string>();
  s.consumers.forEach((c, i) => {
    if (known.has(c.id) || consumers.has(c.id))
      issue(["consumers", i, "id"], `"${c.id}" is already the id of another node`);
    consumers.add(c.id);
    c.topics.forEach((t, j) => {
      if (!topics.has(t)) issue(["consumers", i, "topics", j], `no topic "${t}" in this scenario`);
    });
  });
  // Consumers added by a step exist from then on.
  s.steps.forEach((step) => {
    const input = (step as { do?: { type?: string; id?: string } }).do;
    if (input?.type === "addConsumer" && typeof input.id === "string") consumers.add(input.id);
  });
  s.steps.forEach((step, i) => {
    const input = (step as { do?: Record<string, unknown> }).do;
    if (!input || typeof input.type !== "string" || !GROUP_INPUT_TYPES.includes(input.type)) return;
    if (
      input.type !== "resetOffsets" &&
      typeof input.id === "string" &&
      !consumers.has(input.id) &&
      input.type !== "addConsumer"
    )
      issue(["steps", i, "do", "id"], `no consumer "${input.id}" in this scenario`);
    if (input.type === "addConsumer" && known.has(String(input.id)))
      issue(["steps", i, "do", "id"], `"${String(input.id)}" is already the id of another node`);
    for (const t of Array.isArray(input.topics) ? input.topics : typeof input.topic === "string" ? [input.topic] : []) {
      if (!topics.has(String(t))) issue(["steps", i, "do"], `no topic "${String(t)}" in this scenario`);
    }
  });
  s.expectations.forEach((e, i) => {
    const x = e as Record<string, unknown>;
    if (typeof x.type !== "string" || !GROUP_EXPECTATION_TYPES.includes(x.type)) return;
    if (typeof x.consumer === "string" && !consumers.has(x.consumer))
      issue(["expectations", i, "consumer"], `no consumer "${x.consumer}" in this scenario`);
    if (typeof x.topic === "string" && !topics.has(x.topic))
      issue(["expectations", i, "topic"], `no topic "${x.topic}" in this scenario`);
  });
  for (const c of consumers) known.add(c);
}
