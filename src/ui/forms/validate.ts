// Form validation for user actions. Every field is read as text and checked
// here; an error names the field it is about. Nothing typed is ever run as
// code or inserted as HTML: values become plain strings and numbers in an
// input object that the engine validates again.

export type FieldErrors = Record<string, string>;

export interface Validated<T> {
  input: T | null;
  errors: FieldErrors;
}

type Input = { type: string; [k: string]: unknown };

const TOPIC_NAME = /^[A-Za-z0-9._-]+$/;

/** A whole number written in decimal digits, within [min, max]; else an error that names the field. */
export function parseIntField(
  text: string,
  field: string,
  min: number,
  max: number,
  errors: FieldErrors,
  key: string,
): number {
  const t = text.trim();
  if (t === "") {
    errors[key] = `${field}: enter a number`;
    return NaN;
  }
  if (!/^\d+$/.test(t)) {
    errors[key] = `${field}: use whole numbers only (digits 0–9)`;
    return NaN;
  }
  const n = Number(t);
  if (n < min || n > max) errors[key] = `${field}: must be from ${min} to ${max}`;
  return n;
}

export function validateTopicName(name: string, existing: readonly string[], errors: FieldErrors): string {
  const t = name.trim();
  if (t === "") errors.name = "Topic name: enter a name";
  else if (t.length > 249) errors.name = "Topic name: at most 249 characters";
  else if (t === "." || t === "..") errors.name = 'Topic name: "." and ".." are not allowed';
  else if (!TOPIC_NAME.test(t)) errors.name = "Topic name: use letters, digits, '.', '_' or '-' only";
  else if (t.startsWith("__")) errors.name = "Topic name: names starting with '__' are for Kafka's internal topics";
  else if (existing.includes(t)) errors.name = `Topic name: a topic named ${t} already exists (TOPIC_ALREADY_EXISTS)`;
  return t;
}

export interface CreateTopicForm {
  name: string;
  partitions: string;
  replicationFactor: string;
  minInsyncReplicas: string;
  uncleanLeaderElection: boolean;
  cleanupPolicy: string;
}

export function validateCreateTopic(
  form: CreateTopicForm,
  existing: readonly string[],
  brokerCount: number,
): Validated<Input> {
  const errors: FieldErrors = {};
  const name = validateTopicName(form.name, existing, errors);
  const partitions = parseIntField(form.partitions, "Partitions", 1, 64, errors, "partitions");
  const rf = parseIntField(
    form.replicationFactor,
    "Replication factor",
    1,
    Math.max(1, Math.min(9, brokerCount)),
    errors,
    "replicationFactor",
  );
  if (errors.replicationFactor && /must be from/.test(errors.replicationFactor))
    errors.replicationFactor = `Replication factor: from 1 to ${brokerCount}, the number of brokers (INVALID_REPLICATION_FACTOR)`;
  const minIsr = parseIntField(
    form.minInsyncReplicas,
    "min.insync.replicas",
    1,
    Number.isFinite(rf) ? Math.max(1, rf) : 9,
    errors,
    "minInsyncReplicas",
  );
  if (errors.minInsyncReplicas && /must be from/.test(errors.minInsyncReplicas))
    errors.minInsyncReplicas =
      "min.insync.replicas: from 1 to the replication factor, or no acks=all write could ever succeed";
  const policies = ["delete", "compact", "compact,delete"];
  if (!policies.includes(form.cleanupPolicy)) errors.cleanupPolicy = "cleanup.policy: choose delete, compact or both";
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      type: "createTopic",
      name,
      partitions,
      replicationFactor: rf,
      config: {
        "min.insync.replicas": minIsr,
        "unclean.leader.election.enable": form.uncleanLeaderElection,
        "cleanup.policy": form.cleanupPolicy,
      },
    },
    errors,
  };
}

