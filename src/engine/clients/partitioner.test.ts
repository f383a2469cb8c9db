import { describe, expect, it } from "vitest";
import fc from "fast-check";
import vectors from "../fixtures/kafka-vectors.json";
import {
  computePartitionLoadStats,
  cumulativeFrequencyTable,
  firstIndexGreaterThan,
  murmur2,
  nextStickyPartition,
  partitionForKey,
  shouldSwitchStickyPartition,
  toPositive,
  updateStickyPartitionInfo,
  type PartitionLoadStats,
  type StickyPartitionInfo,
} from "./partitioner.ts";

const utf8 = new TextEncoder();

describe("murmur2 (Kafka Utils.murmur2)", () => {
  it.each(vectors.murmur2.cases)('murmur2("$input") = $expected ($origin)', ({ input, inputBytes, expected }) => {
    // The vector's bytes are the UTF-8 encoding of its input string.
    expect([...utf8.encode(input)]).toEqual(inputBytes);
    expect(murmur2(Uint8Array.from(inputBytes))).toBe(expected);
  });

  it("always returns a signed 32-bit integer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const h = murmur2(bytes);
        return Number.isInteger(h) && h === (h | 0);
      }),
    );
  });
});

describe("toPositive (Kafka Utils.toPositive)", () => {
  it("masks the sign bit instead of taking the absolute value", () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(5)).toBe(5);
    expect(toPositive(-973932308)).toBe(1173551340);
  });
});

describe("partitionForKey (BuiltInPartitioner#partitionForKey)", () => {
  const cases = vectors.keyPartitioning.cases.flatMap((c) =>
    Object.entries(c.partitions).map(([numPartitions, partition]) => ({
      ...c,
      numPartitions: Number(numPartitions),
      partition,
    })),
  );

  it.each(vectors.keyPartitioning.cases)(
    'key "$key": murmur2 and toPositive match',
    ({ key, keyBytes, murmur2: hash, toPositive: positive }) => {
      expect([...utf8.encode(key)]).toEqual(keyBytes);
      expect(murmur2(Uint8Array.from(keyBytes))).toBe(hash);
      expect(toPositive(hash)).toBe(positive);
    },
  );

  it.each(cases)(
    'key "$key" with $numPartitions partitions -> $partition',
    ({ key, keyBytes, numPartitions, partition }) => {
      expect(partitionForKey(key, numPartitions)).toBe(partition);
      expect(partitionForKey(Uint8Array.from(keyBytes), numPartitions)).toBe(partition);
    },
  );

  it("stays within [0, numPartitions) and agrees for a string and its UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), fc.integer({ min: 1, max: 1000 }), (key, n) => {
        const p = partitionForKey(key, n);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(n);
        expect(partitionForKey(utf8.encode(key), n)).toBe(p);
      }),
    );
  });

  it("rejects a topic without partitions", () => {
    expect(() => partitionForKey("k", 0)).toThrow(RangeError);
  });
});

/** Kafka's test double replaces the random draw with 0, 1, 2, ... */
function sequentialRandom(): () => number {
  let next = 0;
  return () => next++;
}

/** A small deterministic generator for tests that want "random" draws. */
function lcgRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 1;
  };
}

/**
 * Drives the sticky partitioner the way RecordAccumulator does: peek the
 * current partition, append, update. Returns the partition of each append.
 */
function produce(options: {
  appends: number;
  appendedBytes: number;
  stickyBatchSize: number;
  random: () => number;
  loadStats: PartitionLoadStats | null;
  availablePartitions: readonly number[];
  numPartitions: number;
}): number[] {
  const pick = () =>
    nextStickyPartition(options.random(), options.loadStats, options.availablePartitions, options.numPartitions);
  let info: StickyPartitionInfo = { partition: pick(), producedBytes: 0 };
  const chosen: number[] = [];
  for (let i = 0; i < options.appends; i++) {
    chosen.push(info.partition);
    info = updateStickyPartitionInfo(info, options.appendedBytes, options.stickyBatchSize, true, pick);
  }
  return chosen;
}

type BuiltInCase = (typeof vectors.builtInPartitioner.cases)[number];

