// Duplicates, skips and per-key reordering over what consumers processed,
// kept up to date incrementally. Views ask for these on every UI frame; a
// scan of every ledger each time grew with the run (tens of ms per view at
// 15 simulated seconds of Boxing Day) and froze the page.
//
// The caches live outside the world, keyed by the ledger arrays themselves:
// ledgers are append-only with immutable entries, and a checkpoint restore
// hands out new arrays, so a cache whose arrays or lengths do not match is
// simply rebuilt. Results equal a full scan (ledgerStats.test.ts checks it).

import { tpKey } from "../metadata.ts";
import type { LedgerEntry } from "./consumerData.ts";

/** Whether the log still holds a record at that offset (a gap in reads over it is a skip). */
export type RecordExists = (topic: string, partition: number, offset: number) => boolean;

export interface GroupLedgerStats {
  recordsRead: number;
  duplicates: number;
  skips: number;
  reorderedKeys: string[];
}

interface PartitionReads {
  topic: string;
  partition: number;
  offsets: Set<number>;
  minOffset: number;
  maxOffset: number;
}

interface GroupCache {
  ledgers: (readonly LedgerEntry[])[];
  judged: number[];
  recordsRead: number;
  reads: Map<string, PartitionReads>;
  /** tp|key → the highest offset read so far, in reading order. */
  highestByKey: Map<string, number>;
  reordered: Set<string>;
  /** The latest readAtMs taken in; an entry read earlier than this forces a rebuild. */
  readUpToMs: number;
  /** The highest consumer index among entries taken in at readUpToMs (ties sort by consumer). */
  lastConsumerAtReadUpTo: number;
}

interface NewEntry {
  entry: LedgerEntry;
  consumer: number;
}

const groupCaches = new WeakMap<object, Map<string, GroupCache>>();

function sameLedgers(cache: GroupCache, ledgers: readonly (readonly LedgerEntry[])[]): boolean {
  if (cache.ledgers.length !== ledgers.length) return false;
  for (let i = 0; i < ledgers.length; i++) {
    if (cache.ledgers[i] !== ledgers[i] || ledgers[i].length < cache.judged[i]) return false;
  }
  return true;
}

function freshGroupCache(ledgers: readonly (readonly LedgerEntry[])[]): GroupCache {
  return {
    ledgers: [...ledgers],
    judged: ledgers.map(() => 0),
    recordsRead: 0,
    reads: new Map(),
    highestByKey: new Map(),
    reordered: new Set(),
    readUpToMs: -Infinity,
    lastConsumerAtReadUpTo: -1,
  };
}

/** Takes entries in (readAtMs, consumer, ledger position) order, as a full scan sorts them. */
function takeIn(cache: GroupCache, entries: readonly NewEntry[]): void {
  for (const { entry: e, consumer } of entries) {
    const tp = tpKey(e.topic, e.partition);
    let reads = cache.reads.get(tp);
    if (!reads) {
      reads = { topic: e.topic, partition: e.partition, offsets: new Set(), minOffset: e.offset, maxOffset: e.offset };
      cache.reads.set(tp, reads);
    }
    reads.offsets.add(e.offset);
    if (e.offset < reads.minOffset) reads.minOffset = e.offset;
    if (e.offset > reads.maxOffset) reads.maxOffset = e.offset;
    if (e.key !== null) {
      const k = `${tp}|${e.key}`;
      const highest = cache.highestByKey.get(k);
      if (highest !== undefined && e.offset < highest) cache.reordered.add(e.key);
      if (highest === undefined || e.offset > highest) cache.highestByKey.set(k, e.offset);
    }
    cache.recordsRead++;
    if (e.readAtMs > cache.readUpToMs) {
      cache.readUpToMs = e.readAtMs;
      cache.lastConsumerAtReadUpTo = consumer;
    } else if (consumer > cache.lastConsumerAtReadUpTo) cache.lastConsumerAtReadUpTo = consumer;
  }
}

