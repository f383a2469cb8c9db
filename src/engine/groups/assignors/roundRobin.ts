// RoundRobinAssignor (classic protocol, EAGER only).
//
// Every partition of every subscribed topic, topics sorted by name and
// partitions ascending, is dealt in turn to the members in Kafka's MemberInfo
// order, going round in a circle; a member not subscribed to the partition's
// topic is skipped (and so loses its turn). Balanced only when all members
// subscribe to the same topics.

import { compareMembers, type GroupSubscription, type RawAssignment, type TopicPartition } from "./common.ts";
import { compareJavaStrings, javaHashMapOrder } from "./javaCollections.ts";

export function roundRobinAssign(group: GroupSubscription): RawAssignment {
  const assignment: RawAssignment = new Map();
  for (const memberId of group.memberIds) assignment.set(memberId, []);

  // A stable sort of the HashMap order, as Kafka's Utils.sorted does.
  const members = javaHashMapOrder(group.memberIds).sort(compareMembers(group.groupInstanceIds));
  const subscribed = new Map(members.map((memberId) => [memberId, new Set(group.subscriptions.get(memberId) ?? [])]));
  const topics = [...group.partitionsPerTopic.keys()].sort(compareJavaStrings);

  // The CircularIterator's position survives from one partition to the next.
  let next = 0;
  for (const topic of topics) {
    const numPartitions = group.partitionsPerTopic.get(topic) as number;
    for (let p = 0; p < numPartitions; p++) {
      // Some member subscribes to every topic in partitionsPerTopic, so this ends.
      while (!subscribed.get(members[next])?.has(topic)) {
        next = (next + 1) % members.length;
      }
      (assignment.get(members[next]) as TopicPartition[]).push(group.partitions.get(topic, p));
      next = (next + 1) % members.length;
    }
  }
  return assignment;
}
