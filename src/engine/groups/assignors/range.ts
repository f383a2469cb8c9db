// RangeAssignor (classic protocol, EAGER only): each topic on its own.
//
// The members subscribed to a topic are put in Kafka's MemberInfo order
// (static members by group.instance.id first, then dynamic ones by member id).
// With n partitions and k members, member i gets a contiguous run of n / k
// partitions, and the first n % k members one more. Partition p of
// co-partitioned topics therefore lands on the same member, and the first
// members carry the extra load of every topic.
//
// Rack-aware range assignment (KIP-881) is not modelled: our members carry no
// client.rack, which is the case where Kafka skips it.

import { compareMembers, type GroupSubscription, type RawAssignment, type TopicPartition } from "./common.ts";
import { javaHashMapOrder } from "./javaCollections.ts";

export function rangeAssign(group: GroupSubscription): RawAssignment {
  const assignment: RawAssignment = new Map();
  for (const memberId of group.memberIds) assignment.set(memberId, []);

  const byMemberOrder = compareMembers(group.groupInstanceIds);
  // Kafka collects each topic's members while walking its HashMap of
  // subscriptions, then sorts them stably.
  const memberOrder = javaHashMapOrder(group.memberIds);
  for (const [topic, numPartitions] of group.partitionsPerTopic) {
    const consumers = memberOrder
      .filter((memberId) => group.subscriptions.get(memberId)?.includes(topic))
      .sort(byMemberOrder);
    if (consumers.length === 0) continue;

    const numPartitionsPerConsumer = Math.floor(numPartitions / consumers.length);
    const consumersWithExtraPartition = numPartitions % consumers.length;
    consumers.forEach((memberId, i) => {
      const start = numPartitionsPerConsumer * i + Math.min(i, consumersWithExtraPartition);
      const length = numPartitionsPerConsumer + (i < consumersWithExtraPartition ? 1 : 0);
      const partitions = assignment.get(memberId) as TopicPartition[];
      for (let p = start; p < start + length; p++) {
        partitions.push(group.partitions.get(topic, p));
      }
    });
  }
  return assignment;
}
