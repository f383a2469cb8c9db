// The sticky assignors of the classic protocol: StickyAssignor (EAGER) and
// CooperativeStickyAssignor (COOPERATIVE), which share Kafka's
// AbstractStickyAssignor. Goals, in order: a balanced assignment, then
// keeping as many previously owned partitions as possible.
//
// Two algorithms, as in Kafka:
// - the "constrained" one when every member subscribes to the same topics:
//   each member keeps up to its quota of owned partitions, the rest are dealt
//   round-robin to members under quota;
// - the "general" one otherwise: keep what is still valid, give each
//   unassigned partition to the least-loaded eligible member, then move
//   partitions one at a time from over-loaded members until balanced.
//
// Owned partitions come from each member's subscription with its generation:
// a newer generation's claim beats an older one, and two claims in the same
// generation cancel out (the partition counts as owned by nobody).
//
// Everything follows Kafka (trunk 1eb7644) exactly, including its oddities:
// an empty subscription met before any non-empty one is not compared (so the
// constrained algorithm may hand that member partitions); a partition may be
// moved back to an older-generation owner that no longer subscribes to its
// topic; the cooperative assignor counts any listed owner (even a stale
// claimant) as not "gaining" the partition. Where Kafka throws, we throw a
// KafkaAssignorError naming the situation.
//
// Kafka walks java.util.HashMaps at a few points and the result depends on
// that order; javaCollections.ts reproduces it. The cooperative assignor then
// withholds every partition that changes owner (adjustAssignment): the old
// owner revokes it, rejoins, and a second rebalance hands it over.
//
// Rack-aware sticky assignment (KIP-881) is not modelled: our members carry
// no client.rack, the case in which Kafka skips it.

import { invariant } from "../../core/assert.ts";
import {
  DEFAULT_GENERATION,
  KafkaAssignorError,
  partitionsOf,
  topicPartitionHashCode,
  type GroupSubscription,
  type RawAssignment,
  type TopicPartition,
} from "./common.ts";
import { JavaHashKeys, compareJavaStrings, javaHashMapOrder } from "./javaCollections.ts";

export interface StickyResult {
  /** The assignment StickyAssignor would return (no partitions withheld). */
  readonly assignment: RawAssignment;
  /**
   * Partitions whose owner changes, with their new owner. The constrained
   * algorithm tracks them as it goes; the general one leaves this null and
   * the cooperative assignor works it out from owned vs assigned.
   */
  readonly partitionsTransferringOwnership: Map<TopicPartition, string> | null;
}

/** StickyAssignor / the shared AbstractStickyAssignor#assignPartitions. */
export function stickyAssign(group: GroupSubscription): StickyResult {
  // Kafka's leader fills a HashMap of subscriptions; its order decides who
  // wins ownership conflicts and who keeps partitions first.
  const memberOrder = javaHashMapOrder(group.memberIds);
  const claims = resolveOwnedPartitions(group, memberOrder);
  if (claims.allSubscriptionsEqual) {
    const built = new ConstrainedAssignmentBuilder(group, claims).build();
    return {
      assignment: built.assignment,
      partitionsTransferringOwnership: built.partitionsTransferringOwnership,
    };
  }
  const assignment = new GeneralAssignmentBuilder(group, memberOrder, claims).build();
  return {
    assignment,
    partitionsTransferringOwnership: null,
  };
}

export interface CooperativeStickyResult {
  /** This rebalance's answer: partitions changing owner are withheld. */
  readonly assignment: RawAssignment;
  /** What the follow-up rebalance converges to (the eager sticky result). */
  readonly targetAssignment: RawAssignment;
  readonly partitionsTransferringOwnership: ReadonlyMap<TopicPartition, string>;
}

/** CooperativeStickyAssignor#assignPartitions. */
export function cooperativeStickyAssign(group: GroupSubscription): CooperativeStickyResult {
  const result = stickyAssign(group);
  const transferring = result.partitionsTransferringOwnership ?? computePartitionsTransferringOwnership(group, result);
  // adjustAssignment: a partition may only be handed over after its current
  // owner has revoked it, so it is left out of the new owner's list for now.
  const assignment: RawAssignment = new Map();
  for (const [memberId, partitions] of result.assignment) {
    assignment.set(
      memberId,
      partitions.filter((tp) => transferring.get(tp) !== memberId),
    );
  }
  return {
    assignment,
    targetAssignment: result.assignment,
    partitionsTransferringOwnership: transferring,
  };
}

