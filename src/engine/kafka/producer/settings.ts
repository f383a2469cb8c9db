// A producer's Kafka settings, by the names authors know from
// ProducerConfig.java, resolved the way KafkaProducer resolves them: defaults
// from the timing profile, idempotence switched on by default but silently
// off when acks / retries / max.in.flight conflict and nobody asked for it
// (ProducerConfig#postProcessAndValidateIdempotenceConfigs), and
// delivery.timeout.ms raised to linger.ms + request.timeout.ms when left at
// its default (KafkaProducer#configureDeliveryTimeout).

import type { ConfigProblem } from "../configNames.ts";
import type { Timings } from "../profile.ts";
import { isReservedName } from "../../scenario/fields.ts";

export type PartitionerName = "built-in" | "round-robin";

export interface ProducerSettings {
  /** acks: 0, 1 or -1 (all) */
  acks: number;
  /** enable.idempotence, after resolution (the effective value). */
  idempotent: boolean;
  /** linger.ms */
  lingerMs: number;
  /** batch.size (also the sticky partitioner's switch threshold) */
  batchSize: number;
  /** max.in.flight.requests.per.connection */
  maxInFlight: number;
  /** retries */
  retries: number;
  /** retry.backoff.ms */
  retryBackoffMs: number;
  /** retry.backoff.max.ms */
  retryBackoffMaxMs: number;
  /** delivery.timeout.ms */
  deliveryTimeoutMs: number;
  /** request.timeout.ms */
  requestTimeoutMs: number;
  /** partitioner.class: null (the built-in sticky partitioner) or RoundRobinPartitioner */
  partitioner: PartitionerName;
  /** partitioner.adaptive.partitioning.enable */
  adaptivePartitioning: boolean;
  /** partitioner.ignore.keys */
  ignoreKeys: boolean;
  /** transactional.id, or null */
  transactionalId: string | null;
  /** transaction.timeout.ms */
  transactionTimeoutMs: number;
  /** max.block.ms: how long send() waits for metadata before failing */
  maxBlockMs: number;
}

export type ProfileName = "classroom" | "kafka-defaults";

/** Kafka 3.9's producer defaults (kafka-semantics.md §0), scaled by the Classroom profile like the broker timings. */
export function producerDefaults(
  profile: ProfileName,
  timings: Pick<Timings, "requestTimeoutMs" | "batchSizeBytes">,
): ProducerSettings {
  const classroom = profile === "classroom";
  return {
    acks: -1,
    idempotent: true,
    lingerMs: 0,
    batchSize: timings.batchSizeBytes,
    maxInFlight: 5,
    retries: 2_147_483_647,
    retryBackoffMs: 100,
    retryBackoffMaxMs: 1_000,
    deliveryTimeoutMs: classroom ? 30_000 : 120_000,
    requestTimeoutMs: timings.requestTimeoutMs,
    partitioner: "built-in",
    adaptivePartitioning: true,
    ignoreKeys: false,
    transactionalId: null,
    transactionTimeoutMs: classroom ? 10_000 : 60_000,
    maxBlockMs: classroom ? 10_000 : 60_000,
  };
}

type Kind = "int" | "boolean" | "acks" | "partitioner" | "string";

interface ProducerSettingName {
  field: keyof ProducerSettings | "enableIdempotence";
  kind: Kind;
  min?: number;
  /** Can change on a running producer with setProducer (the rest needs a new producer). */
  live: boolean;
}

/** Every setting a scenario may write, by its Kafka name. */
export const PRODUCER_CONFIG_NAMES: Readonly<Record<string, ProducerSettingName>> = {
  acks: { field: "acks", kind: "acks", live: true },
  "enable.idempotence": { field: "enableIdempotence", kind: "boolean", live: false },
  "linger.ms": { field: "lingerMs", kind: "int", min: 0, live: true },
  "batch.size": { field: "batchSize", kind: "int", min: 0, live: true },
  "max.in.flight.requests.per.connection": { field: "maxInFlight", kind: "int", min: 1, live: true },
  retries: { field: "retries", kind: "int", min: 0, live: true },
  "retry.backoff.ms": { field: "retryBackoffMs", kind: "int", min: 0, live: true },
  "retry.backoff.max.ms": { field: "retryBackoffMaxMs", kind: "int", min: 0, live: true },
  "delivery.timeout.ms": { field: "deliveryTimeoutMs", kind: "int", min: 0, live: true },
  "request.timeout.ms": { field: "requestTimeoutMs", kind: "int", min: 0, live: true },
  "partitioner.class": { field: "partitioner", kind: "partitioner", live: true },
  "partitioner.adaptive.partitioning.enable": { field: "adaptivePartitioning", kind: "boolean", live: true },
  "partitioner.ignore.keys": { field: "ignoreKeys", kind: "boolean", live: true },
  "transactional.id": { field: "transactionalId", kind: "string", live: false },
  "transaction.timeout.ms": { field: "transactionTimeoutMs", kind: "int", min: 1, live: false },
  "max.block.ms": { field: "maxBlockMs", kind: "int", min: 0, live: true },
};

const ROUND_ROBIN_NAMES = new Set([
  "round-robin",
  "RoundRobinPartitioner",
  "org.apache.kafka.clients.producer.RoundRobinPartitioner",
]);
const BUILT_IN_NAMES = new Set(["built-in", "default", "DefaultPartitioner"]);

export type WrittenSettings = Readonly<Record<string, unknown>>;

export interface ResolvedSettings {
  settings: ProducerSettings;
  problems: ConfigProblem[];
  /** Sentences for the trace: what resolution changed silently, as KafkaProducer logs it. */
  notes: string[];
}

