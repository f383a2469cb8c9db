// Choosing the assignor of a classic-protocol group, and the rebalance
// protocol (EAGER or COOPERATIVE) its members follow.
//
// Client side (ConsumerCoordinator constructor): a consumer's rebalance
// protocol is the most advanced one supported by ALL assignors in its
// partition.assignment.strategy list. RangeAssignor supports only EAGER, so
// the 3.x default [range, cooperative-sticky] runs EAGER.
//
// Coordinator side (ClassicGroup): a joining member must share at least one
// assignor with every current member, else its JoinGroup fails with
// INCONSISTENT_GROUP_PROTOCOL. At the end of the join phase each member votes
// for the first assignor in its own list that all members support, and the
// assignor with the most votes wins.

import { JavaHashKeys } from "./assignors/javaCollections.ts";

export type RebalanceProtocol = "EAGER" | "COOPERATIVE";

/** Kafka error code of INCONSISTENT_GROUP_PROTOCOL. */
export const INCONSISTENT_GROUP_PROTOCOL = 23;

// RebalanceProtocol ids: a higher id is a more advanced protocol.
const PROTOCOL_ID: Record<RebalanceProtocol, number> = {
  EAGER: 0,
  COOPERATIVE: 1,
};

/**
 * ConsumerPartitionAssignor#supportedProtocols of the built-in assignors.
 * Any other (custom) assignor gets the interface default, EAGER only.
 */
export function supportedRebalanceProtocols(assignor: string): readonly RebalanceProtocol[] {
  return assignor === "cooperative-sticky" ? ["COOPERATIVE", "EAGER"] : ["EAGER"];
}

/** The rebalance protocol of a consumer configured with `assignors`, in its order. */
export function clientRebalanceProtocol(assignors: readonly string[]): RebalanceProtocol {
  if (assignors.length === 0) {
    throw new RangeError("partition.assignment.strategy must not be empty");
  }
  let common = [...supportedRebalanceProtocols(assignors[0])];
  for (const assignor of assignors) {
    const supported = supportedRebalanceProtocols(assignor);
    common = common.filter((protocol) => supported.includes(protocol));
  }
  if (common.length === 0) {
    throw new RangeError(`assignors ${assignors.join(", ")} have no rebalance protocol in common`);
  }
  return common.reduce((best, protocol) => (PROTOCOL_ID[protocol] > PROTOCOL_ID[best] ? protocol : best));
}

/**
 * Members with their assignors in preference order. A record is read in its
 * insertion order, which is taken as the JoinGroup order (avoid
 * integer-like member ids, which JavaScript objects move to the front); an
 * array of pairs says the order explicitly.
 */
export type MemberProtocols =
  Readonly<Record<string, readonly string[]>> | ReadonlyArray<readonly [string, readonly string[]]>;

function entriesOf(members: MemberProtocols): Array<readonly [string, readonly string[]]> {
  return Array.isArray(members)
    ? [...(members as ReadonlyArray<readonly [string, readonly string[]]>)]
    : Object.entries(members as Record<string, readonly string[]>);
}

/** Assignors supported by every member (ClassicGroup#candidateProtocols). */
export function candidateProtocols(members: MemberProtocols): Set<string> {
  const entries = entriesOf(members);
  const counts = new Map<string, number>();
  for (const [, protocols] of entries) {
    for (const protocol of new Set(protocols)) {
      counts.set(protocol, (counts.get(protocol) ?? 0) + 1);
    }
  }
  return new Set([...counts].filter(([, n]) => n === entries.length).map(([p]) => p));
}

/**
 * Whether a member offering `memberProtocols` may join a group whose current
 * members are `members` (ClassicGroup#supportsProtocols, for consumers).
 * An empty group accepts anyone who offers at least one assignor.
 */
export function supportsProtocols(members: MemberProtocols, memberProtocols: readonly string[]): boolean {
  if (entriesOf(members).length === 0) return memberProtocols.length > 0;
  const candidates = candidateProtocols(members);
  return memberProtocols.some((protocol) => candidates.has(protocol));
}