/**
 * Partitions added to one member that another member owned and now loses
 * (the general algorithm's case; the constrained one tracks them itself).
 *
 * As in Kafka, "added" means "not in the member's own list of owned
 * partitions", whatever became of that claim: a stale claimant that lost the
 * partition to a newer generation, and is now given it back, is handed it at
 * once, while the newer owner revokes it in the same round (see Kafka's
 * testSubscriptionNotEqualAndAssignSamePartitionWith3Generation). Partitions
 * that no longer exist were dropped from the lists; Kafka keeps them, but
 * they can be neither assigned nor "added", so the answer is the same.
 */
function computePartitionsTransferringOwnership(
  group: GroupSubscription,
  result: StickyResult,
): Map<TopicPartition, string> {
  const allAddedPartitions = new Map<TopicPartition, string>();
  const allRevokedPartitions = new Set<TopicPartition>();
  for (const [memberId, assigned] of result.assignment) {
    const owned = group.ownedPartitions.get(memberId) ?? [];
    const ownedSet = new Set(owned);
    const assignedSet = new Set(assigned);
    for (const tp of assigned) {
      if (!ownedSet.has(tp)) allAddedPartitions.set(tp, memberId);
    }
    for (const tp of owned) {
      if (!assignedSet.has(tp)) allRevokedPartitions.add(tp);
    }
  }
  for (const tp of [...allAddedPartitions.keys()]) {
    if (!allRevokedPartitions.has(tp)) allAddedPartitions.delete(tp);
  }
  return allAddedPartitions;
}

// ---------------------------------------------------------------------------
// Ownership claims (AbstractStickyAssignor#allSubscriptionsEqual)
// ---------------------------------------------------------------------------

interface OwnershipClaims {
  readonly allSubscriptionsEqual: boolean;
  /** Valid owned partitions per member, in HashMap order of member ids. */
  readonly consumerToOwnedPartitions: Map<string, TopicPartition[]>;
  readonly partitionsWithMultiplePreviousOwners: Set<TopicPartition>;
  readonly maxGeneration: number;
}

function generationOf(group: GroupSubscription, memberId: string): number {
  return group.generations.get(memberId) ?? DEFAULT_GENERATION;
}

function resolveOwnedPartitions(group: GroupSubscription, memberOrder: readonly string[]): OwnershipClaims {
  let allSubscriptionsEqual = true;
  // Kafka (re)initializes this from each member while it is still empty, so
  // empty subscriptions met before the first non-empty one are never
  // compared: such a group counts as "all equal" and the constrained
  // algorithm then hands those members partitions they never subscribed to.
  let subscribedTopics = new Set<string>();
  const allPreviousPartitionsToOwner = new Map<TopicPartition, string>();
  const consumerToOwnedPartitions = new Map<string, TopicPartition[]>();
  const partitionsWithMultiplePreviousOwners = new Set<TopicPartition>();
  let maxGeneration = DEFAULT_GENERATION;

  for (const consumer of memberOrder) {
    const topics = group.subscriptions.get(consumer) ?? [];
    if (subscribedTopics.size === 0) {
      subscribedTopics = new Set(topics);
    } else if (
      allSubscriptionsEqual &&
      !(topics.length === subscribedTopics.size && topics.every((topic) => subscribedTopics.has(topic)))
    ) {
      allSubscriptionsEqual = false;
    }

    const memberGeneration = generationOf(group, consumer);
    maxGeneration = Math.max(maxGeneration, memberGeneration);

    const owned: TopicPartition[] = [];
    consumerToOwnedPartitions.set(consumer, owned);
    for (const tp of group.ownedPartitions.get(consumer) ?? []) {
      const otherConsumer = allPreviousPartitionsToOwner.get(tp);
      if (otherConsumer === undefined) {
        owned.push(tp);
        allPreviousPartitionsToOwner.set(tp, consumer);
        continue;
      }
      const otherGeneration = generationOf(group, otherConsumer);
      if (memberGeneration === otherGeneration) {
        // Two owners in one generation: trust neither, revoke from both.
        partitionsWithMultiplePreviousOwners.add(tp);
        removeFrom(consumerToOwnedPartitions.get(otherConsumer), tp);
        allPreviousPartitionsToOwner.set(tp, consumer);
      } else if (memberGeneration > otherGeneration) {
        // The newer generation's claim is the true one.
        owned.push(tp);
        removeFrom(consumerToOwnedPartitions.get(otherConsumer), tp);
        allPreviousPartitionsToOwner.set(tp, consumer);
      }
      // else: the other member's newer claim stands.
    }
  }
  return {
    allSubscriptionsEqual,
    consumerToOwnedPartitions,
    partitionsWithMultiplePreviousOwners,
    maxGeneration,
  };
}

