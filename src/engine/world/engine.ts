// The engine: one world, stepped one event at a time in (time, seq) order.
//
// It owns virtual time. Actors never see a clock or a random source of their
// own: they get `engine.nowMs`, `engine.rng(name)`, and they act only by
// returning actions (machines) or calling the engine's API (plain handlers).
// Every effect goes through here, so every effect lands in the trace with its
// cause, and the trace hash covers it.

import { invariant } from "../core/assert.ts";
import { heapify, heapPeek, heapPop, heapPush } from "../core/heap.ts";
import { hashHex, initialHashState } from "../core/hash.ts";
import { Prng, createPrngState } from "../core/prng.ts";
import {
  DeliverTraceEvent,
  hashTraceEvent,
  humanEventName,
  SendTraceEvent,
  TimerTraceEvent,
  type TraceEvent,
  type TraceKind,
} from "../core/trace.ts";
import { createNetworkState, linkKey, transmit, type NetworkConfig } from "../net/network.ts";
import { startMachine, stateLabel, stepMachine, type MachineAction } from "../machines/host.ts";
import type {
  ActorKind,
  ActorRecord,
  DeliverEntry,
  InputEntry,
  InputHandler,
  QueueEntry,
  SimEvent,
  SimInput,
  TimerEntry,
  TimerId,
  WorldState,
} from "./types.ts";

export interface EngineRegistry {
  kinds: Record<string, ActorKind>;
  inputs: Record<string, InputHandler>;
  /** Plain-language descriptions of inputs for the trace ("crash n3"), by input type. */
  describeInput?: Record<string, (input: SimInput) => string>;
}

export interface EngineOptions {
  seed: number;
  network?: Partial<NetworkConfig>;
}

export class UnknownInputError extends Error {
  constructor(type: string, known: readonly string[]) {
    super(`unknown input type "${type}"; known types: ${known.join(", ")}`);
    this.name = "UnknownInputError";
  }
}

export function createWorldState(options: EngineOptions): WorldState {
  return {
    rootSeed: options.seed >>> 0,
    nowMs: 0,
    seq: 0,
    queue: [],
    timers: {},
    staleTimers: 0,
    rng: {},
    net: createNetworkState(options.network),
    actors: {},
    actorOrder: [],
    inputCursor: 0,
    traceLength: 0,
    hash: initialHashState(),
    data: {},
  };
}

function cloneTimers(timers: WorldState["timers"]): WorldState["timers"] {
  const copy: WorldState["timers"] = {};
  for (const id of Object.keys(timers)) copy[id] = new Map(timers[id]);
  return copy;
}

/** A deep copy of the parts of a world that change, sharing what is immutable. */
export function cloneWorld(w: WorldState, kinds: Readonly<Record<string, ActorKind>>): WorldState {
  const actors: Record<string, ActorRecord> = {};
  for (const id of w.actorOrder) {
    const a = w.actors[id];
    const cloneData = kinds[a.kind]?.cloneData;
    // xstate snapshots are immutable and the config never changes: share them.
    actors[id] = { ...a, data: cloneData ? cloneData(a.data) : structuredClone(a.data) };
  }
  const rng: WorldState["rng"] = {};
  for (const name of Object.keys(w.rng)) {
    const s = w.rng[name];
    rng[name] = { name: s.name, s: [s.s[0], s.s[1], s.s[2], s.s[3]] };
  }
  return {
    ...w,
    queue: w.queue.slice(), // entries are immutable
    timers: cloneTimers(w.timers),
    rng,
    net: structuredClone(w.net),
    actors,
    actorOrder: w.actorOrder.slice(),
    hash: { ...w.hash },
    data: structuredClone(w.data),
  };
}

export class Engine {
  world: WorldState;
  readonly registry: EngineRegistry;
  /** The branch's input log; the world's inputCursor says how much of it is applied. */
  inputs: InputEntry[] = [];
  /** The journal in memory. */
  trace: TraceEvent[] = [];
  /** The id of the event being processed: the cause of everything that happens now. */
  private currentCause = 0;
  private prngs = new Map<string, Prng>();
  /** Listeners that see every trace event (checkers, the scenario player). */
  private observers: ((e: TraceEvent) => void)[] = [];

  constructor(registry: EngineRegistry, options: EngineOptions) {
    this.registry = registry;
    this.world = createWorldState(options);
  }

  get nowMs(): number {
    return this.world.nowMs;
  }

