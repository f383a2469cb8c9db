// Shared vocabulary of the classic-protocol assignors: topic partitions, the
// normalized group subscription every assignor reads, and Kafka's member
// order (AbstractPartitionAssignor.MemberInfo#compareTo).

import { compareJavaStrings, javaStringHashCode } from "./javaCollections.ts";

/** Kafka's DEFAULT_GENERATION: a member that reports no generation. */
export const DEFAULT_GENERATION = -1;

/**
 * Thrown where Kafka's own assignor throws for this input: the group leader's
 * assignment fails, so no result is invented. The message names the
 * situation; `kafkaException` is the Java exception Kafka raises there.
 */
export class KafkaAssignorError extends Error {
  readonly kafkaException: string;

  constructor(message: string, kafkaException: string) {
    super(message);
    this.name = "KafkaAssignorError";
    this.kafkaException = kafkaException;
  }
}

/** A topic partition. Instances are interned per assignment run, so === works. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
  /** `${topic}-${partition}`, Kafka's TopicPartition#toString. */
  readonly name: string;
}

export function partitionName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/**
 * Splits "topic-partition" at the LAST '-', since topic names may contain
 * '-' themselves. Returns null if the name has no valid partition number.
 */
export function parsePartitionName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf("-");
  if (dash <= 0) return null;
  const digits = name.slice(dash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(digits)) return null;
  const partition = Number(digits);
  if (!Number.isSafeInteger(partition) || partition > 0x7fffffff) return null;
  return { topic: name.slice(0, dash), partition };
}

/** Java's TopicPartition#hashCode: 31 * (31 + partition) + topic.hashCode(). */
export function topicPartitionHashCode(tp: TopicPartition): number {
  return (Math.imul(31, 31 + tp.partition) + javaStringHashCode(tp.topic)) | 0;
}

/** Order by topic name, then partition number (Kafka's TopicPartitionComparator). */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compareJavaStrings(a.topic, b.topic) || a.partition - b.partition;
}

/** Interns TopicPartition objects so that lists can be compared by identity. */
export class PartitionTable {
  private readonly byName = new Map<string, TopicPartition>();

  get(topic: string, partition: number): TopicPartition {
    const name = partitionName(topic, partition);
    let tp = this.byName.get(name);
    if (tp === undefined) {
      tp = { topic, partition, name };
      this.byName.set(name, tp);
    }
    return tp;
  }
}

/**
 * What the group leader's assignor sees, already cleaned up:
 * - `memberIds` is the order in which Kafka's leader would have filled its
 *   HashMap of subscriptions. The JoinGroup order is not part of our input,
 *   so we use member ids sorted by Java string order; the result then never
 *   depends on how the caller built its objects.
 * - `partitionsPerTopic` holds only topics someone subscribes to and that
 *   have at least one partition (AbstractPartitionAssignor#assign).
 * - `ownedPartitions` keeps only partitions that exist, without duplicates.
 */
export interface GroupSubscription {
  readonly memberIds: readonly string[];
  readonly subscriptions: ReadonlyMap<string, readonly string[]>;
  readonly partitionsPerTopic: ReadonlyMap<string, number>;
  readonly ownedPartitions: ReadonlyMap<string, readonly TopicPartition[]>;
  readonly generations: ReadonlyMap<string, number>;
  readonly groupInstanceIds: ReadonlyMap<string, string>;
  readonly partitions: PartitionTable;
}

/** Result of one assignor run: member id -> partitions, in no particular order. */
export type RawAssignment = Map<string, TopicPartition[]>;

/**
 * Kafka's MemberInfo order: static members (with group.instance.id) first,
 * ordered by instance id, then dynamic members ordered by member id. Two
 * members with the same instance id compare equal; Kafka's stable sort then
 * keeps them in HashMap order, so sort a javaHashMapOrder list with this.
 */
export function compareMembers(groupInstanceIds: ReadonlyMap<string, string>): (a: string, b: string) => number {
  return (a, b) => {
    const instanceA = groupInstanceIds.get(a);
    const instanceB = groupInstanceIds.get(b);
    if (instanceA !== undefined && instanceB !== undefined) {
      return compareJavaStrings(instanceA, instanceB);
    }
    if (instanceA !== undefined) return -1;
    if (instanceB !== undefined) return 1;
    return compareJavaStrings(a, b);
  };
}

/** All partitions of `topic`, ascending. */
export function partitionsOf(table: PartitionTable, topic: string, count: number): TopicPartition[] {
  const partitions: TopicPartition[] = [];
  for (let p = 0; p < count; p++) partitions.push(table.get(topic, p));
  return partitions;
}
