import { describe, expect, it } from "vitest";
import type { LogEntry } from "./records.ts";
import {
  candidateLogIsUpToDate,
  endOffsetForEpoch,
  nextHighWatermark,
  truncationOffset,
  validateFetch,
} from "./raftLog.ts";

/** A log whose records have these epochs. */
const log = (...epochs: number[]): LogEntry[] =>
  epochs.map((epoch, offset) => ({
    offset,
    epoch,
    appendedAtMs: 0,
    record: { type: "LeaderChangeMessage", leaderId: "c1", epoch, voters: [], summary: "" },
  }));

describe("vote log comparison", () => {
  it("compares the last epoch first, then the end offset", () => {
    const local = { lastEpoch: 3, logEndOffset: 10 };
    expect(candidateLogIsUpToDate({ lastOffsetEpoch: 4, lastOffset: 1 }, local)).toBe(true);
    expect(candidateLogIsUpToDate({ lastOffsetEpoch: 2, lastOffset: 99 }, local)).toBe(false);
    expect(candidateLogIsUpToDate({ lastOffsetEpoch: 3, lastOffset: 10 }, local)).toBe(true);
    expect(candidateLogIsUpToDate({ lastOffsetEpoch: 3, lastOffset: 9 }, local)).toBe(false);
  });
});

describe("fetch validation and truncation", () => {
  it("endOffsetForEpoch finds the largest epoch at or below the asked one and where it ends", () => {
    const l = log(1, 1, 3, 3, 5);
    expect(endOffsetForEpoch(l, 1)).toEqual({ epoch: 1, endOffset: 2 });
    expect(endOffsetForEpoch(l, 2)).toEqual({ epoch: 1, endOffset: 2 });
    expect(endOffsetForEpoch(l, 4)).toEqual({ epoch: 3, endOffset: 4 });
    expect(endOffsetForEpoch(l, 9)).toEqual({ epoch: 5, endOffset: 5 });
    expect(endOffsetForEpoch(l, 0)).toEqual({ epoch: -1, endOffset: 0 });
  });

  it("a follower with records of an epoch the leader never had converges onto the leader's log", () => {
    const leader = log(1, 1, 3);
    let follower = log(1, 2, 2);
    for (let round = 0; round < 5; round++) {
      const v = validateFetch(leader, follower.length, follower[follower.length - 1]?.epoch ?? 0);
      if (v.ok) break;
      follower = follower.slice(0, truncationOffset(follower, v.divergingEpoch));
    }
    expect(follower.map((e) => e.epoch)).toEqual([1]);
    expect(validateFetch(leader, 1, 1)).toEqual({ ok: true });
  });

  it("accepts a follower that is merely behind", () => {
    expect(validateFetch(log(1, 1, 2, 2), 2, 1)).toEqual({ ok: true });
    expect(validateFetch(log(1, 1, 2, 2), 0, 0)).toEqual({ ok: true });
    expect(validateFetch(log(1, 1), 3, 1)).toMatchObject({ ok: false });
  });
});

describe("leader high watermark", () => {
  it("is the offset a majority holds, only once it covers a record of the leader's own epoch", () => {
    expect(nextHighWatermark(10, [10, 3], 5, 0)).toBe(10);
    expect(nextHighWatermark(10, [4, 3], 5, 0)).toBe(0); // a majority holds 4, but offsets ≤ 5 are older epochs
    expect(nextHighWatermark(10, [6, 3], 5, 0)).toBe(6);
    expect(nextHighWatermark(10, [6, 3], 5, 8)).toBe(8); // never backwards
    expect(nextHighWatermark(10, [9, 8, 2, 1], 0, 0)).toBe(8); // 5 voters: third highest
    expect(nextHighWatermark(4, [], 0, 0)).toBe(4); // a single voter commits alone
  });
});
