// The leader-epoch cache (storage/.../epoch/LeaderEpochFileCache.java): per
// replica, the list of (leader epoch, start offset) pairs in increasing order of
// both. It is what makes follower truncation safe (KIP-101, KIP-279): a follower
// asks "where does epoch E end on the leader?" instead of trusting its own HW.
//
// A cache is an immutable array; every operation returns a new array when it
// changes something and the same array when it does not.

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** Sorted by epoch and by start offset, both strictly increasing. */
export type LeaderEpochCache = readonly EpochEntry[];

export const EMPTY_EPOCH_CACHE: LeaderEpochCache = [];

/** `[(1,0),(3,10)]`: the form reasons and test names use. */
export function fmtEpochCache(cache: LeaderEpochCache): string {
  return `[${cache.map((e) => `(${e.epoch},${e.startOffset})`).join(",")}]`;
}

export function latestEntry(cache: LeaderEpochCache): EpochEntry | undefined {
  return cache.length === 0 ? undefined : cache[cache.length - 1];
}

/** The latest epoch, or UNDEFINED_EPOCH (-1) for an empty cache. */
export function latestEpoch(cache: LeaderEpochCache): number {
  return cache.length === 0 ? UNDEFINED_EPOCH : cache[cache.length - 1].epoch;
}

export interface EpochAssignResult {
  readonly cache: LeaderEpochCache;
  readonly changed: boolean;
  /** Entries removed because they conflicted with the new one. */
  readonly removed: readonly EpochEntry[];
  readonly reason: string;
}

/**
 * `LeaderEpochFileCache#assign`. A no-op when `epoch` is already the latest
 * epoch and `startOffset` is not before its start (every batch of the current
 * leader calls this). Otherwise every entry with epoch >= `epoch` or start
 * offset >= `startOffset` is dropped from the end and (epoch, startOffset) is
 * appended, which keeps both columns monotonic even after a conflicting history.
 */
export function assignEpoch(cache: LeaderEpochCache, epoch: number, startOffset: number): EpochAssignResult {
  if (epoch < 0 || startOffset < 0) {
    throw new RangeError(`invalid leader epoch entry (${epoch},${startOffset})`);
  }
  const latest = latestEntry(cache);
  // isUpdateNeeded: a different epoch, or the same epoch starting earlier.
  if (latest !== undefined && latest.epoch === epoch && startOffset >= latest.startOffset) {
    return {
      cache,
      changed: false,
      removed: [],
      reason: `epoch ${epoch} already starts at offset ${latest.startOffset}`,
    };
  }
  // maybeTruncateNonMonotonicEntries: remove from the end while conflicting. The
  // conflicting entries always form a suffix because the cache is monotonic.
  let keep = cache.length;
  while (keep > 0 && (cache[keep - 1].epoch >= epoch || cache[keep - 1].startOffset >= startOffset)) keep--;
  const removed = cache.slice(keep);
  const next = cache.slice(0, keep);
  next.push({ epoch, startOffset });
  const reason =
    removed.length === 0
      ? `leader epoch ${epoch} starts at offset ${startOffset}`
      : `leader epoch ${epoch} starts at offset ${startOffset}; removed conflicting entries ${fmtEpochCache(removed)}`;
  return { cache: next, changed: true, removed, reason };
}

export interface EpochEndOffset {
  /** The epoch the answer is for (may differ from the requested one), or -1. */
  readonly epoch: number;
  /** Exclusive end offset of that epoch, or -1. */
  readonly endOffset: number;
  readonly reason: string;
}

/**
 * `LeaderEpochFileCache#endOffsetFor`: the answer to OffsetsForLeaderEpoch and
 * to the lastFetchedEpoch check on fetch.
 * - requested == -1 -> (-1, -1);
 * - requested == latest epoch -> (requested, logEndOffset): the current epoch is still being written;
 * - no epoch above requested -> (-1, -1) (requested is newer than anything known);
 * - no epoch <= requested -> (requested, start of the first higher epoch): older data is gone;
 * - else (largest epoch <= requested, start of the first higher epoch).
 */
