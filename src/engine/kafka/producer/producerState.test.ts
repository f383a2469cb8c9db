import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  abortedTransactionsInRange,
  checkAndRecordBatch,
  checkBatch,
  EMPTY_PRODUCER_STATE,
  incomingBatchOf,
  lastStableOffset,
  NUM_BATCHES_TO_RETAIN,
  onHighWatermark,
  rebuildProducerState,
  recordAppend,
  type LogRecordLike,
  type PartitionProducerState,
} from "./producerState.ts";

const PID = 7;

/** Appends batches of `size` records in order, as a leader would, returning the state. */
function appendInOrder(batches: number, size = 2, epoch = 0): PartitionProducerState {
  let s = EMPTY_PRODUCER_STATE;
  for (let i = 0; i < batches; i++) {
    const r = checkAndRecordBatch(s, PID, epoch, i * size, i * size + size - 1, i * size);
    if (r.kind !== "append") throw new Error(`batch ${i} not appended`);
    s = r.state;
  }
  return s;
}

describe("the KIP-98 duplicate check (ProducerStateEntry / ProducerAppendInfo)", () => {
  it("accepts any first sequence from a producer the partition has never seen", () => {
    expect(
      checkBatch(EMPTY_PRODUCER_STATE, {
        producerId: PID,
        producerEpoch: 0,
        firstSeq: 42,
        lastSeq: 43,
        isTransactional: false,
      }).kind,
    ).toBe("append");
  });

  it("answers a repeat of one of the last 5 batches with the original offsets, without appending", () => {
    const s = appendInOrder(6); // sequences 0..11 at offsets 0..11
    const again = checkAndRecordBatch(s, PID, 0, 8, 9, 12);
    expect(again).toMatchObject({ kind: "duplicate", firstOffset: 8, lastOffset: 9 });
    expect(again.state).toBe(s); // nothing recorded
  });

  it("remembers only the last NUM_BATCHES_TO_RETAIN = 5 batches: an older repeat is out of order, not a duplicate", () => {
    expect(NUM_BATCHES_TO_RETAIN).toBe(5);
    const s = appendInOrder(6);
    expect(
      checkBatch(s, { producerId: PID, producerEpoch: 0, firstSeq: 2, lastSeq: 3, isTransactional: false }),
    ).toMatchObject({
      kind: "duplicate",
    });
    expect(
      checkBatch(s, { producerId: PID, producerEpoch: 0, firstSeq: 0, lastSeq: 1, isTransactional: false }),
    ).toMatchObject({
      kind: "error",
      error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    });
  });

  it("rejects a gap with OUT_OF_ORDER_SEQUENCE_NUMBER", () => {
    const s = appendInOrder(2); // last sequence 3
    const r = checkAndRecordBatch(s, PID, 0, 5, 6, 4);
    expect(r).toMatchObject({ kind: "error", error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
    expect(r.kind === "error" && r.reason).toContain("next expected is 4");
  });

  it("fences an older epoch with INVALID_PRODUCER_EPOCH, and makes a new epoch start at sequence 0", () => {
    const s = appendInOrder(2, 2, 3);
    expect(
      checkBatch(s, { producerId: PID, producerEpoch: 2, firstSeq: 4, lastSeq: 4, isTransactional: false }),
    ).toMatchObject({
      kind: "error",
      error: "INVALID_PRODUCER_EPOCH",
    });
    expect(
      checkBatch(s, { producerId: PID, producerEpoch: 4, firstSeq: 4, lastSeq: 4, isTransactional: false }),
    ).toMatchObject({
      kind: "error",
      error: "OUT_OF_ORDER_SEQUENCE_NUMBER",
    });
    const r = checkAndRecordBatch(s, PID, 4, 0, 1, 4);
    expect(r.kind).toBe("append");
    // The new epoch's batches replace the old ones: the old epoch's sequences are no duplicates now.
    const after = r.state;
    expect(
      checkBatch(after, { producerId: PID, producerEpoch: 4, firstSeq: 0, lastSeq: 1, isTransactional: false }).kind,
    ).toBe("duplicate");
    expect(
      checkBatch(after, { producerId: PID, producerEpoch: 4, firstSeq: 2, lastSeq: 2, isTransactional: false }).kind,
    ).toBe("append");
  });

  it("wraps sequences at Int.MAX", () => {
    const s = checkAndRecordBatch(EMPTY_PRODUCER_STATE, PID, 0, 2_147_483_646, 2_147_483_647, 0).state;
    expect(
      checkBatch(s, { producerId: PID, producerEpoch: 0, firstSeq: 0, lastSeq: 3, isTransactional: false }).kind,
    ).toBe("append");
  });

  it("reads a Produce request's records as a batch; plain records are not checked", () => {
    expect(incomingBatchOf([{ key: null, value: "x", timestamp: 0 }])).toBeNull();
    expect(
      incomingBatchOf([
        { key: null, value: "x", timestamp: 0, producerId: 3, producerEpoch: 1, sequence: 10, isTransactional: true },
        { key: null, value: "y", timestamp: 0, producerId: 3, producerEpoch: 1, sequence: 11, isTransactional: true },
      ]),
    ).toEqual({
      producerId: 3,
      producerEpoch: 1,
      firstSeq: 10,
      lastSeq: 11,
      isTransactional: true,
      control: undefined,
    });
  });

  it("property: whatever order and however often batches arrive, the log holds each sequence once, in order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 4 }),
        (batches, deliveries, size) => {
          let state = EMPTY_PRODUCER_STATE;
          const log: number[] = [];
          for (const d of deliveries) {
            const b = d % batches;
            const r = checkAndRecordBatch(state, PID, 0, b * size, b * size + size - 1, log.length);
            if (r.kind === "append") for (let s = b * size; s < b * size + size; s++) log.push(s);
            if (r.kind === "duplicate") {
              // The original offsets hold exactly that batch.
              expect(log.slice(r.firstOffset, r.lastOffset + 1)).toEqual(
                Array.from({ length: size }, (_, i) => b * size + i),
              );
            }
            state = r.state;
          }
          // Contiguous from the first appended sequence: no duplicate, no gap, no reordering.
          for (let i = 1; i < log.length; i++) expect(log[i]).toBe(log[i - 1] + 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A log's records: producer 1 transactional, producer 2 idempotent only, plain records from nobody. */
function txnLog(): LogRecordLike[] {
  const rec = (
    offset: number,
    producerId: number,
    sequence: number,
    extra: Partial<LogRecordLike> = {},
  ): LogRecordLike => ({
    offset,
    key: "k",
    producerId,
    sequence,
    producerEpoch: 0,
    batchId: 100 + offset,
    ...extra,
  });
  return [
    rec(0, 1, 0, { isTransactional: true }), // txn A of producer 1 (will abort)
    rec(1, 2, 0),
    rec(2, 1, 1, { isTransactional: true }),
    rec(3, 1, -1, { key: "ABORT", control: "ABORT", isTransactional: true }),
    rec(4, -1, -1),
    rec(5, 1, 2, { isTransactional: true }), // txn B (will commit)
    rec(6, 1, -1, { key: "COMMIT", control: "COMMIT", isTransactional: true }),
    rec(7, 1, 3, { isTransactional: true }), // txn C, still open
    rec(8, 2, 1),
  ];
}

describe("transactions on a partition: the LSO and the aborted-transaction index", () => {
  it("rebuilds producers, open transactions and aborted ones from the log", () => {
    const s = rebuildProducerState(txnLog(), 9);
    expect(s.ongoing).toEqual([{ producerId: 1, firstOffset: 7 }]);
    expect(s.aborted).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 3 }]);
    // The idempotent producer's state survives a rebuild: a retried batch is still a duplicate.
    expect(
      checkBatch(s, { producerId: 2, producerEpoch: 0, firstSeq: 1, lastSeq: 1, isTransactional: false }),
    ).toMatchObject({
      kind: "duplicate",
      firstOffset: 8,
    });
  });

  it("a rebuilt state answers like the state kept while appending", () => {
    const records = txnLog();
    let kept = EMPTY_PRODUCER_STATE;
    for (const r of records) {
      if (r.producerId < 0) continue;
      kept = recordAppend(
        kept,
        {
          producerId: r.producerId,
          producerEpoch: 0,
          firstSeq: r.sequence,
          lastSeq: r.sequence,
          isTransactional: r.isTransactional === true,
          control: r.control,
        },
        r.offset,
        r.offset,
      );
    }
    expect(rebuildProducerState(records, 0)).toEqual(kept);
  });

  it("holds the LSO at the first offset of the oldest open transaction, and at a completed one until its marker is replicated", () => {
    const open = rebuildProducerState(txnLog().slice(0, 3), 3);
    expect(lastStableOffset(open, 3)).toBe(0); // txn A open since offset 0
    // After the ABORT marker at 3: unstable until the HW passes the marker.
    const marked = rebuildProducerState(txnLog().slice(0, 4), 3);
    expect(lastStableOffset(marked, 3)).toBe(0);
    expect(lastStableOffset(onHighWatermark(marked, 4), 4)).toBe(4);
    // The full log: txn C is open at 7.
    expect(lastStableOffset(rebuildProducerState(txnLog(), 9), 9)).toBe(7);
    // Never above the HW.
    expect(lastStableOffset(EMPTY_PRODUCER_STATE, 5)).toBe(5);
  });

  it("lists the aborted transactions a read_committed fetch overlaps", () => {
    const s = rebuildProducerState(txnLog(), 9);
    expect(abortedTransactionsInRange(s, 0, 7)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 3 }]);
    expect(abortedTransactionsInRange(s, 4, 7)).toEqual([]);
  });

  it("fences a marker from an older epoch", () => {
    const s = checkAndRecordBatch(EMPTY_PRODUCER_STATE, 1, 5, 0, 0, 0, true).state;
    expect(
      checkBatch(s, {
        producerId: 1,
        producerEpoch: 4,
        firstSeq: -1,
        lastSeq: -1,
        isTransactional: true,
        control: "ABORT",
      }),
    ).toMatchObject({
      kind: "error",
      error: "INVALID_PRODUCER_EPOCH",
    });
  });
});
