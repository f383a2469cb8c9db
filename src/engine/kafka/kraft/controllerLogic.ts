// What the active controller decides, as pure functions from its state to
// the metadata records it appends (and the answer it gives). They follow
// QuorumController, ReplicationControlManager, ClusterControlManager and
// BrokerHeartbeatManager; the election rules themselves are the colleague's
// tested functions in cluster/election.ts.

import type { Prng } from "../../core/prng.ts";
import {
  kraftElectLeaders,
  kraftPartitionChange,
  kraftRemoveBroker,
  kraftUnfenceBroker,
  type PartitionChangeResult,
} from "../../cluster/election.ts";
import type { AlterPartitionRequest, AlterPartitionResult } from "../controlPlane.ts";
import {
  NO_LEADER,
  tpKey,
  type BrokerId,
  type MetadataImage,
  type PartitionState,
  type TopicConfig,
} from "../metadata.ts";
import type { TopicSpec } from "../spec.ts";
import {
  activeBrokerIds,
  hasLeaderships,
  registeredBrokerIds,
  sortedPartitions,
  toRegistration,
  topicPartitions,
  type ControllerState,
} from "./controllerState.ts";
import { placeReplicas } from "./placement.ts";
import {
  configValueText,
  fmtIds,
  fmtLeader,
  kafkaConfigName,
  type ConfigRecord,
  type MetadataRecord,
  type PartitionChangeRecord,
  type PartitionRecord,
} from "./records.ts";

export type AdminOutcome =
  | { readonly ok: true; readonly records: MetadataRecord[]; readonly detail: string }
  | { readonly ok: false; readonly error: string; readonly detail: string };

const fail = (error: string, detail: string): AdminOutcome => ({ ok: false, error, detail });

function uncleanEnabled(image: MetadataImage, topic: string): boolean {
  return image.topics[topic]?.config.uncleanLeaderElectionEnable ?? false;
}

function topicIdOf(image: MetadataImage, topic: string): string {
  return image.topics[topic]?.topicId ?? topic;
}

/** A PartitionChangeRecord for an election / ISR result, with a sentence that says why. */
export function partitionChangeRecord(
  image: MetadataImage,
  prev: PartitionState,
  r: PartitionChangeResult,
  why: string,
): PartitionChangeRecord {
  const next = r.partition;
  const key = tpKey(prev.topic, prev.partition);
  let summary: string;
  if (next.leader !== prev.leader) {
    summary = `${key}: leader ${fmtLeader(prev.leader)} → ${fmtLeader(next.leader)} (leader epoch ${next.leaderEpoch}), ISR ${fmtIds(next.isr)}: ${why}`;
  } else if (next.isr.join(",") !== prev.isr.join(",")) {
    summary = `${key}: ISR ${fmtIds(prev.isr)} → ${fmtIds(next.isr)} (partition epoch ${next.partitionEpoch}), leader ${fmtLeader(next.leader)}: ${why}`;
  } else {
    summary = `${key}: leader ${fmtLeader(next.leader)}, leader epoch ${next.leaderEpoch}, partition epoch ${next.partitionEpoch}: ${why}`;
  }
  if (r.unclean)
    summary += ` — unclean election (unclean.leader.election.enable=true): records broker ${next.leader} lacks are lost`;
  else if (next.leader === NO_LEADER && prev.leader !== NO_LEADER) summary += ` — ${r.reason}`;
  return {
    type: "PartitionChangeRecord",
    topic: prev.topic,
    topicId: topicIdOf(image, prev.topic),
    partition: prev.partition,
    replicas: next.replicas.slice(),
    isr: next.isr.slice(),
    leader: next.leader,
    leaderEpoch: next.leaderEpoch,
    partitionEpoch: next.partitionEpoch,
    leaderRecoveryState: next.leaderRecoveryState,
    unclean: r.unclean,
    summary,
  };
}

// ------------------------------------------------------------------ brokers

/**
 * `handleBrokerFenced`: leave every ISR (never emptying one), elect new
 * leaders where it led (unclean where the topic allows), then FenceBrokerRecord.
 */