export function endOffsetFor(cache: LeaderEpochCache, requestedEpoch: number, logEndOffset: number): EpochEndOffset {
  if (requestedEpoch === UNDEFINED_EPOCH) {
    return {
      epoch: UNDEFINED_EPOCH,
      endOffset: UNDEFINED_EPOCH_OFFSET,
      reason: "no epoch was requested (-1)",
    };
  }
  const latest = latestEntry(cache);
  if (latest !== undefined && latest.epoch === requestedEpoch) return new LatestEpochEnd(requestedEpoch, logEndOffset);
  // higherEntry: the first entry with epoch > requested; floorEntry: the last with epoch <= requested.
  let higher = -1;
  for (let i = 0; i < cache.length; i++) {
    if (cache[i].epoch > requestedEpoch) {
      higher = i;
      break;
    }
  }
  if (higher < 0) {
    return {
      epoch: UNDEFINED_EPOCH,
      endOffset: UNDEFINED_EPOCH_OFFSET,
      reason:
        cache.length === 0
          ? `no leader epoch is recorded, so epoch ${requestedEpoch} is unknown`
          : `epoch ${requestedEpoch} is newer than every known epoch (latest ${latestEpoch(cache)})`,
    };
  }
  const nextStart = cache[higher].startOffset;
  if (higher === 0) {
    return {
      epoch: requestedEpoch,
      endOffset: nextStart,
      reason: `epoch ${requestedEpoch} is older than every known epoch; the first known epoch ${cache[0].epoch} starts at ${nextStart}`,
    };
  }
  const floor = cache[higher - 1];
  return {
    epoch: floor.epoch,
    endOffset: nextStart,
    reason:
      floor.epoch === requestedEpoch
        ? `epoch ${requestedEpoch} ends where epoch ${cache[higher].epoch} starts, at offset ${nextStart}`
        : `epoch ${requestedEpoch} was never seen here; the closest earlier epoch ${floor.epoch} ends at offset ${nextStart}`,
  };
}

/** The common answer (every follower fetch asks about the current epoch): its reason is written when read. */
class LatestEpochEnd implements EpochEndOffset {
  readonly epoch: number;
  readonly endOffset: number;
  constructor(epoch: number, endOffset: number) {
    this.epoch = epoch;
    this.endOffset = endOffset;
  }
  get reason(): string {
    return `epoch ${this.epoch} is the latest epoch, so it ends at the log end offset ${this.endOffset}`;
  }
}

export interface EpochTruncateResult {
  readonly cache: LeaderEpochCache;
  readonly removed: readonly EpochEntry[];
}

/**
 * `truncateFromEnd`: after a log truncation to `endOffset`, drop every entry
 * starting at or after it (only when the latest entry does; -1 is ignored).
 */
export function truncateFromEnd(cache: LeaderEpochCache, endOffset: number): EpochTruncateResult {
  const latest = latestEntry(cache);
  if (endOffset < 0 || latest === undefined || latest.startOffset < endOffset) return { cache, removed: [] };
  let keep = cache.length;
  while (keep > 0 && cache[keep - 1].startOffset >= endOffset) keep--;
  return { cache: cache.slice(0, keep), removed: cache.slice(keep) };
}

/**
 * `truncateFromStart`: after the log start offset moved to `startOffset`, drop
 * entries starting at or before it, but keep the last of them re-anchored at
 * `startOffset`, because the records from there on still belong to that epoch.
 */
export function truncateFromStart(cache: LeaderEpochCache, startOffset: number): EpochTruncateResult {
  if (startOffset < 0) return { cache, removed: [] };
  let drop = 0;
  while (drop < cache.length && cache[drop].startOffset <= startOffset) drop++;
  if (drop === 0) return { cache, removed: [] };
  const removed = cache.slice(0, drop);
  const anchored: EpochEntry = { epoch: removed[drop - 1].epoch, startOffset };
  const lastRemoved = removed[drop - 1];
  // Nothing changes when the only affected entry already starts exactly there.
  if (drop === 1 && lastRemoved.startOffset === startOffset) return { cache, removed: [] };
  return { cache: [anchored, ...cache.slice(drop)], removed };
}

/** `epochForOffset`: the epoch that wrote `offset`, or -1 if it is before every entry. */
export function epochForOffset(cache: LeaderEpochCache, offset: number): number {
  let previous = UNDEFINED_EPOCH;
  for (const e of cache) {
    if (e.startOffset === offset) return e.epoch;
    if (e.startOffset > offset) return previous;
    previous = e.epoch;
  }
  return previous;
}

/** Checks the cache's own invariant (both columns strictly increasing); returns a problem or null. */
export function checkEpochCache(cache: LeaderEpochCache): string | null {
  for (let i = 1; i < cache.length; i++) {
    if (cache[i].epoch <= cache[i - 1].epoch || cache[i].startOffset <= cache[i - 1].startOffset) {
      return `leader epoch cache not monotonic at index ${i}: ${fmtEpochCache(cache)}`;
    }
  }
  return null;
}
