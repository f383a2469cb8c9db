// Consumer and group-coordinator settings, by Kafka's names, resolved against
// the timing profile. "kafka-defaults" uses Kafka 3.9's real values
// (kafka-semantics.md §0); "classroom" scales the timeouts down like the rest
// of the profile, so a session timeout or a poll timeout happens within
// seconds on a projector.

import type { AssignorName } from "../../groups/assign.ts";
import type { ProfileName } from "../profile.ts";

export type GroupProtocol = "classic" | "consumer";
export type AutoOffsetReset = "earliest" | "latest" | "none";
export type IsolationLevel = "read_uncommitted" | "read_committed";
export type ServerAssignorName = "uniform" | "range";
/** How a consumer with enable.auto.commit=false commits after processing each batch. */
export type ManualCommitMode = "sync" | "async";

/** Everything a consumer needs, every default filled in. */
export interface ConsumerSettings {
  /** group.protocol */
  groupProtocol: GroupProtocol;
  /** partition.assignment.strategy (classic protocol), in preference order. */
  assignmentStrategy: AssignorName[];
  /** group.remote.assignor (consumer protocol); null: the broker's first group.consumer.assignors. */
  groupRemoteAssignor: ServerAssignorName | null;
  /** group.instance.id (static membership); null: a dynamic member. */
  groupInstanceId: string | null;
  /** session.timeout.ms (classic protocol only) */
  sessionTimeoutMs: number;
  /** heartbeat.interval.ms (classic protocol only) */
  heartbeatIntervalMs: number;
  /** max.poll.interval.ms: also the rebalance timeout sent in JoinGroup / ConsumerGroupHeartbeat. */
  maxPollIntervalMs: number;
  /** max.poll.records */
  maxPollRecords: number;
  /** enable.auto.commit */
  enableAutoCommit: boolean;
  /** auto.commit.interval.ms */
  autoCommitIntervalMs: number;
  /** auto.offset.reset */
  autoOffsetReset: AutoOffsetReset;
  /** isolation.level */
  isolationLevel: IsolationLevel;
  /** fetch.max.wait.ms */
  fetchMaxWaitMs: number;
  /** request.timeout.ms */
  requestTimeoutMs: number;
  /** retry.backoff.ms */
  retryBackoffMs: number;
  /** metadata.max.age.ms */
  metadataMaxAgeMs: number;
  /** The application: how long it works on each record it gets from poll(). */
  processingMsPerRecord: number;
  /** The application: its poll(Duration) timeout when nothing is buffered. */
  pollTimeoutMs: number;
  /** With enable.auto.commit=false: commitSync or commitAsync after each processed batch. */
  manualCommit: ManualCommitMode;
}

export interface ConsumerConfig extends ConsumerSettings, Record<string, unknown> {
  id: string;
  groupId: string;
  topics: string[];
  /** When the application starts (virtual ms); 0 at the scenario start. */
  startAtMs: number;
}

/** Broker-side group coordinator settings. */
export interface CoordinatorSettings {
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs: number;
  /** group.consumer.heartbeat.interval.ms (KIP-848) */
  consumerHeartbeatIntervalMs: number;
  /** group.consumer.session.timeout.ms (KIP-848) */
  consumerSessionTimeoutMs: number;
  /** group.consumer.assignors (KIP-848), the first is the default. */
  consumerAssignors: ServerAssignorName[];
  /** offsets.commit.timeout.ms: how long a commit waits for __consumer_offsets to replicate it. */
  offsetsCommitTimeoutMs: number;
}

/** A consumer as the scenario writes it (the output of consumersSchema). */
export interface ConsumerEntry {
  id: string;
  groupId: string;
  topics: string[];
  settings?: Record<string, unknown>;
  processingMsPerRecord?: number;
  manualCommit?: ManualCommitMode;
  startAtMs?: number;
}

/** What createGroupsExtension needs from the scenario. */
export interface GroupsScenarioConfig {
  profile: ProfileName;
  consumers: ConsumerEntry[];
  /** Group coordinator settings by Kafka name (groupCoordinatorSchema). */
  coordinator?: Record<string, unknown>;
}