export function fenceBrokerRecords(image: MetadataImage, brokerId: BrokerId, why: string): MetadataRecord[] {
  const reg = image.brokers[String(brokerId)];
  if (!reg) return [];
  const active = activeBrokerIds(image);
  const out: MetadataRecord[] = [];
  for (const p of sortedPartitions(image)) {
    if (!p.isr.includes(brokerId)) continue;
    const r = kraftRemoveBroker(toRegistration(p), brokerId, active, uncleanEnabled(image, p.topic));
    if (r.changed) out.push(partitionChangeRecord(image, p, r, `broker ${brokerId} was fenced`));
  }
  out.push({ type: "FenceBrokerRecord", id: brokerId, epoch: reg.epoch, summary: `broker ${brokerId} fenced: ${why}` });
  return out;
}

/** `handleBrokerUnfenced`: UnfenceBrokerRecord, then leaders for leaderless partitions it can lead. */
export function unfenceBrokerRecords(image: MetadataImage, brokerId: BrokerId, why: string): MetadataRecord[] {
  const reg = image.brokers[String(brokerId)];
  if (!reg) return [];
  const out: MetadataRecord[] = [
    { type: "UnfenceBrokerRecord", id: brokerId, epoch: reg.epoch, summary: `broker ${brokerId} unfenced: ${why}` },
  ];
  const active = activeBrokerIds(image);
  for (const p of sortedPartitions(image)) {
    if (p.leader !== NO_LEADER) continue;
    const r = kraftUnfenceBroker(toRegistration(p), brokerId, active, uncleanEnabled(image, p.topic));
    if (r.changed && r.leader !== NO_LEADER) {
      out.push(partitionChangeRecord(image, p, r, `broker ${brokerId} was unfenced and can lead again`));
    }
  }
  return out;
}

/** `handleBrokerInControlledShutdown`: mark it, then move its leaderships and take it out of ISRs. */
export function controlledShutdownRecords(image: MetadataImage, brokerId: BrokerId): MetadataRecord[] {
  const reg = image.brokers[String(brokerId)];
  if (!reg) return [];
  const out: MetadataRecord[] = [];
  if (!reg.inControlledShutdown) {
    out.push({
      type: "BrokerRegistrationChangeRecord",
      brokerId,
      brokerEpoch: reg.epoch,
      inControlledShutdown: true,
      summary: `broker ${brokerId} entered controlled shutdown: its leaderships move to other ISR members first`,
    });
  }
  const active = activeBrokerIds(image);
  for (const p of sortedPartitions(image)) {
    if (!p.isr.includes(brokerId)) continue;
    const r = kraftRemoveBroker(toRegistration(p), brokerId, active, uncleanEnabled(image, p.topic));
    if (r.changed)
      out.push(partitionChangeRecord(image, p, r, `broker ${brokerId} is shutting down (controlled shutdown)`));
  }
  return out;
}

export type RegistrationReply =
  | { readonly error: "NONE"; readonly brokerEpoch: number }
  | { readonly error: "DUPLICATE_BROKER_REGISTRATION"; readonly brokerEpoch: -1 };

/**
 * `ClusterControlManager#registerBroker`: a new process (incarnation) may not
 * replace a registration whose session is still valid; otherwise a new
 * RegisterBrokerRecord gives it a new broker epoch (the record's offset) and
 * it starts fenced. A registration that is still unfenced is fenced first.
 */
export function registerBroker(
  state: ControllerState,
  req: { brokerId: BrokerId; incarnation: number },
  hasValidSession: boolean,
  nextOffset: number,
): { records: MetadataRecord[]; reply: RegistrationReply; why: string } {
  const image = state.image;
  const existing = image.brokers[String(req.brokerId)];
  const knownIncarnation = state.incarnations[`b${req.brokerId}`];
  if (existing && hasValidSession && knownIncarnation !== req.incarnation) {
    return {
      records: [],
      reply: { error: "DUPLICATE_BROKER_REGISTRATION", brokerEpoch: -1 },
      why: `broker ${req.brokerId}'s previous process still has a valid session (broker.session.timeout.ms): it must expire first`,
    };
  }
  const records: MetadataRecord[] =
    existing && !existing.fenced
      ? fenceBrokerRecords(image, req.brokerId, "it registered again (a new process replaces the old registration)")
      : [];
  const brokerEpoch = nextOffset + records.length;
  records.push({
    type: "RegisterBrokerRecord",
    brokerId: req.brokerId,
    brokerEpoch,
    incarnation: req.incarnation,
    summary: `broker ${req.brokerId} registered (broker epoch ${brokerEpoch}); fenced until its metadata reaches this record`,
  });
  return { records, reply: { error: "NONE", brokerEpoch }, why: "registered" };
}

