import { describe, expect, it } from "vitest";
import fc from "fast-check";
import vectors from "../../fixtures/kafka-vectors.json";
import { topicPartitionHashCode, PartitionTable } from "./common.ts";
import { compareJavaStrings, JavaHashKeys, javaHashMapOrder, javaStringHashCode } from "./javaCollections.ts";

// Iteration orders printed by java.util.HashMap / HashSet on OpenJDK 17,
// filling a fresh map with the keys in the order given.
const recordedFromJava = {
  consumer1to4: "consumer4,consumer3,consumer2,consumer1",
  consumer0to29:
    "consumer12,consumer11,consumer10,consumer19,consumer18,consumer17,consumer16,consumer15,consumer14,consumer13," +
    "consumer5,consumer4,consumer3,consumer2,consumer1,consumer0,consumer23,consumer22,consumer21,consumer20," +
    "consumer9,consumer8,consumer7,consumer6,consumer29,consumer28,consumer27,consumer26,consumer25,consumer24",
  memberAtoM:
    "member-a,member-b,member-m,member-k,member-l,member-e,member-f,member-c,member-d,member-i,member-j,member-g,member-h",
  // Ten keys with one hashCode ("Aa" and "BB" hash alike), then three more.
  colliding: "zz,AaAaAaAa,AaAaAaBB,AaAaBBAa,AaAaBBBB,AaBBAaAa,AaBBAaBB,AaBBBBAa,AaBBBBBB,BBAaAaAa,BBAaAaBB,x,y",
  // HashSet<TopicPartition>: topic-0..19, orders-3, a-b-0 added, topic-5 removed.
  topicPartitions:
    "topic-0,topic-18,topic-17,topic-19,topic-10,topic-9,topic-12,topic-11,topic-14,topic-13,topic-16,a-b-0," +
    "topic-15,topic-2,topic-1,topic-4,topic-3,topic-6,orders-3,topic-8,topic-7",
};

function collidingKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => [3, 2, 1, 0].map((bit) => ((i >> bit) & 1 ? "BB" : "Aa")).join(""));
}

describe("Java HashMap iteration order", () => {
  it("visits consumer1..consumer4 as the vectors' tieBreak note says", () => {
    expect(vectors.stickyAssignors.tieBreak).toContain("visits consumer4, consumer3, consumer2, consumer1");
    expect(javaHashMapOrder(["consumer1", "consumer2", "consumer3", "consumer4"]).join(",")).toBe(
      recordedFromJava.consumer1to4,
    );
  });

  it("matches Java after resizes to 32 and 64 buckets", () => {
    const consumers = Array.from({ length: 30 }, (_, i) => `consumer${i}`);
    expect(javaHashMapOrder(consumers).join(",")).toBe(recordedFromJava.consumer0to29);
    const members = Array.from({ length: 13 }, (_, i) => `member-${String.fromCharCode(97 + i)}`);
    expect(javaHashMapOrder(members).join(",")).toBe(recordedFromJava.memberAtoM);
  });

  it("doubles a small table instead of building a tree bin", () => {
    const keys = JavaHashKeys.ofStrings();
    const colliding = collidingKeys(10);
    colliding.slice(0, 8).forEach((key) => keys.add(key));
    expect(keys.capacity).toBe(16);
    keys.add(colliding[8]); // a ninth entry in one bucket: 16 -> 32
    expect(keys.capacity).toBe(32);
    keys.add(colliding[9]); // still one long bucket: 32 -> 64
    expect(keys.capacity).toBe(64);
    ["x", "y", "zz"].forEach((key) => keys.add(key));
    expect(keys.toArray().join(",")).toBe(recordedFromJava.colliding);
  });

  it("orders a HashSet of TopicPartitions like Java, removals included", () => {
    const table = new PartitionTable();
    const set = new JavaHashKeys(topicPartitionHashCode, (tp) => tp.name);
    for (let p = 0; p < 20; p++) set.add(table.get("topic", p));
    set.add(table.get("orders", 3));
    set.add(table.get("a-b", 0));
    expect(set.delete(table.get("topic", 5))).toBe(true);
    expect(
      set
        .toArray()
        .map((tp) => tp.name)
        .join(","),
    ).toBe(recordedFromJava.topicPartitions);
    expect(set.first()?.name).toBe("topic-0");
  });

  it("keeps an existing key in place and reports membership", () => {
    const keys = JavaHashKeys.ofStrings();
    expect(keys.add("a")).toBe(true);
    expect(keys.add("a")).toBe(false);
    expect(keys.has("a")).toBe(true);
    expect(keys.size).toBe(1);
    expect(keys.delete("b")).toBe(false);
    expect(new JavaHashKeys<string>(javaStringHashCode, (k) => k).first()).toBeUndefined();
  });

  it("holds every key exactly once, whatever the order of additions", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 60 }), (keys) => {
        const order = javaHashMapOrder(keys);
        expect([...order].sort()).toEqual([...keys].sort());
      }),
    );
  });
});

describe("Java string order", () => {
  it("compares UTF-16 code units, not locale order", () => {
    expect(compareJavaStrings("B", "a")).toBeLessThan(0);
    expect(compareJavaStrings("consumer10", "consumer2")).toBeLessThan(0);
    expect(compareJavaStrings("a", "a")).toBe(0);
    // U+FF5E is one unit above the surrogates' range start, so it sorts after "😀".
    expect(compareJavaStrings("\uff5e", "😀")).toBeGreaterThan(0);
  });
});
