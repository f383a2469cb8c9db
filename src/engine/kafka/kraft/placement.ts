// Replica placement for new topics and partitions, following Kafka's
// StripedReplicaPlacer (metadata/.../placement/StripedReplicaPlacer.java) for
// a cluster without broker.rack, i.e. one rack. Brokers are taken round-robin
// from a sorted list starting at a random offset; each partition starts one
// broker further on ("striped"); unfenced brokers come before fenced ones and
// a partition's first replica (its preferred leader) is always unfenced. After
// as many partitions as there are unfenced brokers the lists are shuffled.
// Kafka's java.util.Random becomes the seeded stream engine.rng("kraft.placement").

import type { Prng } from "../../core/prng.ts";
import type { BrokerId } from "../metadata.ts";

export interface UsableBroker {
  readonly id: BrokerId;
  readonly fenced: boolean;
}

export type PlacementResult =
  | { readonly ok: true; readonly assignments: BrokerId[][] }
  | { readonly ok: false; readonly error: "INVALID_REPLICATION_FACTOR"; readonly detail: string };

/** One of the two broker lists of a rack, iterated once per "iteration epoch". */
interface BrokerList {
  brokers: BrokerId[];
  /** How many brokers were taken in the current iteration epoch. */
  index: number;
  /** Added to the index (mod size) to pick a broker. */
  offset: number;
  epoch: number;
}

function newList(ids: BrokerId[], rng: Prng): BrokerList {
  const brokers = ids.slice().sort((a, b) => a - b);
  // Kafka draws the start offset only for a non-empty list.
  const offset = brokers.length > 0 ? rng.int(0, brokers.length - 1) : 0;
  return { brokers, index: 0, offset, epoch: 0 };
}

/** The next broker of this list in `epoch`, or -1 when the list is used up for that epoch. */
function nextOf(list: BrokerList, epoch: number): BrokerId {
  const n = list.brokers.length;
  if (n === 0) return -1;
  if (list.epoch !== epoch) {
    list.epoch = epoch;
    list.index = 0;
    list.offset = (list.offset + 1) % n;
  }
  if (list.index >= n) return -1;
  const id = list.brokers[(list.index + list.offset) % n];
  list.index += 1;
  return id;
}

/** Collections.shuffle: Fisher–Yates from the end, drawing nextInt(i). */
function shuffle(list: BrokerList, rng: Prng): void {
  const a = list.brokers;
  for (let i = a.length; i > 1; i--) {
    const j = rng.int(0, i - 1);
    const t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
  }
}

/**
 * Places `numPartitions` partitions of `replicationFactor` replicas each.
 * `brokers` are the usable brokers (registered, not in controlled shutdown).
 */
export function placeReplicas(
  rng: Prng,
  brokers: readonly UsableBroker[],
  numPartitions: number,
  replicationFactor: number,
): PlacementResult {
  const fail = (detail: string): PlacementResult => ({ ok: false, error: "INVALID_REPLICATION_FACTOR", detail });
  const sorted = brokers.slice().sort((a, b) => a.id - b.id);
  // The rack's lists are initialised in Kafka's order: fenced first, then unfenced, then the rack offset.
  const fenced = newList(
    sorted.filter((b) => b.fenced).map((b) => b.id),
    rng,
  );
  const unfenced = newList(
    sorted.filter((b) => !b.fenced).map((b) => b.id),
    rng,
  );
  if (sorted.length > 0) rng.int(0, 0); // the rack-list offset (one rack: always 0), drawn as Kafka does
  if (replicationFactor <= 0)
    return fail(`Invalid replication factor ${replicationFactor}: the replication factor must be positive.`);
  if (unfenced.brokers.length === 0) return fail("All brokers are currently fenced.");
  if (replicationFactor > sorted.length) {
    return fail(
      `The target replication factor of ${replicationFactor} cannot be reached because only ${sorted.length} broker(s) are registered.`,
    );
  }
  const numUnfenced = unfenced.brokers.length;
  let epoch = 0;
  const assignments: BrokerId[][] = [];
  for (let p = 0; p < numPartitions; p++) {
    if (epoch === numUnfenced && numUnfenced > 1) {
      // One rack: shuffling the rack names draws nothing; then each list of the rack.
      shuffle(fenced, rng);
      shuffle(unfenced, rng);
      epoch = 0;
    }
    const replicas: BrokerId[] = [nextOf(unfenced, epoch)];
    while (replicas.length < replicationFactor) {
      let id = nextOf(unfenced, epoch);
      if (id < 0) id = nextOf(fenced, epoch);
      if (id < 0) break; // cannot happen: replicationFactor <= brokers
      replicas.push(id);
    }
    assignments.push(replicas);
    epoch += 1;
  }
  return { ok: true, assignments };
}
