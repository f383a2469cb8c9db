import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vectors from "../fixtures/kafka-vectors.json";
import {
  assignEpoch,
  checkEpochCache,
  EMPTY_EPOCH_CACHE,
  endOffsetFor,
  epochForOffset,
  truncateFromEnd,
  truncateFromStart,
  type LeaderEpochCache,
} from "./epochCache.ts";
import { isDiverging, offsetTruncationState } from "./replication.ts";

// The vectors file is heterogeneous JSON; describe just the fields these tests read.
interface CacheCase {
  name: string;
  assignCalls: number[][];
  resultingEntries: number[][];
  queries: { requestedEpoch: number; logEndOffset: number; expected: { epoch: number; endOffset: number } }[];
}
interface ReplicaSide {
  epochEntries: number[][];
  logEndOffset: number;
  highWatermark?: number;
}
interface TruncationScenario {
  name: string;
  leader?: ReplicaSide;
  follower?: ReplicaSide;
  request?: { latestFollowerEpoch: number };
  leaderReply?: { epoch: number; endOffset: number };
  fetch?: { fetchOffset: number; lastFetchedEpoch: number };
  leaderEndOffsetForLastFetchedEpoch?: { epoch: number; endOffset: number };
  expectedDivergingEpoch?: { epoch: number; endOffset: number };
  expectedTruncateTo: number;
  truncationCompleted?: boolean;
  [field: string]: unknown;
}

const leaderEpochs = vectors.leaderEpochs as unknown as {
  cacheCases: CacheCase[];
  truncationScenarios: TruncationScenario[];
};

function cacheOf(entries: readonly (readonly number[])[]): LeaderEpochCache {
  // Build through assign, as a replica would, so the vectors also exercise assign.
  let cache = EMPTY_EPOCH_CACHE;
  for (const [epoch, start] of entries) cache = assignEpoch(cache, epoch, start).cache;
  return cache;
}

function entriesOf(cache: LeaderEpochCache): number[][] {
  return cache.map((e) => [e.epoch, e.startOffset]);
}

describe("LeaderEpochFileCache vectors (leaderEpochs.cacheCases)", () => {
  it.each(leaderEpochs.cacheCases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    let cache = EMPTY_EPOCH_CACHE;
    for (const [epoch, start] of c.assignCalls) cache = assignEpoch(cache, epoch, start).cache;
    expect(entriesOf(cache)).toEqual(c.resultingEntries);
    for (const q of c.queries) {
      const r = endOffsetFor(cache, q.requestedEpoch, q.logEndOffset);
      expect({ epoch: r.epoch, endOffset: r.endOffset }).toEqual(q.expected);
      expect(r.reason.length).toBeGreaterThan(0);
    }
  });
});

describe("follower truncation vectors (leaderEpochs.truncationScenarios)", () => {
  // A scenario that continues the previous story (the divergingEpoch one) names no follower:
  // it is the previous scenario's follower.
  const withFollower: [string, TruncationScenario, ReplicaSide][] = [];
  let lastFollower: ReplicaSide | undefined;
  for (const s of leaderEpochs.truncationScenarios) {
    const follower = s.follower ?? lastFollower;
    if (follower === undefined) throw new Error(`scenario "${s.name}" has no follower to truncate`);
    lastFollower = follower;
    withFollower.push([s.name, s, follower]);
  }

  it.each(withFollower)("%s", (_name, s, follower) => {
    const followerCache = cacheOf(follower.epochEntries);
    // 1. The leader's answer, where the scenario gives the leader.
    let reply = s.leaderReply ?? s.leaderEndOffsetForLastFetchedEpoch;
    if (s.leader !== undefined && s.request !== undefined) {
      const r = endOffsetFor(cacheOf(s.leader.epochEntries), s.request.latestFollowerEpoch, s.leader.logEndOffset);
      if (s.leaderReply !== undefined) expect({ epoch: r.epoch, endOffset: r.endOffset }).toEqual(s.leaderReply);
      reply = { epoch: r.epoch, endOffset: r.endOffset };
    }
    if (reply === undefined) throw new Error(`scenario "${s.name}" has no leader answer`);
    // 2. Truncation on fetch: is the answer a divergingEpoch?
    if (s.fetch !== undefined) {
      const diverging = isDiverging(reply, s.fetch.lastFetchedEpoch, s.fetch.fetchOffset);
      expect(diverging).toBe(s.expectedDivergingEpoch !== undefined);
      if (s.expectedDivergingEpoch !== undefined) expect(reply).toEqual(s.expectedDivergingEpoch);
    }
    // 3. The follower's own end offset for the replied epoch, where the scenario states it.
    for (const key of Object.keys(s)) {
      if (!key.startsWith("followerEndOffsetFor")) continue;
      const [epoch, endOffset] = s[key] as number[];
      const mine = endOffsetFor(followerCache, reply.epoch, follower.logEndOffset);
      expect([mine.epoch, mine.endOffset]).toEqual([epoch, endOffset]);
    }
    // 4. Where the follower truncates.
    const st = offsetTruncationState({
      followerEpochCache: followerCache,
      followerLogEndOffset: follower.logEndOffset,
      leaderEpochEndOffset: reply,
      initialFetchOffset: follower.highWatermark ?? follower.logEndOffset,
    });
    expect(st.truncateTo).toBe(s.expectedTruncateTo);
    if (s.truncationCompleted !== undefined) expect(st.truncationCompleted).toBe(s.truncationCompleted);
  });
});

