// Stable 64-bit hashing for the trace journal.
//
// Two independent 32-bit FNV-1a lanes (different offset bases, the second
// lane also mixes a rotated copy of each code unit) are folded over the UTF-16
// code units of a string. Only Math.imul and 32-bit integer operations are
// used, so the result is identical in every JavaScript engine and platform.

export interface HashState {
  a: number;
  b: number;
}

const FNV_PRIME = 0x01000193;

export function initialHashState(): HashState {
  return { a: 0x811c9dc5, b: 0x050c5d1f };
}

/** Folds `text` into `state` in place and returns it. */
export function hashUpdate(state: HashState, text: string): HashState {
  let a = state.a;
  let b = state.b;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, FNV_PRIME);
    b = Math.imul(b ^ ((unit << 7) | (unit >>> 9)) ^ 0x9e37, FNV_PRIME);
  }
  // A separator so that ("ab","c") and ("a","bc") hash differently.
  a = Math.imul(a ^ 0x1f, FNV_PRIME);
  b = Math.imul(b ^ 0x1e, FNV_PRIME);
  state.a = a >>> 0;
  state.b = b >>> 0;
  return state;
}

const numberView = new DataView(new ArrayBuffer(8));

/**
 * Folds a number into `state` in place: its IEEE-754 bits, little-endian, so
 * 0.1 + 0.2 and 0.3 differ as they should and no text is built. DataView
 * fixes the byte order, so every engine gives the same result.
 */
export function hashNumber(state: HashState, n: number): HashState {
  numberView.setFloat64(0, n, true);
  const lo = numberView.getUint32(0, true);
  const hi = numberView.getUint32(4, true);
  let a = Math.imul(state.a ^ lo, FNV_PRIME);
  a = Math.imul(a ^ hi, FNV_PRIME);
  let b = Math.imul(state.b ^ ((lo << 7) | (lo >>> 25)) ^ 0x9e37, FNV_PRIME);
  b = Math.imul(b ^ ((hi << 7) | (hi >>> 25)), FNV_PRIME);
  state.a = Math.imul(a ^ 0x1d, FNV_PRIME) >>> 0;
  state.b = Math.imul(b ^ 0x1c, FNV_PRIME) >>> 0;
  return state;
}

/**
 * Folds a short, often repeated string (an actor id, a message type) into
 * `state`: its own 32-bit FNV-1a, remembered, folded in as a number. Two
 * strings collide only as their 32-bit hashes do; the bulk of a busy run's
 * hashing is these names, one character at a time.
 */
export function hashName(state: HashState, name: string): HashState {
  let h = nameHashes.get(name);
  if (h === undefined) {
    h = fnv1a32(name);
    if (nameHashes.size >= NAME_HASHES_MAX) nameHashes.clear();
    nameHashes.set(name, h);
  }
  return hashNumber(state, h);
}

const nameHashes = new Map<string, number>();
const NAME_HASHES_MAX = 10_000;

export function hashHex(state: HashState): string {
  return state.a.toString(16).padStart(8, "0") + state.b.toString(16).padStart(8, "0");
}

/** 32-bit FNV-1a of a string, used to derive PRNG stream seeds from names. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * The keys of `record` in the order of Array#sort (code units). Every note's
 * data is hashed through here: a few keys are sorted in place by insertion,
 * sparing the built-in sort's scratch copy; keys are distinct, so any correct
 * sort gives the same order.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/**
 * JSON with object keys sorted, so that the text of a value does not depend on
 * the order in which its properties were created. Undefined fields are left
 * out, as JSON.stringify does.
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") {
    return value === undefined ? "null" : JSON.stringify(value);
  }
  if (Array.isArray(value)) return "[" + value.map(stableStringify).join(",") + "]";
  const record = value as Record<string, unknown>;
  // A loop rather than filter/map/join: every note's data goes through here for the trace hash.
  const keys = sortedKeys(record);
  let text = "{";
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    if (text.length > 1) text += ",";
    text += JSON.stringify(k) + ":" + stableStringify(v);
  }
  return text + "}";
}