export type BrokerControlState = "FENCED" | "UNFENCED" | "CONTROLLED_SHUTDOWN" | "SHUTDOWN_NOW";

export interface HeartbeatRequest {
  readonly brokerId: BrokerId;
  readonly brokerEpoch: number;
  readonly currentMetadataOffset: number;
  readonly wantShutDown: boolean;
}

export type HeartbeatReply =
  | {
      readonly error: "NONE";
      readonly isCaughtUp: boolean;
      readonly isFenced: boolean;
      readonly inControlledShutdown: boolean;
      readonly shouldShutDown: boolean;
    }
  | { readonly error: "STALE_BROKER_EPOCH" };

/**
 * `ReplicationControlManager#processBrokerHeartbeat` with
 * `BrokerHeartbeatManager#calculateNextBrokerState` (wantFence is always
 * false here: a broker asks to be unfenced as soon as it has caught up).
 */
export function processHeartbeat(
  image: MetadataImage,
  req: HeartbeatRequest,
): { records: MetadataRecord[]; reply: HeartbeatReply; current: BrokerControlState; next: BrokerControlState } {
  const reg = image.brokers[String(req.brokerId)];
  if (!reg || reg.epoch !== req.brokerEpoch) {
    return { records: [], reply: { error: "STALE_BROKER_EPOCH" }, current: "FENCED", next: "FENCED" };
  }
  const current: BrokerControlState = reg.fenced
    ? "FENCED"
    : reg.inControlledShutdown
      ? "CONTROLLED_SHUTDOWN"
      : "UNFENCED";
  const caughtUp = req.currentMetadataOffset >= reg.epoch;
  let next: BrokerControlState;
  switch (current) {
    case "FENCED":
      next = req.wantShutDown ? "SHUTDOWN_NOW" : caughtUp ? "UNFENCED" : "FENCED";
      break;
    case "UNFENCED":
      next = req.wantShutDown
        ? hasLeaderships(image, req.brokerId)
          ? "CONTROLLED_SHUTDOWN"
          : "SHUTDOWN_NOW"
        : "UNFENCED";
      break;
    default:
      next = hasLeaderships(image, req.brokerId) ? "CONTROLLED_SHUTDOWN" : "SHUTDOWN_NOW";
  }
  let records: MetadataRecord[] = [];
  if (current !== next) {
    if (next === "UNFENCED") {
      records = unfenceBrokerRecords(
        image,
        req.brokerId,
        `its metadata reached offset ${req.currentMetadataOffset}, past its registration record at ${reg.epoch}`,
      );
    } else if (next === "CONTROLLED_SHUTDOWN") records = controlledShutdownRecords(image, req.brokerId);
    else if (next === "SHUTDOWN_NOW" && !reg.fenced) {
      records = fenceBrokerRecords(image, req.brokerId, "controlled shutdown complete: it leads no partition any more");
    }
  }
  const reply: HeartbeatReply = {
    error: "NONE",
    isCaughtUp: caughtUp,
    isFenced: next === "FENCED" || next === "SHUTDOWN_NOW",
    inControlledShutdown: next === "CONTROLLED_SHUTDOWN" || next === "SHUTDOWN_NOW",
    shouldShutDown: next === "SHUTDOWN_NOW",
  };
  return { records, reply, current, next };
}

// ------------------------------------------------------------------ AlterPartition

