// Small shared vocabulary for the cluster rule layer.

/** A broker id, as in `broker.id` / `node.id`. */
export type BrokerId = number;

/** Kafka's `LeaderAndIsr.NoLeader` / `MetadataResponse.NO_LEADER_ID`. */
export const NO_LEADER = -1;

/** `UnifiedLog.UnknownOffset`: what the leader knows about a follower before its first fetch. */
export const UNKNOWN_OFFSET = -1;

/**
 * Kafka initialises "last caught up" and "last fetch" times to 0, i.e. the Unix
 * epoch, decades before any real fetch. The simulator's virtual clock starts at
 * 0, so a literal 0 would mean "just now"; this far-past value keeps Kafka's
 * meaning ("never") while staying a JSON-safe integer.
 */
export const NEVER_MS = Number.MIN_SAFE_INTEGER;

/** The controller mode: ZooKeeper (Kafka <= 3.x) or KRaft. */
export type ControllerMode = "kraft" | "zk";

/** `[1,2,3]`, the form reasons use for replica lists. */
export function fmtIds(ids: readonly number[]): string {
  return `[${ids.join(",")}]`;
}

/** A time for reasons: "never" for NEVER_MS, else "t=123 ms". */
export function fmtTimeMs(ms: number): string {
  return ms === NEVER_MS ? "never" : `t=${ms} ms`;
}

export function includes(ids: readonly number[], id: number): boolean {
  return ids.indexOf(id) >= 0;
}

/** Binary search: the first index in [lo, hi) whose item's key is >= target (hi if none). */
export function lowerBound<T>(
  items: readonly T[],
  lo: number,
  hi: number,
  target: number,
  key: (item: T) => number,
): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (key(items[mid]) < target) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** A reason, or a result that writes its `reason` when read. */
export type ReasonSource = string | { readonly reason: string };

/**
 * The reasons of `sources`, written now. The hot steps (a replica fetch, an
 * append, the HW rule) keep what explains them and write the sentences only
 * when someone reads `reason`/`reasons`: almost nothing does in a busy run (a
 * note on an error, an ISR change), and writing numbers and times as text on
 * every fetch was about a sixth of what the data plane allocated. The text is
 * the same whenever it is read: it is built from immutable values only.
 */
export function writeReasons(sources: readonly ReasonSource[]): string[] {
  const out = new Array<string>(sources.length);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    out[i] = typeof s === "string" ? s : s.reason;
  }
  return out;
}
