import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tpKey } from "../metadata.ts";
import type { LedgerEntry } from "./consumerData.ts";
import { consumerLedgerSkips, groupLedgerStats, type RecordExists } from "./ledgerStats.ts";

// The straightforward scans the incremental versions replace: every entry of
// every ledger, sorted by read time, each time.
function fullGroupScan(ledgers: readonly (readonly LedgerEntry[])[], exists: RecordExists) {
  const entries = ledgers.flat().sort((x, y) => x.readAtMs - y.readAtMs);
  const seen = new Map<string, Set<number>>();
  const lastByKey = new Map<string, number>();
  const reordered = new Set<string>();
  let duplicates = 0;
  for (const e of entries) {
    const tp = tpKey(e.topic, e.partition);
    const s = seen.get(tp) ?? new Set<number>();
    seen.set(tp, s);
    if (s.has(e.offset)) duplicates++;
    else s.add(e.offset);
    if (e.key !== null) {
      const k = `${tp}|${e.key}`;
      const last = lastByKey.get(k);
      if (last !== undefined && e.offset < last) reordered.add(e.key);
      lastByKey.set(k, Math.max(last ?? -1, e.offset));
    }
  }
  let skips = 0;
  for (const [tp, s] of seen) {
    const [topic, partition] = [tp.slice(0, tp.lastIndexOf("-")), Number(tp.slice(tp.lastIndexOf("-") + 1))];
    const offsets = [...s].sort((a, b) => a - b);
    for (let j = 1; j < offsets.length; j++)
      for (let o = offsets[j - 1] + 1; o < offsets[j]; o++) if (exists(topic, partition, o)) skips++;
  }
  return { recordsRead: entries.length, duplicates, skips, reorderedKeys: [...reordered].sort() };
}

function fullConsumerSkips(ledger: readonly LedgerEntry[], exists: RecordExists): number {
  const last = new Map<string, LedgerEntry>();
  let skips = 0;
  for (const e of ledger) {
    const tp = tpKey(e.topic, e.partition);
    const prev = last.get(tp);
    if (prev && prev.run === e.run && e.offset > prev.offset + 1)
      for (let o = prev.offset + 1; o < e.offset; o++) if (exists(e.topic, e.partition, o)) skips++;
    last.set(tp, e);
  }
  return skips;
}

const entryArb = fc.record({
  consumer: fc.integer({ min: 0, max: 2 }),
  partition: fc.integer({ min: 0, max: 1 }),
  offset: fc.integer({ min: 0, max: 30 }),
  key: fc.option(fc.constantFrom("a", "b", "c"), { nil: null }),
  readAtStepMs: fc.integer({ min: -3, max: 3 }),
  run: fc.integer({ min: 0, max: 1 }),
  /** Ask for the stats after this entry. */
  look: fc.boolean(),
});

function entry(
  e: { partition: number; offset: number; key: string | null; run: number },
  readAtMs: number,
): LedgerEntry {
  return {
    topic: "t",
    partition: e.partition,
    offset: e.offset,
    key: e.key,
    value: "v",
    timestamp: 0,
    polledAtMs: readAtMs,
    readAtMs,
    generation: 1,
    run: e.run,
    rebalancing: false,
    incarnation: 0,
  };
}

describe("incremental ledger statistics", () => {
  it("equal a full scan whenever they are asked, whatever the read times", () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 60 }), fc.integer({ min: 0, max: 30 }), (steps, hole) => {
        const exists: RecordExists = (_t, _p, offset) => offset !== hole; // one offset compacted away
        const ledgers: LedgerEntry[][] = [[], [], []];
        const clock = [100, 100, 100];
        const owner = {};
        for (const s of steps) {
          // Each consumer's reads mostly move forward; sometimes a read lands earlier than another consumer's.
          clock[s.consumer] = Math.max(0, clock[s.consumer] + s.readAtStepMs);
          ledgers[s.consumer].push(entry(s, clock[s.consumer]));
          if (s.look) {
            expect(groupLedgerStats(owner, "g", ledgers, exists)).toEqual(fullGroupScan(ledgers, exists));
            for (const l of ledgers) expect(consumerLedgerSkips(l, exists)).toBe(fullConsumerSkips(l, exists));
          }
        }
        expect(groupLedgerStats(owner, "g", ledgers, exists)).toEqual(fullGroupScan(ledgers, exists));
      }),
      { numRuns: 500 },
    );
  });

  it("start again when the ledgers are new arrays (a checkpoint restore)", () => {
    const owner = {};
    const exists: RecordExists = () => true;
    const a = [entry({ partition: 0, offset: 0, key: "k", run: 0 }, 1)];
    groupLedgerStats(owner, "g", [a], exists);
    const restored = [entry({ partition: 0, offset: 5, key: "k", run: 0 }, 1)];
    expect(groupLedgerStats(owner, "g", [restored], exists)).toEqual(fullGroupScan([restored], exists));
  });
});