function removeFrom<T>(list: T[] | undefined, item: T): void {
  if (list === undefined) return;
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}

function totalPartitionsCount(group: GroupSubscription): number {
  let total = 0;
  for (const count of group.partitionsPerTopic.values()) total += count;
  return total;
}

// ---------------------------------------------------------------------------
// Constrained algorithm: all members subscribe to the same topics
// ---------------------------------------------------------------------------

class ConstrainedAssignmentBuilder {
  private readonly group: GroupSubscription;
  private readonly claims: OwnershipClaims;
  private readonly minQuota: number;
  private readonly maxQuota: number;
  /** How many members end with maxQuota (0 when minQuota == maxQuota). */
  private readonly expectedNumMembersWithOverMinQuotaPartitions: number;
  private currentNumMembersWithOverMinQuotaPartitions = 0;
  private readonly assignment: RawAssignment = new Map();
  private readonly assignedPartitions = new Set<TopicPartition>();
  /** Owned partitions a member could not keep, with that member. */
  private readonly maybeRevokedPartitions = new Map<TopicPartition, string>();
  private readonly partitionsTransferringOwnership = new Map<TopicPartition, string>();
  private unfilledMembersWithUnderMinQuotaPartitions: string[] = [];
  private unfilledMembersWithExactlyMinQuotaPartitions: string[] = [];

  constructor(group: GroupSubscription, claims: OwnershipClaims) {
    this.group = group;
    this.claims = claims;
    const total = totalPartitionsCount(group);
    const numberOfConsumers = claims.consumerToOwnedPartitions.size;
    this.minQuota = Math.floor(total / numberOfConsumers);
    this.maxQuota = Math.ceil(total / numberOfConsumers);
    this.expectedNumMembersWithOverMinQuotaPartitions = total % numberOfConsumers;
    for (const memberId of claims.consumerToOwnedPartitions.keys()) {
      this.assignment.set(memberId, []);
    }
  }

  build(): {
    assignment: RawAssignment;
    partitionsTransferringOwnership: Map<TopicPartition, string>;
  } {
    this.assignOwnedPartitions();
    const unassignedPartitions = this.unassignedPartitions();
    this.unfilledMembersWithUnderMinQuotaPartitions.sort(compareJavaStrings);
    this.unfilledMembersWithExactlyMinQuotaPartitions.sort(compareJavaStrings);
    this.assignRoundRobin(unassignedPartitions);
    this.verifyUnfilledMembers();
    return {
      assignment: this.assignment,
      partitionsTransferringOwnership: this.partitionsTransferringOwnership,
    };
  }

  // Each member keeps what it owned, up to the quota it may end with: all of
  // it below minQuota, maxQuota while fewer than the expected number of
  // members hold maxQuota, minQuota otherwise. Owned partitions are kept in
  // order of (partition number, topic), Kafka's choice.
  private assignOwnedPartitions(): void {
    const { minQuota, maxQuota } = this;
    for (const [consumer, ownedList] of this.claims.consumerToOwnedPartitions) {
      const ownedPartitions = [...ownedList]
        .sort((a, b) => a.partition - b.partition || compareJavaStrings(a.topic, b.topic))
        .filter((tp) => !this.claims.partitionsWithMultiplePreviousOwners.has(tp));
      const consumerAssignment = this.assignment.get(consumer) as TopicPartition[];

      if (ownedPartitions.length < minQuota) {
        this.keep(consumerAssignment, ownedPartitions);
        this.unfilledMembersWithUnderMinQuotaPartitions.push(consumer);
      } else if (
        ownedPartitions.length >= maxQuota &&
        this.currentNumMembersWithOverMinQuotaPartitions < this.expectedNumMembersWithOverMinQuotaPartitions
      ) {
        this.currentNumMembersWithOverMinQuotaPartitions++;
        if (this.currentNumMembersWithOverMinQuotaPartitions === this.expectedNumMembersWithOverMinQuotaPartitions) {
          // Every maxQuota slot is taken: members at minQuota are now full.
          this.unfilledMembersWithExactlyMinQuotaPartitions = [];
        }
        this.keep(consumerAssignment, ownedPartitions.slice(0, maxQuota));
        for (const tp of ownedPartitions.slice(maxQuota)) {
          this.maybeRevokedPartitions.set(tp, consumer);
        }
      } else {
        this.keep(consumerAssignment, ownedPartitions.slice(0, minQuota));
        for (const tp of ownedPartitions.slice(minQuota)) {
          this.maybeRevokedPartitions.set(tp, consumer);
        }
        if (this.currentNumMembersWithOverMinQuotaPartitions < this.expectedNumMembersWithOverMinQuotaPartitions) {
          this.unfilledMembersWithExactlyMinQuotaPartitions.push(consumer);
        }
      }
    }
  }

