// The trace journal: every event the engine processes or causes, in order,
// with the event that led to it. "Why?" in the UI is a walk up `cause`.

import {
  hashHex,
  hashName,
  hashNumber,
  hashUpdate,
  initialHashState,
  stableStringify,
  type HashState,
} from "./hash.ts";

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

/** "xstate.after.pingInterval.toyNode.idle" reads as "pingInterval in idle". */
export function humanEventName(type: string): string {
  if (!type.startsWith("xstate.after.")) return type;
  const rest = type.slice("xstate.after.".length);
  const dot = rest.indexOf(".");
  if (dot < 0) return `timer ${rest}`;
  const delay = rest.slice(0, dot);
  const path = rest
    .slice(dot + 1)
    .split(".")
    .slice(1)
    .join(".");
  const delayName = /^\d+$/.test(delay) ? `${delay} ms` : delay;
  return path ? `${delayName} in ${path}` : delayName;
}

/**
 * A time as a compact event keeps it: whole microseconds as an integer when
 * that is exact (nearly always: latencies are rounded to the microsecond),
 * else the time itself in a small object. A fractional double in an object
 * field is a separate 16-byte heap box per event in V8 (Node runs without
 * pointer compression), and the sends and deliveries of a busy run are
 * hundreds of thousands of events kept for the whole run; a small integer is
 * stored in the field itself. Never a bare fractional number: one would make
 * V8 box the field in every event again. `unpackMs(packMs(t))` is `t`, bit for
 * bit (the hash reads it).
 */
export type PackedMs = number | { readonly ms: number };

export function packMs(t: number): PackedMs {
  const us = Math.round(t * 1000);
  return us / 1000 === t && Number.isSafeInteger(us) && !Object.is(us, -0) ? us : { ms: t };
}

export function unpackMs(p: PackedMs): number {
  return typeof p === "number" ? p / 1000 : p.ms;
}

/**
 * The events of a busy run are mostly messages sent and delivered and timers
 * firing. They are kept as small objects that build their sentence and data
 * only when asked (the event log, "why?"), instead of a string and a data
 * object per event: most are never read, and all are kept for the whole run.
 */
export class SendTraceEvent implements TraceEvent {
  readonly id: number;
  private readonly packedTime: PackedMs;
  readonly actor: string;
  readonly cause: number;
  readonly to: string;
  readonly type: string;
  private readonly packedArriveAt: PackedMs;
  constructor(id: number, time: number, actor: string, cause: number, to: string, type: string, arriveAtMs: number) {
    this.id = id;
    this.packedTime = packMs(time);
    this.actor = actor;
    this.cause = cause;
    this.to = to;
    this.type = type;
    this.packedArriveAt = packMs(arriveAtMs);
  }
  get time(): number {
    return unpackMs(this.packedTime);
  }
  get arriveAtMs(): number {
    return unpackMs(this.packedArriveAt);
  }
  get kind(): "send" {
    return "send";
  }
  get text(): string {
    return `${this.actor} sent ${this.type} to ${this.to}`;
  }
  get data(): Readonly<Record<string, unknown>> {
    return { to: this.to, type: this.type, arriveAtMs: this.arriveAtMs };
  }
}

export class DeliverTraceEvent implements TraceEvent {
  readonly id: number;
  /**
   * The send this delivery completes, which already holds every other field
   * (its target, source, type, id as the cause, arrival time as the time): a
   * delivery is then two fields instead of six, and there is one per message.
   * When it does not match (a stalled target postponed the delivery, or the
   * send is no longer in memory), a stand-in send with exactly these fields.
   */
  private readonly send: SendTraceEvent;
  constructor(
    id: number,
    time: number,
    actor: string,
    cause: number,
    from: string,
    type: string,
    send?: SendTraceEvent,
  ) {
    this.id = id;
    this.send =
      send !== undefined &&
      send.id === cause &&
      send.to === actor &&
      send.actor === from &&
      send.type === type &&
      Object.is(send.arriveAtMs, time)
        ? send
        : new SendTraceEvent(cause, 0, from, 0, actor, type, time);
  }
  get time(): number {
    return this.send.arriveAtMs;
  }
  get actor(): string {
    return this.send.to;
  }
  get cause(): number {
    return this.send.id;
  }
  get from(): string {
    return this.send.actor;
  }
  get type(): string {
    return this.send.type;
  }
  get kind(): "deliver" {
    return "deliver";
  }
  get text(): string {
    return `${this.actor} received ${this.type} from ${this.from}`;
  }
  get data(): Readonly<Record<string, unknown>> {
    return { from: this.from, type: this.type };
  }
}

export class TimerTraceEvent implements TraceEvent {
  readonly id: number;
  private readonly packedTime: PackedMs;
  readonly actor: string;
  readonly cause: number;
  readonly event: string;
  constructor(id: number, time: number, actor: string, cause: number, event: string) {
    this.id = id;
    this.packedTime = packMs(time);
    this.actor = actor;
    this.cause = cause;
    this.event = event;
  }
  get time(): number {
    return unpackMs(this.packedTime);
  }
  get kind(): "timer" {
    return "timer";
  }
  get text(): string {
    return `${this.actor}: ${humanEventName(this.event)} elapsed`;
  }
  get data(): Readonly<Record<string, unknown>> {
    return { event: this.event };
  }
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
  // The compact classes are read field by field (their `data` getter would
  // allocate); their kinds are text-derived, so no text is hashed. A plain
  // event of the same kind and fields hashes the same (trace.test.ts).
  if (e instanceof SendTraceEvent) {
    hashEventHead(state, "send", e.actor, e.cause);
    return hashMessage(state, e.to, e.type, e.arriveAtMs);
  }
  if (e instanceof DeliverTraceEvent) {
    hashEventHead(state, "deliver", e.actor, e.cause);
    return hashMessage(state, e.from, e.type);
  }
  if (e instanceof TimerTraceEvent) {
    hashEventHead(state, "timer", e.actor, e.cause);
    return void hashName(state, e.event);
  }
  hashEventHead(state, e.kind, e.actor, e.cause);
  if (!TEXT_DERIVED_KINDS.has(e.kind)) hashUpdate(state, e.text);
  const d = e.data;
  if (d === undefined) return;
  const { to, from, type, arriveAtMs, event } = d;
  if (e.kind === "send" && typeof to === "string" && typeof type === "string" && typeof arriveAtMs === "number")
    return hashMessage(state, to, type, arriveAtMs);
  if (e.kind === "deliver" && typeof from === "string" && typeof type === "string")
    return hashMessage(state, from, type);
  if (e.kind === "timer" && typeof event === "string") return void hashName(state, event);
  hashUpdate(state, stableStringify(d));
}

function hashEventHead(state: HashState, kind: TraceKind, actor: string, cause: number): void {
  hashName(state, kind);
  hashName(state, actor);
  hashNumber(state, cause);
}

function hashMessage(state: HashState, peer: string, type: string, arriveAtMs?: number): void {
  hashName(state, peer);
  hashName(state, type);
  if (arriveAtMs !== undefined) hashNumber(state, arriveAtMs);
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
