// How a Kafka 3.9 producer picks the partition of a record (KafkaProducer#partition).
//
// Keyed records: murmur2 of the serialized key, sign bit masked off, modulo the
// number of ALL partitions of the topic (available or not), as
// BuiltInPartitioner#partitionForKey does.
//
// Records without a key: the built-in sticky partitioner of KIP-794 (3.3+).
// It stays on one partition until about batch.size bytes were produced to it,
// then picks the next one at random, weighted towards partitions with shorter
// send queues when adaptive partitioning is on. The randomness is NOT drawn
// here: callers pass a draw from the engine's seeded PRNG, so the simulation
// stays deterministic. Everything in this file is a pure function.

/** Kafka's `Utils.murmur2`: 32-bit MurmurHash2, seed 0x9747b28c, as a signed 32-bit int. */
export function murmur2(bytes: Uint8Array): number {
  const length = bytes.length;
  const seed = 0x9747b28c;
  // Mixing constants of MurmurHash2.
  const m = 0x5bd1e995;
  const r = 24;

  let h = (seed ^ length) | 0;
  const length4 = length >>> 2;

  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    // Blocks are read little-endian, whatever the platform.
    let k = bytes[i4] | (bytes[i4 + 1] << 8) | (bytes[i4 + 2] << 16) | (bytes[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }

  // The 1-3 trailing bytes fall through from the highest to the lowest, as
  // the Java switch without breaks does; the multiply happens once.
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= bytes[tail + 2] << 16;
  if (rest >= 2) h ^= bytes[tail + 1] << 8;
  if (rest >= 1) {
    h ^= bytes[tail];
    h = Math.imul(h, m);
  }

  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;

  return h | 0;
}

/**
 * Kafka's `Utils.toPositive`: masks the sign bit. Not Math.abs: -2147483648
 * maps to 0 and -1 maps to 2147483647.
 */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

const utf8 = new TextEncoder();

/**
 * murmur2 of string keys, remembered: a workload reuses its keys, and
 * encoding plus hashing every record's key was a visible share of a busy
 * run. The value is a pure function of the key, so the memo cannot change a
 * result; it is cleared when full to bound its memory.
 */
const keyHashMemo = new Map<string, number>();
const KEY_HASH_MEMO_MAX = 50_000;

function murmur2OfString(key: string): number {
  let h = keyHashMemo.get(key);
  if (h === undefined) {
    h = murmur2(utf8.encode(key));
    if (keyHashMemo.size >= KEY_HASH_MEMO_MAX) keyHashMemo.clear();
    keyHashMemo.set(key, h);
  }
  return h;
}

/**
 * The partition of a keyed record (`BuiltInPartitioner#partitionForKey`).
 * A string key is serialized as UTF-8, like the default StringSerializer.
 * `numPartitions` counts every partition of the topic, leaderless ones too.
 */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, got ${numPartitions}`);
  }
  const hash = typeof key === "string" ? murmur2OfString(key) : murmur2(key);
  return toPositive(hash) % numPartitions;
}

/**
 * `partitionForKey` of every key of a list, by index: clients that cycle
 * through a fixed list of keys (thousands of records a second) read their
 * partition from here instead of looking the key up in the memo above.
 * Kept per list (by identity) and partition count.
 */
export function partitionsForKeys(keys: readonly string[], numPartitions: number): Int32Array {
  let byCount = keyListPartitions.get(keys);
  if (byCount === undefined) {
    byCount = new Map();
    keyListPartitions.set(keys, byCount);
  }
  let table = byCount.get(numPartitions);
  if (table === undefined) {
    table = new Int32Array(keys.length);
    for (let i = 0; i < keys.length; i++) table[i] = partitionForKey(keys[i], numPartitions);
    byCount.set(numPartitions, table);
  }
  return table;
}
const keyListPartitions = new WeakMap<readonly string[], Map<number, Int32Array>>();

// ---------------------------------------------------------------------------
// KIP-794 built-in sticky partitioner (records without a key)
// ---------------------------------------------------------------------------

/**
 * Adaptive-partitioning state of one topic (`BuiltInPartitioner.PartitionLoadStats`).
 * Only the first `length` entries of each array are in use: Kafka may drop
 * slow partitions (partitioner.availability.timeout.ms) by shortening it.
 */
export interface PartitionLoadStats {
  /** Running sum of weights, weight = (max queue size + 1) - queue size. */
  readonly cumulativeFrequencyTable: readonly number[];
  /** The partition each table entry stands for (partitions with a leader only). */
  readonly partitionIds: readonly number[];
  readonly length: number;
}

/**
 * KIP-794's cumulative frequency table for `queueSizes`: each partition
 * weighs (max queue size + 1) - its queue size, and entry i is the running
 * sum of weights 0..i. E.g. queues [0, 3, 1] -> weights [4, 1, 3] -> [4, 5, 8].
 */
export function cumulativeFrequencyTable(queueSizes: readonly number[]): number[] {
  const maxSizePlus1 = Math.max(...queueSizes) + 1;
  let runningSum = 0;
  return queueSizes.map((queueSize) => (runningSum += maxSizePlus1 - queueSize));
}

/**
 * Builds the cumulative frequency table from send-queue sizes
 * (`BuiltInPartitioner#updatePartitionLoadStats`). Returns null when Kafka
 * would not use adaptive partitioning: fewer than 2 partitions in the topic,
 * nothing left after exclusions, or every queue the same size with none
 * excluded (a uniform pick is then just as good).
 *
 * @param queueSizes  batches queued per partition, leaderless partitions left out
 * @param partitionIds  the partition of each queue size
 * @param length  how many leading entries are in use (default: all)
 */
export function computePartitionLoadStats(
  queueSizes: readonly number[],
  partitionIds: readonly number[],
  length: number = queueSizes.length,
): PartitionLoadStats | null {
  if (queueSizes.length !== partitionIds.length) {
    throw new RangeError("queueSizes and partitionIds differ in length");
  }
  if (length > queueSizes.length) {
    throw new RangeError("length exceeds the number of queue sizes");
  }
  // queueSizes.length is the number of partitions with a leader: with fewer
  // than 2 there is nothing to weigh, unless some were excluded by latency.
  if (length < 1 || queueSizes.length < 2) return null;

  const inUse = queueSizes.slice(0, length);
  const allEqual = inUse.every((queueSize) => queueSize === inUse[0]);
  if (allEqual && length === queueSizes.length) return null;

  // A uniform draw in [0, last entry) then lands on a partition with
  // probability proportional to its weight.
  return {
    cumulativeFrequencyTable: cumulativeFrequencyTable(inUse),
    partitionIds: partitionIds.slice(0, length),
    length,
  };
}

/**
 * Index of the first table entry strictly greater than `value` (the
 * "insertion point" Kafka derives from Arrays.binarySearch, stepping past an
 * equal entry).
 */
export function firstIndexGreaterThan(
  cumulativeFrequencyTable: readonly number[],
  length: number,
  value: number,
): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulativeFrequencyTable[mid] > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The next sticky partition (`BuiltInPartitioner#nextPartition`).
 *
 * @param random  a non-negative 31-bit draw (Kafka: toPositive(nextInt())),
 *   supplied by the caller's seeded PRNG
 * @param loadStats  adaptive state, or null for a uniform pick
 * @param availablePartitions  partitions that currently have a leader
 * @param numPartitions  all partitions of the topic
 */
export function nextStickyPartition(
  random: number,
  loadStats: PartitionLoadStats | null,
  availablePartitions: readonly number[],
  numPartitions: number,
): number {
  if (!Number.isInteger(random) || random < 0) {
    throw new RangeError(`random must be a non-negative integer, got ${random}`);
  }
  if (loadStats === null) {
    // Uniform among partitions with a leader; if none has one, among all.
    if (availablePartitions.length > 0) {
      return availablePartitions[random % availablePartitions.length];
    }
    return random % numPartitions;
  }
  const table = loadStats.cumulativeFrequencyTable;
  const weightedRandom = random % table[loadStats.length - 1];
  const index = firstIndexGreaterThan(table, loadStats.length, weightedRandom);
  return loadStats.partitionIds[index];
}

/**
 * Whether to leave the current sticky partition after an append
 * (`BuiltInPartitioner#updatePartitionInfo`): once batch.size bytes went to
 * it and switching is allowed (the caller allows it when the batch is ready to
 * send), or unconditionally at twice batch.size.
 */
export function shouldSwitchStickyPartition(
  producedBytes: number,
  stickyBatchSize: number,
  enableSwitch: boolean,
): boolean {
  return (producedBytes >= stickyBatchSize && enableSwitch) || producedBytes >= stickyBatchSize * 2;
}

/** The current sticky partition of a topic and the bytes produced to it so far. */
export interface StickyPartitionInfo {
  readonly partition: number;
  readonly producedBytes: number;
}

/**
 * Records an append to the sticky partition and switches if due. Returns the
 * new state; `pickNextPartition` is called only when switching (wire it to
 * nextStickyPartition with a PRNG draw).
 */
export function updateStickyPartitionInfo(
  info: StickyPartitionInfo,
  appendedBytes: number,
  stickyBatchSize: number,
  enableSwitch: boolean,
  pickNextPartition: () => number,
): StickyPartitionInfo {
  if (stickyBatchSize < 1) {
    throw new RangeError(`stickyBatchSize must be >= 1 but got ${stickyBatchSize}`);
  }
  const producedBytes = info.producedBytes + appendedBytes;
  if (shouldSwitchStickyPartition(producedBytes, stickyBatchSize, enableSwitch)) {
    return { partition: pickNextPartition(), producedBytes: 0 };
  }
  return { partition: info.partition, producedBytes };
}