  private keep(target: TopicPartition[], partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      target.push(tp);
      this.assignedPartitions.add(tp);
    }
  }

  /** Every partition not kept, sorted by topic then partition number. */
  private unassignedPartitions(): TopicPartition[] {
    const topics = [...this.group.partitionsPerTopic.keys()].sort(compareJavaStrings);
    const unassigned: TopicPartition[] = [];
    for (const topic of topics) {
      const count = this.group.partitionsPerTopic.get(topic) as number;
      for (const tp of partitionsOf(this.group.partitions, topic, count)) {
        if (!this.assignedPartitions.has(tp)) unassigned.push(tp);
      }
    }
    return unassigned;
  }

  // Deal partitions round-robin to members under minQuota (sorted by member
  // id); once none is left, top up members at minQuota to maxQuota, first
  // come first served.
  private assignRoundRobin(unassignedPartitions: TopicPartition[]): void {
    const under = this.unfilledMembersWithUnderMinQuotaPartitions;
    // Emulates Kafka's LinkedList iterator over `under`.
    let nextIndex = 0;
    let lastReturnedIndex = -1;
    for (const tp of unassignedPartitions) {
      let consumer: string;
      let fromUnder = true;
      if (nextIndex < under.length) {
        lastReturnedIndex = nextIndex++;
        consumer = under[lastReturnedIndex];
      } else if (under.length === 0) {
        const polled = this.unfilledMembersWithExactlyMinQuotaPartitions.shift();
        invariant(polled !== undefined, "sticky assignor: no more unfilled consumers to be assigned");
        consumer = polled;
        fromUnder = false;
      } else {
        lastReturnedIndex = 0;
        nextIndex = 1;
        consumer = under[0];
      }

      const currentAssignedCount = this.assignNewPartition(tp, consumer);
      if (currentAssignedCount === this.minQuota) {
        invariant(fromUnder, "sticky assignor: unexpected member at minQuota");
        under.splice(lastReturnedIndex, 1);
        nextIndex = lastReturnedIndex;
        this.unfilledMembersWithExactlyMinQuotaPartitions.push(consumer);
      } else if (currentAssignedCount === this.maxQuota) {
        this.currentNumMembersWithOverMinQuotaPartitions++;
      }
    }
  }

  private assignNewPartition(tp: TopicPartition, consumer: string): number {
    const consumerAssignment = this.assignment.get(consumer) as TopicPartition[];
    consumerAssignment.push(tp);
    // Everything owned and kept was placed already, so this is a new owner
    // unless the member is the one that could not keep it.
    const revokedFrom = this.maybeRevokedPartitions.get(tp);
    if (
      (revokedFrom !== undefined && revokedFrom !== consumer) ||
      this.claims.partitionsWithMultiplePreviousOwners.has(tp)
    ) {
      this.partitionsTransferringOwnership.set(tp, consumer);
    }
    return consumerAssignment.length;
  }

  private verifyUnfilledMembers(): void {
    const under = this.unfilledMembersWithUnderMinQuotaPartitions;
    if (under.length === 0) return;
    invariant(
      this.currentNumMembersWithOverMinQuotaPartitions === this.expectedNumMembersWithOverMinQuotaPartitions,
      "sticky assignor: expected number of members at maxQuota not reached",
    );
    for (const member of under) {
      invariant(
        (this.assignment.get(member) as TopicPartition[]).length === this.minQuota,
        `sticky assignor: ${member} did not reach minQuota`,
      );
    }
  }
}

// ---------------------------------------------------------------------------
// General algorithm: members subscribe to different topics
// ---------------------------------------------------------------------------

interface ConsumerGenerationPair {
  readonly consumer: string;
  readonly generation: number;
}

interface ConsumerPair {
  readonly src: string;
  readonly dst: string;
}

function pairKey(src: string, dst: string): string {
  return JSON.stringify([src, dst]);
}

function newPartitionSet(): JavaHashKeys<TopicPartition> {
  return new JavaHashKeys<TopicPartition>(topicPartitionHashCode, (tp) => tp.name);
}

