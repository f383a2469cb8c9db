// Partition leader election, as the controllers do it.
//
// ZooKeeper mode (Kafka <= 3.x): 3.8.0:core/.../controller/PartitionStateMachine.scala
// (PartitionLeaderElectionAlgorithms), Election.scala, ReplicaStateMachine.scala.
// KRaft: metadata/.../controller/PartitionChangeBuilder.java and
// ReplicationControlManager.java (generateLeaderAndIsrUpdates, electLeader).
//
// Every function is pure: it takes the partition's current leader/ISR and what
// the controller knows about brokers, and returns the new leader/ISR/epochs
// with a reason naming the rule and the setting that decided.

import { fmtIds, includes, NO_LEADER, type BrokerId } from "./common.ts";
import type { KafkaErrorName } from "./errors.ts";

/** KIP-704: after an unclean election the leader is RECOVERING until it confirms its log. */
export type LeaderRecoveryState = "RECOVERED" | "RECOVERING";

/** The outcome of an election, in either mode. */
export interface ElectionOutcome {
  /** The new leader, or NO_LEADER (-1) if none could be elected (or there was none and still is none). */
  readonly leader: BrokerId;
  readonly isr: readonly BrokerId[];
  readonly leaderEpoch: number;
  readonly leaderRecoveryState: LeaderRecoveryState;
  /** True when the controller writes a new state (ZooKeeper: a new LeaderAndIsr; KRaft: a PartitionChangeRecord). */
  readonly changed: boolean;
  /** The leader comes from outside the ISR: records above its log end offset may be lost. */
  readonly unclean: boolean;
  readonly reason: string;
}

// ---------------------------------------------------------------------------
// ZooKeeper mode

export type ZkElectionStrategy = "offline" | "reassign" | "preferred" | "controlledShutdown";

/** The partition state znode: /brokers/topics/<t>/partitions/<p>/state. */
export interface ZkLeaderAndIsr {
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly isr: readonly BrokerId[];
  readonly leaderRecoveryState?: LeaderRecoveryState;
}

/** `offlinePartitionLeaderElection`: first live ISR member in assignment order, else (unclean) first live replica. */
export function offlinePartitionLeaderElection(
  assignment: readonly BrokerId[],
  isr: readonly BrokerId[],
  liveReplicas: readonly BrokerId[],
  uncleanLeaderElectionEnable: boolean,
): { leader: BrokerId | null; unclean: boolean } {
  const clean = assignment.find((id) => includes(liveReplicas, id) && includes(isr, id));
  if (clean !== undefined) return { leader: clean, unclean: false };
  if (!uncleanLeaderElectionEnable) return { leader: null, unclean: false };
  const unclean = assignment.find((id) => includes(liveReplicas, id));
  return unclean === undefined ? { leader: null, unclean: false } : { leader: unclean, unclean: true };
}

/** `reassignPartitionLeaderElection`: first replica of the new assignment that is live and in the ISR. */
export function reassignPartitionLeaderElection(
  reassignment: readonly BrokerId[],
  isr: readonly BrokerId[],
  liveReplicas: readonly BrokerId[],
): BrokerId | null {
  return reassignment.find((id) => includes(liveReplicas, id) && includes(isr, id)) ?? null;
}

/** `preferredReplicaPartitionLeaderElection`: the assignment's head, only if live and in the ISR. */
export function preferredReplicaPartitionLeaderElection(
  assignment: readonly BrokerId[],
  isr: readonly BrokerId[],
  liveReplicas: readonly BrokerId[],
): BrokerId | null {
  if (assignment.length === 0) return null;
  const head = assignment[0];
  return includes(liveReplicas, head) && includes(isr, head) ? head : null;
}

/** `controlledShutdownPartitionLeaderElection`: first live ISR member not shutting down. */
export function controlledShutdownPartitionLeaderElection(
  assignment: readonly BrokerId[],
  isr: readonly BrokerId[],
  liveReplicas: readonly BrokerId[],
  shuttingDownBrokers: readonly BrokerId[],
): BrokerId | null {
  return (
    assignment.find((id) => includes(liveReplicas, id) && includes(isr, id) && !includes(shuttingDownBrokers, id)) ??
    null
  );
}

