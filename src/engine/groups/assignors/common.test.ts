import { describe, expect, it } from "vitest";
import {
  compareMembers,
  compareTopicPartitions,
  PartitionTable,
  parsePartitionName,
  topicPartitionHashCode,
} from "./common.ts";

describe("partition names", () => {
  it("splits at the last '-', since topic names may contain '-'", () => {
    expect(parsePartitionName("my-topic-12")).toEqual({ topic: "my-topic", partition: 12 });
    expect(parsePartitionName("t-0")).toEqual({ topic: "t", partition: 0 });
    expect(parsePartitionName("t--1")).toEqual({ topic: "t-", partition: 1 });
  });

  it("refuses names without a valid partition number", () => {
    for (const bad of ["topic", "-1", "t-", "t-01", "t-x", "t-1.5", "t-99999999999"]) {
      expect(parsePartitionName(bad), bad).toBeNull();
    }
  });

  it("interns partitions, so === compares them", () => {
    const table = new PartitionTable();
    expect(table.get("t", 1)).toBe(table.get("t", 1));
    expect(table.get("t", 1).name).toBe("t-1");
  });

  it("sorts by topic then partition number", () => {
    const table = new PartitionTable();
    const sorted = [table.get("b", 1), table.get("a", 10), table.get("a", 2)].sort(compareTopicPartitions);
    expect(sorted.map((tp) => tp.name)).toEqual(["a-2", "a-10", "b-1"]);
  });

  it("hashes like Java's TopicPartition", () => {
    // 31 * (31 + 0) + "t".hashCode() = 961 + 116
    expect(topicPartitionHashCode(new PartitionTable().get("t", 0))).toBe(1077);
  });
});

describe("MemberInfo order", () => {
  it("puts static members first by instance id, then dynamic members by id", () => {
    const instances = new Map([
      ["zeta", "instance-1"],
      ["alpha", "instance-2"],
    ]);
    const sorted = ["m2", "alpha", "m1", "zeta"].sort(compareMembers(instances));
    expect(sorted).toEqual(["zeta", "alpha", "m1", "m2"]);
  });
});