/**
 * `ReplicationControlManager#alterPartition` for one partition:
 * checkBrokerEpoch, then `validateAlterPartitionData` in Kafka's order, then
 * the ISR change through the partition-change builder.
 *
 * Kafka answers INVALID_REQUEST when the sender is not the leader or the ISR
 * is malformed; the seam's result type has no such error, so those come back
 * as OPERATION_NOT_ATTEMPTED (the `why` says what Kafka would answer).
 */
export function alterPartition(
  image: MetadataImage,
  req: AlterPartitionRequest,
): { records: MetadataRecord[]; result: AlterPartitionResult; why: string } {
  const no = (
    error: Exclude<AlterPartitionResult["error"], "NONE">,
    why: string,
  ): { records: MetadataRecord[]; result: AlterPartitionResult; why: string } => ({
    records: [],
    result: { error },
    why,
  });
  const key = tpKey(req.topic, req.partition);
  const sender = image.brokers[String(req.leaderId)];
  if (req.brokerEpoch >= 0 && (!sender || sender.epoch !== req.brokerEpoch)) {
    return no(
      "STALE_BROKER_EPOCH",
      `broker ${req.leaderId}'s broker epoch ${req.brokerEpoch} is not its registered one`,
    );
  }
  const p = image.partitions[key];
  if (!p) return no("UNKNOWN_TOPIC_OR_PARTITION", `${key} does not exist`);
  if (req.leaderEpoch > p.leaderEpoch || req.partitionEpoch > p.partitionEpoch) {
    return no(
      "NOT_CONTROLLER",
      `the request's epochs are newer than this controller's (leader epoch ${p.leaderEpoch})`,
    );
  }
  if (req.leaderEpoch < p.leaderEpoch) {
    return no("FENCED_LEADER_EPOCH", `leader epoch ${req.leaderEpoch} is older than the current ${p.leaderEpoch}`);
  }
  if (req.leaderId !== p.leader) {
    return no(
      "OPERATION_NOT_ATTEMPTED",
      `broker ${req.leaderId} is not the leader (${p.leader}); Kafka answers INVALID_REQUEST`,
    );
  }
  if (req.partitionEpoch < p.partitionEpoch) {
    return no(
      "INVALID_UPDATE_VERSION",
      `partition epoch ${req.partitionEpoch} is older than the current ${p.partitionEpoch}: the ISR changed meanwhile`,
    );
  }
  const newIsr = req.newIsr.slice();
  const malformed =
    newIsr.some((b) => !p.replicas.includes(b)) || new Set(newIsr).size !== newIsr.length || !newIsr.includes(p.leader);
  if (malformed) {
    return no(
      "OPERATION_NOT_ATTEMPTED",
      `ISR ${fmtIds(newIsr)} must be distinct replicas of ${fmtIds(p.replicas)} including the leader; Kafka answers INVALID_REQUEST`,
    );
  }
  const ineligible = newIsr.filter((b) => {
    const reg = image.brokers[String(b)];
    return !reg || reg.fenced || reg.inControlledShutdown;
  });
  if (ineligible.length > 0) {
    return no(
      "INELIGIBLE_REPLICA",
      `broker(s) ${fmtIds(ineligible)} in the proposed ISR are fenced, shutting down or not registered`,
    );
  }
  const r0 = kraftPartitionChange({
    partition: toRegistration(p),
    election: uncleanEnabled(image, p.topic) ? "UNCLEAN" : "ONLINE",
    acceptableLeaders: activeBrokerIds(image),
    targetIsr: newIsr,
  });
  // The leader reports RECOVERED (its log is the truth now): a RECOVERING partition becomes RECOVERED.
  let r = r0;
  if (r0.partition.leaderRecoveryState === "RECOVERING") {
    const partition = {
      ...r0.partition,
      leaderRecoveryState: "RECOVERED" as const,
      partitionEpoch: r0.changed ? r0.partition.partitionEpoch : p.partitionEpoch + 1,
    };
    r = { ...r0, partition, leaderRecoveryState: "RECOVERED", changed: true };
  }
  const next = r.partition;
  const verb = newIsr.length < p.isr.length ? "shrink" : newIsr.length > p.isr.length ? "expand" : "change";
  const records = r.changed
    ? [partitionChangeRecord(image, p, r, `leader ${req.leaderId} asked to ${verb} the ISR (AlterPartition)`)]
    : [];
  if (next.leader !== req.leaderId) {
    return { records, result: { error: "FENCED_LEADER_EPOCH" }, why: `the change moved leadership to ${next.leader}` };
  }
  return {
    records,
    result: {
      error: "NONE",
      isr: next.isr.slice(),
      leaderEpoch: next.leaderEpoch,
      partitionEpoch: next.partitionEpoch,
    },
    why: r.changed ? `ISR now ${fmtIds(next.isr)}` : "the ISR already was that",
  };
}