export interface ZkElectionInput {
  readonly strategy: ZkElectionStrategy;
  /** The replica assignment in order; for "reassign", the target replicas. */
  readonly assignment: readonly BrokerId[];
  readonly leaderAndIsr: ZkLeaderAndIsr;
  /** Brokers registered in ZooKeeper (/brokers/ids), including those in controlled shutdown. */
  readonly liveBrokers: readonly BrokerId[];
  readonly shuttingDownBrokers?: readonly BrokerId[];
  /** unclean.leader.election.enable of the topic (offline elections only). */
  readonly uncleanLeaderElectionEnable?: boolean;
  /** IBP >= 3.2 marks an unclean leader RECOVERING; default true. */
  readonly isLeaderRecoverySupported?: boolean;
}

/**
 * The ZooKeeper controller's elections (Election.scala). "Online" for the
 * offline, reassign and preferred strategies means registered and not in
 * controlled shutdown; the controlled-shutdown strategy also counts shutting
 * down brokers as live but never elects one. A successful election bumps the
 * leader epoch; a failed one changes nothing.
 */
export function zkElectLeader(input: ZkElectionInput): ElectionOutcome {
  const shuttingDown = input.shuttingDownBrokers ?? [];
  const current = input.leaderAndIsr;
  const isr = current.isr;
  const recovery: LeaderRecoveryState = current.leaderRecoveryState ?? "RECOVERED";
  const online = input.assignment.filter((id) => includes(input.liveBrokers, id) && !includes(shuttingDown, id));
  const unchanged = (reason: string): ElectionOutcome => ({
    leader: current.leader,
    isr: isr.slice(),
    leaderEpoch: current.leaderEpoch,
    leaderRecoveryState: recovery,
    changed: false,
    unclean: false,
    reason,
  });
  const elected = (
    leader: BrokerId,
    newIsr: readonly BrokerId[],
    unclean: boolean,
    reason: string,
  ): ElectionOutcome => ({
    leader,
    isr: newIsr.slice(),
    leaderEpoch: current.leaderEpoch + 1,
    leaderRecoveryState: unclean && (input.isLeaderRecoverySupported ?? true) ? "RECOVERING" : recovery,
    changed: true,
    unclean,
    reason,
  });
  switch (input.strategy) {
    case "offline": {
      const enabled = input.uncleanLeaderElectionEnable ?? false;
      const r = offlinePartitionLeaderElection(input.assignment, isr, online, enabled);
      if (r.leader === null) {
        return unchanged(
          `no leader: no replica in ISR ${fmtIds(isr)} is online (live replicas ${fmtIds(online)}) and ` +
            (enabled ? "no replica is online at all" : "unclean.leader.election.enable=false"),
        );
      }
      if (r.unclean) {
        return elected(
          r.leader,
          [r.leader],
          true,
          `unclean election: broker ${r.leader} is online but not in ISR ${fmtIds(isr)} (unclean.leader.election.enable=true); records it lacks are lost`,
        );
      }
      const newIsr = isr.filter((id) => includes(online, id));
      return elected(
        r.leader,
        newIsr,
        false,
        `broker ${r.leader} is the first online ISR member in assignment order ${fmtIds(input.assignment)}`,
      );
    }
    case "reassign": {
      const leader = reassignPartitionLeaderElection(input.assignment, isr, online);
      if (leader === null)
        return unchanged(
          `no leader: no replica of the new assignment ${fmtIds(input.assignment)} is online and in ISR ${fmtIds(isr)}`,
        );
      return elected(
        leader,
        isr,
        false,
        `broker ${leader} is the first online ISR member of the new assignment ${fmtIds(input.assignment)}`,
      );
    }
    case "preferred": {
      const leader = preferredReplicaPartitionLeaderElection(input.assignment, isr, online);
      if (leader === null) {
        const head = input.assignment[0];
        return unchanged(
          `preferred replica ${head} is ${includes(online, head) ? "not in ISR " + fmtIds(isr) : "not online"}: leadership stays`,
        );
      }
      // The controller only runs a preferred election where another replica leads (ELECTION_NOT_NEEDED otherwise).
      if (leader === current.leader) return unchanged(`preferred replica ${leader} already leads`);
      return elected(leader, isr, false, `preferred replica ${leader} (head of the assignment) takes leadership back`);
    }
    case "controlledShutdown": {
      const liveOrShuttingDown = input.assignment.filter((id) => includes(input.liveBrokers, id));
      const leader = controlledShutdownPartitionLeaderElection(input.assignment, isr, liveOrShuttingDown, shuttingDown);
      if (leader === null) {
        return unchanged(`no leader: every live ISR member of ${fmtIds(isr)} is shutting down ${fmtIds(shuttingDown)}`);
      }
      const newIsr = isr.filter((id) => !includes(shuttingDown, id));
      return elected(leader, newIsr, false, `broker ${leader} is the first live ISR member not shutting down`);
    }
  }
}