export function validateAddPartitions(
  topic: string,
  totalText: string,
  topics: readonly { name: string; partitions: number }[],
): Validated<Input> {
  const errors: FieldErrors = {};
  const t = topics.find((x) => x.name === topic);
  if (!t) errors.topic = "Topic: choose a topic";
  const total = parseIntField(totalText, "New partition count", 1, 64, errors, "totalCount");
  if (t && !errors.totalCount && total <= t.partitions)
    errors.totalCount = `New partition count: must be more than the current ${t.partitions} (Kafka never removes partitions)`;
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { type: "addPartitions", topic, totalCount: total }, errors };
}

export function validateTopicConfig(
  topic: string,
  minIsrText: string,
  unclean: boolean,
  topics: readonly { name: string; replicationFactor: number }[],
): Validated<Input> {
  const errors: FieldErrors = {};
  if (!topics.some((x) => x.name === topic)) errors.topic = "Topic: choose a topic";
  const minIsr = parseIntField(minIsrText, "min.insync.replicas", 1, 9, errors, "minInsyncReplicas");
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      type: "alterTopicConfig",
      topic,
      config: { "min.insync.replicas": minIsr, "unclean.leader.election.enable": unclean },
    },
    errors,
  };
}

export function validateProduce(
  producer: string,
  key: string,
  value: string,
  producers: readonly string[],
): Validated<Input> {
  const errors: FieldErrors = {};
  if (!producers.includes(producer)) errors.producer = "Producer: choose a producer";
  if (key.length > 200) errors.key = "Key: at most 200 characters";
  if (value.length > 1000) errors.value = "Value: at most 1000 characters";
  if (Object.keys(errors).length > 0) return { input: null, errors };
  const input: Input = { type: "produce", producer };
  if (key !== "") input.key = key;
  if (value !== "") input.value = value;
  return { input, errors };
}

export function validateLoad(
  producer: string,
  rateText: string,
  acks: string,
  producers: readonly string[],
): Validated<Input> {
  const errors: FieldErrors = {};
  if (!producers.includes(producer)) errors.producer = "Producer: choose a producer";
  const rate = parseIntField(rateText, "Rate (records/s)", 0, 100_000, errors, "ratePerSec");
  if (!["all", "0", "1"].includes(acks)) errors.acks = "acks: choose all, 1 or 0";
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: { type: "setLoad", producer, ratePerSec: rate, acks: acks === "all" ? "all" : Number(acks) },
    errors,
  };
}

/** Islands chosen per node (0 = not in any island): at least two non-empty islands. */
export function validateIslands(choice: Readonly<Record<string, number>>, oneWay: boolean): Validated<Input> {
  const groups = new Map<number, string[]>();
  for (const [node, island] of Object.entries(choice)) {
    if (island <= 0) continue;
    groups.set(island, [...(groups.get(island) ?? []), node]);
  }
  const islands = [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g.sort());
  if (islands.length < 2)
    return { input: null, errors: { islands: "Islands: put nodes in at least two different islands" } };
  return { input: { type: "partition", islands, ...(oneWay ? { oneWay: true } : {}) }, errors: {} };
}

export interface AddConsumerForm {
  id: string;
  groupId: string;
  /** Comma-separated topic names. */
  topics: string;
  /** Milliseconds per record, optional. */
  processingMs: string;
}

const NODE_ID = /^[A-Za-z0-9_.-]+$/;

