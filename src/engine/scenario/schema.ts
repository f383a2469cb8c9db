// The scenario file format, as a zod schema. A scenario is data: JSON or
// YAML, never code. The same schema validates files, links and the objects
// tests build, and is exported as a JSON Schema for editors.
//
// Settings use Kafka's own names ("min.insync.replicas"), checked against the
// list of known names, so a typo is an error, not a silent no-op.
//
// Written with zod/mini, like every schema the page loads (see fields.ts).

import { z } from "zod/mini";
import { clientKey, nodeId, timeMs, topicName } from "./fields.ts";
import {
  BROKER_CONFIG_NAMES,
  TIMING_NAMES,
  TOPIC_CONFIG_NAMES,
  mapConfig,
  type ConfigProblem,
} from "../kafka/configNames.ts";
import {
  checkGroupsScenario,
  consumersSchema,
  groupCoordinatorSchema,
  groupExpectationSchemas,
  groupInputSchemas,
} from "../kafka/groups/schema.ts";
import {
  checkProducersInScenario,
  produceInputSchema,
  producerExpectationSchemas,
  producerInputSchemas,
  producerSchema,
} from "../kafka/producer/schema.ts";

const settings = z.record(z.string(), z.union([z.number(), z.boolean(), z.string()]));
const acks = z.union([z.literal("all"), z.literal(-1), z.literal(0), z.literal(1)]);

export const networkSchema = z
  .partial(
    z.strictObject({
      latencyMsMin: z.number().check(z.minimum(0), z.maximum(60_000)),
      latencyMsMax: z.number().check(z.minimum(0), z.maximum(60_000)),
      lossProbability: z.number().check(z.minimum(0), z.maximum(1)),
    }),
  )
  .check(
    // Missing bounds take the defaults (1 and 5 ms), so check the pair as it will be used.
    z.refine((n) => (n.latencyMsMin ?? 1) <= (n.latencyMsMax ?? Math.max(5, n.latencyMsMin ?? 1)), {
      message: "latencyMsMin must not exceed latencyMsMax",
    }),
  );

export const toySchema = z
  .strictObject({
    nodes: z.array(nodeId).check(z.minLength(1), z.maxLength(12)),
    pingIntervalMs: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(3_600_000)), 1000),
    pingTimeoutMs: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(3_600_000)), 500),
  })
  .check(z.refine((t) => new Set(t.nodes).size === t.nodes.length, { message: "node ids must be unique" }));

export const clusterSchema = z.strictObject({
  /** KRaft is the default (Kafka 3.9); ZooKeeper mode is one switch away. */
  mode: z._default(z.enum(["kraft", "zookeeper"]), "kraft"),
  brokers: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(9)), 3),
  /** KRaft quorum size. */
  controllers: z._default(z.union([z.literal(1), z.literal(3), z.literal(5)]), 3),
  /** ZooKeeper ensemble size. */
  zookeeperNodes: z._default(z.union([z.literal(1), z.literal(3)]), 3),
  /** Broker settings by Kafka name, e.g. { "min.insync.replicas": 2 }. */
  config: z.optional(settings),
  /** Timing overrides on top of the profile, by Kafka name, e.g. { "replica.lag.time.max.ms": 5000 }. */
  timings: z.optional(settings),
});

export const topicSchema = z.strictObject({
  name: topicName,
  partitions: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(64)), 1),
  replicationFactor: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(9)), 1),
  /** Topic settings by Kafka name, e.g. { "cleanup.policy": "compact" }. */
  config: z.optional(settings),
  /** Replica assignment per partition, preferred leader first. */
  assignment: z.optional(z.array(z.array(z.number().check(z.int(), z.minimum(1), z.maximum(9))).check(z.minLength(1)))),
});

