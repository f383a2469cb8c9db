// Pure rules of the KRaft log (KIP-595): the log-comparison that decides a
// vote, the fetch validation that finds where a follower diverges, and the
// leader's high watermark. Offsets follow Kafka: the log end offset (LEO) is
// the next offset to write, the high watermark (HW) is exclusive (records
// below it are committed).

import type { LogEntry } from "./records.ts";

/** The epoch of the last record, 0 for an empty log. */
export function lastEpochOf(log: readonly LogEntry[]): number {
  return log.length === 0 ? 0 : log[log.length - 1].epoch;
}

/**
 * `Vote` granting rule: the candidate's log is at least as up to date as ours,
 * comparing (last epoch, end offset) in that order.
 */
export function candidateLogIsUpToDate(
  candidate: { lastOffsetEpoch: number; lastOffset: number },
  local: { lastEpoch: number; logEndOffset: number },
): boolean {
  if (candidate.lastOffsetEpoch !== local.lastEpoch) return candidate.lastOffsetEpoch > local.lastEpoch;
  return candidate.lastOffset >= local.logEndOffset;
}

/**
 * `endOffsetForEpoch` of the leader-epoch cache: the largest epoch <= `epoch`
 * that the log holds, and the offset where it ends (the start of the next
 * epoch, or the LEO). {-1, 0} when the log holds nothing that old.
 */
export function endOffsetForEpoch(log: readonly LogEntry[], epoch: number): { epoch: number; endOffset: number } {
  let end = log.length;
  for (let i = log.length - 1; i >= 0; i--) {
    if (log[i].epoch <= epoch) return { epoch: log[i].epoch, endOffset: end };
    end = i;
  }
  return { epoch: -1, endOffset: 0 };
}

export type FetchValidation =
  { readonly ok: true } | { readonly ok: false; readonly divergingEpoch: { epoch: number; endOffset: number } };

/**
 * The leader's check of a follower's position (`validateOffsetAndEpoch`): the
 * follower's last fetched epoch must end at or after its fetch offset in the
 * leader's log; else the answer names the epoch and end offset to truncate to.
 */
export function validateFetch(
  log: readonly LogEntry[],
  fetchOffset: number,
  lastFetchedEpoch: number,
): FetchValidation {
  // Fast path, by the log-matching property: same epoch at the same offset means the same prefix.
  if (fetchOffset <= log.length && (fetchOffset === 0 || log[fetchOffset - 1].epoch === lastFetchedEpoch)) {
    return { ok: true };
  }
  const d = endOffsetForEpoch(log, lastFetchedEpoch);
  if (d.epoch !== lastFetchedEpoch || fetchOffset > d.endOffset) return { ok: false, divergingEpoch: d };
  return { ok: true };
}

/** Where a follower truncates on a diverging-epoch answer: the earlier of the leader's and its own end of that epoch. */
export function truncationOffset(log: readonly LogEntry[], diverging: { epoch: number; endOffset: number }): number {
  const own = endOffsetForEpoch(log, diverging.epoch);
  return Math.max(0, Math.min(diverging.endOffset, own.endOffset, log.length));
}

/** The smallest majority of `voters` voters. */
export const majorityOf = (voters: number): number => Math.floor(voters / 2) + 1;

/**
 * `LeaderState#maybeUpdateHighWatermark`: the largest end offset held by a
 * majority of voters (the leader counts with its LEO), accepted only when it
 * covers a record of the leader's own epoch (above `epochStartOffset`) and
 * moves forward. Returns the new HW, or `currentHw` unchanged.
 */
export function nextHighWatermark(
  leaderEndOffset: number,
  followerEndOffsets: readonly number[],
  epochStartOffset: number,
  currentHw: number,
): number {
  const all = [leaderEndOffset, ...followerEndOffsets].sort((a, b) => b - a);
  const candidate = all[majorityOf(all.length) - 1];
  return candidate > epochStartOffset && candidate > currentHw ? candidate : currentHw;
}
