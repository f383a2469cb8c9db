// Kafka's protocol error names, as the data plane and the controllers return
// them (clients/src/main/java/org/apache/kafka/common/protocol/Errors.java).
// Only the errors this layer can produce are listed; add others as the engine
// needs them. "retriable" follows the exception class hierarchy: a subclass of
// RetriableException (directly or through InvalidMetadataException) is retried
// by the producer / fetcher, anything else is surfaced to the application.

export type KafkaErrorName =
  | "NONE"
  | "OFFSET_OUT_OF_RANGE"
  | "NOT_LEADER_OR_FOLLOWER"
  | "REQUEST_TIMED_OUT"
  | "MESSAGE_TOO_LARGE"
  | "RECORD_LIST_TOO_LARGE"
  | "NOT_ENOUGH_REPLICAS"
  | "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
  | "INVALID_REQUIRED_ACKS"
  | "FENCED_LEADER_EPOCH"
  | "UNKNOWN_LEADER_EPOCH"
  | "STALE_BROKER_EPOCH"
  | "PREFERRED_LEADER_NOT_AVAILABLE"
  | "ELIGIBLE_LEADERS_NOT_AVAILABLE"
  | "ELECTION_NOT_NEEDED"
  | "INVALID_RECORD"
  | "OPERATION_NOT_ATTEMPTED"
  | "INVALID_UPDATE_VERSION"
  | "INELIGIBLE_REPLICA"
  | "NEW_LEADER_ELECTED";

/** The subset of errors that end a produce request (what a producer can see). */
export type ProduceErrorName = Extract<
  KafkaErrorName,
  | "NONE"
  | "NOT_LEADER_OR_FOLLOWER"
  | "REQUEST_TIMED_OUT"
  | "MESSAGE_TOO_LARGE"
  | "RECORD_LIST_TOO_LARGE"
  | "NOT_ENOUGH_REPLICAS"
  | "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
  | "INVALID_REQUIRED_ACKS"
  | "INVALID_RECORD"
>;

export interface KafkaErrorInfo {
  /** The wire error code. */
  readonly code: number;
  readonly retriable: boolean;
  /** Kafka's own one-line description, shortened where it was long. */
  readonly message: string;
}

export const KAFKA_ERRORS: Readonly<Record<KafkaErrorName, KafkaErrorInfo>> = {
  NONE: { code: 0, retriable: false, message: "No error." },
  OFFSET_OUT_OF_RANGE: {
    code: 1,
    retriable: false,
    message: "The requested offset is not within the range of offsets maintained by the server.",
  },
  NOT_LEADER_OR_FOLLOWER: {
    code: 6,
    retriable: true,
    message: "For requests intended only for the leader, this broker is not the current leader.",
  },
  REQUEST_TIMED_OUT: {
    code: 7,
    retriable: true,
    message: "The request timed out.",
  },
  MESSAGE_TOO_LARGE: {
    code: 10,
    retriable: false,
    message: "The request included a message larger than the max message size the server will accept.",
  },
  RECORD_LIST_TOO_LARGE: {
    code: 18,
    retriable: false,
    message: "The request included message batch larger than the configured segment size on the server.",
  },
  NOT_ENOUGH_REPLICAS: {
    code: 19,
    retriable: true,
    message: "Messages are rejected since there are fewer in-sync replicas than required.",
  },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: {
    code: 20,
    retriable: true,
    message: "Messages are written to the log, but to fewer in-sync replicas than required.",
  },
  INVALID_REQUIRED_ACKS: {
    code: 21,
    retriable: false,
    message: "Produce request specified an invalid value for required acks.",
  },
  FENCED_LEADER_EPOCH: {
    code: 74,
    retriable: true,
    message: "The leader epoch in the request is older than the epoch on the broker.",
  },
  UNKNOWN_LEADER_EPOCH: {
    code: 75,
    retriable: true,
    message: "The leader epoch in the request is newer than the epoch on the broker.",
  },
  STALE_BROKER_EPOCH: {
    code: 77,
    retriable: false,
    message: "Broker epoch has changed.",
  },
  PREFERRED_LEADER_NOT_AVAILABLE: {
    code: 80,
    retriable: true,
    message: "The preferred leader was not available.",
  },
  ELIGIBLE_LEADERS_NOT_AVAILABLE: {
    code: 83,
    retriable: true,
    message: "Eligible topic partition leaders are not available.",
  },
  ELECTION_NOT_NEEDED: {
    code: 84,
    retriable: true,
    message: "Leader election not needed for topic partition.",
  },
  INVALID_RECORD: {
    code: 87,
    retriable: false,
    message: "This record has failed the validation on broker and hence will be rejected.",
  },
  OPERATION_NOT_ATTEMPTED: {
    code: 55,
    retriable: false,
    message: "The broker did not attempt to execute this operation.",
  },
  INVALID_UPDATE_VERSION: { code: 95, retriable: false, message: "The given update version was invalid." },
  INELIGIBLE_REPLICA: {
    code: 107,
    retriable: false,
    message: "The new ISR contains at least one ineligible replica.",
  },
  NEW_LEADER_ELECTED: {
    code: 108,
    retriable: false,
    message: "The AlterPartition request successfully updated the partition state but the leader has changed.",
  },
};

export function errorCode(name: KafkaErrorName): number {
  return KAFKA_ERRORS[name].code;
}

export function isRetriable(name: KafkaErrorName): boolean {
  return KAFKA_ERRORS[name].retriable;
}

/** "NOT_ENOUGH_REPLICAS (19)": the form the trace and the UI show. */
export function describeError(name: KafkaErrorName): string {
  return `${name} (${KAFKA_ERRORS[name].code})`;
}