// ------------------------------------------------------------------ topics

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

function configRecords(topic: string, config: Partial<TopicConfig>, current?: TopicConfig): ConfigRecord[] {
  const out: ConfigRecord[] = [];
  const fields = (Object.keys(config) as (keyof TopicConfig)[]).filter((f) => config[f] !== undefined);
  const named = fields.map((f) => ({ f, name: kafkaConfigName(f) })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const { f, name } of named) {
    const value = config[f] as TopicConfig[keyof TopicConfig];
    if (current && current[f] === value) continue;
    out.push({
      type: "ConfigRecord",
      resourceType: "TOPIC",
      resourceName: topic,
      name,
      value: configValueText(value),
      summary: `${topic}: ${name}=${configValueText(value)}`,
    });
  }
  return out;
}

function validateConfig(config: Partial<TopicConfig>): string | null {
  if (config.minInsyncReplicas !== undefined && !(config.minInsyncReplicas >= 1))
    return "min.insync.replicas must be at least 1";
  if (config.segmentBytes !== undefined && !(config.segmentBytes >= 14)) return "segment.bytes must be at least 14";
  if (config.retentionMs !== undefined && !(config.retentionMs >= -1)) return "retention.ms must be at least -1";
  return null;
}

function partitionRecord(
  image: MetadataImage,
  topic: string,
  topicId: string,
  partition: number,
  replicas: BrokerId[],
): PartitionRecord | string {
  const active = activeBrokerIds(image);
  const isr = replicas.filter((b) => active.includes(b));
  if (isr.length === 0) return `every broker of partition ${partition}'s assignment ${fmtIds(replicas)} is fenced`;
  const leader = isr[0];
  return {
    type: "PartitionRecord",
    topic,
    topicId,
    partition,
    replicas: replicas.slice(),
    isr,
    leader,
    leaderEpoch: 0,
    partitionEpoch: 0,
    summary: `${tpKey(topic, partition)}: replicas ${fmtIds(replicas)}, leader ${leader}, ISR ${fmtIds(isr)}`,
  };
}

function usableBrokers(image: MetadataImage): { id: BrokerId; fenced: boolean }[] {
  return registeredBrokerIds(image)
    .map((id) => image.brokers[String(id)])
    .filter((b) => !b.inControlledShutdown)
    .map((b) => ({ id: b.id, fenced: b.fenced }));
}

