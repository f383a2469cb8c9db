// The controller's state as a pure function of the metadata log: a reducer
// over committed records (QuorumController replays its log the same way, and
// so does a standby controller that becomes active). Values are immutable, so
// a new active controller can start from its committed state by sharing it.

import {
  applyChanges,
  EMPTY_IMAGE,
  NO_LEADER,
  tpKey,
  type BrokerId,
  type MetadataImage,
  type PartitionState,
} from "../metadata.ts";
import type { PartitionRegistration } from "../../cluster/election.ts";
import { recordToChanges, type ConfigDefaults, type LogEntry } from "./records.ts";

export interface UncleanElection {
  readonly topic: string;
  readonly partition: number;
  readonly leader: BrokerId;
  readonly atMs: number;
}

export interface ControllerState {
  /** Brokers, topics, partitions and the controller, as of `image.metadataOffset`. */
  readonly image: MetadataImage;
  /** The process start ("incarnation") of each registered broker, keyed "b1", "b2"… */
  readonly incarnations: Readonly<Record<string, number>>;
  /** How many topics were ever created: topic ids are "topic-<n>". */
  readonly topicSeq: number;
  readonly uncleanElections: readonly UncleanElection[];
}

export const EMPTY_CONTROLLER_STATE: ControllerState = {
  image: EMPTY_IMAGE,
  incarnations: {},
  topicSeq: 0,
  uncleanElections: [],
};

/** The offset the next record will get, for a state built from a log prefix. */
export const nextOffsetOf = (s: ControllerState): number => s.image.metadataOffset + 1;

/** Applies log entries in order. Entries must follow on from the state's offset. */
export function applyEntries(
  state: ControllerState,
  entries: readonly LogEntry[],
  defaults: ConfigDefaults,
): ControllerState {
  if (entries.length === 0) return state;
  let { image, incarnations, topicSeq, uncleanElections } = state;
  for (const e of entries) {
    if (e.offset !== image.metadataOffset + 1) {
      throw new RangeError(`metadata replay out of order: offset ${e.offset} after ${image.metadataOffset}`);
    }
    const r = e.record;
    image = applyChanges(image, [...recordToChanges(image, r, defaults), { type: "offset", metadataOffset: e.offset }]);
    if (r.type === "RegisterBrokerRecord") incarnations = { ...incarnations, [`b${r.brokerId}`]: r.incarnation };
    else if (r.type === "TopicRecord") topicSeq += 1;
    else if (r.type === "PartitionChangeRecord" && r.unclean) {
      uncleanElections = [
        ...uncleanElections,
        { topic: r.topic, partition: r.partition, leader: r.leader, atMs: e.appendedAtMs },
      ];
    }
  }
  return { image, incarnations, topicSeq, uncleanElections };
}

// ------------------------------------------------------------------ queries

/** Every partition, sorted by topic name then partition number. */
export function sortedPartitions(image: MetadataImage): PartitionState[] {
  return Object.keys(image.partitions)
    .map((k) => image.partitions[k])
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/** The partitions of one topic, by partition number. */
export function topicPartitions(image: MetadataImage, topic: string): PartitionState[] {
  const t = image.topics[topic];
  if (!t) return [];
  const out: PartitionState[] = [];
  for (let p = 0; p < t.numPartitions; p++) {
    const st = image.partitions[tpKey(topic, p)];
    if (st) out.push(st);
  }
  return out;
}

/** Registered broker ids, ascending. */
export function registeredBrokerIds(image: MetadataImage): BrokerId[] {
  return Object.keys(image.brokers)
    .map((k) => image.brokers[k].id)
    .sort((a, b) => a - b);
}

/** `isAcceptableLeader`: registered, unfenced, not in controlled shutdown. Ascending. */
export function activeBrokerIds(image: MetadataImage): BrokerId[] {
  return registeredBrokerIds(image).filter((id) => {
    const b = image.brokers[String(id)];
    return !b.fenced && !b.inControlledShutdown;
  });
}

export function hasLeaderships(image: MetadataImage, brokerId: BrokerId): boolean {
  for (const k of Object.keys(image.partitions)) if (image.partitions[k].leader === brokerId) return true;
  return false;
}

export function toRegistration(p: PartitionState): PartitionRegistration {
  return {
    replicas: p.replicas,
    isr: p.isr,
    leader: p.leader,
    leaderEpoch: p.leaderEpoch,
    partitionEpoch: p.partitionEpoch,
    leaderRecoveryState: p.leaderRecoveryState,
  };
}

export const isLeaderless = (p: PartitionState): boolean => p.leader === NO_LEADER;
