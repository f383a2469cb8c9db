import { describe, it, expect } from "vitest";
import {
  appendAsFollower,
  appendAsLeader,
  checkLogInvariants,
  cleanableRange,
  cleanLog,
  createLog,
  DEFAULT_LOG_CONFIG,
  deleteOldSegments,
  fetchUpperBound,
  logRecords,
  maybeAssignEpochStartOffset,
  maybeIncrementHighWatermark,
  maybeIncrementLogStartOffset,
  read,
  recordAt,
  recordSizeBytes,
  segmentsOf,
  sliceToArray,
  truncateTo,
  updateHighWatermark,
  type LogConfig,
  type PartitionLog,
  type RecordInput,
} from "./log.ts";

// Records of 16 + 2 + 2 = 20 bytes each ("k0".."k9", "v0".."v9").
const rec = (i: number, timestamp = i, key: string | null = `k${i % 10}`): RecordInput => ({
  key,
  value: `v${i % 10}`,
  timestamp,
});
const small: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 100 }; // 5 records per segment

function leaderLog(n: number, config: LogConfig = small, epoch = 0): PartitionLog {
  let log = createLog();
  for (let i = 0; i < n; i++) log = appendAsLeader(log, [rec(i)], epoch, i, config).log;
  return log;
}

function offsets(log: PartitionLog): number[] {
  return sliceToArray(logRecords(log)).map((r) => r.offset);
}

function sound(log: PartitionLog): PartitionLog {
  expect(checkLogInvariants(log)).toEqual([]);
  return log;
}

describe("append", () => {
  it("the leader assigns consecutive offsets and its epoch; the epoch cache records where the epoch starts", () => {
    let log = appendAsLeader(createLog(), [rec(0), rec(1)], 3, 0).log;
    log = maybeAssignEpochStartOffset(log, 5, log.logEndOffset).log;
    const r = appendAsLeader(log, [rec(2)], 5, 1);
    expect(r).toMatchObject({ firstOffset: 2, lastOffset: 2, error: "NONE" });
    log = sound(r.log);
    expect(log.logEndOffset).toBe(3);
    expect(sliceToArray(logRecords(log)).map((x) => x.leaderEpoch)).toEqual([3, 3, 5]);
    expect(log.leaderEpochCache).toEqual([
      { epoch: 3, startOffset: 0 },
      { epoch: 5, startOffset: 2 },
    ]);
  });

  it("rolls a segment when the next batch would pass segment.bytes", () => {
    const log = sound(leaderLog(12));
    expect(segmentsOf(log).map((s) => s.baseOffset)).toEqual([0, 5, 10]);
    expect(segmentsOf(log).map((s) => s.sizeBytes)).toEqual([100, 100, 40]);
    expect(recordSizeBytes({ key: "k1", value: "v1" })).toBe(20);
  });

  it("rolls when the incoming batch is more than segment.ms newer than the segment's first batch", () => {
    const config = { ...DEFAULT_LOG_CONFIG, segmentMs: 1000 };
    let log = appendAsLeader(createLog(), [rec(0, 0)], 0, 0, config).log;
    log = appendAsLeader(log, [rec(1, 1000)], 0, 1000, config).log;
    expect(segmentsOf(log)).toHaveLength(1);
    const r = appendAsLeader(log, [rec(2, 1001)], 0, 1001, config);
    expect(r.rolledSegments).toEqual([2]);
    expect(r.reason).toContain("segment.ms=1000");
  });

  it("validates like Kafka: null key on a compacted topic, max.message.bytes, segment.bytes", () => {
    const compact = { ...DEFAULT_LOG_CONFIG, cleanupPolicy: "compact" as const };
    expect(appendAsLeader(createLog(), [rec(0, 0, null)], 0, 0, compact).error).toBe("INVALID_RECORD");
    expect(appendAsLeader(createLog(), [rec(0)], 0, 0, { ...DEFAULT_LOG_CONFIG, maxMessageBytes: 10 }).error).toBe(
      "MESSAGE_TOO_LARGE",
    );
    expect(appendAsLeader(createLog(), [rec(0), rec(1)], 0, 0, { ...DEFAULT_LOG_CONFIG, segmentBytes: 30 }).error).toBe(
      "RECORD_LIST_TOO_LARGE",
    );
  });

  it("appending one record at a time never copies the storage (O(1) amortised)", () => {
    let log = appendAsLeader(createLog(), [rec(0)], 0, 0).log;
    const storage = log.records;
    for (let i = 1; i < 5000; i++) log = appendAsLeader(log, [rec(i)], 0, i).log;
    expect(log.records).toBe(storage);
    expect(log.logEndOffset).toBe(5000);
  });

  it("an old snapshot of a log is unaffected by later appends to the newer log", () => {
    const a = leaderLog(3);
    const b = appendAsLeader(a, [rec(3)], 0, 3, small).log;
    const a2 = appendAsLeader(a, [{ key: "x", value: "other", timestamp: 3 }], 0, 3, small).log;
    expect(offsets(a)).toEqual([0, 1, 2]);
    expect(recordAt(b, 3)?.value).toBe("v3");
    expect(recordAt(a2, 3)?.value).toBe("other");
    expect(recordAt(b, 3)?.value).toBe("v3");
  });

  it("a follower in lockstep shares the leader's storage and record objects", () => {
    let leader = leaderLog(4);
    let follower = createLog();
    for (let round = 0; round < 3; round++) {
      const got = read(leader, follower.logEndOffset, { upperBound: fetchUpperBound(leader, "LOG_END") });
      follower = sound(appendAsFollower(follower, got.records, round, small).log);
      leader = appendAsLeader(leader, [rec(10 + round)], 0, 10 + round, small).log;
    }
    expect(follower.records).toBe(leader.records);
    expect(recordAt(follower, 2)).toBe(recordAt(leader, 2));
    expect(segmentsOf(follower).map((s) => s.baseOffset)).toEqual(
      segmentsOf(leader)
        .map((s) => s.baseOffset)
        .slice(0, 2),
    );
  });

  it("refuses a follower append below its log end offset", () => {
    const leader = leaderLog(3);
    expect(() => appendAsFollower(leader, logRecords(leader), 0)).toThrow();
  });
});

