// Which __consumer_offsets partition holds a group, and so which broker is its
// coordinator: the current leader of that partition.
//
// Kafka: Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions
// (GroupCoordinatorService#partitionFor). It is Java's String.hashCode, not
// murmur2, and Utils.abs maps Integer.MIN_VALUE to 0 where Math.abs would
// leave it negative. Transactional ids use the same formula over
// __transaction_state (TransactionStateManager#partitionFor).

import { javaStringHashCode } from "./assignors/javaCollections.ts";

/** Default offsets.topic.num.partitions (and transaction.state.log.num.partitions). */
export const DEFAULT_OFFSETS_TOPIC_PARTITIONS = 50;

/** Kafka's `Utils.abs`: absolute value, except that -2147483648 gives 0. */
export function kafkaAbs(n: number): number {
  return n === -0x80000000 ? 0 : Math.abs(n);
}

export { javaStringHashCode };

/** The __consumer_offsets partition of `groupId`. */
export function coordinatorPartition(
  groupId: string,
  offsetsTopicPartitions = DEFAULT_OFFSETS_TOPIC_PARTITIONS,
): number {
  if (!Number.isInteger(offsetsTopicPartitions) || offsetsTopicPartitions < 1) {
    throw new RangeError(`offsetsTopicPartitions must be a positive integer, got ${offsetsTopicPartitions}`);
  }
  return kafkaAbs(javaStringHashCode(groupId)) % offsetsTopicPartitions;
}