const KAFKA_CONSUMER_DEFAULTS: Omit<ConsumerSettings, "requestTimeoutMs"> = {
  groupProtocol: "classic",
  assignmentStrategy: ["range", "cooperative-sticky"],
  groupRemoteAssignor: null,
  groupInstanceId: null,
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 300_000,
  maxPollRecords: 500,
  enableAutoCommit: true,
  autoCommitIntervalMs: 5_000,
  autoOffsetReset: "latest",
  isolationLevel: "read_uncommitted",
  fetchMaxWaitMs: 500,
  retryBackoffMs: 100,
  metadataMaxAgeMs: 300_000,
  processingMsPerRecord: 0,
  pollTimeoutMs: 100,
  manualCommit: "sync",
};

const CLASSROOM_CONSUMER_DEFAULTS: Omit<ConsumerSettings, "requestTimeoutMs"> = {
  ...KAFKA_CONSUMER_DEFAULTS,
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 1_000,
  maxPollIntervalMs: 15_000,
  maxPollRecords: 100,
  autoCommitIntervalMs: 1_000,
  fetchMaxWaitMs: 250,
  metadataMaxAgeMs: 10_000,
};

const KAFKA_COORDINATOR_DEFAULTS: CoordinatorSettings = {
  initialRebalanceDelayMs: 3_000,
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  consumerHeartbeatIntervalMs: 5_000,
  consumerSessionTimeoutMs: 45_000,
  consumerAssignors: ["uniform", "range"],
  offsetsCommitTimeoutMs: 5_000,
};

const CLASSROOM_COORDINATOR_DEFAULTS: CoordinatorSettings = {
  ...KAFKA_COORDINATOR_DEFAULTS,
  initialRebalanceDelayMs: 300,
  minSessionTimeoutMs: 1_000,
  maxSessionTimeoutMs: 180_000,
  consumerHeartbeatIntervalMs: 1_000,
  consumerSessionTimeoutMs: 6_000,
  offsetsCommitTimeoutMs: 5_000,
};

export function consumerDefaults(profile: ProfileName, requestTimeoutMs: number): ConsumerSettings {
  return { ...(profile === "classroom" ? CLASSROOM_CONSUMER_DEFAULTS : KAFKA_CONSUMER_DEFAULTS), requestTimeoutMs };
}

export function coordinatorDefaults(profile: ProfileName): CoordinatorSettings {
  return { ...(profile === "classroom" ? CLASSROOM_COORDINATOR_DEFAULTS : KAFKA_COORDINATOR_DEFAULTS) };
}

/** Kafka consumer setting name -> field. The values were validated by the zod schema. */
const CONSUMER_NAMES: Record<string, keyof ConsumerSettings> = {
  "group.protocol": "groupProtocol",
  "partition.assignment.strategy": "assignmentStrategy",
  "group.remote.assignor": "groupRemoteAssignor",
  "group.instance.id": "groupInstanceId",
  "session.timeout.ms": "sessionTimeoutMs",
  "heartbeat.interval.ms": "heartbeatIntervalMs",
  "max.poll.interval.ms": "maxPollIntervalMs",
  "max.poll.records": "maxPollRecords",
  "enable.auto.commit": "enableAutoCommit",
  "auto.commit.interval.ms": "autoCommitIntervalMs",
  "auto.offset.reset": "autoOffsetReset",
  "isolation.level": "isolationLevel",
  "fetch.max.wait.ms": "fetchMaxWaitMs",
  "request.timeout.ms": "requestTimeoutMs",
  "retry.backoff.ms": "retryBackoffMs",
  "metadata.max.age.ms": "metadataMaxAgeMs",
};

export const CONSUMER_SETTING_NAMES: readonly string[] = Object.keys(CONSUMER_NAMES).sort();

