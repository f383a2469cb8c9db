// The transaction coordinator's rules (core/.../coordinator/transaction/
// TransactionCoordinator.scala, TransactionMetadata.scala), as pure functions
// over one transactional id's metadata. Each returns the error to answer
// with and, when the state changes, the new metadata, which the coordinator
// first writes to its __transaction_state partition and applies (and answers)
// only once that write is replicated.
//
// States (TransactionState): Empty, Ongoing, PrepareCommit, PrepareAbort,
// CompleteCommit, CompleteAbort. Kafka's PrepareEpochFence (fencing an
// ongoing transaction when a new instance initializes) is folded into
// PrepareAbort with the bumped epoch here.

import { coordinatorPartition } from "../../groups/coordinatorPartition.ts";

export type TxnState = "Empty" | "Ongoing" | "PrepareCommit" | "PrepareAbort" | "CompleteCommit" | "CompleteAbort";

export interface TxnMetadata {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly state: TxnState;
  /** Partitions in the transaction, as sorted "topic-partition" names. */
  readonly partitions: readonly string[];
  /** transaction.timeout.ms the producer asked for. */
  readonly txnTimeoutMs: number;
  /** When the current transaction began (its first AddPartitionsToTxn), or -1. */
  readonly txnStartMs: number;
  readonly lastUpdateMs: number;
}

/** Kafka's epoch limit: an epoch that would pass Short.MAX_VALUE - 1 gets a new producer id instead. */
export const MAX_PRODUCER_EPOCH = 32_766;

/** The __transaction_state partition of a transactional id: abs(hashCode) % transaction.state.log.num.partitions. */
export function transactionPartition(transactionalId: string, numPartitions: number): number {
  return coordinatorPartition(transactionalId, numPartitions);
}

export interface TxnStep {
  /** The answer to the client: NONE or an error name. */
  readonly error: string;
  /** The metadata to write, if the state changes. */
  readonly next?: TxnMetadata;
  /** Written markers follow once `next` is durable. */
  readonly markers?: "COMMIT" | "ABORT";
  readonly reason: string;
}

const isPreparing = (s: TxnState) => s === "PrepareCommit" || s === "PrepareAbort";

function checkProducer(meta: TxnMetadata | undefined, producerId: number, producerEpoch: number): TxnStep | null {
  if (!meta) return { error: "INVALID_PRODUCER_ID_MAPPING", reason: "the coordinator knows no such transactional id" };
  if (meta.producerId !== producerId)
    return {
      error: "INVALID_PRODUCER_ID_MAPPING",
      reason: `the transactional id maps to producer ${meta.producerId}, not ${producerId}`,
    };
  if (producerEpoch < meta.producerEpoch)
    return {
      error: "PRODUCER_FENCED",
      reason: `epoch ${producerEpoch} is older than ${meta.producerEpoch}: a newer instance with the same transactional.id took over`,
    };
  return null;
}

/**
 * InitProducerId with a transactional id: a first call gets a new producer
 * id at epoch 0; a later one bumps the epoch, which fences the previous
 * instance. An open transaction is aborted first (the caller retries).
 */
export function initProducerId(
  meta: TxnMetadata | undefined,
  transactionalId: string,
  txnTimeoutMs: number,
  nowMs: number,
  allocateProducerId: () => number,
): TxnStep {
  if (!meta) {
    const next: TxnMetadata = {
      transactionalId,
      producerId: allocateProducerId(),
      producerEpoch: 0,
      state: "Empty",
      partitions: [],
      txnTimeoutMs,
      txnStartMs: -1,
      lastUpdateMs: nowMs,
    };
    return {
      error: "NONE",
      next,
      reason: `new transactional id ${transactionalId}: producer id ${next.producerId}, epoch 0`,
    };
  }
  if (isPreparing(meta.state))
    return {
      error: "CONCURRENT_TRANSACTIONS",
      reason: `the previous transaction is still being completed (${meta.state})`,
    };
  const bumped = bumpEpoch(meta, allocateProducerId);
  if (meta.state === "Ongoing")
    return {
      error: "CONCURRENT_TRANSACTIONS",
      next: { ...bumped, state: "PrepareAbort", lastUpdateMs: nowMs },
      markers: "ABORT",
      reason: `a new instance of ${transactionalId} fences epoch ${meta.producerEpoch}: its open transaction is aborted first`,
    };
  return {
    error: "NONE",
    next: { ...bumped, state: "Empty", partitions: [], txnTimeoutMs, txnStartMs: -1, lastUpdateMs: nowMs },
    reason: `${transactionalId} re-initialized: producer ${bumped.producerId} epoch ${bumped.producerEpoch} fences older instances`,
  };
}

function bumpEpoch(meta: TxnMetadata, allocateProducerId: () => number): TxnMetadata {
  if (meta.producerEpoch >= MAX_PRODUCER_EPOCH) return { ...meta, producerId: allocateProducerId(), producerEpoch: 0 };
  return { ...meta, producerEpoch: meta.producerEpoch + 1 };
}

