import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  appendAsLeader,
  checkLogInvariants,
  cleanLog,
  createLog,
  DEFAULT_LOG_CONFIG,
  deleteOldSegments,
  logRecords,
  maybeAssignEpochStartOffset,
  maybeIncrementLogStartOffset,
  recordAt,
  sliceToArray,
  truncateTo,
  updateHighWatermark,
  type KafkaRecord,
  type LogConfig,
  type PartitionLog,
} from "./log.ts";

// Random operation sequences over one replica's log, checked after every step
// against the log's invariants and, where the operation allows, a reference model.

type Op =
  | { t: "append"; keys: number[]; tomb: boolean[]; dtMs: number }
  | { t: "newEpoch" }
  | { t: "hw"; frac: number }
  | { t: "truncate"; frac: number }
  | { t: "retention"; dtMs: number }
  | { t: "clean"; dtMs: number; force: boolean }
  | { t: "deleteRecords"; frac: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant("append" as const),
      keys: fc.array(fc.nat(5), { minLength: 1, maxLength: 4 }),
      tomb: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      dtMs: fc.nat(50),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("newEpoch" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("hw" as const),
      frac: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant("truncate" as const), frac: fc.double({ min: 0, max: 1, noNaN: true }) }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("retention" as const), dtMs: fc.nat(200) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("clean" as const), dtMs: fc.nat(200), force: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("deleteRecords" as const),
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
);

const configArb: fc.Arbitrary<LogConfig> = fc.record({
  segmentBytes: fc.integer({ min: 40, max: 120 }),
  segmentMs: fc.integer({ min: 20, max: 400 }),
  retentionMs: fc.integer({ min: -1, max: 300 }),
  retentionBytes: fc.integer({ min: -1, max: 300 }),
  cleanupPolicy: fc.constantFrom("delete" as const, "compact" as const, "compact,delete" as const),
  minCleanableDirtyRatio: fc.double({ min: 0, max: 0.9, noNaN: true }),
  deleteRetentionMs: fc.integer({ min: 0, max: 200 }),
  minCompactionLagMs: fc.constantFrom(0, 50),
  maxCompactionLagMs: fc.constantFrom(DEFAULT_LOG_CONFIG.maxCompactionLagMs, 100),
  maxMessageBytes: fc.constant(DEFAULT_LOG_CONFIG.maxMessageBytes),
});

function recordsOf(log: PartitionLog): KafkaRecord[] {
  return sliceToArray(logRecords(log));
}