/**
 * Partition moves made during this rebalance, per topic and (src, dst) pair,
 * so that a move that would swap partitions of one topic back and forth
 * between two members moves the earlier partition back instead.
 */
class PartitionMovements {
  private readonly partitionMovementsByTopic = new Map<string, Map<string, JavaHashKeys<TopicPartition>>>();
  private readonly partitionMovements = new Map<TopicPartition, ConsumerPair>();

  private removeMovementRecordOfPartition(tp: TopicPartition): ConsumerPair {
    const pair = this.partitionMovements.get(tp) as ConsumerPair;
    this.partitionMovements.delete(tp);
    const forTopic = this.partitionMovementsByTopic.get(tp.topic) as Map<string, JavaHashKeys<TopicPartition>>;
    const key = pairKey(pair.src, pair.dst);
    const partitions = forTopic.get(key) as JavaHashKeys<TopicPartition>;
    partitions.delete(tp);
    if (partitions.size === 0) forTopic.delete(key);
    if (forTopic.size === 0) this.partitionMovementsByTopic.delete(tp.topic);
    return pair;
  }

  private addPartitionMovementRecord(tp: TopicPartition, pair: ConsumerPair): void {
    this.partitionMovements.set(tp, pair);
    let forTopic = this.partitionMovementsByTopic.get(tp.topic);
    if (forTopic === undefined) {
      forTopic = new Map();
      this.partitionMovementsByTopic.set(tp.topic, forTopic);
    }
    const key = pairKey(pair.src, pair.dst);
    let partitions = forTopic.get(key);
    if (partitions === undefined) {
      // A fresh java.util.HashSet each time, so its capacity restarts at 16.
      partitions = newPartitionSet();
      forTopic.set(key, partitions);
    }
    partitions.add(tp);
  }

  movePartition(tp: TopicPartition, oldConsumer: string, newConsumer: string) {
    if (this.partitionMovements.has(tp)) {
      const existing = this.removeMovementRecordOfPartition(tp);
      // Moving back to where it started this rebalance erases the record.
      if (existing.src !== newConsumer) {
        this.addPartitionMovementRecord(tp, {
          src: existing.src,
          dst: newConsumer,
        });
      }
    } else {
      this.addPartitionMovementRecord(tp, {
        src: oldConsumer,
        dst: newConsumer,
      });
    }
  }

  getTheActualPartitionToBeMoved(tp: TopicPartition, oldConsumer: string, newConsumer: string): TopicPartition {
    const forTopic = this.partitionMovementsByTopic.get(tp.topic);
    if (forTopic === undefined) return tp;
    const earlier = this.partitionMovements.get(tp);
    const source = earlier !== undefined ? earlier.src : oldConsumer;
    const reverse = forTopic.get(pairKey(newConsumer, source));
    if (reverse === undefined) return tp;
    // Kafka takes whatever its HashSet iterator yields first.
    return reverse.first() as TopicPartition;
  }
}

/** Members ordered by (number of assigned partitions, member id): Kafka's TreeSet. */
class SortedMembers {
  private readonly members: string[] = [];
  private readonly sizeOf: (memberId: string) => number;

  constructor(sizeOf: (memberId: string) => number) {
    this.sizeOf = sizeOf;
  }

  private compare(a: string, b: string): number {
    return this.sizeOf(a) - this.sizeOf(b) || compareJavaStrings(a, b);
  }

  add(memberId: string): void {
    let lo = 0;
    let hi = this.members.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compare(this.members[mid], memberId);
      if (c === 0) return;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    this.members.splice(lo, 0, memberId);
  }

  remove(memberId: string): void {
    const at = this.members.indexOf(memberId);
    if (at >= 0) this.members.splice(at, 1);
  }

  first(): string {
    return this.members[0];
  }

  last(): string {
    return this.members[this.members.length - 1];
  }

  values(): readonly string[] {
    return this.members;
  }
}

class GeneralAssignmentBuilder {
  private readonly group: GroupSubscription;
  private readonly memberOrder: readonly string[];
  private readonly claims: OwnershipClaims;
  /** Each topic's subscribed members, in HashMap order of member ids. */
  private readonly topic2AllPotentialConsumers = new Map<string, string[]>();
  private readonly consumer2AllPotentialTopics = new Map<string, string[]>();
  private readonly consumerTopicSets = new Map<string, Set<string>>();
  private currentAssignment: RawAssignment;
  private currentPartitionConsumer = new Map<TopicPartition, string>();
  private sortedAllPartitions: TopicPartition[];
  private readonly sortedCurrentSubscriptions: SortedMembers;
  private readonly partitionMovements = new PartitionMovements();
  private revocationRequired = false;