describe("read", () => {
  const log = updateHighWatermark(leaderLog(10), 6);

  it("OFFSET_OUT_OF_RANGE below the log start or beyond the LEO; empty from the bound on", () => {
    expect(read(log, 11, { upperBound: 10 }).error).toBe("OFFSET_OUT_OF_RANGE");
    const atHw = read(log, 6, { upperBound: fetchUpperBound(log, "HIGH_WATERMARK") });
    expect(atHw.error).toBe("NONE");
    expect(atHw.records.to - atHw.records.from).toBe(0);
    expect(read(log, 10, { upperBound: 10 }).error).toBe("NONE");
  });

  it("reads up to the isolation bound and maxRecords", () => {
    expect(
      sliceToArray(read(log, 2, { upperBound: fetchUpperBound(log, "HIGH_WATERMARK") }).records).map((r) => r.offset),
    ).toEqual([2, 3, 4, 5]);
    expect(
      sliceToArray(read(log, 2, { upperBound: fetchUpperBound(log, "LOG_END"), maxRecords: 3 }).records).map(
        (r) => r.offset,
      ),
    ).toEqual([2, 3, 4]);
    expect(read(log, 2, { upperBound: 10, maxBytes: 1 }).nextFetchOffset).toBe(3); // at least one record
  });
});

describe("truncation", () => {
  it("truncates records, segments, the epoch cache, the HW and the cleaner checkpoint", () => {
    let log = leaderLog(7, small, 1);
    log = maybeAssignEpochStartOffset(log, 2, 7).log;
    for (let i = 7; i < 12; i++) log = appendAsLeader(log, [rec(i)], 2, i, small).log;
    log = updateHighWatermark(log, 11);
    const r = truncateTo(log, 6, 100);
    expect(r.removedRecords).toBe(6);
    const t = sound(r.log);
    expect(t.logEndOffset).toBe(6);
    expect(t.highWatermark).toBe(6);
    expect(t.leaderEpochCache).toEqual([{ epoch: 1, startOffset: 0 }]);
    expect(segmentsOf(t).map((s) => s.baseOffset)).toEqual([0, 5]);
    // The reopened segment takes appends again.
    const again = sound(appendAsLeader(t, [rec(6)], 3, 101, small).log);
    expect(recordAt(again, 6)?.leaderEpoch).toBe(3);
    expect(recordAt(log, 6)?.leaderEpoch).toBe(1); // the old value is untouched
  });

  it("truncating at the LEO only trims an epoch entry that has no records", () => {
    let log = leaderLog(3);
    log = maybeAssignEpochStartOffset(log, 4, 3).log;
    const r = truncateTo(log, 3, 0);
    expect(r.truncated).toBe(false);
    expect(r.log.leaderEpochCache).toEqual([{ epoch: 0, startOffset: 0 }]);
  });
});