export const loadGeneratorSchema = z.strictObject({
  id: nodeId,
  topic: topicName,
  ratePerSec: z._default(z.number().check(z.minimum(0), z.maximum(100_000)), 10),
  acks: z._default(acks, "all"),
  /** Keys to cycle through; none: null keys. */
  keys: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(10_000))),
  /** retries (default: as many as delivery.timeout.ms allows). */
  retries: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(2_147_483_647))),
  deliveryTimeoutMs: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(3_600_000))),
  retryBackoffMs: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(60_000))),
  requestTimeoutMs: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(600_000))),
});

/** Every action a scenario (or a user) can take. */
export const inputSchema = z.discriminatedUnion("type", [
  // the kernel's fault palette
  z.strictObject({ type: z.literal("crash"), node: nodeId }),
  z.strictObject({ type: z.literal("restart"), node: nodeId }),
  z.strictObject({
    type: z.literal("pause"),
    node: nodeId,
    forMs: z.number().check(z.minimum(1), z.maximum(3_600_000)),
  }),
  z.strictObject({
    type: z.literal("partition"),
    islands: z.array(z.array(nodeId).check(z.minLength(1))).check(z.minLength(2)),
    oneWay: z.optional(z.boolean()),
  }),
  z.strictObject({ type: z.literal("isolate"), node: nodeId }),
  z.strictObject({
    type: z.literal("cutLink"),
    from: z.array(nodeId).check(z.minLength(1)),
    to: z.array(nodeId).check(z.minLength(1)),
  }),
  z.strictObject({ type: z.literal("heal") }),
  z.strictObject({
    type: z.literal("slowLink"),
    from: nodeId,
    to: nodeId,
    extraLatencyMs: z.number().check(z.minimum(0), z.maximum(600_000)),
    bothWays: z.optional(z.boolean()),
  }),
  z.strictObject({
    type: z.literal("clogLink"),
    from: nodeId,
    to: nodeId,
    forMs: z.number().check(z.minimum(0), z.maximum(3_600_000)),
  }),
  z.strictObject({ type: z.literal("setLoss"), lossProbability: z.number().check(z.minimum(0), z.maximum(1)) }),
  z.strictObject({
    type: z.literal("setLatency"),
    latencyMsMin: z.number().check(z.minimum(0), z.maximum(60_000)),
    latencyMsMax: z.number().check(z.minimum(0), z.maximum(60_000)),
  }),
  z.strictObject({ type: z.literal("resetLinks") }),
  // the cluster
  z.strictObject({ type: z.literal("shutdown"), node: nodeId }),
  z.strictObject({ type: z.literal("wipeDisk"), node: nodeId }),
  z.strictObject({
    type: z.literal("createTopic"),
    name: topicName,
    partitions: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(64))),
    replicationFactor: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(9))),
    config: z.optional(settings),
  }),
  z.strictObject({ type: z.literal("deleteTopic"), name: topicName }),
  z.strictObject({
    type: z.literal("addPartitions"),
    topic: topicName,
    totalCount: z.number().check(z.int(), z.minimum(1), z.maximum(64)),
  }),
  z.strictObject({ type: z.literal("alterTopicConfig"), topic: topicName, config: settings }),
  z.strictObject({
    type: z.literal("electLeaders"),
    electionType: z._default(z.enum(["preferred", "unclean"]), "preferred"),
    topic: z.optional(topicName),
    partition: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  produceInputSchema,
  z.strictObject({
    type: z.literal("setLoad"),
    producer: nodeId,
    ratePerSec: z.optional(z.number().check(z.minimum(0), z.maximum(100_000))),
    acks: z.optional(acks),
  }),
  // producer clients and consumer groups
  ...producerInputSchemas.filter((x) => x !== produceInputSchema),
  ...groupInputSchemas,
  // controller modes
  z.strictObject({ type: z.literal("crashActiveController") }),
  z.strictObject({ type: z.literal("expireSession"), broker: z.number().check(z.int(), z.minimum(1), z.maximum(9)) }),
]);