describe("log properties", () => {
  it("random append / truncate / retention / compaction sequences keep every invariant", () => {
    fc.assert(
      fc.property(configArb, fc.array(opArb, { minLength: 10, maxLength: 80 }), (config, ops) => {
        let log = createLog();
        let epoch = 0;
        let nowMs = 0;
        let seq = 0;
        let hwEver = 0;
        for (const op of ops) {
          const before = log;
          switch (op.t) {
            case "append": {
              nowMs += op.dtMs;
              const batch = op.keys.map((k, i) => ({
                key: `k${k}`,
                value: op.tomb[i] && config.cleanupPolicy !== "delete" ? null : `v${seq++}`,
                timestamp: nowMs,
              }));
              const r = appendAsLeader(log, batch, epoch, nowMs, config);
              if (r.error === "NONE") {
                log = r.log;
                // Offsets are assigned from the old LEO, one per record.
                expect(r.firstOffset).toBe(before.logEndOffset);
                expect(log.logEndOffset).toBe(before.logEndOffset + batch.length);
              } else {
                expect(r.log).toBe(before);
              }
              break;
            }
            case "newEpoch":
              epoch++;
              log = maybeAssignEpochStartOffset(log, epoch, log.logEndOffset).log;
              break;
            case "hw": {
              const target = log.highWatermark + Math.floor(op.frac * (log.logEndOffset - log.highWatermark));
              log = updateHighWatermark(log, target);
              expect(log.highWatermark).toBeGreaterThanOrEqual(before.highWatermark);
              hwEver = Math.max(hwEver, log.highWatermark);
              break;
            }
            case "truncate": {
              const target = Math.max(log.logStartOffset, Math.floor(op.frac * log.logEndOffset));
              log = truncateTo(log, target, nowMs).log;
              if (target < before.logEndOffset) {
                expect(log.logEndOffset).toBe(target);
                // Everything below the target is the same record objects as before.
                for (const r of recordsOf(log)) expect(recordAt(before, r.offset)).toBe(r);
              }
              break;
            }
            case "retention": {
              nowMs += op.dtMs;
              const r = deleteOldSegments(log, nowMs, config);
              log = r.log;
              // Only whole segments below the HW; the log start only moves forward, never past the HW.
              for (const s of r.deletedSegments) expect(s.baseOffset).toBeLessThan(log.logStartOffset + 1);
              expect(log.logStartOffset).toBeGreaterThanOrEqual(before.logStartOffset);
              expect(log.logStartOffset).toBeLessThanOrEqual(log.highWatermark);
              // Surviving records are untouched.
              for (const r2 of recordsOf(log)) expect(recordAt(before, r2.offset)).toBe(r2);
              break;
            }
            case "clean": {
              nowMs += op.dtMs;
              const r = cleanLog(log, nowMs, config, { force: op.force });
              log = r.log;
              if (r.cleaned) {
                const old = recordsOf(before);
                // Nothing at or above the new checkpoint is removed or changed.
                for (const x of old) if (x.offset >= r.endOffset) expect(recordAt(log, x.offset)).toBe(x);
                expect(r.endOffset).toBeLessThanOrEqual(before.activeSegment.baseOffset);
                expect(r.endOffset).toBeLessThanOrEqual(before.highWatermark);
                // The latest record of every key survives (a tombstone only until its horizon).
                const latest = new Map<string, KafkaRecord>();
                for (const x of old) if (x.key !== null) latest.set(x.key, x);
                for (const x of latest.values()) {
                  const now = recordAt(log, x.offset);
                  const expiredTombstone =
                    x.value === null && x.deleteHorizonMs !== undefined && nowMs >= x.deleteHorizonMs;
                  if (!expiredTombstone) {
                    expect(now?.key).toBe(x.key);
                    expect(now?.value).toBe(x.value);
                  }
                }
                // Every surviving record existed before, at the same offset with the same key and value.
                for (const x of recordsOf(log)) {
                  const was = recordAt(before, x.offset);
                  expect(was?.key).toBe(x.key);
                  expect(was?.value).toBe(x.value);
                }
                expect(log.cleanerCheckpoint).toBe(r.endOffset);
              } else {
                expect(log).toBe(before);
              }
              break;
            }
            case "deleteRecords": {
              const target = log.logStartOffset + Math.floor(op.frac * (log.highWatermark - log.logStartOffset));
              const r = maybeIncrementLogStartOffset(log, target);
              expect(r.error).toBe("NONE");
              log = r.log;
              break;
            }
          }
          expect(checkLogInvariants(log)).toEqual([]);
          // The input value is never modified.
          expect(checkLogInvariants(before)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("append and truncate agree with a plain-array model; old snapshots stay valid", () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant("append" as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ t: fc.constant("truncate" as const), frac: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ t: fc.constant("fork" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), (ops) => {
        const config = { ...DEFAULT_LOG_CONFIG, segmentBytes: 100 };
        let log = createLog();
        let model: { offset: number; value: string }[] = [];
        const snapshots: { log: PartitionLog; model: { offset: number; value: string }[] }[] = [];
        let n = 0;
        for (const o of ops) {
          if (o.t === "append") {
            const batch = Array.from({ length: o.n }, () => ({ key: "k", value: `v${n++}`, timestamp: n }));
            log = appendAsLeader(log, batch, 0, n, config).log;
            model = [...model, ...batch.map((b, i) => ({ offset: model.length + i, value: b.value }))];
          } else if (o.t === "truncate") {
            const target = Math.floor(o.frac * log.logEndOffset);
            log = truncateTo(log, target, n).log;
            model = model.slice(0, target);
          } else {
            snapshots.push({ log, model });
          }
          expect(recordsOf(log).map((r) => ({ offset: r.offset, value: r.value }))).toEqual(model);
        }
        for (const s of snapshots)
          expect(recordsOf(s.log).map((r) => ({ offset: r.offset, value: r.value }))).toEqual(s.model);
      }),
      { numRuns: 300 },
    );
  });
});
