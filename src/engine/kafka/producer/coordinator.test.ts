import { describe, expect, it } from "vitest";
import { javaStringHashCode } from "../../groups/assignors/javaCollections.ts";
import {
  abortIfTimedOut,
  addPartitions,
  completeTransaction,
  endTransaction,
  initProducerId,
  loadTransactions,
  transactionPartition,
  txnLogValue,
  type TxnMetadata,
} from "./coordinator.ts";

let nextId = 100;
const alloc = () => nextId++;

function started(): TxnMetadata {
  const init = initProducerId(undefined, "tx", 10_000, 0, alloc);
  return init.next!;
}

describe("the transaction coordinator's rules", () => {
  it("finds the coordinator by Java's String.hashCode, not murmur2", () => {
    for (const id of ["tx-1", "orders-writer", "a"])
      expect(transactionPartition(id, 50)).toBe(Math.abs(javaStringHashCode(id)) % 50);
    expect(transactionPartition("tx-1", 5)).toBeLessThan(5);
  });

  it("a new transactional id gets a producer id at epoch 0; a new instance bumps the epoch", () => {
    const m = started();
    expect(m).toMatchObject({ state: "Empty", producerEpoch: 0 });
    const again = initProducerId(m, "tx", 10_000, 5, alloc);
    expect(again).toMatchObject({
      error: "NONE",
      next: { producerId: m.producerId, producerEpoch: 1, state: "Empty" },
    });
  });

  it("runs Empty → Ongoing → PrepareCommit → CompleteCommit, with markers after PrepareCommit", () => {
    const m = started();
    const add = addPartitions(m, m.producerId, 0, ["orders-1", "orders-0"], 10);
    expect(add.next).toMatchObject({ state: "Ongoing", partitions: ["orders-0", "orders-1"], txnStartMs: 10 });
    const more = addPartitions(add.next, m.producerId, 0, ["orders-0"], 20);
    expect(more.error).toBe("NONE");
    expect(more.next).toBeUndefined();
    const end = endTransaction(add.next, m.producerId, 0, true, 30);
    expect(end).toMatchObject({ error: "NONE", markers: "COMMIT", next: { state: "PrepareCommit" } });
    expect(endTransaction(end.next, m.producerId, 0, true, 31).error).toBe("CONCURRENT_TRANSACTIONS");
    expect(addPartitions(end.next, m.producerId, 0, ["orders-2"], 31).error).toBe("CONCURRENT_TRANSACTIONS");
    const done = completeTransaction(end.next!, 40);
    expect(done).toMatchObject({ state: "CompleteCommit", partitions: [] });
    // A retried EndTxn after completion is answered as before; the opposite is refused.
    expect(endTransaction(done, m.producerId, 0, true, 41).error).toBe("NONE");
    expect(endTransaction(done, m.producerId, 0, false, 41).error).toBe("INVALID_TXN_STATE");
  });

  it("fences an old instance: PRODUCER_FENCED for an older epoch", () => {
    const m = initProducerId(started(), "tx", 10_000, 5, alloc).next!;
    expect(addPartitions(m, m.producerId, 0, ["orders-0"], 6).error).toBe("PRODUCER_FENCED");
    expect(endTransaction(m, m.producerId, 0, true, 6).error).toBe("PRODUCER_FENCED");
    expect(addPartitions(m, m.producerId + 1, 1, ["orders-0"], 6).error).toBe("INVALID_PRODUCER_ID_MAPPING");
  });

  it("a new instance aborts the old instance's open transaction with the bumped epoch", () => {
    const m = started();
    const ongoing = addPartitions(m, m.producerId, 0, ["orders-0"], 10).next!;
    const step = initProducerId(ongoing, "tx", 10_000, 20, alloc);
    expect(step).toMatchObject({
      error: "CONCURRENT_TRANSACTIONS",
      markers: "ABORT",
      next: { state: "PrepareAbort", producerEpoch: 1 },
    });
  });

  it("aborts a transaction that runs past transaction.timeout.ms, bumping the epoch", () => {
    const m = started();
    const ongoing = addPartitions(m, m.producerId, 0, ["orders-0"], 1_000).next!;
    expect(abortIfTimedOut(ongoing, 11_000, alloc)).toBeNull();
    expect(abortIfTimedOut(ongoing, 11_001, alloc)).toMatchObject({
      markers: "ABORT",
      next: { state: "PrepareAbort", producerEpoch: 1 },
    });
  });

  it("loads the latest metadata per transactional id from __transaction_state records", () => {
    const m = started();
    const o = addPartitions(m, m.producerId, 0, ["orders-0"], 10).next!;
    const loaded = loadTransactions([
      { key: "tx", value: txnLogValue(m) },
      { key: "other", value: txnLogValue({ ...m, transactionalId: "other" }) },
      { key: "tx", value: txnLogValue(o) },
      { key: "other", value: null },
    ]);
    expect([...loaded.keys()]).toEqual(["tx"]);
    expect(loaded.get("tx")).toEqual(o);
  });
});