  get cause(): number {
    return this.currentCause;
  }

  observe(listener: (e: TraceEvent) => void): () => void {
    this.observers.push(listener);
    return () => {
      this.observers = this.observers.filter((l) => l !== listener);
    };
  }

  /** Replaces the world (restoring a checkpoint). */
  restore(world: WorldState, trace: TraceEvent[]): void {
    this.world = world;
    this.trace = trace;
    this.prngs.clear();
    this.currentCause = 0;
  }

  // ---------------------------------------------------------------- randomness

  /** The named, independent random stream `name` (e.g. "net", "producer-1"). */
  rng(name: string): Prng {
    let p = this.prngs.get(name);
    if (p) return p;
    let state = this.world.rng[name];
    if (!state) {
      state = createPrngState(this.world.rootSeed, `root/${name}`);
      this.world.rng[name] = state;
    }
    p = new Prng(this.world.rootSeed, state);
    this.prngs.set(name, p);
    return p;
  }

  // ---------------------------------------------------------------- trace

  /** Writes one event to the journal; its cause is the event being processed unless given. */
  record(
    kind: TraceKind,
    actor: string,
    text: string,
    data?: Record<string, unknown>,
    cause = this.currentCause,
  ): number {
    const w = this.world;
    return this.append({
      id: w.traceLength + 1,
      time: w.nowMs,
      kind,
      actor,
      cause,
      text,
      data,
    });
  }

  /** Journals an event whose id is the next one: hash, memory, observers. */
  private append(e: TraceEvent): number {
    const w = this.world;
    w.traceLength += 1;
    hashTraceEvent(w.hash, e);
    this.trace.push(e);
    for (const o of this.observers) o(e);
    return e.id;
  }

  /** The id of the newest trace event. */
  traceLength(): number {
    return this.world.traceLength;
  }

  traceHash(): string {
    return hashHex(this.world.hash);
  }

  /** The trace event with id `id`, if it is still in memory. */
  traceEvent(id: number): TraceEvent | undefined {
    const first = this.trace.length > 0 ? this.trace[0].id : 1;
    return this.trace[id - first];
  }

  // ---------------------------------------------------------------- actors

  actor(id: string): ActorRecord {
    const a = Object.hasOwn(this.world.actors, id) ? this.world.actors[id] : undefined;
    if (!a) throw new RangeError(`no actor "${id}"`);
    return a;
  }

  hasActor(id: string): boolean {
    return Object.hasOwn(this.world.actors, id);
  }

  kindOf(actor: ActorRecord): ActorKind {
    const k = this.registry.kinds[actor.kind];
    invariant(k, `actor ${actor.id} has unregistered kind ${actor.kind}`);
    return k;
  }

  spawn(id: string, kind: string, config: Record<string, unknown> = {}): ActorRecord {
    if (Object.hasOwn(this.world.actors, id)) throw new RangeError(`actor "${id}" already exists`);
    const k = this.registry.kinds[kind];
    if (!k) throw new RangeError(`unknown actor kind "${kind}"`);
    const actor: ActorRecord = {
      id,
      kind,
      alive: true,
      incarnation: 0,
      snapshot: undefined,
      config,
      data: {},
      pausedUntilMs: 0,
    };
    this.world.actors[id] = actor;
    this.world.actorOrder.push(id);
    this.boot(actor, k);
    return actor;
  }

  private boot(actor: ActorRecord, kind: ActorKind): void {
    actor.data = kind.createData ? kind.createData(actor) : {};
    if (kind.machine) {
      const [snapshot, actions] = startMachine(
        kind.machine,
        kind.machineInput ? kind.machineInput(actor) : actor.config,
      );
      actor.snapshot = snapshot;
      this.runActions(actor, kind, actions);
    }
  }

  /** Hard kill: the actor stops at once; its timers and volatile state are gone. */
  crash(id: string, reason: string): void {
    const actor = this.actor(id);
    if (!actor.alive) return;
    actor.alive = false;
    actor.pausedUntilMs = 0;
    this.dropTimersOf(actor);
    this.record("fault", id, `${id} crashed: ${reason}`, { fault: "crash" });
    this.kindOf(actor).onCrash?.(this, actor);
  }

  /** Clean stop: like a crash for the engine (down, timers gone), but the kind is told it was orderly. */
  stop(id: string, reason: string): void {
    const actor = this.actor(id);
    if (!actor.alive) return;
    actor.alive = false;
    actor.pausedUntilMs = 0;
    this.dropTimersOf(actor);
    this.record("fault", id, `${id} stopped: ${reason}`, { fault: "stop" });
    this.kindOf(actor).onStop?.(this, actor);
  }