/** AddPartitionsToTxn: the first one of a transaction makes it Ongoing and starts its timeout. */
export function addPartitions(
  meta: TxnMetadata | undefined,
  producerId: number,
  producerEpoch: number,
  partitions: readonly string[],
  nowMs: number,
): TxnStep {
  const bad = checkProducer(meta, producerId, producerEpoch);
  if (bad || !meta) return bad as TxnStep;
  if (isPreparing(meta.state))
    return {
      error: "CONCURRENT_TRANSACTIONS",
      reason: `the previous transaction is still being completed (${meta.state})`,
    };
  const known = new Set(meta.partitions);
  const added = partitions.filter((p) => !known.has(p));
  if (meta.state === "Ongoing" && added.length === 0)
    return { error: "NONE", reason: "every partition is already in the transaction" };
  const all = [...meta.partitions, ...added].sort();
  return {
    error: "NONE",
    next: {
      ...meta,
      state: "Ongoing",
      partitions: all,
      txnStartMs: meta.state === "Ongoing" ? meta.txnStartMs : nowMs,
      lastUpdateMs: nowMs,
    },
    reason: `${added.join(", ")} joined the transaction`,
  };
}

/** EndTxn: Ongoing becomes PrepareCommit or PrepareAbort; the markers follow. A repeated EndTxn is answered as before. */
export function endTransaction(
  meta: TxnMetadata | undefined,
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  nowMs: number,
): TxnStep {
  const bad = checkProducer(meta, producerId, producerEpoch);
  if (bad || !meta) return bad as TxnStep;
  const want = commit ? "COMMIT" : "ABORT";
  switch (meta.state) {
    case "Ongoing":
      return {
        error: "NONE",
        next: { ...meta, state: commit ? "PrepareCommit" : "PrepareAbort", lastUpdateMs: nowMs },
        markers: want,
        reason: `${commit ? "commit" : "abort"} of ${meta.partitions.length} partition(s) begins`,
      };
    case "PrepareCommit":
    case "PrepareAbort":
      return (meta.state === "PrepareCommit") === commit
        ? { error: "CONCURRENT_TRANSACTIONS", reason: `the markers of this ${want} are still being written` }
        : { error: "INVALID_TXN_STATE", reason: `cannot ${commit ? "commit" : "abort"} in ${meta.state}` };
    case "CompleteCommit":
    case "CompleteAbort":
      return (meta.state === "CompleteCommit") === commit
        ? { error: "NONE", reason: `the transaction already completed with ${want}` }
        : {
            error: "INVALID_TXN_STATE",
            reason: `cannot ${commit ? "commit" : "abort"} a transaction that completed as ${meta.state}`,
          };
    case "Empty":
      return { error: "INVALID_TXN_STATE", reason: "no transaction is open" };
  }
}

/** After every marker is written: PrepareCommit → CompleteCommit, PrepareAbort → CompleteAbort. */
export function completeTransaction(meta: TxnMetadata, nowMs: number): TxnMetadata {
  return {
    ...meta,
    state: meta.state === "PrepareCommit" ? "CompleteCommit" : "CompleteAbort",
    partitions: [],
    txnStartMs: -1,
    lastUpdateMs: nowMs,
  };
}

/**
 * The coordinator's periodic check (transaction.abort.timed.out.transaction.cleanup.interval.ms):
 * an Ongoing transaction older than its transaction.timeout.ms is aborted with
 * a bumped epoch, so the late producer is fenced.
 */
export function abortIfTimedOut(meta: TxnMetadata, nowMs: number, allocateProducerId: () => number): TxnStep | null {
  if (meta.state !== "Ongoing" || nowMs - meta.txnStartMs <= meta.txnTimeoutMs) return null;
  return {
    error: "NONE",
    next: { ...bumpEpoch(meta, allocateProducerId), state: "PrepareAbort", lastUpdateMs: nowMs },
    markers: "ABORT",
    reason: `the transaction ran longer than transaction.timeout.ms=${meta.txnTimeoutMs}: aborted, epoch bumped to fence the producer`,
  };
}

/** The latest metadata per transactional id in a __transaction_state log (how a new coordinator loads a partition). */
export function loadTransactions(
  records: Iterable<{ readonly key: string | null; readonly value: string | null }>,
): Map<string, TxnMetadata> {
  const out = new Map<string, TxnMetadata>();
  for (const r of records) {
    if (r.key === null) continue;
    if (r.value === null) {
      out.delete(r.key);
      continue;
    }
    out.set(r.key, JSON.parse(r.value) as TxnMetadata);
  }
  return out;
}

/** The value written to __transaction_state: the metadata as JSON with sorted keys. */
export function txnLogValue(meta: TxnMetadata): string {
  return JSON.stringify({
    lastUpdateMs: meta.lastUpdateMs,
    partitions: meta.partitions,
    producerEpoch: meta.producerEpoch,
    producerId: meta.producerId,
    state: meta.state,
    transactionalId: meta.transactionalId,
    txnStartMs: meta.txnStartMs,
    txnTimeoutMs: meta.txnTimeoutMs,
  });
}
