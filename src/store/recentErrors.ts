// The errors the cluster view shows next to partitions, producers and
// brokers, read from the end of the trace. A busy run appends thousands of
// events a second, so the scan is incremental: only the notes appended since
// the last look are read; a seek back (which truncates or replaces the trace)
// starts it again.

import type { TraceEvent } from "../engine/index.ts";
import { TraceTail } from "./traceTail.ts";

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
  err: RecentError;
  atBroker: boolean;
  partition: string | null;
}

/** An error note as the views show it; null for any other event. */
function errorOf(e: TraceEvent): Entry | null {
  if (e.kind !== "note") return null;
  const d = e.data as Record<string, unknown> | undefined;
  if (typeof d?.error !== "string" || d.error === "NONE") return null;
  return {
    err: { id: e.id, time: e.time, error: d.error, text: e.text, actor: e.actor },
    atBroker: /^b\d+$/.test(e.actor),
    partition: typeof d.topic === "string" && typeof d.partition === "number" ? `${d.topic}-${d.partition}` : null,
  };
}

export class RecentErrors {
  private readonly tail: TraceTail<TraceEvent, Entry>;

  constructor(scanMax = ERROR_SCAN_MAX) {
    this.tail = new TraceTail(scanMax, errorOf);
  }

  /** The errors among the last `scanMax` events of `trace`, as the views show them at `nowMs`. */
  at(trace: readonly TraceEvent[], nowMs: number): RecentErrorMaps {
    this.tail.update(trace);
    const partitions = new Map<string, RecentError>();
    const producers = new Map<string, RecentError>();
    const brokers = new Map<string, RecentError>();
    this.tail.newestFirst(({ err, atBroker, partition }) => {
      const recent = nowMs - err.time <= ERROR_WINDOW_MS;
      if (!atBroker && !producers.has(err.actor)) producers.set(err.actor, err);
      if (atBroker && recent && !brokers.has(err.actor)) brokers.set(err.actor, err);
      if (recent && partition !== null && !partitions.has(partition)) partitions.set(partition, err);
    });
    return { partitions, producers, brokers };
  }
}
