import { describe, expect, it } from "vitest";
import {
  abortedTransactionsInRange,
  lastStableOffset,
  rebuildProducerState,
  type LogRecordLike,
} from "./producerState.ts";
import { readCommitted, visibleRecords } from "./readCommitted.ts";

type Rec = LogRecordLike & { value: string };

function log(): Rec[] {
  const r = (
    offset: number,
    producerId: number,
    sequence: number,
    value: string,
    extra: Partial<LogRecordLike> = {},
  ): Rec => ({
    offset,
    key: "k",
    value,
    producerId,
    sequence,
    producerEpoch: 0,
    batchId: offset,
    ...extra,
  });
  const txn = { isTransactional: true };
  return [
    r(0, 1, 0, "a1", txn), // p1's first transaction: aborted
    r(1, 9, 0, "plain-1"), // an idempotent producer, no transaction
    r(2, 2, 0, "b1", txn), // p2's transaction: committed
    r(3, 1, 1, "a2", txn),
    r(4, 1, -1, "", { key: "ABORT", control: "ABORT", isTransactional: true }),
    r(5, 2, 1, "b2", txn),
    r(6, 2, -1, "", { key: "COMMIT", control: "COMMIT", isTransactional: true }),
    r(7, 1, 2, "a3", txn), // p1's second transaction: committed
    r(8, 1, -1, "", { key: "COMMIT", control: "COMMIT", isTransactional: true }),
    r(9, 2, 2, "b3", txn), // p2's next transaction: still open
    r(10, 9, 1, "plain-2"),
  ];
}

const values = (rs: readonly Rec[]) => rs.map((r) => r.value);

describe("what applications see of transactions", () => {
  it("read_committed drops aborted records and every marker, and stops at the LSO", () => {
    const records = log();
    const state = rebuildProducerState(records, 11);
    const lso = lastStableOffset(state, 11);
    expect(lso).toBe(9); // p2's open transaction
    expect(values(readCommitted(records, lso, state.aborted))).toEqual(["plain-1", "b1", "b2", "a3"]);
  });

  it("read_uncommitted sees aborted and open records, but never a marker", () => {
    expect(values(visibleRecords(log(), []))).toEqual(["a1", "plain-1", "b1", "a2", "b2", "a3", "b3", "plain-2"]);
  });

  it("a producer's later committed transaction is visible after its aborted one", () => {
    const records = log();
    const state = rebuildProducerState(records, 11);
    // The broker sends only the aborted transactions that reach the fetch offset.
    expect(abortedTransactionsInRange(state, 7, 9)).toEqual([]);
    expect(values(visibleRecords(records.slice(7, 9), abortedTransactionsInRange(state, 7, 9)))).toEqual(["a3"]);
    // Even given the whole index, an aborted transaction that ended earlier does not hide later records.
    expect(values(visibleRecords(records.slice(7, 9), state.aborted))).toEqual(["a3"]);
  });

  it("markers take offsets: the committed records are not contiguous", () => {
    const records = log();
    const state = rebuildProducerState(records, 11);
    const offsets = readCommitted(records, 9, state.aborted).map((r) => r.offset);
    expect(offsets).toEqual([1, 2, 5, 7]);
  });
});