  constructor(group: GroupSubscription, memberOrder: readonly string[], claims: OwnershipClaims) {
    this.group = group;
    this.memberOrder = memberOrder;
    this.claims = claims;
    this.currentAssignment = claims.consumerToOwnedPartitions;

    for (const topic of group.partitionsPerTopic.keys()) {
      this.topic2AllPotentialConsumers.set(topic, []);
    }
    for (const consumer of memberOrder) {
      const topics = (group.subscriptions.get(consumer) ?? []).filter((topic) => group.partitionsPerTopic.has(topic));
      this.consumer2AllPotentialTopics.set(consumer, topics);
      this.consumerTopicSets.set(consumer, new Set(topics));
      for (const topic of topics) {
        (this.topic2AllPotentialConsumers.get(topic) as string[]).push(consumer);
      }
    }
    for (const [consumer, partitions] of this.currentAssignment) {
      for (const tp of partitions) this.currentPartitionConsumer.set(tp, consumer);
    }

    // Topics with fewer potential consumers first, then by name.
    const sortedAllTopics = [...this.topic2AllPotentialConsumers.keys()].sort(
      (a, b) => this.topicConsumerCount(a) - this.topicConsumerCount(b) || compareJavaStrings(a, b),
    );
    this.sortedAllPartitions = sortedAllTopics.flatMap((topic) =>
      partitionsOf(group.partitions, topic, group.partitionsPerTopic.get(topic) as number),
    );
    this.sortedCurrentSubscriptions = new SortedMembers((memberId) => this.sizeOf(memberId));
  }

  private topicConsumerCount(topic: string): number {
    return (this.topic2AllPotentialConsumers.get(topic) as string[]).length;
  }

  private sizeOf(memberId: string): number {
    return (this.currentAssignment.get(memberId) as TopicPartition[]).length;
  }

  private subscribes(memberId: string, topic: string): boolean {
    return this.consumerTopicSets.get(memberId)?.has(topic) ?? false;
  }

  build(): RawAssignment {
    const prevAssignment = this.prepopulateCurrentAssignments();
    const assignedPartitions = this.assignOwnedPartitions();
    const unassignedPartitions = this.sortedAllPartitions.filter((tp) => !assignedPartitions.has(tp));
    for (const consumer of this.currentAssignment.keys()) {
      this.sortedCurrentSubscriptions.add(consumer);
    }
    this.balance(prevAssignment, unassignedPartitions);
    return this.currentAssignment;
  }

  /**
   * For members of an older generation than the newest, remember what they
   * owned (the newest claim per partition): a partition is moved back to its
   * previous owner when that restores balance.
   */
  private prepopulateCurrentAssignments(): Map<TopicPartition, ConsumerGenerationPair> {
    const prevAssignment = new Map<TopicPartition, ConsumerGenerationPair>();
    for (const consumer of this.memberOrder) {
      const generation = generationOf(this.group, consumer);
      if (generation >= this.claims.maxGeneration) continue;
      for (const tp of this.group.ownedPartitions.get(consumer) ?? []) {
        const previous = prevAssignment.get(tp);
        if (previous === undefined || generation > previous.generation) {
          prevAssignment.set(tp, { consumer, generation });
        }
      }
    }
    return prevAssignment;
  }

  /** Keeps owned partitions of topics the member still subscribes to. */
  private assignOwnedPartitions(): Set<TopicPartition> {
    const assignedPartitions = new Set<TopicPartition>();
    for (const [consumer, partitions] of this.currentAssignment) {
      const kept: TopicPartition[] = [];
      for (const tp of partitions) {
        if (this.subscribes(consumer, tp.topic)) {
          kept.push(tp);
          assignedPartitions.add(tp);
        } else {
          // Unsubscribed: it must go (Kafka leaves the stale owner in
          // currentPartitionConsumer, and so do we).
          this.revocationRequired = true;
        }
      }
      this.currentAssignment.set(consumer, kept);
    }
    return assignedPartitions;
  }