  /**
   * Stalls an actor for `forMs` (a long GC pause or a frozen VM): nothing it
   * would receive or fire is lost, it all waits until the stall ends.
   */
  pause(id: string, forMs: number, reason: string): void {
    const actor = this.actor(id);
    if (!actor.alive) return;
    actor.pausedUntilMs = Math.max(actor.pausedUntilMs, this.world.nowMs + forMs);
    this.record("fault", id, `${id} paused until ${actor.pausedUntilMs} ms: ${reason}`, {
      fault: "pause",
      untilMs: actor.pausedUntilMs,
    });
  }

  /** Starts a crashed actor again as a new incarnation. */
  restart(id: string, reason: string): void {
    const actor = this.actor(id);
    if (actor.alive) return;
    actor.alive = true;
    actor.incarnation += 1;
    this.record("fault", id, `${id} restarted: ${reason}`, {
      fault: "restart",
      incarnation: actor.incarnation,
    });
    const kind = this.kindOf(actor);
    this.boot(actor, kind);
    kind.onRestart?.(this, actor);
  }

  private dropTimersOf(actor: ActorRecord): void {
    const own = this.world.timers[actor.id];
    if (own !== undefined) this.world.staleTimers += own.size;
    delete this.world.timers[actor.id];
  }

  // ---------------------------------------------------------------- effects

  /** Sends `event` from `source` to `target` through the simulated network. */
  send(source: string, target: string, event: SimEvent): void {
    const w = this.world;
    const t = transmit(w.net, this.rng("net"), source, target, w.nowMs);
    const sendId = this.append(
      new SendTraceEvent(
        this.world.traceLength + 1,
        w.nowMs,
        source,
        this.currentCause,
        target,
        event.type,
        t.deliverAtMs,
      ),
    );
    const entry: DeliverEntry = {
      type: "deliver",
      time: t.deliverAtMs,
      seq: w.seq++,
      source,
      target,
      event,
      sentAtMs: w.nowMs,
      cause: sendId,
      lost: t.lost,
      lossReason: t.lossReason,
    };
    heapPush<QueueEntry>(w.queue, entry);
  }

  /** Arms timer `timerId` of `actorId`: `event` fires after `delayMs` unless cancelled. Same id replaces. */
  schedule(actorId: string, delayMs: number, event: SimEvent, timerId: TimerId): void {
    // Checked with an if: an invariant() call would build its message (numbers as text) on every timer.
    if (!(delayMs >= 0 && Number.isFinite(delayMs)))
      invariant(false, `timer ${timerId} of ${actorId} has a bad delay ${delayMs}`);
    const w = this.world;
    this.actor(actorId); // it must exist
    const entry: TimerEntry = {
      type: "timer",
      time: w.nowMs + delayMs,
      seq: w.seq++,
      target: actorId,
      event,
      timerId,
      cause: this.currentCause,
    };
    const own = (w.timers[actorId] ??= new Map());
    // One lookup, not has() then set(): the size stays the same when the id was armed already.
    const armed = own.size;
    own.set(timerId, entry.seq);
    if (own.size === armed) w.staleTimers++;
    heapPush<QueueEntry>(w.queue, entry);
    this.maybeSweepQueue();
  }

  cancel(actorId: string, timerId: TimerId): void {
    this.actor(actorId); // it must exist
    const own = this.world.timers[actorId];
    if (own !== undefined && own.delete(timerId)) this.world.staleTimers++;
  }

  /**
   * Drops dead timer entries once they make up most of the queue. The order
   * of events is (time, seq), a total order, so rebuilding the heap cannot
   * change what happens; it only keeps the heap small.
   */
  private maybeSweepQueue(): void {
    const w = this.world;
    if (w.staleTimers < 1024 || w.staleTimers * 2 < w.queue.length) return;
    const timers = w.timers;
    w.queue = w.queue.filter((e) => e.type !== "timer" || timers[e.target]?.get(e.timerId) === e.seq);
    heapify(w.queue);
    w.staleTimers = 0;
  }

