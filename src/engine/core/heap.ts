// A binary min-heap of queue entries ordered by (time, seq). `seq` is a
// strictly increasing insertion counter, so two entries never compare equal
// and the order of simultaneous events never depends on heap internals.

export interface Ordered {
  readonly time: number;
  readonly seq: number;
}

function before(x: Ordered, y: Ordered): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

export function heapPush<T extends Ordered>(heap: T[], item: T): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i], heap[parent])) break;
    const tmp = heap[i];
    heap[i] = heap[parent];
    heap[parent] = tmp;
    i = parent;
  }
}

export function heapPop<T extends Ordered>(heap: T[]): T | undefined {
  if (heap.length === 0) return undefined;
  const top = heap[0];
  const last = heap.pop() as T;
  if (heap.length > 0) {
    heap[0] = last;
    siftDown(heap, 0);
  }
  return top;
}

function siftDown<T extends Ordered>(heap: T[], from: number): void {
  let i = from;
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let smallest = i;
    if (l < n && before(heap[l], heap[smallest])) smallest = l;
    if (r < n && before(heap[r], heap[smallest])) smallest = r;
    if (smallest === i) break;
    const tmp = heap[i];
    heap[i] = heap[smallest];
    heap[smallest] = tmp;
    i = smallest;
  }
}

/**
 * Turns any array into a heap in place, in linear time (Floyd). The layout
 * differs from a sorted array's, but (time, seq) is a total order, so the
 * entries still pop in exactly the same sequence.
 */
export function heapify<T extends Ordered>(heap: T[]): void {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
}

export function heapPeek<T extends Ordered>(heap: readonly T[]): T | undefined {
  return heap[0];
}