/** `ReplicationControlManager#createTopics` for one topic: TopicRecord, ConfigRecords, PartitionRecords. */
export function createTopicRecords(state: ControllerState, spec: TopicSpec, rng: Prng): AdminOutcome {
  const image = state.image;
  const name = spec.name;
  if (!TOPIC_NAME.test(name) || name.length > 249 || name === "." || name === "..") {
    return fail(
      "INVALID_TOPIC_EXCEPTION",
      `"${name}" is not a legal topic name (letters, digits, '.', '_', '-'; at most 249)`,
    );
  }
  if (image.topics[name]) return fail("TOPIC_ALREADY_EXISTS", `topic ${name} already exists`);
  const configProblem = validateConfig(spec.config);
  if (configProblem) return fail("INVALID_CONFIG", configProblem);
  let assignments: BrokerId[][];
  if (spec.assignment) {
    assignments = spec.assignment.map((a) => a.slice());
    if (assignments.length === 0) return fail("INVALID_REPLICA_ASSIGNMENT", "the manual assignment lists no partition");
    const registered = registeredBrokerIds(image);
    for (let p = 0; p < assignments.length; p++) {
      const a = assignments[p];
      if (a.length === 0) return fail("INVALID_REPLICA_ASSIGNMENT", `partition ${p} has no replica`);
      if (new Set(a).size !== a.length)
        return fail("INVALID_REPLICA_ASSIGNMENT", `partition ${p} lists a broker twice`);
      if (a.length !== assignments[0].length) {
        return fail(
          "INVALID_REPLICA_ASSIGNMENT",
          "all partitions of a manual assignment must have the same number of replicas",
        );
      }
      const unknown = a.filter((b) => !registered.includes(b));
      if (unknown.length > 0)
        return fail("INVALID_REPLICA_ASSIGNMENT", `broker(s) ${fmtIds(unknown)} are not registered`);
    }
  } else {
    if (!(spec.partitions >= 1))
      return fail("INVALID_PARTITIONS", `the number of partitions must be at least 1 (got ${spec.partitions})`);
    const placed = placeReplicas(rng, usableBrokers(image), spec.partitions, spec.replicationFactor);
    if (!placed.ok) return fail(placed.error, placed.detail);
    assignments = placed.assignments;
  }
  const topicId = `topic-${state.topicSeq + 1}`;
  const records: MetadataRecord[] = [
    {
      type: "TopicRecord",
      name,
      topicId,
      summary: `topic ${name} created (id ${topicId}) with ${assignments.length} partition(s), replication factor ${assignments[0].length}`,
    },
    ...configRecords(name, spec.config),
  ];
  for (let p = 0; p < assignments.length; p++) {
    const r = partitionRecord(image, name, topicId, p, assignments[p]);
    if (typeof r === "string") return fail("INVALID_REPLICATION_FACTOR", r);
    records.push(r);
  }
  const how = spec.assignment ? "as assigned" : "placed by the striped replica placer";
  return {
    ok: true,
    records,
    detail: `topic ${name}: ${assignments.length} partition(s) ${how}: ${assignments.map((a) => fmtIds(a)).join(" ")}`,
  };
}

export function deleteTopicRecords(image: MetadataImage, name: string): AdminOutcome {
  const t = image.topics[name];
  if (!t) return fail("UNKNOWN_TOPIC_OR_PARTITION", `topic ${name} does not exist`);
  return {
    ok: true,
    records: [
      { type: "RemoveTopicRecord", topicId: t.topicId, name, summary: `topic ${name} deleted (id ${t.topicId})` },
    ],
    detail: `topic ${name} and its ${t.numPartitions} partition(s) removed`,
  };
}

/** `ReplicationControlManager#createPartitions`: new PartitionRecords, placed like a new topic's. */
export function createPartitionsRecords(
  image: MetadataImage,
  topic: string,
  totalCount: number,
  rng: Prng,
): AdminOutcome {
  const t = image.topics[topic];
  if (!t) return fail("UNKNOWN_TOPIC_OR_PARTITION", `topic ${topic} does not exist`);
  if (totalCount === t.numPartitions)
    return fail("INVALID_PARTITIONS", `topic ${topic} already has ${totalCount} partition(s)`);
  if (!(totalCount > t.numPartitions)) {
    return fail(
      "INVALID_PARTITIONS",
      `topic ${topic} has ${t.numPartitions} partitions, more than the requested ${totalCount}; partitions can never be removed`,
    );
  }
  const existing = topicPartitions(image, topic);
  const rf = existing.length > 0 ? existing[0].replicas.length : 1;
  const placed = placeReplicas(rng, usableBrokers(image), totalCount - t.numPartitions, rf);
  if (!placed.ok) return fail(placed.error, placed.detail);
  const records: MetadataRecord[] = [];
  for (let i = 0; i < placed.assignments.length; i++) {
    const r = partitionRecord(image, topic, t.topicId, t.numPartitions + i, placed.assignments[i]);
    if (typeof r === "string") return fail("INVALID_REPLICATION_FACTOR", r);
    records.push(r);
  }
  return {
    ok: true,
    records,
    detail: `${topic} grows from ${t.numPartitions} to ${totalCount} partitions: ${placed.assignments.map((a) => fmtIds(a)).join(" ")}`,
  };
}

