// Replica placement without racks (AdminUtils#assignReplicasToBrokersRackUnaware,
// server-common in Kafka 3.8), in our own words: partition p's first replica
// is broker (p + start) mod n; the others follow at a shift that grows by one
// every n partitions, so followers spread as well as leaders. Kafka draws the
// start index and the first shift at random unless they are fixed.

import type { BrokerId } from "../metadata.ts";

export class PlacementError extends Error {
  readonly code: "INVALID_PARTITIONS" | "INVALID_REPLICATION_FACTOR";
  constructor(code: PlacementError["code"], message: string) {
    super(message);
    this.name = "PlacementError";
    this.code = code;
  }
}

function replicaIndex(firstReplicaIndex: number, shift: number, j: number, n: number): number {
  return (firstReplicaIndex + 1 + ((shift + j) % (n - 1))) % n;
}

/**
 * Replica lists for partitions startPartitionId.. (index 0 of the result is
 * startPartitionId). `brokers` must be sorted by id. `randomIndex(n)` returns
 * an integer in [0, n) and is called twice, only when fixedStartIndex < 0.
 */
export function assignReplicasToBrokers(
  brokers: readonly BrokerId[],
  nPartitions: number,
  replicationFactor: number,
  randomIndex: (n: number) => number,
  fixedStartIndex = -1,
  startPartitionId = -1,
): BrokerId[][] {
  if (nPartitions <= 0) throw new PlacementError("INVALID_PARTITIONS", "Number of partitions must be larger than 0.");
  if (replicationFactor <= 0)
    throw new PlacementError("INVALID_REPLICATION_FACTOR", "Replication factor must be larger than 0.");
  if (replicationFactor > brokers.length)
    throw new PlacementError(
      "INVALID_REPLICATION_FACTOR",
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`,
    );
  const n = brokers.length;
  const startIndex = fixedStartIndex >= 0 ? fixedStartIndex : randomIndex(n);
  let shift = fixedStartIndex >= 0 ? fixedStartIndex : randomIndex(n);
  let partitionId = Math.max(0, startPartitionId);
  const out: BrokerId[][] = [];
  for (let i = 0; i < nPartitions; i++) {
    if (partitionId > 0 && partitionId % n === 0) shift += 1;
    const first = (partitionId + startIndex) % n;
    const replicas = [brokers[first]];
    for (let j = 0; j < replicationFactor - 1; j++) replicas.push(brokers[replicaIndex(first, shift, j, n)]);
    out.push(replicas);
    partitionId += 1;
  }
  return out;
}

/** Kafka's check of a hand-written assignment (AdminZkClient#validateReplicaAssignment, simplified). */
export function validateAssignment(
  assignment: readonly (readonly BrokerId[])[],
  knownBrokers: readonly BrokerId[],
): string | null {
  if (assignment.length === 0) return "the assignment lists no partition";
  const rf = assignment[0].length;
  for (let p = 0; p < assignment.length; p++) {
    const r = assignment[p];
    if (r.length === 0) return `partition ${p} has no replica`;
    if (r.length !== rf) return `partition ${p} has ${r.length} replicas, partition 0 has ${rf}`;
    if (new Set(r).size !== r.length) return `partition ${p} lists a broker twice: [${r.join(",")}]`;
    const unknown = r.filter((b) => !knownBrokers.includes(b));
    if (unknown.length > 0) return `partition ${p} names unknown broker(s) [${unknown.join(",")}]`;
  }
  return null;
}
