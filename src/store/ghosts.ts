// Ghost records: records the UI saw on a replica that are no longer there
// (truncated on becoming a follower, replaced by the new leader's records at
// the same offset, or gone with a wiped disk). The engine keeps only what is
// on disk now, so this is UI-side memory of what was shown, reset when the
// playhead moves back.

export interface SeenRecord {
  offset: number;
  key: string | null;
  value: string | null;
  leaderEpoch: number;
}

export interface Ghost extends SeenRecord {
  /** Virtual time at which the UI first saw it gone. */
  goneAtMs: number;
}

export interface ReplicaMemory {
  seen: Map<number, SeenRecord>;
  ghosts: Map<number, Ghost>;
  /** What the last look saw (see observeReplica): log end and start offsets, epoch cache, lowest offset kept. */
  last?: { logEndOffset: number; logStartOffset: number; epochCache: string; floor: number };
}

export const freshReplicaMemory = (): ReplicaMemory => ({ seen: new Map(), ghosts: new Map() });

const same = (a: SeenRecord, b: SeenRecord) =>
  a.value === b.value && a.key === b.key && a.leaderEpoch === b.leaderEpoch;

/** The leader epoch that wrote `offset`, by the replica's epoch cache (its last entry starting at or before it). */
export function epochAt(epochCache: readonly { epoch: number; startOffset: number }[], offset: number): number | null {
  let epoch: number | null = null;
  for (const e of epochCache) if (e.startOffset <= offset) epoch = e.epoch;
  return epoch;
}

const cacheKey = (epochCache: readonly { epoch: number; startOffset: number }[]) => {
  let k = "";
  for (const e of epochCache) k += `${e.epoch}@${e.startOffset},`;
  return k;
};

/**
 * Updates a replica's memory with what it holds now: `records` (its newest,
 * oldest first), its log end offset, log start offset and leader-epoch cache.
 * A remembered record is gone when the log ends before it, when another
 * record now sits at its offset, or when the epoch cache says a newer epoch
 * wrote its offset (it was truncated and replaced while the UI did not look:
 * one epoch per offset range, so this is exact). Keeps at most `keep` offsets
 * below the log end.
 *
 * Called for every replica at every revision (every frame while playing), so
 * the common case is cheap: records already seen are skipped, the whole
 * memory is rescanned only when the log end or start went back or the epoch
 * cache changed (nothing else can make a remembered record a ghost), and the
 * offsets that fell below the kept range are dropped by key.
 */
export function observeReplica(
  mem: ReplicaMemory,
  records: readonly SeenRecord[],
  logEndOffset: number,
  logStartOffset: number,
  nowMs: number,
  epochCache: readonly { epoch: number; startOffset: number }[] = [],
  keep = 200,
): void {
  const cache = cacheKey(epochCache);
  const last = mem.last;
  const rescan =
    !last || logEndOffset < last.logEndOffset || logStartOffset < last.logStartOffset || cache !== last.epochCache;
  const isGone = (offset: number, r: SeenRecord) => {
    const writtenBy = epochCache.length > 0 ? epochAt(epochCache, offset) : null;
    return offset >= logEndOffset || (writtenBy !== null && writtenBy !== r.leaderEpoch && offset >= logStartOffset);
  };
  const floor = Math.max(logStartOffset, logEndOffset - keep);
  let setBelowFloor = false;
  for (const r of records) {
    const prev = mem.seen.get(r.offset);
    if (prev && same(prev, r)) continue;
    const ghost = mem.ghosts.get(r.offset);
    if (prev && !ghost) mem.ghosts.set(r.offset, { ...prev, goneAtMs: nowMs });
    // The very record came back (e.g. re-fetched after a truncation): it is no ghost.
    if (ghost && same(ghost, r)) mem.ghosts.delete(r.offset);
    const seen = { offset: r.offset, key: r.key, value: r.value, leaderEpoch: r.leaderEpoch };
    mem.seen.set(r.offset, seen);
    if (r.offset < floor) setBelowFloor = true;
    if (!rescan && isGone(r.offset, seen)) {
      if (!mem.ghosts.has(r.offset)) mem.ghosts.set(r.offset, { ...seen, goneAtMs: nowMs });
      mem.seen.delete(r.offset);
    }
  }
  if (rescan)
    for (const [offset, r] of mem.seen)
      if (isGone(offset, r)) {
        if (!mem.ghosts.has(offset)) mem.ghosts.set(offset, { ...r, goneAtMs: nowMs });
        mem.seen.delete(offset);
      }
  // Nothing below the last floor is left, so only [last floor, floor) and what was just set can be below this one.
  const from = last?.floor ?? -Infinity;
  if (rescan || setBelowFloor || floor - from > mem.seen.size) {
    for (const offset of mem.seen.keys()) if (offset < floor) mem.seen.delete(offset);
  } else for (let offset = from; offset < floor; offset++) mem.seen.delete(offset);
  for (const offset of mem.ghosts.keys()) if (offset < logEndOffset - keep) mem.ghosts.delete(offset);
  mem.last = { logEndOffset, logStartOffset, epochCache: cache, floor };
}

/** Ghosts above the log end (drawn in place) and ghosts whose offset now holds another record (marked on it). */
export function splitGhosts(
  mem: ReplicaMemory | undefined,
  logEndOffset: number,
): { beyond: Ghost[]; replaced: Ghost[] } {
  const beyond: Ghost[] = [];
  const replaced: Ghost[] = [];
  if (!mem) return { beyond, replaced };
  for (const g of mem.ghosts.values()) (g.offset >= logEndOffset ? beyond : replaced).push(g);
  beyond.sort((a, b) => a.offset - b.offset);
  replaced.sort((a, b) => a.offset - b.offset);
  return { beyond, replaced };
}