describe("epoch cache rules", () => {
  it("truncateFromEnd removes entries starting at or after the offset", () => {
    const c = cacheOf([
      [1, 0],
      [3, 10],
      [4, 20],
    ]);
    expect(entriesOf(truncateFromEnd(c, 20).cache)).toEqual([
      [1, 0],
      [3, 10],
    ]);
    expect(entriesOf(truncateFromEnd(c, 11).cache)).toEqual([
      [1, 0],
      [3, 10],
    ]);
    expect(entriesOf(truncateFromEnd(c, 10).cache)).toEqual([[1, 0]]);
    expect(truncateFromEnd(c, 21).cache).toBe(c);
    expect(truncateFromEnd(c, -1).cache).toBe(c);
  });

  it("truncateFromStart re-anchors the last entry at or before the new start", () => {
    const c = cacheOf([
      [1, 0],
      [3, 10],
      [4, 20],
    ]);
    expect(entriesOf(truncateFromStart(c, 15).cache)).toEqual([
      [3, 15],
      [4, 20],
    ]);
    expect(entriesOf(truncateFromStart(c, 20).cache)).toEqual([[4, 20]]);
    expect(entriesOf(truncateFromStart(c, 25).cache)).toEqual([[4, 25]]);
    expect(truncateFromStart(c, 0).cache).toBe(c);
  });

  it("epochForOffset finds the epoch that wrote an offset", () => {
    const c = cacheOf([
      [1, 0],
      [3, 10],
    ]);
    expect(epochForOffset(c, 0)).toBe(1);
    expect(epochForOffset(c, 9)).toBe(1);
    expect(epochForOffset(c, 10)).toBe(3);
    expect(epochForOffset(c, 99)).toBe(3);
    expect(epochForOffset(cacheOf([[2, 5]]), 4)).toBe(-1);
  });

  it("assign rejects negative epochs and offsets", () => {
    expect(() => assignEpoch(EMPTY_EPOCH_CACHE, -1, 0)).toThrow();
    expect(() => assignEpoch(EMPTY_EPOCH_CACHE, 0, -1)).toThrow();
  });

  it("property: any sequence of assign / truncate keeps the cache strictly monotonic", () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant("assign" as const), epoch: fc.nat(20), offset: fc.nat(100) }),
      fc.record({ t: fc.constant("end" as const), offset: fc.nat(100) }),
      fc.record({ t: fc.constant("start" as const), offset: fc.nat(100) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let cache = EMPTY_EPOCH_CACHE;
        for (const o of ops) {
          if (o.t === "assign") {
            const r = assignEpoch(cache, o.epoch, o.offset);
            cache = r.cache;
            // After assign the new entry is the latest one (or the assign was a no-op).
            const last = cache[cache.length - 1];
            if (r.changed) expect([last.epoch, last.startOffset]).toEqual([o.epoch, o.offset]);
          } else if (o.t === "end") cache = truncateFromEnd(cache, o.offset).cache;
          else cache = truncateFromStart(cache, o.offset).cache;
          expect(checkEpochCache(cache)).toBeNull();
        }
      }),
    );
  });

  it("property: endOffsetFor answers with a known epoch <= requested, ending at the next epoch's start", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(30), { maxLength: 8 }), fc.nat(40), (epochs, requested) => {
        const sorted = epochs.slice().sort((a, b) => a - b);
        const cache = cacheOf(sorted.map((e, i) => [e, i * 10]));
        const leo = sorted.length * 10 + 5;
        const r = endOffsetFor(cache, requested, leo);
        if (r.endOffset === -1) {
          expect(r.epoch).toBe(-1);
          return;
        }
        expect(r.epoch).toBeLessThanOrEqual(requested);
        const higher = cache.find((e) => e.epoch > requested);
        expect(r.endOffset).toBe(higher === undefined ? leo : higher.startOffset);
      }),
    );
  });
});