  private balance(
    prevAssignment: Map<TopicPartition, ConsumerGenerationPair>,
    unassignedPartitions: TopicPartition[],
  ): void {
    const initializing = this.sizeOf(this.sortedCurrentSubscriptions.last()) === 0;

    // Each unassigned partition goes to the least-loaded eligible member.
    for (const tp of unassignedPartitions) {
      if (this.topicConsumerCount(tp.topic) === 0) continue;
      this.maybeAssignPartition(tp);
    }

    // Only topics with two or more potential consumers can move.
    const fixedTopics = new Set(
      [...this.topic2AllPotentialConsumers.keys()].filter((topic) => !this.canTopicParticipateInReassignment(topic)),
    );
    this.sortedAllPartitions = this.sortedAllPartitions.filter((tp) => !fixedTopics.has(tp.topic));
    const reassignableUnassigned = unassignedPartitions.filter((tp) => !fixedTopics.has(tp.topic));

    // Members that can neither gain nor lose anything sit this out.
    const fixedAssignments = new Map<string, TopicPartition[]>();
    for (const consumer of this.consumer2AllPotentialTopics.keys()) {
      if (!this.canConsumerParticipateInReassignment(consumer)) {
        this.sortedCurrentSubscriptions.remove(consumer);
        fixedAssignments.set(consumer, this.currentAssignment.get(consumer) as TopicPartition[]);
        this.currentAssignment.delete(consumer);
      }
    }

    const preBalanceAssignment = deepCopy(this.currentAssignment);
    const preBalancePartitionConsumers = new Map(this.currentPartitionConsumer);

    // With no revocation forced by a subscription change, first try to
    // balance by moving only the newly assigned partitions.
    if (!this.revocationRequired) {
      this.performReassignments(reassignableUnassigned, prevAssignment);
    }
    const reassignmentPerformed = this.performReassignments(this.sortedAllPartitions, prevAssignment);

    // Moving existing partitions must pay for itself in balance.
    if (
      !initializing &&
      reassignmentPerformed &&
      balanceScore(this.currentAssignment) >= balanceScore(preBalanceAssignment)
    ) {
      this.currentAssignment = deepCopy(preBalanceAssignment);
      this.currentPartitionConsumer = preBalancePartitionConsumers;
    }

    for (const [consumer, partitions] of fixedAssignments) {
      this.currentAssignment.set(consumer, partitions);
    }
  }

  private maybeAssignPartition(tp: TopicPartition): void {
    for (const consumer of this.sortedCurrentSubscriptions.values()) {
      if (this.subscribes(consumer, tp.topic)) {
        this.sortedCurrentSubscriptions.remove(consumer);
        (this.currentAssignment.get(consumer) as TopicPartition[]).push(tp);
        this.currentPartitionConsumer.set(tp, consumer);
        this.sortedCurrentSubscriptions.add(consumer);
        return;
      }
    }
  }

  private canTopicParticipateInReassignment(topic: string): boolean {
    return this.topicConsumerCount(topic) >= 2;
  }

  private maxAssignmentSize(consumer: string): number {
    let size = 0;
    for (const topic of this.consumer2AllPotentialTopics.get(consumer) ?? []) {
      size += this.group.partitionsPerTopic.get(topic) as number;
    }
    return size;
  }

  private canConsumerParticipateInReassignment(consumer: string): boolean {
    const partitions = this.currentAssignment.get(consumer) as TopicPartition[];
    if (partitions.length < this.maxAssignmentSize(consumer)) return true;
    return partitions.some((tp) => this.canTopicParticipateInReassignment(tp.topic));
  }

  /**
   * Kafka's isBalanced: sizes differ by at most one, or no member that lacks
   * some of its potential partitions could take one from a member holding at
   * least two more partitions than it. Kafka scans every such partition;
   * comparing with the most-loaded holder of each topic gives the same
   * answer in linear time.
   */
  private isBalanced(): boolean {
    const min = this.sizeOf(this.sortedCurrentSubscriptions.first());
    const max = this.sizeOf(this.sortedCurrentSubscriptions.last());
    if (min >= max - 1) return true;

    const mostLoadedHolderByTopic = new Map<string, number>();
    for (const partitions of this.currentAssignment.values()) {
      for (const tp of partitions) {
        const known = mostLoadedHolderByTopic.get(tp.topic) ?? 0;
        if (partitions.length > known) {
          mostLoadedHolderByTopic.set(tp.topic, partitions.length);
        }
      }
    }
    for (const consumer of this.sortedCurrentSubscriptions.values()) {
      const count = this.sizeOf(consumer);
      if (count === this.maxAssignmentSize(consumer)) continue;
      for (const topic of this.consumer2AllPotentialTopics.get(consumer) ?? []) {
        if ((mostLoadedHolderByTopic.get(topic) ?? 0) > count + 1) return false;
      }
    }
    return true;
  }