  /** Hands `event` to an actor now: the data-plane handler first, then its machine. */
  dispatch(actorId: string, event: SimEvent): void {
    const actor = this.actor(actorId);
    if (!actor.alive) return;
    const kind = this.kindOf(actor);
    if (kind.onEvent && kind.onEvent(this, actor, event)) return;
    if (!kind.machine || !actor.snapshot) return;
    const before = actor.snapshot;
    const [after, actions] = stepMachine(kind.machine, before, event);
    if (after !== before) {
      actor.snapshot = after;
      const from = stateLabel(before.value);
      const to = stateLabel(after.value);
      if (from !== to) {
        this.record("state", actor.id, `${actor.id}: ${from} → ${to} (on ${humanEventName(event.type)})`, {
          from,
          to,
          on: event.type,
        });
      }
    }
    this.runActions(actor, kind, actions);
  }

  /** Carries out a machine's actions in order: exit, transition, then entry actions. */
  private runActions(actor: ActorRecord, kind: ActorKind, actions: readonly MachineAction[]): void {
    let auto = 0;
    for (const { type, params } of actions) {
      switch (type) {
        case "xstate.raise": {
          const p = params as { event: SimEvent; delay?: number; id?: string };
          // A raise without a delay was already applied inside the transition.
          if (typeof p.delay !== "number") break;
          this.schedule(actor.id, p.delay, p.event, p.id ?? `auto:${this.world.seq}:${auto++}`);
          break;
        }
        case "xstate.cancel": {
          this.cancel(actor.id, String((params as { sendId: string }).sendId));
          break;
        }
        case "send": {
          const p = params as { to: string; event: SimEvent };
          this.send(actor.id, p.to, p.event);
          break;
        }
        case "xstate.emit": {
          const e = (params as { event: SimEvent & { text?: string } }).event;
          this.record("emit", actor.id, typeof e.text === "string" ? e.text : `${actor.id} reported ${e.type}`, {
            ...e,
          });
          break;
        }
        case "xstate.spawnChild":
        case "xstate.sendTo":
        case "xstate.sendParent":
          throw new Error(`${actor.id}: action ${type} bypasses the engine; use a 'send' action instead`);
        default: {
          const effect = kind.effects?.[type];
          if (effect) effect(this, actor, (params ?? {}) as Record<string, unknown>);
          else if (!type.startsWith("xstate."))
            throw new Error(`${actor.id}: no effect registered for action "${type}"`);
        }
      }
    }
  }

  // ---------------------------------------------------------------- stepping

  /** The time of the next thing to process (a queue entry or an input), or Infinity. */
  nextTimeMs(): number {
    this.discardStaleHead();
    const head = heapPeek(this.world.queue);
    const input = this.inputs[this.world.inputCursor];
    const q = head ? head.time : Infinity;
    const i = input ? input.atMs : Infinity;
    return q <= i ? q : i;
  }

  private discardStaleHead(): void {
    const q = this.world.queue;
    for (;;) {
      const head = heapPeek(q);
      if (!head || head.type !== "timer" || this.world.timers[head.target]?.get(head.timerId) === head.seq) return;
      heapPop(q);
      if (this.world.staleTimers > 0) this.world.staleTimers--;
    }
  }

  /**
   * Processes the next queue entry or input. Queue entries come first at equal
   * times: an input at time t takes effect after everything already due at t.
   * Returns false when nothing is left.
   */
  step(): boolean {
    this.discardStaleHead();
    const w = this.world;
    const head = heapPeek(w.queue);
    const input = this.inputs[w.inputCursor];
    if (!head && !input) return false;
    if (head && (!input || head.time <= input.atMs)) {
      heapPop(w.queue);
      if (head.time < w.nowMs) invariant(false, `queue went back in time: ${head.time} < ${w.nowMs}`);
      w.nowMs = head.time;
      const target = w.actors[head.target];
      if (target !== undefined && target.alive && target.pausedUntilMs > head.time)
        this.postpone(head, target.pausedUntilMs);
      else if (head.type === "timer") this.fireTimer(head);
      else this.deliver(head);
    } else if (input) {
      invariant(input.atMs >= w.nowMs, `input at ${input.atMs} is in the past (now ${w.nowMs})`);
      w.nowMs = input.atMs;
      w.inputCursor += 1;
      this.applyInput(input);
    }
    this.currentCause = 0;
    return true;
  }

  /** Re-queues an entry for a stalled actor; order among postponed entries is kept (seq grows). */
  private postpone(entry: QueueEntry, untilMs: number): void {
    const moved = { ...entry, time: untilMs, seq: this.world.seq++ } as QueueEntry;
    if (moved.type === "timer") (this.world.timers[moved.target] ??= new Map()).set(moved.timerId, moved.seq);
    heapPush<QueueEntry>(this.world.queue, moved);
  }

