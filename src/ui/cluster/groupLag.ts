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
