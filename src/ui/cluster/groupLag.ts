// Helpers for the consumer-groups column (pure, unit tested).

/** A lag sparkline path in a w×h box from samples of lag by topic (the last `keep` samples up to `nowMs`). */
export function lagPath(
  samples: readonly { atMs: number; byTopic: Record<string, number> }[],
  nowMs: number,
  w: number,
  h: number,
  keep = 60,
): string {
  const shown = samples.filter((s) => s.atMs <= nowMs).slice(-keep);
  if (shown.length < 2) return "";
  const totals = shown.map((s) => Object.values(s.byTopic).reduce((a, x) => a + x, 0));
  const max = Math.max(1, ...totals);
  const t0 = shown[0].atMs;
  const span = Math.max(1, shown[shown.length - 1].atMs - t0);
  return shown
    .map((s, i) => {
      const x = ((s.atMs - t0) / span) * w;
      const y = h - (totals[i] / max) * h;
      return `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join("");
}

/** "Stable", "PreparingRebalance"… in words a class can read aloud. */
export function groupStateLabel(state: string): string {
  switch (state) {
    case "PreparingRebalance":
      return "Preparing rebalance";
    case "CompletingRebalance":
      return "Completing rebalance";
    default:
      return state;
  }
}

/**
 * The rows of a group's table when it has room for `rows`: every partition in
 * order when they fit, else the `rows - 1` with the most lag (in partition
 * order) and a last line for the rest ("+k more, lag ≤ n").
 */
export function shownPartitions<P extends { lag: number }>(
  partitions: readonly P[],
  rows: number,
): { shown: P[]; more: number; moreMaxLag: number } {
  if (partitions.length <= rows) return { shown: [...partitions], more: 0, moreMaxLag: 0 };
  const keep = Math.max(0, rows - 1);
  const byLag = partitions.map((p, i) => ({ p, i })).sort((a, b) => b.p.lag - a.p.lag || a.i - b.i);
  const top = byLag.slice(0, keep).sort((a, b) => a.i - b.i);
  const rest = byLag.slice(keep);
  return {
    shown: top.map((x) => x.p),
    more: rest.length,
    moreMaxLag: rest.reduce((m, x) => Math.max(m, x.p.lag), 0),
  };
}