export function alterConfigRecords(image: MetadataImage, topic: string, config: Partial<TopicConfig>): AdminOutcome {
  const t = image.topics[topic];
  if (!t) return fail("UNKNOWN_TOPIC_OR_PARTITION", `topic ${topic} does not exist`);
  const problem = validateConfig(config);
  if (problem) return fail("INVALID_CONFIG", problem);
  const records = configRecords(topic, config, t.config);
  return {
    ok: true,
    records,
    detail: records.length === 0 ? `${topic}: nothing changed` : records.map((r) => r.summary).join("; "),
  };
}

/** The ElectLeaders admin API over the given partitions, or all of them (then ELECTION_NOT_NEEDED is not reported). */
export function electLeadersRecords(
  image: MetadataImage,
  electionType: "PREFERRED" | "UNCLEAN",
  partitions?: readonly { topic: string; partition: number }[],
): AdminOutcome {
  const all = partitions === undefined;
  const targets = all ? sortedPartitions(image).map((p) => ({ topic: p.topic, partition: p.partition })) : partitions;
  const active = activeBrokerIds(image);
  const records: MetadataRecord[] = [];
  const results: string[] = [];
  let firstError: string | null = null;
  for (const t of targets) {
    const key = tpKey(t.topic, t.partition);
    const p = image.partitions[key];
    if (!p) {
      results.push(`${key}: UNKNOWN_TOPIC_OR_PARTITION`);
      firstError ??= "UNKNOWN_TOPIC_OR_PARTITION";
      continue;
    }
    const e = kraftElectLeaders(toRegistration(p), electionType, active);
    if (e.error === "NONE" && e.result) {
      records.push(
        partitionChangeRecord(image, p, e.result, `${electionType.toLowerCase()} leader election (ElectLeaders)`),
      );
      results.push(`${key}: leader ${fmtLeader(p.leader)} → ${fmtLeader(e.result.leader)}`);
    } else if (e.error === "ELECTION_NOT_NEEDED") {
      if (!all) results.push(`${key}: ELECTION_NOT_NEEDED (${e.reason})`);
    } else {
      results.push(`${key}: ${e.error} (${e.reason})`);
      firstError ??= e.error;
    }
  }
  const detail = results.length === 0 ? "no partition needed an election" : results.join("; ");
  if (firstError !== null && records.length === 0) return fail(firstError, detail);
  return { ok: true, records, detail };
}

/**
 * Preferred-leader balancing (`maybeBalancePartitionLeaders`): every partition
 * not led by its preferred replica gets a PREFERRED election, kept only when
 * the preferred replica takes over.
 */
export function balanceLeadersRecords(image: MetadataImage): MetadataRecord[] {
  const active = activeBrokerIds(image);
  const out: MetadataRecord[] = [];
  for (const p of sortedPartitions(image)) {
    if (p.replicas.length === 0 || p.leader === p.replicas[0]) continue;
    const r = kraftPartitionChange({ partition: toRegistration(p), election: "PREFERRED", acceptableLeaders: active });
    if (r.changed && r.leader === p.replicas[0]) {
      out.push(
        partitionChangeRecord(
          image,
          p,
          r,
          "preferred leader balancing (auto.leader.rebalance.enable, leader.imbalance.check.interval.seconds)",
        ),
      );
    }
  }
  return out;
}

/** Leaderless partitions of topics with unclean.leader.election.enable get an UNCLEAN election. */
export function uncleanElectionRecords(image: MetadataImage): MetadataRecord[] {
  const active = activeBrokerIds(image);
  const out: MetadataRecord[] = [];
  for (const p of sortedPartitions(image)) {
    if (p.leader !== NO_LEADER || !uncleanEnabled(image, p.topic)) continue;
    const r = kraftPartitionChange({ partition: toRegistration(p), election: "UNCLEAN", acceptableLeaders: active });
    if (r.changed && r.leader !== NO_LEADER)
      out.push(partitionChangeRecord(image, p, r, "periodic unclean leader election"));
  }
  return out;
}