/** A new consumer: an id no other node has, a group, existing topics, an optional processing time. */
export function validateAddConsumer(
  form: AddConsumerForm,
  existingIds: readonly string[],
  topics: readonly string[],
): Validated<Input> {
  const errors: FieldErrors = {};
  const id = form.id.trim();
  if (id === "") errors.id = "Consumer id: enter an id";
  else if (id.length > 64) errors.id = "Consumer id: at most 64 characters";
  else if (!NODE_ID.test(id)) errors.id = "Consumer id: use letters, digits, '.', '_' or '-' only";
  else if (existingIds.includes(id)) errors.id = `Consumer id: ${id} is already the id of another node`;
  const groupId = form.groupId.trim();
  if (groupId === "") errors.groupId = "Group id: enter a group id";
  else if (groupId.length > 200) errors.groupId = "Group id: at most 200 characters";
  const wanted = [
    ...new Set(
      form.topics
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== ""),
    ),
  ];
  if (wanted.length === 0) errors.topics = "Topics: enter at least one topic";
  else if (wanted.length > 20) errors.topics = "Topics: at most 20";
  else {
    const unknown = wanted.filter((t) => !topics.includes(t));
    if (unknown.length > 0) errors.topics = `Topics: no topic named ${unknown.join(", ")}`;
  }
  let processing: number | undefined;
  if (form.processingMs.trim() !== "")
    processing = parseIntField(form.processingMs, "Processing ms per record", 0, 60_000, errors, "processingMs");
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      type: "addConsumer",
      id,
      groupId,
      topics: wanted,
      ...(processing !== undefined ? { processingMsPerRecord: processing } : {}),
    },
    errors,
  };
}

/** How long to stall a consumer (its poll loop stops; heartbeats go on). */
export function validateStall(text: string): Validated<{ forMs: number }> {
  const errors: FieldErrors = {};
  const forMs = parseIntField(text, "Stall for (ms)", 1, 86_400_000, errors, "forMs");
  return Object.keys(errors).length > 0 ? { input: null, errors } : { input: { forMs }, errors };
}

/**
 * Slowing a follower: extra latency on every link between `broker` and the
 * other brokers, both ways, so its fetches come back late and it falls behind
 * (out of the ISR after replica.lag.time.max.ms).
 */
export function validateSlowFollower(
  broker: string,
  latencyText: string,
  brokers: readonly string[],
): Validated<Input[]> {
  const errors: FieldErrors = {};
  if (!brokers.includes(broker)) errors.broker = "Broker: choose a broker";
  const ms = parseIntField(latencyText, "Extra latency (ms)", 1, 600_000, errors, "extraLatencyMs");
  const others = brokers.filter((b) => b !== broker);
  if (!errors.broker && others.length === 0) errors.broker = "Broker: there is no other broker to be slow with";
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: others.map((to) => ({ type: "slowLink", from: broker, to, extraLatencyMs: ms, bothWays: true })),
    errors,
  };
}

export type ResetTarget = "earliest" | "latest" | "offset" | "time";

/**
 * kafka-consumer-groups --reset-offsets for one group and topic (all its
 * partitions, or one): to the earliest or latest offset, to an offset, or to
 * the first record at or after a time (virtual ms).
 */
export function validateResetOffsets(
  groupId: string,
  topic: string,
  partitionText: string,
  target: ResetTarget,
  valueText: string,
  topics: readonly { name: string; partitions: number }[],
): Validated<Input> {
  const errors: FieldErrors = {};
  if (groupId.trim() === "") errors.groupId = "Group: choose a group";
  const t = topics.find((x) => x.name === topic);
  if (!t) errors.topic = "Topic: choose a topic";
  let partition: number | undefined;
  if (partitionText !== "all") {
    partition = parseIntField(
      partitionText,
      "Partition",
      0,
      Math.max(0, (t?.partitions ?? 1) - 1),
      errors,
      "partition",
    );
  }
  let to: Input["to"];
  if (target === "earliest" || target === "latest") to = target;
  else if (target === "offset") {
    const offset = parseIntField(valueText, "Offset", 0, 1_000_000_000_000, errors, "value");
    to = { offset };
  } else if (target === "time") {
    const timestampMs = parseIntField(valueText, "Time (ms)", 0, 1_000_000_000_000, errors, "value");
    to = { timestampMs };
  } else errors.target = "Reset to: choose earliest, latest, an offset or a time";
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      type: "resetOffsets",
      groupId,
      topic,
      ...(partition !== undefined ? { partition } : {}),
      to,
    },
    errors,
  };
}