const COORDINATOR_NAMES: Record<string, keyof CoordinatorSettings> = {
  "group.initial.rebalance.delay.ms": "initialRebalanceDelayMs",
  "group.min.session.timeout.ms": "minSessionTimeoutMs",
  "group.max.session.timeout.ms": "maxSessionTimeoutMs",
  "group.consumer.heartbeat.interval.ms": "consumerHeartbeatIntervalMs",
  "group.consumer.session.timeout.ms": "consumerSessionTimeoutMs",
  "group.consumer.assignors": "consumerAssignors",
  "offsets.commit.timeout.ms": "offsetsCommitTimeoutMs",
};

export const COORDINATOR_SETTING_NAMES: readonly string[] = Object.keys(COORDINATOR_NAMES).sort();

/** Kafka's assignors may be written by class name too ("org.apache.kafka.clients.consumer.RangeAssignor"). */
const ASSIGNOR_CLASS_NAMES: Record<string, AssignorName> = {
  RangeAssignor: "range",
  RoundRobinAssignor: "roundrobin",
  StickyAssignor: "sticky",
  CooperativeStickyAssignor: "cooperative-sticky",
};

export function assignorName(written: string): AssignorName | null {
  const simple = written.slice(written.lastIndexOf(".") + 1).trim();
  if (ASSIGNOR_CLASS_NAMES[simple]) return ASSIGNOR_CLASS_NAMES[simple];
  const s = written.trim();
  return s === "range" || s === "roundrobin" || s === "sticky" || s === "cooperative-sticky" ? s : null;
}

function listOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string")
    return v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  return [];
}

/** Fills a consumer entry's settings over the profile's defaults. Throws RangeError on a bad value. */
export function resolveConsumer(entry: ConsumerEntry, profile: ProfileName, requestTimeoutMs: number): ConsumerConfig {
  const s: ConsumerSettings = consumerDefaults(profile, requestTimeoutMs);
  const written = entry.settings ?? {};
  for (const key of Object.keys(written).sort()) {
    const field = CONSUMER_NAMES[key];
    if (!field)
      throw new RangeError(
        `consumer ${entry.id}: unknown setting "${key}"; known: ${CONSUMER_SETTING_NAMES.join(", ")}`,
      );
    const v = written[key];
    if (field === "assignmentStrategy") {
      const names = listOf(v).map((n) => {
        const a = assignorName(n);
        if (!a) throw new RangeError(`consumer ${entry.id}: unknown assignor "${n}" in partition.assignment.strategy`);
        return a;
      });
      if (names.length === 0) throw new RangeError(`consumer ${entry.id}: partition.assignment.strategy is empty`);
      s.assignmentStrategy = names;
    } else (s as unknown as Record<string, unknown>)[field] = v;
  }
  if (entry.processingMsPerRecord !== undefined) s.processingMsPerRecord = entry.processingMsPerRecord;
  if (entry.manualCommit !== undefined) s.manualCommit = entry.manualCommit;
  if (s.heartbeatIntervalMs >= s.sessionTimeoutMs)
    throw new RangeError(
      `consumer ${entry.id}: heartbeat.interval.ms (${s.heartbeatIntervalMs}) must be lower than session.timeout.ms (${s.sessionTimeoutMs})`,
    );
  return {
    ...s,
    id: entry.id,
    groupId: entry.groupId,
    topics: [...new Set(entry.topics)].sort(),
    startAtMs: entry.startAtMs ?? 0,
  };
}

export function resolveCoordinator(
  profile: ProfileName,
  written: Record<string, unknown> | undefined,
): CoordinatorSettings {
  const s = coordinatorDefaults(profile);
  for (const key of Object.keys(written ?? {}).sort()) {
    const field = COORDINATOR_NAMES[key];
    if (!field)
      throw new RangeError(
        `unknown group coordinator setting "${key}"; known: ${COORDINATOR_SETTING_NAMES.join(", ")}`,
      );
    const v = (written ?? {})[key];
    if (field === "consumerAssignors") {
      const names = listOf(v);
      if (names.length === 0 || names.some((n) => n !== "uniform" && n !== "range"))
        throw new RangeError(`group.consumer.assignors must list uniform and/or range; found ${JSON.stringify(v)}`);
      s.consumerAssignors = names as ServerAssignorName[];
    } else (s as unknown as Record<string, unknown>)[field] = v;
  }
  return s;
}