/**
 * The assignor the coordinator picks (ClassicGroup#selectProtocol): each
 * member votes for the first assignor of its own list that all members
 * support; most votes wins. On a tie Kafka takes whichever protocol its
 * HashMap of votes yields first, and so do we.
 */
export function selectProtocol(members: MemberProtocols): string {
  const entries = entriesOf(members);
  if (entries.length === 0) {
    throw new RangeError("cannot select a protocol for an empty group");
  }
  const candidates = candidateProtocols(entries);
  if (candidates.size === 0) {
    throw new RangeError("the members have no assignor in common");
  }

  // ClassicGroup keeps members in a HashMap filled in join order and walks
  // it to collect the votes into another HashMap.
  const memberOrder = JavaHashKeys.ofStrings();
  for (const [memberId] of entries) memberOrder.add(memberId);
  const protocolsOf = new Map(entries);

  const voteOrder = JavaHashKeys.ofStrings();
  const votes = new Map<string, number>();
  for (const memberId of memberOrder.toArray()) {
    const protocols = protocolsOf.get(memberId) as readonly string[];
    const vote = protocols.find((protocol) => candidates.has(protocol));
    if (vote === undefined) {
      throw new RangeError(`member ${memberId} supports no candidate protocol`);
    }
    voteOrder.add(vote);
    votes.set(vote, (votes.get(vote) ?? 0) + 1);
  }

  // Stream#max keeps the earlier entry on a tie.
  let selected = "";
  let mostVotes = -1;
  for (const protocol of voteOrder.toArray()) {
    const count = votes.get(protocol) as number;
    if (count > mostVotes) {
      selected = protocol;
      mostVotes = count;
    }
  }
  return selected;
}

export interface GroupProtocolSelection {
  /** The chosen assignor, or null when no member could join. */
  readonly selectedAssignor: string | null;
  /**
   * COOPERATIVE only if every member that joined runs COOPERATIVE; one
   * EAGER member (any list containing range, roundrobin or sticky) revokes
   * everything at each rebalance, so the group as a whole is EAGER.
   */
  readonly rebalanceProtocol: RebalanceProtocol | null;
  /** Each joined member's own protocol (clientRebalanceProtocol). */
  readonly memberRebalanceProtocols: Readonly<Record<string, RebalanceProtocol>>;
  /** Members whose JoinGroup failed with INCONSISTENT_GROUP_PROTOCOL, in join order. */
  readonly rejectedMemberIds: readonly string[];
}

/**
 * Plays the JoinGroups of `members` in order into an empty group and reports
 * the outcome: who was rejected, which assignor was selected, and which
 * rebalance protocol the group runs.
 */
export function selectGroupProtocol(members: MemberProtocols): GroupProtocolSelection {
  const joined: Array<readonly [string, readonly string[]]> = [];
  const rejectedMemberIds: string[] = [];
  for (const [memberId, protocols] of entriesOf(members)) {
    if (supportsProtocols(joined, protocols)) joined.push([memberId, protocols]);
    else rejectedMemberIds.push(memberId);
  }
  if (joined.length === 0) {
    return {
      selectedAssignor: null,
      rebalanceProtocol: null,
      memberRebalanceProtocols: {},
      rejectedMemberIds,
    };
  }

  const memberRebalanceProtocols: Record<string, RebalanceProtocol> = {};
  for (const [memberId, protocols] of joined) {
    memberRebalanceProtocols[memberId] = clientRebalanceProtocol(protocols);
  }
  const allCooperative = Object.values(memberRebalanceProtocols).every((protocol) => protocol === "COOPERATIVE");
  return {
    selectedAssignor: selectProtocol(joined),
    rebalanceProtocol: allCooperative ? "COOPERATIVE" : "EAGER",
    memberRebalanceProtocols,
    rejectedMemberIds,
  };
}
