// Just enough of Java's String and HashMap behaviour to reproduce Kafka's
// tie-breaks.
//
// Kafka's assignors and the classic group coordinator walk java.util.HashMap
// and HashSet instances, and some outcomes depend on that iteration order
// (which member keeps maxQuota owned partitions, which claim of a partition
// wins, which moved partition is moved back, which protocol wins a tied
// vote). A HashMap iterates its buckets in index order and each bucket in
// insertion order; the bucket is (h ^ (h >>> 16)) & (capacity - 1). The
// capacity starts at 16 and doubles when the size passes 3/4 of it, or when
// one bucket would hold 9 entries while the capacity is under 64.
//
// Not emulated: the red-black "tree bins" Java builds when one bucket holds 9
// or more entries at capacity >= 64. That needs hundreds of colliding keys
// in one structure, far beyond what the simulator builds.

/** Java's `String.hashCode`: h = 31 * h + c over UTF-16 code units, in 32-bit int arithmetic. */
export function javaStringHashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) {
    h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  }
  return h;
}

/**
 * The sign of Java's `String.compareTo`: lexicographic over UTF-16 code
 * units, which is also how JavaScript's `<` compares strings. Never use
 * localeCompare here: Kafka does not.
 */
export function compareJavaStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** HashMap.hash: spreads the high bits into the low ones before masking. */
function spread(hash: number): number {
  return hash ^ (hash >>> 16);
}

const DEFAULT_INITIAL_CAPACITY = 16;
const LOAD_FACTOR = 0.75;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/**
 * Keys of a java.util.HashMap / HashSet, kept in Java's iteration order.
 * Values, when needed, live in an ordinary Map beside it: only the order of
 * keys is emulated here.
 */
export class JavaHashKeys<K> {
  private buckets: K[][];
  private readonly members = new Map<string, K>();
  private readonly hashOf: (key: K) => number;
  private readonly idOf: (key: K) => string;

  /**
   * @param hashOf  the key's Java hashCode
   * @param idOf  a string that is equal for keys Java considers equal
   */
  constructor(hashOf: (key: K) => number, idOf: (key: K) => string) {
    this.hashOf = hashOf;
    this.idOf = idOf;
    this.buckets = JavaHashKeys.emptyBuckets(DEFAULT_INITIAL_CAPACITY);
  }

  static ofStrings(): JavaHashKeys<string> {
    return new JavaHashKeys<string>(javaStringHashCode, (key) => key);
  }

  private static emptyBuckets<K>(capacity: number): K[][] {
    return Array.from({ length: capacity }, () => [] as K[]);
  }

  get size(): number {
    return this.members.size;
  }

  get capacity(): number {
    return this.buckets.length;
  }

  has(key: K): boolean {
    return this.members.has(this.idOf(key));
  }

  /** HashMap#put of a new key (an existing key keeps its place). Returns true if added. */
  add(key: K): boolean {
    const id = this.idOf(key);
    if (this.members.has(id)) return false;
    this.members.set(id, key);
    const bucket = this.buckets[this.indexOf(key, this.buckets.length)];
    bucket.push(key);
    // Java turns a long chain into a tree bin, but below capacity 64 it
    // doubles the table instead: that resize changes the order, so mirror it.
    if (bucket.length > TREEIFY_THRESHOLD && this.buckets.length < MIN_TREEIFY_CAPACITY) {
      this.resize();
    }
    if (this.members.size > this.buckets.length * LOAD_FACTOR) this.resize();
    return true;
  }

  /** HashMap#remove. Java never shrinks the table, so neither do we. */
  delete(key: K): boolean {
    const id = this.idOf(key);
    if (!this.members.delete(id)) return false;
    const bucket = this.buckets[this.indexOf(key, this.buckets.length)];
    const at = bucket.findIndex((candidate) => this.idOf(candidate) === id);
    bucket.splice(at, 1);
    return true;
  }

  /** What `iterator().next()` returns, or undefined when empty. */
  first(): K | undefined {
    for (const bucket of this.buckets) {
      if (bucket.length > 0) return bucket[0];
    }
    return undefined;
  }

  /** All keys in Java's iteration order. */
  toArray(): K[] {
    const keys: K[] = [];
    for (const bucket of this.buckets) keys.push(...bucket);
    return keys;
  }

  private indexOf(key: K, capacity: number): number {
    return spread(this.hashOf(key)) & (capacity - 1);
  }

  // Splitting each bucket into a "low" and a "high" half keeps the relative
  // order of its entries, exactly like re-adding them bucket by bucket.
  private resize(): void {
    const old = this.buckets;
    this.buckets = JavaHashKeys.emptyBuckets(old.length * 2);
    for (const bucket of old) {
      for (const key of bucket) {
        this.buckets[this.indexOf(key, this.buckets.length)].push(key);
      }
    }
  }
}

/**
 * Iteration order of a `new HashMap<>()` of strings filled by `put` in
 * `insertionOrder` (no removals).
 */
export function javaHashMapOrder(insertionOrder: readonly string[]): string[] {
  const keys = JavaHashKeys.ofStrings();
  for (const key of insertionOrder) keys.add(key);
  return keys.toArray();
}