function acksValue(v: unknown): number | null {
  if (v === "all" || v === -1 || v === "-1") return -1;
  if (v === 0 || v === "0") return 0;
  if (v === 1 || v === "1") return 1;
  return null;
}

/**
 * Applies written settings (Kafka names) over the profile's defaults and
 * resolves idempotence and delivery.timeout.ms as KafkaProducer does.
 * Problems are what Kafka throws a ConfigException for.
 */
export function resolveProducerSettings(
  written: WrittenSettings | undefined,
  defaults: ProducerSettings,
): ResolvedSettings {
  const problems: ConfigProblem[] = [];
  const notes: string[] = [];
  const s: ProducerSettings = { ...defaults };
  let explicitIdempotence: boolean | undefined;
  const set = new Set<string>();
  for (const key of Object.keys(written ?? {}).sort()) {
    const spec = PRODUCER_CONFIG_NAMES[key];
    const value = (written as Record<string, unknown>)[key];
    if (!spec) {
      problems.push({
        key,
        message: `unknown producer setting "${key}"; known: ${Object.keys(PRODUCER_CONFIG_NAMES).sort().join(", ")}`,
      });
      continue;
    }
    switch (spec.kind) {
      case "acks": {
        const a = acksValue(value);
        if (a === null)
          problems.push({ key, message: `"acks" must be all, -1, 0 or 1; found ${JSON.stringify(value)}` });
        else s.acks = a;
        break;
      }
      case "boolean":
        if (typeof value !== "boolean")
          problems.push({ key, message: `"${key}" must be true or false; found ${JSON.stringify(value)}` });
        else if (spec.field === "enableIdempotence") explicitIdempotence = value;
        else (s as unknown as Record<string, unknown>)[spec.field] = value;
        break;
      case "partitioner":
        if (value === null || (typeof value === "string" && BUILT_IN_NAMES.has(value))) s.partitioner = "built-in";
        else if (typeof value === "string" && ROUND_ROBIN_NAMES.has(value)) s.partitioner = "round-robin";
        else
          problems.push({
            key,
            message: `"partitioner.class" must be null (built-in) or RoundRobinPartitioner; found ${JSON.stringify(value)}`,
          });
        break;
      case "string":
        if (value !== null && (typeof value !== "string" || value === ""))
          problems.push({
            key,
            message: `"${key}" must be a non-empty string or null; found ${JSON.stringify(value)}`,
          });
        else if (value !== null && isReservedName(value))
          problems.push({
            key,
            message: `"constructor", "__proto__" and other built-in object names cannot be used as a ${key} here`,
          });
        else s.transactionalId = value;
        break;
      default:
        if (typeof value !== "number" || !Number.isInteger(value))
          problems.push({ key, message: `"${key}" must be an integer; found ${JSON.stringify(value)}` });
        else if (spec.min !== undefined && value < spec.min)
          problems.push({ key, message: `"${key}" must be at least ${spec.min}; found ${value}` });
        else (s as unknown as Record<string, unknown>)[spec.field] = value;
    }
    set.add(key);
  }

  // Idempotence: on by default; off without a word when a conflicting setting was written
  // and enable.idempotence was not; a ConfigException when it was asked for explicitly.
  const conflicts: string[] = [];
  if (s.maxInFlight > 5)
    conflicts.push("max.in.flight.requests.per.connection must be at most 5 to use the idempotent producer");
  if (s.retries === 0) conflicts.push("retries must be non-zero to use the idempotent producer");
  if (s.acks !== -1) conflicts.push("acks must be all to use the idempotent producer");
  if (explicitIdempotence === true) {
    for (const c of conflicts) problems.push({ key: "enable.idempotence", message: c });
    s.idempotent = true;
  } else if (explicitIdempotence === false) {
    s.idempotent = false;
  } else {
    s.idempotent = conflicts.length === 0;
    if (!s.idempotent) notes.push(`idempotence is off: enable.idempotence was not set and ${conflicts.join("; ")}`);
  }
  if (s.transactionalId !== null && !s.idempotent)
    problems.push({
      key: "transactional.id",
      message: `cannot set a transactional.id without idempotence (${explicitIdempotence === false ? "enable.idempotence=false" : conflicts.join("; ")})`,
    });

  // delivery.timeout.ms >= linger.ms + request.timeout.ms.
  const minDelivery = s.lingerMs + s.requestTimeoutMs;
  if (s.deliveryTimeoutMs < minDelivery) {
    if (set.has("delivery.timeout.ms"))
      problems.push({
        key: "delivery.timeout.ms",
        message: `delivery.timeout.ms (${s.deliveryTimeoutMs}) must be at least linger.ms + request.timeout.ms (${minDelivery})`,
      });
    else {
      notes.push(`delivery.timeout.ms raised to ${minDelivery} (linger.ms + request.timeout.ms)`);
      s.deliveryTimeoutMs = minDelivery;
    }
  }
  if (s.retryBackoffMaxMs < s.retryBackoffMs) s.retryBackoffMaxMs = s.retryBackoffMs;
  return { settings: s, problems, notes };
}

/** The written settings that cannot change on a running producer (Kafka's config is fixed at construction). */
export function nonLiveKeys(written: WrittenSettings): string[] {
  return Object.keys(written)
    .filter((k) => PRODUCER_CONFIG_NAMES[k] && !PRODUCER_CONFIG_NAMES[k].live)
    .sort();
}

export const acksText = (acks: number): string => (acks === -1 ? "all" : String(acks));