/**
 * `ReplicaStateMachine#doRemoveReplicasFromIsr` (a replica went offline): drop
 * it from the ISR unless it is the last member (an ISR is never emptied); if
 * it led, the partition is left without a leader. Bumps the leader epoch.
 */
export function zkRemoveReplicaFromIsr(state: ZkLeaderAndIsr, replicaId: BrokerId): ElectionOutcome {
  const recovery = state.leaderRecoveryState ?? "RECOVERED";
  if (!includes(state.isr, replicaId)) {
    return {
      leader: state.leader,
      isr: state.isr.slice(),
      leaderEpoch: state.leaderEpoch,
      leaderRecoveryState: recovery,
      changed: false,
      unclean: false,
      reason: `broker ${replicaId} is not in ISR ${fmtIds(state.isr)}`,
    };
  }
  const leader = state.leader === replicaId ? NO_LEADER : state.leader;
  const isr = state.isr.length === 1 ? state.isr.slice() : state.isr.filter((id) => id !== replicaId);
  return {
    leader,
    isr,
    leaderEpoch: state.leaderEpoch + 1,
    leaderRecoveryState: recovery,
    changed: true,
    unclean: false,
    reason:
      state.isr.length === 1
        ? `broker ${replicaId} stays in ISR ${fmtIds(isr)} as its last member (an ISR is never emptied)` +
          (leader === NO_LEADER ? "; the partition has no leader" : "")
        : `broker ${replicaId} removed from the ISR, now ${fmtIds(isr)}` +
          (leader === NO_LEADER ? "; the partition has no leader" : ""),
  };
}

// ---------------------------------------------------------------------------
// KRaft mode

export type KraftElection = "ONLINE" | "UNCLEAN" | "PREFERRED";

/** The controller's PartitionRegistration (the parts elections touch). */
export interface PartitionRegistration {
  readonly replicas: readonly BrokerId[];
  readonly isr: readonly BrokerId[];
  readonly leader: BrokerId;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
  readonly leaderRecoveryState: LeaderRecoveryState;
}

/**
 * `PartitionChangeBuilder#electLeader` (ELR off). ONLINE/UNCLEAN: keep the
 * current leader if it is still in the target ISR and acceptable; else the
 * first acceptable target-ISR member in target replica order; else (UNCLEAN
 * only) the first acceptable replica at all, unclean. PREFERRED: the first
 * replica if in the ISR and acceptable; else keep a valid current leader; else
 * the first valid of the rest.
 */