/** Conditions a step can wait for (the Secret Lives of Data's `.at(predicate)`): the step fires the first time one holds. */
export const conditionSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("leaderChanged"),
    topic: topicName,
    partition: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  }),
  z.strictObject({
    type: z.literal("leaderIs"),
    topic: topicName,
    partition: z._default(z.number().check(z.int(), z.minimum(0)), 0),
    broker: z.number().check(z.int(), z.minimum(-1)),
  }),
  z.strictObject({
    type: z.literal("isrSize"),
    topic: topicName,
    partition: z._default(z.number().check(z.int(), z.minimum(0)), 0),
    equals: z.optional(z.number().check(z.int(), z.minimum(0))),
    atMost: z.optional(z.number().check(z.int(), z.minimum(0))),
    atLeast: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  z.strictObject({
    type: z.literal("offline"),
    topic: topicName,
    partition: z._default(z.number().check(z.int(), z.minimum(0)), 0),
  }),
  z.strictObject({
    type: z.literal("acknowledged"),
    producer: nodeId,
    atLeast: z.number().check(z.int(), z.minimum(1)),
  }),
  z.strictObject({
    type: z.literal("producerErrorSeen"),
    producer: nodeId,
    error: z.string().check(z.minLength(1), z.maxLength(100)),
  }),
  z.strictObject({
    type: z.literal("brokerState"),
    node: nodeId,
    state: z.string().check(z.minLength(1), z.maxLength(60)),
  }),
  z.strictObject({ type: z.literal("controllerChanged") }),
  z.strictObject({
    type: z.literal("lostAcknowledgedRecords"),
    atLeast: z._default(z.number().check(z.int(), z.minimum(1)), 1),
  }),
  z.strictObject({
    type: z.literal("groupState"),
    groupId: clientKey("group id"),
    state: z.string().check(z.minLength(1), z.maxLength(40)),
  }),
  z.strictObject({
    type: z.literal("lagBelow"),
    groupId: clientKey("group id"),
    atMost: z.number().check(z.int(), z.minimum(0)),
    topic: z.optional(topicName),
  }),
  z.strictObject({
    type: z.literal("lagAbove"),
    groupId: clientKey("group id"),
    atLeast: z.number().check(z.int(), z.minimum(0)),
    topic: z.optional(topicName),
  }),
]);

const text = z.string().check(z.minLength(1), z.maxLength(2000));
const choices = z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.minLength(2), z.maxLength(6));
const answer = z.number().check(z.int(), z.minimum(0));

const whenStepSchema = z
  .strictObject({
    when: conditionSchema,
    /** Do not check before this virtual time. */
    fromMs: z.optional(timeMs),
    do: z.optional(inputSchema),
    say: z.optional(text),
    pause: z.optional(text),
    choices: z.optional(choices),
    answer: z.optional(answer),
    reveal: z.optional(text),
  })
  .check(
    z.refine((w) => [w.do, w.say, w.pause].filter((x) => x !== undefined).length === 1, {
      message: "a conditional step has exactly one of do, say or pause",
    }),
    z.refine(
      (w) =>
        (w.choices === undefined) === (w.answer === undefined) &&
        (w.answer === undefined || (w.choices !== undefined && w.answer < w.choices.length)),
      {
        message: "a question needs both choices and an answer that indexes them",
      },
    ),
  );

export const stepSchema = z.union([
  whenStepSchema,
  z.strictObject({ atMs: timeMs, do: inputSchema }),
  z.strictObject({ atMs: timeMs, say: text }),
  z
    .strictObject({
      atMs: timeMs,
      pause: text,
      /** A predict-then-reveal question: choices, and the index of the right one. */
      choices: z.optional(choices),
      answer: z.optional(answer),
      reveal: z.optional(text),
    })
    .check(
      z.refine(
        (p) =>
          (p.choices === undefined) === (p.answer === undefined) &&
          (p.answer === undefined || (p.choices !== undefined && p.answer < p.choices.length)),
        {
          message: "a question needs both choices and an answer that indexes them",
        },
      ),
    ),
]);

const traceKind = z.enum(["input", "send", "deliver", "drop", "timer", "state", "emit", "fault", "note"]);
const name = z.optional(z.string().check(z.maxLength(200)));
const tp = { topic: topicName, partition: z._default(z.number().check(z.int(), z.minimum(0)), 0) };