  private performReassignments(
    reassignablePartitions: readonly TopicPartition[],
    prevAssignment: Map<TopicPartition, ConsumerGenerationPair>,
  ): boolean {
    let reassignmentPerformed = false;
    let modified: boolean;
    // Repeat until a full pass moves nothing or the assignment is balanced.
    do {
      modified = false;
      for (let i = 0; i < reassignablePartitions.length && !this.isBalanced(); i++) {
        const tp = reassignablePartitions[i];
        const consumer = this.currentPartitionConsumer.get(tp);
        invariant(consumer !== undefined, `sticky assignor: ${tp.name} has no consumer`);

        // Prefer handing it back to its owner from an older generation. Like
        // Kafka, whether or not that member still subscribes to the topic.
        const previous = prevAssignment.get(tp);
        if (previous !== undefined && this.sizeOf(consumer) > this.previousOwnerSize(previous.consumer, tp) + 1) {
          this.reassignPartitionTo(tp, previous.consumer);
          reassignmentPerformed = true;
          modified = true;
          continue;
        }

        // Is some other eligible member at least two partitions lighter?
        for (const otherConsumer of this.topic2AllPotentialConsumers.get(tp.topic) as string[]) {
          if (this.sizeOf(consumer) > this.sizeOf(otherConsumer) + 1) {
            this.reassignPartition(tp);
            reassignmentPerformed = true;
            modified = true;
            break;
          }
        }
      }
    } while (modified);
    return reassignmentPerformed;
  }

  // A previous owner that sits out the balancing (it can neither gain nor
  // lose a partition) has no entry: Kafka's lookup returns null and it fails
  // with a NullPointerException, so the whole assignment fails.
  private previousOwnerSize(previousOwner: string, tp: TopicPartition): number {
    const partitions = this.currentAssignment.get(previousOwner);
    if (partitions === undefined) {
      throw new KafkaAssignorError(
        `sticky assignor: ${tp.name} would go back to ${previousOwner}, its owner in an older generation, ` +
          "but that member takes no part in the reassignment (it holds all the partitions it can get, none of " +
          "them movable); Kafka's AbstractStickyAssignor fails here with a NullPointerException",
        "NullPointerException",
      );
    }
    return partitions.length;
  }

  /** Moves towards the least-loaded member subscribed to the topic. */
  private reassignPartition(tp: TopicPartition): void {
    const newConsumer = this.sortedCurrentSubscriptions
      .values()
      .find((candidate) => this.subscribes(candidate, tp.topic));
    invariant(newConsumer !== undefined, `sticky assignor: nobody can take ${tp.name}`);
    this.reassignPartitionTo(tp, newConsumer);
  }

  private reassignPartitionTo(tp: TopicPartition, newConsumer: string): void {
    const consumer = this.currentPartitionConsumer.get(tp) as string;
    const partitionToBeMoved = this.partitionMovements.getTheActualPartitionToBeMoved(tp, consumer, newConsumer);
    this.processPartitionMovement(partitionToBeMoved, newConsumer);
  }

  private processPartitionMovement(tp: TopicPartition, newConsumer: string): void {
    const oldConsumer = this.currentPartitionConsumer.get(tp) as string;
    this.sortedCurrentSubscriptions.remove(oldConsumer);
    this.sortedCurrentSubscriptions.remove(newConsumer);
    this.partitionMovements.movePartition(tp, oldConsumer, newConsumer);
    removeFrom(this.currentAssignment.get(oldConsumer), tp);
    (this.currentAssignment.get(newConsumer) as TopicPartition[]).push(tp);
    this.currentPartitionConsumer.set(tp, newConsumer);
    this.sortedCurrentSubscriptions.add(newConsumer);
    this.sortedCurrentSubscriptions.add(oldConsumer);
  }
}

function deepCopy(assignment: RawAssignment): RawAssignment {
  const copy: RawAssignment = new Map();
  for (const [memberId, partitions] of assignment) {
    copy.set(memberId, [...partitions]);
  }
  return copy;
}

/** Sum over all member pairs of the difference in assignment sizes; 0 is perfect. */
function balanceScore(assignment: RawAssignment): number {
  const sizes = [...assignment.values()].map((partitions) => partitions.length);
  let score = 0;
  for (let i = 0; i < sizes.length; i++) {
    for (let j = i + 1; j < sizes.length; j++) {
      score += Math.abs(sizes[i] - sizes[j]);
    }
  }
  return score;
}
