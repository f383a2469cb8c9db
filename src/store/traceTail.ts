// What views keep of the newest events of the trace (recent errors, messages
// to draw as dots), kept up to date incrementally. A busy run appends
// thousands of events a second, so each look reads only the events appended
// since the last one. The trace only grows, except after a seek backwards,
// which truncates or replaces it: a shorter trace, another array, or another
// event object where the scan stopped starts the scan again.

interface TraceLike {
  readonly kind: string;
}

export class TraceTail<E extends TraceLike, T> {
  private trace: readonly E[] | null = null;
  private scanned = 0;
  /** The last event read: a seek back may truncate the trace and grow it again past where the scan stopped. */
  private last: E | undefined = undefined;
  /** Picked items in trace order, with their index in the trace; live from `head`. */
  private items: { index: number; item: T }[] = [];
  private head = 0;
  private readonly scanMax: number;
  private readonly pick: (e: E) => T | null;

  /** Keeps `pick(e)` (unless null) for each of the newest `scanMax` events. */
  constructor(scanMax: number, pick: (e: E) => T | null) {
    this.scanMax = scanMax;
    this.pick = pick;
  }

  /** Brings the tail up to date with `trace`. */
  update(trace: readonly E[]): void {
    const n = trace.length;
    const same =
      this.trace === trace && n >= this.scanned && (this.scanned === 0 || trace[this.scanned - 1] === this.last);
    if (!same) {
      this.trace = trace;
      this.scanned = 0;
      this.items = [];
      this.head = 0;
    }
    const stop = n - this.scanMax;
    for (let i = Math.max(this.scanned, stop); i < n; i++) {
      const item = this.pick(trace[i]);
      if (item !== null) this.items.push({ index: i, item });
    }
    this.scanned = n;
    this.last = n > 0 ? trace[n - 1] : undefined;
    while (this.head < this.items.length && this.items[this.head].index < stop) this.head++;
    if (this.head > 256 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Calls `visit` on the kept items, newest first, until it returns false. */
  newestFirst(visit: (item: T) => boolean | void): void {
    for (let i = this.items.length - 1; i >= this.head; i--) if (visit(this.items[i].item) === false) return;
  }
}