export const expectationSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("traceCount"),
    name,
    kind: traceKind,
    actor: z.optional(nodeId),
    atLeast: z.optional(z.number().check(z.int(), z.minimum(0))),
    atMost: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  z.strictObject({
    type: z.literal("actorState"),
    name,
    actor: nodeId,
    state: z.string().check(z.minLength(1), z.maxLength(200)),
  }),
  z.strictObject({
    type: z.literal("traceText"),
    name,
    contains: z.string().check(z.minLength(1), z.maxLength(500)),
    present: z._default(z.boolean(), true),
  }),
  z.strictObject({ type: z.literal("noLostAcknowledgedRecords"), name }),
  z.strictObject({
    type: z.literal("lostAcknowledgedRecords"),
    name,
    atLeast: z._default(z.number().check(z.int(), z.minimum(1)), 1),
    /** The cause the checker must name: "acks=1", "unclean leader election", "ISR of one"… (substring match). */
    cause: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  }),
  z.strictObject({
    type: z.literal("leader"),
    name,
    ...tp,
    is: z.optional(z.number().check(z.int(), z.minimum(-1))),
    isNot: z.optional(z.number().check(z.int(), z.minimum(-1))),
  }),
  z.strictObject({
    type: z.literal("isrSize"),
    name,
    ...tp,
    equals: z.optional(z.number().check(z.int(), z.minimum(0))),
    atLeast: z.optional(z.number().check(z.int(), z.minimum(0))),
    atMost: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  z.strictObject({
    type: z.literal("producerError"),
    name,
    producer: nodeId,
    error: z.string().check(z.minLength(1), z.maxLength(100)),
    seen: z._default(z.boolean(), true),
  }),
  z.strictObject({
    type: z.literal("acknowledged"),
    name,
    producer: nodeId,
    atLeast: z.number().check(z.int(), z.minimum(0)),
  }),
  z.strictObject({
    type: z.literal("activeController"),
    name,
    is: z.optional(nodeId),
    isNot: z.optional(nodeId),
    exists: z.optional(z.boolean()),
  }),
  z.strictObject({
    type: z.literal("brokerState"),
    name,
    node: nodeId,
    state: z.string().check(z.minLength(1), z.maxLength(60)),
  }),
  z.strictObject({ type: z.literal("invariantsHold"), name }),
  // "acknowledged" above counts load generators and producer clients alike
  ...producerExpectationSchemas,
  ...groupExpectationSchemas,
  z.strictObject({
    type: z.literal("replicaOffsets"),
    name,
    ...tp,
    /** Whose log: a broker id; default the partition's leader. */
    broker: z.optional(z.number().check(z.int(), z.minimum(1))),
    highWatermarkAtMost: z.optional(z.number().check(z.int(), z.minimum(0))),
    highWatermarkAtLeast: z.optional(z.number().check(z.int(), z.minimum(0))),
    logEndOffsetAtLeast: z.optional(z.number().check(z.int(), z.minimum(0))),
    logStartOffsetAtLeast: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
]);

export const scenarioSchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    version: z.literal(1),
    title: z.string().check(z.minLength(1), z.maxLength(200)),
    description: z.optional(z.string().check(z.maxLength(10_000))),
    seed: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(0xffffffff)), 1),
    profile: z._default(z.enum(["classroom", "kafka-defaults"]), "classroom"),
    /** How far the command line runs by default, in virtual ms. */
    durationMs: z._default(timeMs.check(z.minimum(1)), 10_000),
    network: z.optional(networkSchema),
    toy: z.optional(toySchema),
    cluster: z.optional(clusterSchema),
    topics: z._default(z.array(topicSchema).check(z.maxLength(50)), []),
    loadGenerators: z._default(z.array(loadGeneratorSchema).check(z.maxLength(20)), []),
    /** Producer clients (batching, idempotence, transactions). */
    producers: z._default(z.array(producerSchema).check(z.maxLength(20)), []),
    /** Consumers, each in a consumer group. */
    consumers: consumersSchema,
    /** Broker-side group coordinator settings by Kafka name. */
    groupCoordinator: z.optional(groupCoordinatorSchema),
    steps: z._default(z.array(stepSchema).check(z.maxLength(1000)), []),
    expectations: z._default(z.array(expectationSchema).check(z.maxLength(200)), []),
  })
  .check(
    z.superRefine((s, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
      const known = new Set<string>(s.toy?.nodes ?? []);
      const topics = new Map(s.topics.map((t) => [t.name, t]));
      // zod runs refinements even when a field already failed its own check, so
      // never trust a count here: bound every loop.
      const small = (n: unknown, max: number) =>
        typeof n === "number" && Number.isInteger(n) && n >= 0 ? Math.min(n, max) : 0;
      const brokerCount = small(s.cluster?.brokers, 9);
      if (s.cluster) {
        for (let b = 1; b <= brokerCount; b++) known.add(`b${b}`);
        if (s.cluster.mode === "kraft") for (let c = 1; c <= small(s.cluster.controllers, 5); c++) known.add(`c${c}`);
        else for (let z = 1; z <= small(s.cluster.zookeeperNodes, 3); z++) known.add(`zk${z}`);
        checkSettings(BROKER_CONFIG_NAMES, s.cluster.config, ["cluster", "config"], issue);
        checkSettings(TIMING_NAMES, s.cluster.timings, ["cluster", "timings"], issue);
      }
      if (
        (s.topics.length > 0 || s.loadGenerators.length > 0 || s.producers.length > 0 || s.consumers.length > 0) &&
        !s.cluster
      ) {
        issue(["cluster"], "topics and clients need a cluster");
      }
      if (s.toy && s.cluster) issue(["toy"], "a scenario has either toy nodes or a cluster, not both");
      const seenTopics = new Set<string>();
      s.topics.forEach((t, i) => {
        if (seenTopics.has(t.name)) issue(["topics", i, "name"], `topic "${t.name}" is listed twice`);
        seenTopics.add(t.name);
        if (brokerCount > 0 && t.replicationFactor > brokerCount) {
          issue(
            ["topics", i, "replicationFactor"],
            `replication factor ${t.replicationFactor} is larger than the ${brokerCount} brokers (INVALID_REPLICATION_FACTOR)`,
          );
        }
        checkSettings(TOPIC_CONFIG_NAMES, t.config, ["topics", i, "config"], issue);
        if (t.assignment) {
          if (t.assignment.length !== t.partitions)
            issue(
              ["topics", i, "assignment"],
              `assignment lists ${t.assignment.length} partitions; the topic has ${t.partitions}`,
            );
          t.assignment.forEach((replicas, p) => {
            if (replicas.length !== t.replicationFactor)
              issue(
                ["topics", i, "assignment", p],
                `partition ${p} lists ${replicas.length} replicas; the replication factor is ${t.replicationFactor}`,
              );
            if (new Set(replicas).size !== replicas.length)
              issue(["topics", i, "assignment", p], `partition ${p} lists a broker twice`);
            replicas.forEach((b, j) => {
              if (b > brokerCount)
                issue(["topics", i, "assignment", p, j], `no broker ${b} (the cluster has ${brokerCount})`);
            });
          });
        }
      });
      const producers = new Set<string>();
      s.loadGenerators.forEach((g, i) => {
        if (known.has(g.id) || producers.has(g.id))
          issue(["loadGenerators", i, "id"], `"${g.id}" is already the id of another node`);
        producers.add(g.id);
        known.add(g.id);
        if (!topics.has(g.topic)) issue(["loadGenerators", i, "topic"], `no topic "${g.topic}" in this scenario`);
      });
      checkProducersInScenario({ profile: s.profile, topics: s.topics, producers: s.producers }, known, issue);
      for (const p of s.producers) producers.add(p.id);
      checkGroupsScenario(s, known, issue);
      // Clients added by steps can be named by later steps.
      for (const step of s.steps) {
        if (!("do" in step) || step.do === undefined) continue;
        const d = step.do as { type: string; id?: unknown };
        if (d.type === "addProducer" && typeof d.id === "string") {
          known.add(d.id);
          producers.add(d.id);
        }
        if (d.type === "addConsumer" && typeof d.id === "string") known.add(d.id);
      }
      s.steps.forEach((step, i) => {
        if ("when" in step) {
          const c = step.when;
          if ("topic" in c && c.topic !== undefined && !topics.has(c.topic))
            issue(["steps", i, "when", "topic"], `no topic "${c.topic}" in this scenario`);
          if ("producer" in c && !producers.has(c.producer))
            issue(["steps", i, "when", "producer"], `no producer "${c.producer}" in this scenario`);
          if ("node" in c && !known.has(c.node))
            issue(["steps", i, "when", "node"], `no node "${c.node}" in this scenario`);
          if (!s.cluster) issue(["steps", i, "when"], "conditions are about a cluster; this scenario has none");
        }
        if (!("do" in step) || step.do === undefined) return;
        for (const [field, id] of nodeRefs(step.do)) {
          if (!known.has(id)) issue(["steps", i, "do", ...field], `no node "${id}" in this scenario`);
        }
        const input = step.do;
        if (input.type === "createTopic")
          checkSettings(TOPIC_CONFIG_NAMES, input.config, ["steps", i, "do", "config"], issue);
        if (input.type === "alterTopicConfig")
          checkSettings(TOPIC_CONFIG_NAMES, input.config, ["steps", i, "do", "config"], issue);
        if ((input.type === "produce" || input.type === "setLoad") && !producers.has(input.producer)) {
          issue(["steps", i, "do", "producer"], `no load generator "${input.producer}" in this scenario`);
        }
        if (input.type === "crashActiveController" && s.cluster?.mode !== "kraft")
          issue(["steps", i, "do", "type"], "crashActiveController needs a KRaft cluster");
        if (input.type === "expireSession" && s.cluster?.mode !== "zookeeper")
          issue(["steps", i, "do", "type"], "expireSession needs a ZooKeeper-mode cluster");
      });
      s.expectations.forEach((e, i) => {
        for (const field of ["actor", "node", "producer"] as const) {
          const v = (e as Record<string, unknown>)[field];
          if (typeof v === "string" && !known.has(v))
            issue(["expectations", i, field], `no node "${v}" in this scenario`);
        }
        if ("topic" in e && typeof e.topic === "string" && !topics.has(e.topic))
          issue(["expectations", i, "topic"], `no topic "${e.topic}" in this scenario`);
      });
    }),
  );

