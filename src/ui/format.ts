export function formatClock(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** A short time for labels: "3.0 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatSpeed(speed: number): string {
  return `${speed < 1 ? speed.toString().replace(/^0/, "") : speed}×`;
}

export function formatAcks(acks: number): string {
  return acks === -1 ? "all" : String(acks);
}

/** "0x1f" for ZooKeeper session ids, as zkCli prints them. */
export function formatSessionId(id: number): string {
  return `0x${id.toString(16)}`;
}

/** Broker lifecycle states, as a teacher would say them on a card. */
export function lifecycleLabel(lifecycle: string, alive: boolean): string {
  if (!alive) return "DOWN";
  switch (lifecycle) {
    case "PENDING_CONTROLLED_SHUTDOWN":
      return "SHUTTING DOWN";
    case "SHUTTING_DOWN":
      return "STOPPING";
    default:
      return lifecycle;
  }
}

/** A compact duration for badges: "800ms", "4s", "1.5s", "2m". */
export function formatShortMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))}s`;
  return `${Number((ms / 60_000).toFixed(1))}m`;
}

/** A count that fits a narrow column: 9,999 as is, then 12.3k, 150k, 1.2M (the exact value goes in a tooltip). */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs < 10_000) return String(n);
  // The bounds are where rounding would carry into the next unit (99,950 is "100k", not "100.0k").
  if (abs < 99_950) return `${(n / 1000).toFixed(1)}k`;
  if (abs < 999_500) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