describe("retention (cleanup.policy=delete)", () => {
  it("deletes whole expired segments below the HW, judged by the newest record; the log start moves to the next base", () => {
    let log = leaderLog(12); // segments at 0,5,10; timestamps = offsets
    log = updateHighWatermark(log, 12);
    const config = { ...small, retentionMs: 100 };
    const r = deleteOldSegments(log, 104 + 1, config); // 105 - 4 > 100 but 105 - 9 = 96
    expect(r.deletedSegments.map((s) => s.baseOffset)).toEqual([0]);
    expect(r.reasons.join(" ")).toContain("retention.ms=100");
    const after = sound(r.log);
    expect(after.logStartOffset).toBe(5);
    expect(offsets(after)[0]).toBe(5);
  });

  it("never deletes a segment that is not entirely below the HW", () => {
    const log = updateHighWatermark(leaderLog(12), 7);
    const r = deleteOldSegments(log, 10_000, { ...small, retentionMs: 1 });
    expect(r.deletedSegments.map((s) => s.baseOffset)).toEqual([0]);
    expect(r.reasons.join(" ")).toContain("high watermark 7");
  });

  it("size retention deletes oldest segments while the overshoot covers them (may stay above by a segment)", () => {
    const log = updateHighWatermark(leaderLog(14), 14); // 100 + 100 + 80 = 280 bytes
    const r = deleteOldSegments(log, 0, { ...small, retentionBytes: 150 });
    expect(r.deletedSegments.map((s) => s.baseOffset)).toEqual([0]);
    expect(sound(r.log).sizeBytes).toBe(180);
    expect(r.reasons.join(" ")).toContain("retention.bytes=150");
  });

  it("an expired active segment goes too, after rolling an empty one at the LEO", () => {
    const log = updateHighWatermark(leaderLog(3), 3);
    const r = deleteOldSegments(log, 1000, { ...small, retentionMs: 10 });
    const after = sound(r.log);
    expect(after.logStartOffset).toBe(3);
    expect(after.logEndOffset).toBe(3);
    expect(segmentsOf(after).map((s) => s.baseOffset)).toEqual([3]);
    expect(after.leaderEpochCache).toEqual([{ epoch: 0, startOffset: 3 }]);
  });

  it("DeleteRecords moves the log start offset mid-segment; the segment goes once fully below it", () => {
    let log = updateHighWatermark(leaderLog(12), 12);
    expect(maybeIncrementLogStartOffset(log, 13).error).toBe("OFFSET_OUT_OF_RANGE");
    log = maybeIncrementLogStartOffset(log, 7).log;
    expect(read(log, 6, { upperBound: 12 }).error).toBe("OFFSET_OUT_OF_RANGE");
    const r = deleteOldSegments(log, 0, { ...small, retentionMs: -1 });
    expect(r.deletedSegments.map((s) => s.baseOffset)).toEqual([0]);
    expect(sound(r.log).logStartOffset).toBe(7);
  });
});