const builtInPartitionerChecks: Record<string, (c: BuiltInCase) => void> = {
  adaptivePartitionsTest(c) {
    const queueSizes = c.queueSizes as number[];
    const partitionIds = queueSizes.map((_, i) => i);
    const loadStats = computePartitionLoadStats(queueSizes, partitionIds);
    expect(loadStats?.cumulativeFrequencyTable).toEqual(c.cumulativeFrequencyTable);
    const expected = c.expectedChoicesPerPartitionOver42Draws as number[];
    const draws = expected.reduce((a, b) => a + b, 0);
    const chosen = produce({
      appends: draws,
      appendedBytes: 1,
      stickyBatchSize: c.stickyBatchSize as number,
      random: sequentialRandom(),
      loadStats,
      availablePartitions: partitionIds,
      numPartitions: queueSizes.length,
    });
    const counts = queueSizes.map((_, p) => chosen.filter((x) => x === p).length);
    expect(counts).toEqual(expected);
  },

  testStickyPartitioning() {
    const chosen = produce({
      appends: 4,
      appendedBytes: 1,
      stickyBatchSize: 3,
      random: sequentialRandom(),
      loadStats: null,
      availablePartitions: [0, 1, 2],
      numPartitions: 3,
    });
    expect(chosen[1]).toBe(chosen[0]);
    expect(chosen[2]).toBe(chosen[0]);
    expect(chosen[3]).not.toBe(chosen[0]);

    const single = produce({
      appends: 10,
      appendedBytes: 1,
      stickyBatchSize: 1,
      random: sequentialRandom(),
      loadStats: null,
      availablePartitions: [0],
      numPartitions: 1,
    });
    expect(single).toEqual(Array(10).fill(0));
  },

  unavailablePartitionsTest() {
    // topicA: partition 1 has no leader.
    const topicA = produce({
      appends: 101,
      appendedBytes: 1,
      stickyBatchSize: 1,
      random: lcgRandom(42),
      loadStats: null,
      availablePartitions: [0, 2],
      numPartitions: 3,
    });
    expect(topicA).not.toContain(1);
    expect(new Set(topicA).size).toBeGreaterThan(1);
    // topicB: only partition 1 has a leader.
    const topicB = produce({
      appends: 101,
      appendedBytes: 1,
      stickyBatchSize: 1,
      random: lcgRandom(7),
      loadStats: null,
      availablePartitions: [1],
      numPartitions: 2,
    });
    expect(new Set(topicB)).toEqual(new Set([1]));
    // topicC: its only partition is leaderless, yet it is still chosen.
    const topicC = produce({
      appends: 2,
      appendedBytes: 1,
      stickyBatchSize: 1,
      random: lcgRandom(3),
      loadStats: null,
      availablePartitions: [],
      numPartitions: 1,
    });
    expect(topicC).toEqual([0, 0]);
  },

  "switch threshold"() {
    const batch = 16384;
    expect(shouldSwitchStickyPartition(batch - 1, batch, true)).toBe(false);
    expect(shouldSwitchStickyPartition(batch, batch, true)).toBe(true);
    expect(shouldSwitchStickyPartition(batch, batch, false)).toBe(false);
    expect(shouldSwitchStickyPartition(2 * batch - 1, batch, false)).toBe(false);
    expect(shouldSwitchStickyPartition(2 * batch, batch, false)).toBe(true);
  },
};

describe("built-in sticky partitioner (KIP-794)", () => {
  it.each(vectors.builtInPartitioner.cases)("$name: $source", (c) => {
    const check = builtInPartitionerChecks[c.name];
    expect(check, `no check written for vector "${c.name}"`).toBeDefined();
    check(c);
  });

  it("builds the table of Kafka's own example (queues 0 3 1 -> 4 5 8)", () => {
    expect(cumulativeFrequencyTable([0, 3, 1])).toEqual([4, 5, 8]);
    const stats = computePartitionLoadStats([0, 3, 1], [10, 11, 12]);
    expect(stats?.cumulativeFrequencyTable).toEqual([4, 5, 8]);
    const picks = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => nextStickyPartition(r, stats, [10, 11, 12], 3));
    expect(picks).toEqual([10, 10, 10, 10, 11, 12, 12, 12]);
  });

  it("skips adaptive weighting when it cannot help", () => {
    expect(computePartitionLoadStats([3, 3, 3], [0, 1, 2])).toBeNull();
    expect(computePartitionLoadStats([5], [0])).toBeNull();
    expect(computePartitionLoadStats([1, 2], [0, 1], 0)).toBeNull();
    // Equal queues but a partition excluded for latency: still weighted.
    expect(computePartitionLoadStats([3, 3, 3], [0, 1, 2], 2)).toEqual({
      cumulativeFrequencyTable: [1, 2],
      partitionIds: [0, 1],
      length: 2,
    });
  });

  it("finds the first entry strictly greater than the draw", () => {
    expect(firstIndexGreaterThan([4, 5, 8], 3, 3)).toBe(0);
    expect(firstIndexGreaterThan([4, 5, 8], 3, 4)).toBe(1);
    expect(firstIndexGreaterThan([4, 5, 8], 3, 7)).toBe(2);
  });

  it("over a full cycle picks each partition exactly its weight times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), {
          minLength: 2,
          maxLength: 8,
        }),
        fc.integer({ min: 0, max: 1000 }),
        (queueSizes, offset) => {
          const ids = queueSizes.map((_, i) => i);
          const stats = computePartitionLoadStats(queueSizes, ids);
          if (stats === null) return;
          const total = stats.cumulativeFrequencyTable[stats.length - 1];
          const counts = ids.map(() => 0);
          for (let r = 0; r < total; r++) {
            counts[nextStickyPartition(offset + r, stats, ids, ids.length)]++;
          }
          const max = Math.max(...queueSizes);
          expect(counts).toEqual(queueSizes.map((q) => max + 1 - q));
        },
      ),
    );
  });

  it("rejects a sticky batch size below 1, like Kafka's constructor", () => {
    expect(() => updateStickyPartitionInfo({ partition: 0, producedBytes: 0 }, 1, 0, true, () => 0)).toThrow(
      RangeError,
    );
  });
});