  private fireTimer(entry: TimerEntry): void {
    this.world.timers[entry.target]?.delete(entry.timerId);
    this.currentCause = this.append(
      new TimerTraceEvent(this.world.traceLength + 1, this.world.nowMs, entry.target, entry.cause, entry.event.type),
    );
    this.dispatch(entry.target, entry.event);
  }

  private deliver(entry: DeliverEntry): void {
    const { source, target, event } = entry;
    const targetActor = Object.hasOwn(this.world.actors, target) ? this.world.actors[target] : undefined;
    let dropReason: string | undefined;
    if (entry.lost) dropReason = entry.lossReason ?? "lost";
    else if (this.world.net.blocked[linkKey(source, target)])
      dropReason = `the network between ${source} and ${target} was cut while it was in flight`;
    else if (!targetActor) dropReason = `${target} does not exist`;
    else if (!targetActor.alive) dropReason = `${target} is down`;
    if (dropReason !== undefined) {
      this.record(
        "drop",
        target,
        `${event.type} from ${source} to ${target} was lost: ${dropReason}`,
        { from: source, type: event.type },
        entry.cause,
      );
      // A process that died leaves a host whose kernel refuses the connection
      // at once; a partition or a lost packet gives no such signal.
      if (event.refusable === true && targetActor !== undefined && !targetActor.alive && !entry.lost) {
        this.currentCause = this.traceLength();
        this.send(target, source, {
          type: "ConnectionRefused",
          from: target,
          requestType: event.type,
          requestId: event.requestId,
          fetchSeq: event.fetchSeq,
        });
      }
      return;
    }
    const sent = this.traceEvent(entry.cause);
    this.currentCause = this.append(
      new DeliverTraceEvent(
        this.world.traceLength + 1,
        this.world.nowMs,
        target,
        entry.cause,
        source,
        event.type,
        sent instanceof SendTraceEvent ? sent : undefined,
      ),
    );
    this.dispatch(target, event);
  }

  /**
   * Applies an input at once, inside the current step. Only for inputs the
   * world itself derives (a scenario's conditional steps): they are not in
   * the input log because replaying the world derives them again.
   */
  applyNow(input: SimInput, source: InputEntry["source"]): void {
    const cause = this.currentCause;
    this.applyInput({ atMs: this.world.nowMs, input, source }, cause);
    this.currentCause = cause;
  }

  private applyInput(entry: InputEntry, cause = 0): void {
    const handler = this.registry.inputs[entry.input.type];
    if (!handler) throw new UnknownInputError(entry.input.type, Object.keys(this.registry.inputs).sort());
    this.currentCause = this.record(
      "input",
      "world",
      describeInput(entry, this.registry.describeInput?.[entry.input.type]),
      { ...entry.input, source: entry.source },
      cause,
    );
    handler(this, entry.input);
  }

  /**
   * Like runUntil, but leaves inputs due exactly at `tMs` unapplied: the world
   * as it is the instant before those actions (a narration pause that asks
   * "what happens next?" stops here). It is a prefix of the normal order,
   * since inputs at t always come after the queue events at t.
   */
  runUntilBeforeInputsAt(tMs: number): void {
    for (;;) {
      this.discardStaleHead();
      const head = heapPeek(this.world.queue);
      const input = this.inputs[this.world.inputCursor];
      const headTime = head ? head.time : Infinity;
      const inputFirst = input !== undefined && input.atMs < headTime;
      if (inputFirst ? input.atMs >= tMs : headTime > tMs) break;
      this.step();
    }
    if (tMs > this.world.nowMs) this.world.nowMs = tMs;
  }

  /** Runs every event due at or before `tMs`, then sets the clock to `tMs`. */
  runUntil(tMs: number): void {
    while (this.nextTimeMs() <= tMs) this.step();
    if (tMs > this.world.nowMs) this.world.nowMs = tMs;
  }
}

function describeInput(entry: InputEntry, describe?: (input: SimInput) => string): string {
  const who = entry.source === "user" ? "You" : "The scenario";
  if (describe) return `${who}: ${describe(entry.input)}`;
  const { type, ...rest } = entry.input;
  const args = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`)
    .join(" ");
  return `${who}: ${type}${args ? " " + args : ""}`;
}

export type { SimInput };
