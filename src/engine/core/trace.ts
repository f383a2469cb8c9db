// The trace journal: every event the engine processes or causes, in order,
// with the event that led to it. "Why?" in the UI is a walk up `cause`.

import { hashHex, hashNumber, hashUpdate, initialHashState, stableStringify, type HashState } from "./hash.ts";

export type TraceKind =
  | "input" // a user or scenario action took effect
  | "send" // a message left an actor
  | "deliver" // a message reached its target
  | "drop" // a message was lost (loss, partition, target down)
  | "timer" // a delayed transition or scheduled timer fired
  | "state" // an actor's state machine changed state
  | "emit" // an actor reported something worth showing
  | "fault" // a fault was injected or healed
  | "note"; // anything else the engine explains in plain language

export interface TraceEvent {
  /** Sequential id within a run, starting at 1. Ids are stable across replays. */
  readonly id: number;
  /** Virtual time in ms. */
  readonly time: number;
  readonly kind: TraceKind;
  /** The actor the event happened at, or "world" for global events. */
  readonly actor: string;
  /** The id of the event that led to this one; 0 for a root cause. */
  readonly cause: number;
  /** One plain-language sentence, naming the setting that governed it where one did. */
  readonly text: string;
  /** Structured details for views and checks; part of the hash. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * Kinds whose text the engine writes from the event's own fields (actor and
 * data): hashing that text again adds nothing, and these are most of a busy
 * run's events.
 */
const TEXT_DERIVED_KINDS: ReadonlySet<TraceKind> = new Set(["send", "deliver", "timer"]);

/**
 * Folds one event into a running hash without building its canonical line:
 * numbers by their bits, strings by their code units, and data as sorted
 * JSON (the message and timer payloads the engine writes are folded field by
 * field). Equal events give equal hashes in every JavaScript engine; any
 * change of id, time, kind, actor, cause, data or written text changes it.
 */
export function hashTraceEvent(state: HashState, e: TraceEvent): void {
  hashNumber(state, e.id);
  hashNumber(state, e.time);
  hashUpdate(state, e.kind);
  hashUpdate(state, e.actor);
  hashNumber(state, e.cause);
  if (!TEXT_DERIVED_KINDS.has(e.kind)) hashUpdate(state, e.text);
  const d = e.data;
  if (d === undefined) return;
  if (e.kind === "send" && typeof d.to === "string" && typeof d.type === "string" && typeof d.arriveAtMs === "number") {
    hashUpdate(state, d.to);
    hashUpdate(state, d.type);
    hashNumber(state, d.arriveAtMs);
    return;
  }
  if (e.kind === "deliver" && typeof d.from === "string" && typeof d.type === "string") {
    hashUpdate(state, d.from);
    hashUpdate(state, d.type);
    return;
  }
  if (e.kind === "timer" && typeof d.event === "string") {
    hashUpdate(state, d.event);
    return;
  }
  hashUpdate(state, stableStringify(d));
}

/** A running hash over the events of the journal. */
export class TraceHasher {
  private state: HashState;

  constructor(state: HashState = initialHashState()) {
    this.state = { ...state };
  }

  add(e: TraceEvent): void {
    hashTraceEvent(this.state, e);
  }

  snapshot(): HashState {
    return { ...this.state };
  }

  hex(): string {
    return hashHex(this.state);
  }
}

/** The hash of a whole journal computed from scratch (used by tests to check the running hash). */
export function traceHash(events: readonly TraceEvent[]): string {
  const h = new TraceHasher();
  for (const e of events) h.add(e);
  return h.hex();
}

/** The chain of causes of an event, itself first, root last. */
export function causeChain(events: readonly TraceEvent[], id: number): TraceEvent[] {
  const chain: TraceEvent[] = [];
  let current = id;
  // Ids are 1-based and dense within a journal, so an id is its index + 1.
  while (current > 0 && current <= events.length) {
    const e = events[current - 1];
    chain.push(e);
    if (e.cause >= current) break; // a cause always precedes its effect; guard against cycles
    current = e.cause;
  }
  return chain;
}

/** A compact one-line form for logs and failing tests. */
export function formatTraceEvent(e: TraceEvent): string {
  const t = (e.time / 1000).toFixed(3).padStart(9);
  return `${t}s #${String(e.id).padEnd(5)} ${e.kind.padEnd(7)} ${e.actor.padEnd(12)} ${e.text}${e.cause ? `  (because of #${e.cause})` : ""}`;
}
