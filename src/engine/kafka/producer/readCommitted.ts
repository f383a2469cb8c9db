// What a consumer keeps of fetched records (clients/.../consumer/internals/
// CompletedFetch.java): control records (transaction markers) are never
// returned to the application; with isolation.level=read_committed the fetch
// stops at the LSO and the records of aborted transactions are dropped, using
// the aborted-transaction list the broker sends with the fetch.

import { controlTypeOf, isControlRecord, type AbortedTxn, type LogRecordLike } from "./producerState.ts";

/**
 * The records an application sees, in offset order. `aborted` comes from the
 * fetch response (read_committed); pass [] for read_uncommitted, which keeps
 * aborted records but still never shows markers.
 *
 * As the consumer does: an aborted transaction's producer id becomes "aborted"
 * once the fetch reaches the transaction's first offset, and stops being so at
 * its ABORT marker.
 */
export function visibleRecords<R extends LogRecordLike>(records: readonly R[], aborted: readonly AbortedTxn[]): R[] {
  const queue = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset || a.producerId - b.producerId);
  let next = 0;
  const abortedProducers = new Set<number>();
  const out: R[] = [];
  for (const r of records) {
    while (next < queue.length && queue[next].firstOffset <= r.offset) {
      const t = queue[next++];
      // An entry that ended before this record (its marker is not in these records) no longer applies.
      if (t.lastOffset >= r.offset) abortedProducers.add(t.producerId);
    }
    if (isControlRecord(r)) {
      if (controlTypeOf(r) === "ABORT") abortedProducers.delete(r.producerId);
      continue;
    }
    if (r.producerId >= 0 && abortedProducers.has(r.producerId)) continue;
    out.push(r);
  }
  return out;
}

/** A read_committed read of a log's records: up to the LSO (exclusive), aborted transactions and markers removed. */
export function readCommitted<R extends LogRecordLike>(
  records: readonly R[],
  lastStableOffset: number,
  aborted: readonly AbortedTxn[],
): R[] {
  return visibleRecords(
    records.filter((r) => r.offset < lastStableOffset),
    aborted,
  );
}