function checkSettings(
  names: Parameters<typeof mapConfig>[0],
  written: Record<string, unknown> | undefined,
  path: (string | number)[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  const problems: ConfigProblem[] = [];
  mapConfig(names, written, problems);
  for (const p of problems) issue([...path, p.key], p.message);
}

type Ref = [(string | number)[], string];

function nodeRefs(input: SimulationInput): Ref[] {
  switch (input.type) {
    case "crash":
    case "restart":
    case "pause":
    case "isolate":
    case "shutdown":
    case "wipeDisk":
      return [[["node"], input.node]];
    case "partition":
      return input.islands.flatMap((g, i) => g.map((id, j): Ref => [["islands", i, j], id]));
    case "cutLink":
      return [...input.from.map((id, j): Ref => [["from", j], id]), ...input.to.map((id, j): Ref => [["to", j], id])];
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

export type SimulationInput = z.infer<typeof inputSchema>;
export type KernelInput = SimulationInput;
export type ScenarioStep = z.infer<typeof stepSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type WhenStep = z.infer<typeof whenStepSchema>;
export type Expectation = z.infer<typeof expectationSchema>;
export type LoadGeneratorSpec = z.infer<typeof loadGeneratorSchema>;
/** A validated scenario, defaults filled in. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** What an author writes (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

export const SCENARIO_FORMAT_VERSION = 1;