export function kraftElectLeader(args: {
  readonly currentLeader: BrokerId;
  readonly targetReplicas: readonly BrokerId[];
  readonly targetIsr: readonly BrokerId[];
  readonly election: KraftElection;
  /** isAcceptableLeader: active brokers (registered, unfenced, not in controlled shutdown). */
  readonly acceptableLeaders: readonly BrokerId[];
}): { leader: BrokerId; unclean: boolean; reason: string } {
  const isValid = (r: BrokerId): boolean => includes(args.targetIsr, r) && includes(args.acceptableLeaders, r);
  const isr = fmtIds(args.targetIsr);
  if (args.election === "PREFERRED") {
    const preferred = args.targetReplicas[0];
    if (preferred !== undefined && isValid(preferred)) {
      return {
        leader: preferred,
        unclean: false,
        reason: `preferred replica ${preferred} is in ISR ${isr} and active`,
      };
    }
    if (args.currentLeader !== NO_LEADER && isValid(args.currentLeader)) {
      return {
        leader: args.currentLeader,
        unclean: false,
        reason: `preferred replica ${preferred} is not an active ISR member; current leader ${args.currentLeader} stays`,
      };
    }
    const other = args.targetReplicas.slice(1).find(isValid);
    if (other !== undefined)
      return {
        leader: other,
        unclean: false,
        reason: `broker ${other} is the first active ISR member after the preferred replica`,
      };
    return { leader: NO_LEADER, unclean: false, reason: `no active replica in ISR ${isr}` };
  }
  if (args.currentLeader !== NO_LEADER && isValid(args.currentLeader)) {
    return {
      leader: args.currentLeader,
      unclean: false,
      reason: `current leader ${args.currentLeader} is still an active ISR member and stays`,
    };
  }
  const clean = args.targetReplicas.find(isValid);
  if (clean !== undefined) {
    return {
      leader: clean,
      unclean: false,
      reason: `broker ${clean} is the first active member of ISR ${isr} in replica order ${fmtIds(args.targetReplicas)}`,
    };
  }
  if (args.election === "UNCLEAN") {
    const u = args.targetReplicas.find((r) => includes(args.acceptableLeaders, r));
    if (u !== undefined) {
      return {
        leader: u,
        unclean: true,
        reason: `unclean election: no active ISR member, broker ${u} is the first active replica (unclean.leader.election.enable=true); records it lacks are lost`,
      };
    }
    return { leader: NO_LEADER, unclean: false, reason: "no active replica at all" };
  }
  return {
    leader: NO_LEADER,
    unclean: false,
    reason: `no active member in ISR ${isr} and unclean.leader.election.enable=false`,
  };
}

export interface PartitionChangeInput {
  readonly partition: PartitionRegistration;
  readonly election: KraftElection;
  readonly acceptableLeaders: readonly BrokerId[];
  /** Defaults to the current ISR. */
  readonly targetIsr?: readonly BrokerId[];
  /** Defaults to the current replicas. */
  readonly targetReplicas?: readonly BrokerId[];
}

export interface PartitionChangeResult extends ElectionOutcome {
  readonly partition: PartitionRegistration;
  readonly leaderChanged: boolean;
}

