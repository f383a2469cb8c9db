// The errors the cluster view shows next to partitions, producers and
// brokers, read from the end of the trace. A busy run appends thousands of
// events a second, so the scan is incremental: only the notes appended since
// the last look are read; a seek back (which truncates or replaces the trace)
// starts it again.

import type { TraceEvent } from "../engine/index.ts";

export interface RecentError {
  /** Trace event id (for "why?"). */
  id: number;
  time: number;
  error: string;
  text: string;
  actor: string;
}

export interface RecentErrorMaps {
  /** Errors reported at a partition in the last `windowMs`: "orders-0" → newest. */
  partitions: Map<string, RecentError>;
  /** The newest error each producer (any non-broker actor) reported. */
  producers: Map<string, RecentError>;
  /** Errors a broker answered with in the last `windowMs`: broker actor id → newest. */
  brokers: Map<string, RecentError>;
}

/** Errors older than this (virtual ms) no longer show at a partition or broker. */
export const ERROR_WINDOW_MS = 1000;
/** Only the newest events of the trace are looked at. */
export const ERROR_SCAN_MAX = 4000;

interface Entry {
  index: number;
  err: RecentError;
  atBroker: boolean;
  partition: string | null;
}

export class RecentErrors {
  private trace: readonly TraceEvent[] | null = null;
  private scanned = 0;
  private last: TraceEvent | undefined = undefined;
  private entries: Entry[] = [];
  private head = 0;
  private readonly scanMax: number;

  constructor(scanMax = ERROR_SCAN_MAX) {
    this.scanMax = scanMax;
  }

  private update(trace: readonly TraceEvent[]): void {
    const n = trace.length;
    const same =
      this.trace === trace && n >= this.scanned && (this.scanned === 0 || trace[this.scanned - 1] === this.last);
    if (!same) {
      this.trace = trace;
      this.scanned = 0;
      this.entries = [];
      this.head = 0;
    }
    const stop = n - this.scanMax;
    for (let i = Math.max(this.scanned, stop); i < n; i++) {
      const e = trace[i];
      if (e.kind !== "note") continue;
      const d = e.data as Record<string, unknown> | undefined;
      if (typeof d?.error !== "string" || d.error === "NONE") continue;
      this.entries.push({
        index: i,
        err: { id: e.id, time: e.time, error: d.error, text: e.text, actor: e.actor },
        atBroker: /^b\d+$/.test(e.actor),
        partition: typeof d.topic === "string" && typeof d.partition === "number" ? `${d.topic}-${d.partition}` : null,
      });
    }
    this.scanned = n;
    this.last = n > 0 ? trace[n - 1] : undefined;
    while (this.head < this.entries.length && this.entries[this.head].index < stop) this.head++;
    if (this.head > 256 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** The errors among the last `scanMax` events of `trace`, as the views show them at `nowMs`. */
  at(trace: readonly TraceEvent[], nowMs: number): RecentErrorMaps {
    this.update(trace);
    const partitions = new Map<string, RecentError>();
    const producers = new Map<string, RecentError>();
    const brokers = new Map<string, RecentError>();
    for (let i = this.entries.length - 1; i >= this.head; i--) {
      const { err, atBroker, partition } = this.entries[i];
      const recent = nowMs - err.time <= ERROR_WINDOW_MS;
      if (!atBroker && !producers.has(err.actor)) producers.set(err.actor, err);
      if (atBroker && recent && !brokers.has(err.actor)) brokers.set(err.actor, err);
      if (recent && partition !== null && !partitions.has(partition)) partitions.set(partition, err);
    }
    return { partitions, producers, brokers };
  }
}
