export function formatClock(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

export function formatSpeed(speed: number): string {
  return `${speed < 1 ? speed.toString().replace(/^0/, "") : speed}×`;
}
