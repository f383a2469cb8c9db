import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { epochAt, freshReplicaMemory, observeReplica, splitGhosts, type Ghost, type SeenRecord } from "./ghosts.ts";

/** The plain definition observeReplica must agree with: every rule over the whole memory at every look. */
function referenceObserve(
  mem: { seen: Map<number, SeenRecord>; ghosts: Map<number, Ghost> },
  records: readonly SeenRecord[],
  logEndOffset: number,
  logStartOffset: number,
  nowMs: number,
  epochCache: readonly { epoch: number; startOffset: number }[],
  keep: number,
): void {
  const same = (a: SeenRecord, b: SeenRecord) =>
    a.value === b.value && a.key === b.key && a.leaderEpoch === b.leaderEpoch;
  for (const r of records) {
    const prev = mem.seen.get(r.offset);
    const ghost = mem.ghosts.get(r.offset);
    if (prev && !same(prev, r) && !ghost) mem.ghosts.set(r.offset, { ...prev, goneAtMs: nowMs });
    if (ghost && same(ghost, r)) mem.ghosts.delete(r.offset);
    mem.seen.set(r.offset, { ...r });
  }
  for (const [offset, r] of mem.seen) {
    const writtenBy = epochCache.length > 0 ? epochAt(epochCache, offset) : null;
    if (offset >= logEndOffset || (writtenBy !== null && writtenBy !== r.leaderEpoch && offset >= logStartOffset)) {
      if (!mem.ghosts.has(offset)) mem.ghosts.set(offset, { ...r, goneAtMs: nowMs });
      mem.seen.delete(offset);
    }
  }
  const floor = Math.max(logStartOffset, logEndOffset - keep);
  for (const offset of mem.seen.keys()) if (offset < floor) mem.seen.delete(offset);
  for (const offset of mem.ghosts.keys()) if (offset < logEndOffset - keep) mem.ghosts.delete(offset);
}

const rec = (offset: number, value: string, leaderEpoch = 0): SeenRecord => ({ offset, key: "k", value, leaderEpoch });

describe("ghost records", () => {
  it("remembers records cut off by a truncation and shows them beyond the log end", () => {
    const m = freshReplicaMemory();
    observeReplica(m, [rec(0, "a"), rec(1, "b"), rec(2, "c")], 3, 0, 100);
    observeReplica(m, [rec(0, "a")], 1, 0, 200);
    const g = splitGhosts(m, 1);
    expect(g.beyond.map((x) => x.offset)).toEqual([1, 2]);
    expect(g.beyond[0].goneAtMs).toBe(200);
  });

  it("marks an offset that now holds another record, seen directly or told by the epoch cache", () => {
    const m = freshReplicaMemory();
    observeReplica(m, [rec(0, "a"), rec(1, "b"), rec(2, "c")], 3, 0, 100, [{ epoch: 0, startOffset: 0 }]);
    observeReplica(m, [rec(2, "x", 1)], 3, 0, 200, [
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 1 },
    ]);
    const g = splitGhosts(m, 3);
    // Offset 2 replaced in view; offset 1 out of view but written by epoch 1 now, so replaced too.
    expect(g.replaced.map((x) => [x.offset, x.value])).toEqual([
      [1, "b"],
      [2, "c"],
    ]);
    expect(
      epochAt(
        [
          { epoch: 0, startOffset: 0 },
          { epoch: 3, startOffset: 40 },
        ],
        39,
      ),
    ).toBe(0);
  });

  it("forgets a ghost when the very record comes back", () => {
    const m = freshReplicaMemory();
    observeReplica(m, [rec(0, "a"), rec(1, "b")], 2, 0, 100);
    observeReplica(m, [rec(0, "a")], 1, 0, 200);
    observeReplica(m, [rec(0, "a"), rec(1, "b")], 2, 0, 300);
    expect(splitGhosts(m, 2)).toEqual({ beyond: [], replaced: [] });
  });

  it("agrees with the plain definition on random appends, truncations, new epochs and retention", () => {
    const op = fc.oneof(
      fc.record({ append: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 6 }) }),
      fc.record({ truncateTo: fc.nat({ max: 40 }) }),
      fc.record({ newEpoch: fc.constant(true) }),
      fc.record({ retain: fc.nat({ max: 5 }) }),
    );
    const look = fc.record({ op, shown: fc.nat({ max: 12 }) });
    fc.assert(
      fc.property(fc.array(look, { maxLength: 60 }), fc.integer({ min: 2, max: 20 }), (looks, keep) => {
        const fast = freshReplicaMemory();
        const plain = { seen: new Map<number, SeenRecord>(), ghosts: new Map<number, Ghost>() };
        let log: SeenRecord[] = [];
        let epoch = 0;
        let cache = [{ epoch: 0, startOffset: 0 }];
        let logStart = 0;
        looks.forEach(({ op, shown }, t) => {
          if ("append" in op)
            for (const v of op.append) log.push({ offset: log.length, key: "k", value: `v${v}`, leaderEpoch: epoch });
          else if ("truncateTo" in op) log = log.slice(0, Math.max(op.truncateTo, logStart));
          else if ("newEpoch" in op) {
            epoch++;
            cache = [...cache.filter((e) => e.startOffset < log.length), { epoch, startOffset: log.length }];
          } else logStart = Math.min(log.length, logStart + op.retain);
          const records = log.slice(Math.max(logStart, log.length - shown));
          observeReplica(fast, records, log.length, logStart, t, cache, keep);
          referenceObserve(plain, records, log.length, logStart, t, cache, keep);
          expect(splitGhosts(fast, log.length)).toEqual(splitGhosts(plain, log.length));
          expect([...fast.seen.keys()].sort((a, b) => a - b)).toEqual([...plain.seen.keys()].sort((a, b) => a - b));
        });
      }),
      { numRuns: 300 },
    );
  });
});
