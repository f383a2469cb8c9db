import { describe, expect, it } from "vitest";
import fc from "fast-check";
import vectors from "../fixtures/kafka-vectors.json";
import { coordinatorPartition, javaStringHashCode, kafkaAbs } from "./coordinatorPartition.ts";

describe("coordinatorPartition (GroupCoordinatorService#partitionFor)", () => {
  it.each(vectors.groupCoordinatorPartition.cases)(
    'group "$groupId" -> partition $partition of $offsetsTopicPartitions',
    ({ groupId, javaStringHashCode: hash, offsetsTopicPartitions, partition, partitionIf10 }) => {
      expect(javaStringHashCode(groupId)).toBe(hash);
      expect(coordinatorPartition(groupId, offsetsTopicPartitions)).toBe(partition);
      expect(coordinatorPartition(groupId)).toBe(partition);
      expect(coordinatorPartition(groupId, 10)).toBe(partitionIf10);
    },
  );

  it("uses Utils.abs, which maps Integer.MIN_VALUE to 0", () => {
    expect(kafkaAbs(-2147483648)).toBe(0);
    expect(kafkaAbs(-5)).toBe(5);
    expect(kafkaAbs(7)).toBe(7);
  });

  it("hashes UTF-16 code units, as Java does", () => {
    // "😀" is two UTF-16 units (0xd83d, 0xde00): 31 * 0xd83d + 0xde00.
    expect(javaStringHashCode("😀")).toBe(31 * 0xd83d + 0xde00);
    expect(javaStringHashCode("")).toBe(0);
  });

  it("always lands in [0, partitions)", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 200 }), (groupId, n) => {
        const p = coordinatorPartition(groupId, n);
        return Number.isInteger(p) && p >= 0 && p < n;
      }),
    );
  });

  it("rejects a topic without partitions", () => {
    expect(() => coordinatorPartition("g", 0)).toThrow(RangeError);
  });
});