describe("compaction (cleanup.policy=compact)", () => {
  const compact: LogConfig = { ...small, cleanupPolicy: "compact", deleteRetentionMs: 1000 };

  function build(entries: [string, string | null][], config = compact): PartitionLog {
    let log = createLog();
    entries.forEach(([key, value], i) => {
      log = appendAsLeader(log, [{ key, value, timestamp: i }], 0, i, config).log;
    });
    return updateHighWatermark(log, log.logEndOffset);
  }

  it("keeps the latest record per key, preserves offsets, never touches the active segment", () => {
    const log = build([
      ["a", "1"],
      ["b", "1"],
      ["a", "2"],
      ["c", "1"],
      ["b", "2"],
      ["a", "3"],
      ["d", "1"],
      ["a", "4"],
    ]); // segments at 0 and 5 (records are 18 bytes: 5 per 100-byte segment)
    const r = cleanLog(log, 10, compact);
    expect(r.cleaned).toBe(true);
    const after = sound(r.log);
    // Only keys' latest offsets *within the dirty range* count: a=2 stays although a=3 is in the active segment.
    expect(sliceToArray(logRecords(after)).map((x) => `${x.offset}:${x.key}=${x.value}`)).toEqual([
      "2:a=2",
      "3:c=1",
      "4:b=2",
      "5:a=3",
      "6:d=1",
      "7:a=4",
    ]);
    expect(after.cleanerCheckpoint).toBe(5);
    expect(r.reason).toContain("min.cleanable.dirty.ratio=0.5");
  });

  it("is not eligible when the dirty ratio is not above min.cleanable.dirty.ratio", () => {
    const log = build([
      ["a", "1"],
      ["b", "1"],
      ["a", "2"],
      ["c", "1"],
      ["b", "2"],
      ["a", "3"],
    ]);
    const once = cleanLog(log, 10, compact).log;
    const more = appendAsLeader(once, [{ key: "z", value: "1", timestamp: 20 }], 0, 20, compact).log;
    const range = cleanableRange(updateHighWatermark(more, more.logEndOffset), 20, compact);
    expect(range.cleanableBytes).toBe(0);
    expect(cleanLog(updateHighWatermark(more, more.logEndOffset), 20, compact).cleaned).toBe(false);
  });

  it("tombstones survive the pass that first recopies them, then go after delete.retention.ms", () => {
    let log = build([
      ["a", "1"],
      ["b", "1"],
      ["a", null],
      ["c", "1"],
      ["d", "1"],
      ["e", "1"],
    ]);
    log = cleanLog(log, 100, compact, { force: true }).log;
    const tomb = recordAt(log, 2);
    expect(tomb?.value).toBeNull();
    expect(tomb?.deleteHorizonMs).toBe(1100);
    expect(recordAt(log, 0)).toBeUndefined();
    // Add enough dirty data in a new segment so the cleaner runs again.
    for (let i = 0; i < 6; i++)
      log = appendAsLeader(log, [{ key: `x${i}`, value: "1", timestamp: 200 + i }], 0, 200 + i, compact).log;
    log = updateHighWatermark(log, log.logEndOffset);
    const early = cleanLog(log, 1099, compact, { force: true });
    expect(recordAt(early.log, 2)?.value).toBeNull();
    const late = cleanLog(log, 1100, compact, { force: true });
    expect(late.removedTombstones).toBe(1);
    expect(recordAt(late.log, 2)).toBeUndefined();
    sound(late.log);
  });

  it("does not clean at or above the high watermark", () => {
    const log = updateHighWatermark(
      build([
        ["a", "1"],
        ["a", "2"],
        ["a", "3"],
        ["a", "4"],
        ["a", "5"],
        ["a", "6"],
        ["a", "7"],
        ["a", "8"],
        ["a", "9"],
        ["a", "10"],
        ["a", "11"],
      ]),
      3,
    );
    const r = cleanLog(log, 100, compact, { force: true });
    expect(r.cleaned).toBe(false);
    expect(r.reason).toContain("nothing cleanable");
  });
});

describe("high watermark helpers", () => {
  it("the leader only raises the HW; a follower's HW is clamped to its LEO", () => {
    const log = leaderLog(5);
    const up = maybeIncrementHighWatermark(log, 3);
    expect(up.incremented).toBe(true);
    expect(maybeIncrementHighWatermark(up.log, 2).incremented).toBe(false);
    expect(() => maybeIncrementHighWatermark(log, 6)).toThrow();
    expect(updateHighWatermark(log, 99).highWatermark).toBe(5);
  });
});

describe("serialization", () => {
  it("a log survives a JSON round trip and structuredClone with the same content and invariants", () => {
    let log = updateHighWatermark(leaderLog(12), 9);
    log = truncateTo(log, 10, 20).log; // leaves storage beyond the span
    for (const copy of [JSON.parse(JSON.stringify(log)) as PartitionLog, structuredClone(log)]) {
      expect(checkLogInvariants(copy)).toEqual([]);
      expect(offsets(copy)).toEqual(offsets(log));
      const next = appendAsLeader(copy, [rec(99)], 1, 30, small).log;
      expect(checkLogInvariants(next)).toEqual([]);
      expect(recordAt(next, 10)?.value).toBe("v9");
    }
  });
});