/**
 * The new entries of every ledger, merged by readAtMs; null when one sorts
 * before something already taken in (read earlier, or at the same time by an
 * earlier consumer), so that only a rebuild gives the full scan's order.
 */
function newEntries(cache: GroupCache, ledgers: readonly (readonly LedgerEntry[])[]): NewEntry[] | null {
  const fresh: NewEntry[] = [];
  for (let i = 0; i < ledgers.length; i++) {
    const ledger = ledgers[i];
    for (let j = cache.judged[i]; j < ledger.length; j++) {
      const t = ledger[j].readAtMs;
      if (t < cache.readUpToMs || (t === cache.readUpToMs && i < cache.lastConsumerAtReadUpTo)) return null;
      fresh.push({ entry: ledger[j], consumer: i });
    }
  }
  // Stable: equal times keep consumer order, then ledger order, like the full scan's sort.
  fresh.sort((x, y) => x.entry.readAtMs - y.entry.readAtMs);
  return fresh;
}

/**
 * Duplicates, skips and reordered keys over the ledgers of one group's
 * consumers together. `owner` (the engine) scopes the cache.
 */
export function groupLedgerStats(
  owner: object,
  groupId: string,
  ledgers: readonly (readonly LedgerEntry[])[],
  exists: RecordExists,
): GroupLedgerStats {
  let caches = groupCaches.get(owner);
  if (!caches) groupCaches.set(owner, (caches = new Map()));
  let cache = caches.get(groupId);
  let fresh = cache && sameLedgers(cache, ledgers) ? newEntries(cache, ledgers) : null;
  if (!cache || fresh === null) {
    cache = freshGroupCache(ledgers);
    caches.set(groupId, cache);
    fresh = newEntries(cache, ledgers)!;
  }
  takeIn(cache, fresh);
  for (let i = 0; i < ledgers.length; i++) cache.judged[i] = ledgers[i].length;

  let distinct = 0;
  let skips = 0;
  const tps = [...cache.reads.keys()].sort();
  for (const tp of tps) {
    const r = cache.reads.get(tp)!;
    distinct += r.offsets.size;
    // Offsets between the lowest and highest read that nobody read, but the log holds.
    if (r.maxOffset - r.minOffset + 1 === r.offsets.size) continue;
    for (let o = r.minOffset + 1; o < r.maxOffset; o++)
      if (!r.offsets.has(o) && exists(r.topic, r.partition, o)) skips++;
  }
  return {
    recordsRead: cache.recordsRead,
    duplicates: cache.recordsRead - distinct,
    skips,
    reorderedKeys: [...cache.reordered].sort(),
  };
}

interface ConsumerSkipCache {
  judged: number;
  last: Map<string, LedgerEntry>;
  skips: number;
}

const consumerCaches = new WeakMap<readonly LedgerEntry[], ConsumerSkipCache>();

/**
 * Records missing inside one consumer's uninterrupted runs of reads, counted
 * when the later read is taken in (a record retention removes afterwards
 * stays counted: it was skipped when it was there).
 */
export function consumerLedgerSkips(ledger: readonly LedgerEntry[], exists: RecordExists): number {
  let cache = consumerCaches.get(ledger);
  if (!cache || cache.judged > ledger.length) {
    cache = { judged: 0, last: new Map(), skips: 0 };
    consumerCaches.set(ledger, cache);
  }
  for (let i = cache.judged; i < ledger.length; i++) {
    const e = ledger[i];
    const tp = tpKey(e.topic, e.partition);
    const prev = cache.last.get(tp);
    if (prev && prev.run === e.run && e.offset > prev.offset + 1)
      for (let o = prev.offset + 1; o < e.offset; o++) if (exists(e.topic, e.partition, o)) cache.skips++;
    cache.last.set(tp, e);
  }
  cache.judged = ledger.length;
  return cache.skips;
}