function sameList(a: readonly BrokerId[], b: readonly BrokerId[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * `PartitionChangeBuilder#build` without ELR or reassignment bookkeeping: elect
 * (unclean forces ISR = [leader] and RECOVERING), then take the target ISR
 * unless it is empty (an ISR is never emptied without ELR). The leader epoch
 * goes up when the leader changes or replicas are removed; the partition epoch
 * on any change. No change -> no record.
 */
export function kraftPartitionChange(input: PartitionChangeInput): PartitionChangeResult {
  const p = input.partition;
  const targetIsr = input.targetIsr ?? p.isr;
  const targetReplicas = input.targetReplicas ?? p.replicas;
  const e = kraftElectLeader({
    currentLeader: p.leader,
    targetReplicas,
    targetIsr,
    election: input.election,
    acceptableLeaders: input.acceptableLeaders,
  });
  let leaderChange = e.leader !== p.leader;
  let isr: readonly BrokerId[] = p.isr;
  let isrChanged = false;
  let recovery = p.leaderRecoveryState;
  const notes: string[] = [e.reason];
  if (leaderChange && e.unclean) {
    isr = [e.leader];
    isrChanged = true;
    recovery = "RECOVERING";
  } else if (targetIsr.length > 0 && !sameList(targetIsr, p.isr)) {
    isr = targetIsr.slice();
    isrChanged = true;
  } else if (targetIsr.length === 0 && p.isr.length > 0) {
    notes.push(`ISR stays ${fmtIds(p.isr)}: without ELR the last member is never removed`);
  }
  const replicasChanged = !sameList(targetReplicas, p.replicas);
  // Removing a replica bumps the leader epoch even without a leader change.
  let epochBumpOnly = false;
  if (!leaderChange && replicasChanged && !p.replicas.every((r) => includes(targetReplicas, r))) epochBumpOnly = true;
  const changed = leaderChange || isrChanged || replicasChanged || recovery !== p.leaderRecoveryState || epochBumpOnly;
  if (!changed) {
    return {
      partition: p,
      leader: p.leader,
      isr: p.isr.slice(),
      leaderEpoch: p.leaderEpoch,
      leaderRecoveryState: p.leaderRecoveryState,
      changed: false,
      unclean: false,
      leaderChanged: false,
      reason: notes.join("; "),
    };
  }
  leaderChange = leaderChange || epochBumpOnly;
  const next: PartitionRegistration = {
    replicas: targetReplicas.slice(),
    isr: isr.slice(),
    leader: e.leader,
    leaderEpoch: leaderChange ? p.leaderEpoch + 1 : p.leaderEpoch,
    partitionEpoch: p.partitionEpoch + 1,
    leaderRecoveryState: recovery,
  };
  return {
    partition: next,
    leader: next.leader,
    isr: next.isr,
    leaderEpoch: next.leaderEpoch,
    leaderRecoveryState: recovery,
    changed: true,
    unclean: e.unclean && e.leader !== p.leader,
    leaderChanged: e.leader !== p.leader,
    reason: notes.join("; "),
  };
}

/**
 * `ReplicationControlManager#generateLeaderAndIsrUpdates` for one partition when
 * `brokerId` is fenced (missed broker.session.timeout.ms) or enters controlled
 * shutdown: it leaves the target ISR (unless it is the last member) and can
 * never be chosen; the election is UNCLEAN when the topic allows it.
 */
export function kraftRemoveBroker(
  partition: PartitionRegistration,
  brokerId: BrokerId,
  activeBrokers: readonly BrokerId[],
  uncleanLeaderElectionEnable = false,
): PartitionChangeResult {
  return kraftPartitionChange({
    partition,
    election: uncleanLeaderElectionEnable ? "UNCLEAN" : "ONLINE",
    acceptableLeaders: activeBrokers.filter((b) => b !== brokerId),
    targetIsr: partition.isr.filter((b) => b !== brokerId),
  });
}

/**
 * `generateLeaderAndIsrUpdates` on unfencing (`handleBrokerUnfenced`), for a
 * partition without a leader: the returning broker counts as acceptable even
 * though the cluster view still shows it fenced; the ISR is unchanged.
 */
export function kraftUnfenceBroker(
  partition: PartitionRegistration,
  brokerId: BrokerId,
  activeBrokers: readonly BrokerId[],
  uncleanLeaderElectionEnable = false,
): PartitionChangeResult {
  return kraftPartitionChange({
    partition,
    election: uncleanLeaderElectionEnable ? "UNCLEAN" : "ONLINE",
    acceptableLeaders: includes(activeBrokers, brokerId) ? activeBrokers : [...activeBrokers, brokerId],
  });
}

/**
 * The ElectLeaders admin API (`ReplicationControlManager#electLeader`):
 * ELECTION_NOT_NEEDED if PREFERRED and the preferred replica leads, or UNCLEAN
 * and there is a leader; PREFERRED_LEADER_NOT_AVAILABLE /
 * ELIGIBLE_LEADERS_NOT_AVAILABLE when the election changes nothing.
 */
export function kraftElectLeaders(
  partition: PartitionRegistration,
  electionType: "PREFERRED" | "UNCLEAN",
  activeBrokers: readonly BrokerId[],
): { error: KafkaErrorName; result: PartitionChangeResult | null; reason: string } {
  if (electionType === "PREFERRED" && partition.leader === partition.replicas[0]) {
    return {
      error: "ELECTION_NOT_NEEDED",
      result: null,
      reason: `the preferred replica ${partition.leader} already leads`,
    };
  }
  if (electionType === "UNCLEAN" && partition.leader !== NO_LEADER) {
    return { error: "ELECTION_NOT_NEEDED", result: null, reason: `broker ${partition.leader} already leads` };
  }
  const r = kraftPartitionChange({ partition, election: electionType, acceptableLeaders: activeBrokers });
  if (!r.changed) {
    return {
      error: electionType === "PREFERRED" ? "PREFERRED_LEADER_NOT_AVAILABLE" : "ELIGIBLE_LEADERS_NOT_AVAILABLE",
      result: null,
      reason: r.reason,
    };
  }
  return { error: "NONE", result: r, reason: r.reason };
}

// ---------------------------------------------------------------------------
// One entry point for both modes

export type LeaderElectionInput =
  ({ readonly mode: "zk" } & ZkElectionInput) | ({ readonly mode: "kraft" } & PartitionChangeInput);

/** Runs the election of the given mode; see zkElectLeader and kraftPartitionChange. */
export function electLeader(input: LeaderElectionInput): ElectionOutcome {
  if (input.mode === "zk") return zkElectLeader(input);
  return kraftPartitionChange(input);
}
