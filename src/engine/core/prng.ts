// Seeded pseudo-random numbers with named, independent sub-streams.
//
// Algorithm: sfc32 (Chris Doty-Humphrey's Small Fast Counter, 128-bit state,
// period at least 2^32 and about 2^127 on average), seeded by splitmix32.
// Every stream's seed is derived from the root seed and the stream's full
// name (e.g. "root/net/link:b1>b2") through FNV-1a and splitmix32, never from
// how many numbers another stream has drawn. So adding a draw in one subsystem
// never reshuffles another, and `fork("net")` gives the same stream whenever
// it is called. All arithmetic is 32-bit integer math (Math.imul, >>>), which
// every JavaScript engine computes identically.

import { fnv1a32 } from "./hash.ts";

/** The serializable state of one stream: its name and four 32-bit words. */
export interface PrngState {
  name: string;
  s: [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createPrngState(rootSeed: number, name: string): PrngState {
  const mix = splitmix32((rootSeed >>> 0) ^ fnv1a32(name));
  const state: PrngState = { name, s: [mix(), mix(), mix(), mix()] };
  // Discard the first outputs: sfc32 needs a few rounds to mix a fresh seed.
  for (let i = 0; i < 12; i++) nextUint32(state);
  return state;
}

/** Advances the stream and returns a uniformly distributed 32-bit integer. */
export function nextUint32(state: PrngState): number {
  const s = state.s;
  let a = s[0];
  let b = s[1];
  let c = s[2];
  let d = s[3];
  const t = (((a + b) | 0) + d) | 0;
  d = (d + 1) | 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) | 0;
  c = (c << 21) | (c >>> 11);
  c = (c + t) | 0;
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
  return t >>> 0;
}

/** A seeded stream with helpers. Holds its state by reference, so the world can checkpoint it. */
export class Prng {
  readonly rootSeed: number;
  readonly state: PrngState;

  constructor(rootSeed: number, state: PrngState) {
    this.rootSeed = rootSeed >>> 0;
    this.state = state;
  }

  static root(seed: number): Prng {
    return new Prng(seed, createPrngState(seed, "root"));
  }

  get name(): string {
    return this.state.name;
  }

  /** An independent stream named after this one, e.g. root.fork("net").fork("b1>b2"). */
  fork(name: string): Prng {
    const fullName = `${this.state.name}/${name}`;
    return new Prng(this.rootSeed, createPrngState(this.rootSeed, fullName));
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return nextUint32(this.state) / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max below min`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.int(0, items.length - 1)];
  }
}
