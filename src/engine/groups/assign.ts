// The one entry point to the classic-protocol partition assignors, as run by
// the group leader after JoinGroup (Kafka computes the assignment client-side).
//
// Input and output use plain records so that scenarios and the UI can build
// them directly; partitions are named `${topic}-${partition}`. The result
// never depends on the insertion order of the input objects: members are
// taken in Java string order of their ids wherever Kafka's own order (the
// JoinGroup order, through a HashMap) would otherwise leak in.

import {
  compareTopicPartitions,
  DEFAULT_GENERATION,
  PartitionTable,
  parsePartitionName,
  type GroupSubscription,
  type RawAssignment,
  type TopicPartition,
} from "./assignors/common.ts";
import { compareJavaStrings } from "./assignors/javaCollections.ts";

export { KafkaAssignorError } from "./assignors/common.ts";
import { rangeAssign } from "./assignors/range.ts";
import { roundRobinAssign } from "./assignors/roundRobin.ts";
import { cooperativeStickyAssign, stickyAssign } from "./assignors/sticky.ts";

export type AssignorName = "range" | "roundrobin" | "sticky" | "cooperative-sticky";

export const ASSIGNOR_NAMES: readonly AssignorName[] = ["range", "roundrobin", "sticky", "cooperative-sticky"];

export interface AssignInput {
  /** Topic -> partition count. Topics nobody subscribes to are ignored. */
  topics: Record<string, number>;
  /** Member id -> subscribed topics. */
  members: Record<string, string[]>;
  /**
   * Member id -> partitions it owned before this rebalance, as
   * "topic-partition" names (split at the last '-'). Read by the sticky
   * assignors only. Partitions of unknown topics or beyond a topic's
   * partition count are ignored.
   */
  ownedPartitions?: Record<string, string[]>;
  /** Member id -> generation of its owned partitions; missing means -1 (none). */
  generations?: Record<string, number>;
  /** Member id -> group.instance.id, for static members. */
  groupInstanceIds?: Record<string, string>;
}

/** Member id -> assigned "topic-partition" names. */
export type Assignment = Record<string, string[]>;

/**
 * Runs `assignor` over the group. Every member of `input.members` appears in
 * the result ([] when it gets nothing); each list is sorted by topic name
 * (Java string order) then partition number.
 *
 * For "cooperative-sticky" this is the first rebalance's answer: a partition
 * moving to a new owner is withheld until its current owner has revoked it,
 * as Kafka's CooperativeStickyAssignor does (a member that listed the
 * partition among its owned ones, even with a stale claim, gets it at once,
 * as in Kafka). Use assignCooperativeSticky for the target assignment and the
 * partitions in transfer.
 *
 * Throws a KafkaAssignorError where Kafka's assignor itself throws (the
 * leader's assignment fails); see CONTEXT.md.
 */
export function assign(assignor: AssignorName, input: AssignInput): Assignment {
  const group = normalizeGroup(input);
  if (group.memberIds.length === 0) return {};
  switch (assignor) {
    case "range":
      return toAssignment(group, rangeAssign(group));
    case "roundrobin":
      return toAssignment(group, roundRobinAssign(group));
    case "sticky":
      return toAssignment(group, stickyAssign(group).assignment);
    case "cooperative-sticky":
      return toAssignment(group, cooperativeStickyAssign(group).assignment);
    default:
      throw new RangeError(`unknown assignor: ${String(assignor)}`);
  }
}

export interface CooperativeStickyAssignment {
  /** This rebalance's answer (what `assign("cooperative-sticky", …)` returns). */
  assignment: Assignment;
  /** Where the follow-up rebalance ends up: the eager sticky result. */
  targetAssignment: Assignment;
  /** Partition name -> new owner, for partitions withheld this round. */
  partitionsTransferringOwnership: Record<string, string>;
}

/** The cooperative-sticky result with the detail a teaching view needs. */
export function assignCooperativeSticky(input: AssignInput): CooperativeStickyAssignment {
  const group = normalizeGroup(input);
  if (group.memberIds.length === 0) {
    return {
      assignment: {},
      targetAssignment: {},
      partitionsTransferringOwnership: {},
    };
  }
  const result = cooperativeStickyAssign(group);
  const transferring = [...result.partitionsTransferringOwnership].sort(([a], [b]) => compareTopicPartitions(a, b));
  return {
    assignment: toAssignment(group, result.assignment),
    targetAssignment: toAssignment(group, result.targetAssignment),
    partitionsTransferringOwnership: Object.fromEntries(transferring.map(([tp, memberId]) => [tp.name, memberId])),
  };
}

function ownValue<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Builds the assignors' view of the group; see GroupSubscription. */
export function normalizeGroup(input: AssignInput): GroupSubscription {
  const memberIds = Object.keys(input.members).sort(compareJavaStrings);
  const partitions = new PartitionTable();

  const subscriptions = new Map<string, readonly string[]>();
  const subscribedTopics = new Set<string>();
  for (const memberId of memberIds) {
    const topics = unique(input.members[memberId] ?? []);
    subscriptions.set(memberId, topics);
    for (const topic of topics) subscribedTopics.add(topic);
  }

  // Like AbstractPartitionAssignor#assign: only subscribed topics with metadata.
  const partitionsPerTopic = new Map<string, number>();
  for (const topic of Object.keys(input.topics).sort(compareJavaStrings)) {
    const count = input.topics[topic];
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`topic ${topic}: bad partition count ${count}`);
    }
    if (subscribedTopics.has(topic) && count > 0) {
      partitionsPerTopic.set(topic, count);
    }
  }

  const ownedPartitions = new Map<string, readonly TopicPartition[]>();
  const generations = new Map<string, number>();
  const groupInstanceIds = new Map<string, string>();
  for (const memberId of memberIds) {
    const owned: TopicPartition[] = [];
    for (const name of unique(ownValue(input.ownedPartitions, memberId) ?? [])) {
      const parsed = parsePartitionName(name);
      if (parsed === null) {
        throw new RangeError(`member ${memberId}: "${name}" is not a topic-partition name`);
      }
      const count = partitionsPerTopic.get(parsed.topic);
      if (count !== undefined && parsed.partition < count) {
        owned.push(partitions.get(parsed.topic, parsed.partition));
      }
    }
    ownedPartitions.set(memberId, owned);

    const generation = ownValue(input.generations, memberId);
    // Kafka maps any negative generation to "none", i.e. DEFAULT_GENERATION.
    generations.set(memberId, generation === undefined || generation < 0 ? DEFAULT_GENERATION : generation);

    const groupInstanceId = ownValue(input.groupInstanceIds, memberId);
    if (groupInstanceId !== undefined) {
      groupInstanceIds.set(memberId, groupInstanceId);
    }
  }

  return {
    memberIds,
    subscriptions,
    partitionsPerTopic,
    ownedPartitions,
    generations,
    groupInstanceIds,
    partitions,
  };
}

function toAssignment(group: GroupSubscription, raw: RawAssignment): Assignment {
  const result: Assignment = {};
  for (const memberId of group.memberIds) {
    result[memberId] = [...(raw.get(memberId) ?? [])].sort(compareTopicPartitions).map((tp) => tp.name);
  }
  return result;
}
