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

/**
 * Updates a replica's memory with what it holds now: `records` (its newest,
 * oldest first), its log end offset, log start offset and leader-epoch cache.
 * A remembered record is gone when the log ends before it, when another
 * record now sits at its offset, or when the epoch cache says a newer epoch
 * wrote its offset (it was truncated and replaced while the UI did not look:
 * one epoch per offset range, so this is exact). Keeps at most `keep` offsets
 * below the log end.
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
  for (const r of records) {
    const prev = mem.seen.get(r.offset);
    const ghost = mem.ghosts.get(r.offset);
    if (prev && !same(prev, r) && !ghost) mem.ghosts.set(r.offset, { ...prev, goneAtMs: nowMs });
    // The very record came back (e.g. re-fetched after a truncation): it is no ghost.
    if (ghost && same(ghost, r)) mem.ghosts.delete(r.offset);
    mem.seen.set(r.offset, { offset: r.offset, key: r.key, value: r.value, leaderEpoch: r.leaderEpoch });
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
