// The messages of the producer's protocols beyond Produce and Metadata
// (broker/replicaManager.ts and broker/metadataRequests.ts own those):
// InitProducerId, FindCoordinator, AddPartitionsToTxn, EndTxn from the
// client, WriteTxnMarkers between brokers. Requests to brokers carry the
// "txn." prefix so the transaction coordinator module receives them.

import type { RecordInput } from "../../cluster/log.ts";
import type { SimEvent } from "../../world/types.ts";

/** What a producer's batch carries beyond RecordInput (KIP-98 batch header fields). */
export interface ProducerRecordInput extends RecordInput {
  /** The producer epoch of the batch (RecordBatch#producerEpoch). */
  readonly producerEpoch?: number;
  /** True for records written inside a transaction (RecordBatch#isTransactional). */
  readonly isTransactional?: boolean;
  /** A transaction marker (a control batch): COMMIT or ABORT. Never returned to applications. */
  readonly control?: "COMMIT" | "ABORT";
}

export const TXN_PREFIX = "txn.";

export interface FindCoordinatorRequest extends SimEvent {
  type: "txn.FindCoordinator";
  from: string;
  requestId: number;
  transactionalId: string;
}

export interface FindCoordinatorResponse extends SimEvent {
  type: "txn.FindCoordinatorResponse";
  requestId: number;
  error: string;
  /** Broker id of the coordinator, or -1. */
  coordinator: number;
  /** The __transaction_state partition that holds the transactional id. */
  partition: number;
}

export interface InitProducerIdRequest extends SimEvent {
  type: "txn.InitProducerId";
  from: string;
  requestId: number;
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** The current id and epoch when asking for an epoch bump (KIP-360), else -1. */
  producerId: number;
  producerEpoch: number;
}

export interface InitProducerIdResponse extends SimEvent {
  type: "txn.InitProducerIdResponse";
  requestId: number;
  error: string;
  producerId: number;
  producerEpoch: number;
}

export interface AddPartitionsToTxnRequest extends SimEvent {
  type: "txn.AddPartitionsToTxn";
  from: string;
  requestId: number;
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  partitions: { topic: string; partition: number }[];
}

export interface AddPartitionsToTxnResponse extends SimEvent {
  type: "txn.AddPartitionsToTxnResponse";
  requestId: number;
  error: string;
}

export interface EndTxnRequest extends SimEvent {
  type: "txn.EndTxn";
  from: string;
  requestId: number;
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  commit: boolean;
}

export interface EndTxnResponse extends SimEvent {
  type: "txn.EndTxnResponse";
  requestId: number;
  error: string;
}

export interface WriteTxnMarkersRequest extends SimEvent {
  type: "txn.WriteTxnMarkers";
  from: string;
  requestId: number;
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  result: "COMMIT" | "ABORT";
  /** The coordinator's leader epoch of its __transaction_state partition. */
  coordinatorEpoch: number;
  partitions: { topic: string; partition: number }[];
}

export interface WriteTxnMarkersResponse extends SimEvent {
  type: "txn.WriteTxnMarkersResponse";
  requestId: number;
  broker: number;
  partitions: { topic: string; partition: number; error: string }[];
}
