// An append-only list that checkpoints can share. Ledgers (a producer's
// acknowledged records, a consumer's reads) only ever grow, and their entries
// never change once written, yet a checkpoint used to copy every entry
// pointer: at 60 simulated seconds of Boxing Day that was most of each
// checkpoint's cost, once a second, and the page stuttered on it.
//
// Copies share one array. Each holder sees its first `length` entries; the
// holder at the tip (the array's end is its end) appends in place, and a
// holder behind the tip (someone appended after the copy was taken) takes its
// own array before it appends or is read as an array. A copy is O(1); the
// first append or read after a restore is O(length), once.

export class AppendLog<T> implements Iterable<T> {
  private items: T[];
  private n: number;

  constructor(items: T[] = [], length: number = items.length) {
    this.items = items;
    this.n = length;
  }

  get length(): number {
    return this.n;
  }

  push(entry: T): void {
    this.own();
    this.items.push(entry);
    this.n++;
  }

  /** A copy that shares the entries (for a checkpoint). */
  copy(): AppendLog<T> {
    return new AppendLog(this.items, this.n);
  }

  /**
   * The entries as an array, without copying them (hot readers index it).
   * Read it at once: appends to this log show up in it.
   */
  view(): readonly T[] {
    this.own();
    return this.items;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.view()[Symbol.iterator]();
  }

  /** Makes the array this log's own if another holder has appended past it. */
  private own(): void {
    if (this.items.length !== this.n) this.items = this.items.slice(0, this.n);
  }
}
