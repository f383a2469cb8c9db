// The world: everything the simulation knows, as plain data that can be
// checkpointed. Behaviour (machines, handlers) lives in the registry, never
// in the world, so a checkpoint is data only.

import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import type { HashState } from "../core/hash.ts";
import type { PrngState } from "../core/prng.ts";
import type { NetworkState } from "../net/network.ts";
import type { Engine } from "./engine.ts";

/** An event delivered to an actor: a network message, a timer, or a direct injection. */
export interface SimEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A user or scenario action. Actions are timed inputs, never direct mutations of the world. */
export interface SimInput {
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface InputEntry {
  /** Virtual time (ms) at which the input takes effect. */
  readonly atMs: number;
  readonly input: SimInput;
  /** Who made it: shown in the trace and kept when a session is exported. */
  readonly source: "user" | "scenario";
}

export interface DeliverEntry {
  readonly type: "deliver";
  readonly time: number;
  readonly seq: number;
  readonly source: string;
  readonly target: string;
  readonly event: SimEvent;
  readonly sentAtMs: number;
  /** The trace id of the send. */
  readonly cause: number;
  /** Decided when sent, so a view can show the message fading out on its way. */
  readonly lost: boolean;
  readonly lossReason?: string;
}

/**
 * An actor's name for one of its timers. A number is an id of its own (`7` and `"7"` are two
 * timers): an actor with a single family of numbered timers (a request timeout per request id)
 * passes the number rather than building `req:${id}` on every arm and cancel.
 */
export type TimerId = string | number;

export interface TimerEntry {
  readonly type: "timer";
  readonly time: number;
  readonly seq: number;
  readonly target: string;
  readonly event: SimEvent;
  /** The actor's name for the timer: arming the same id again replaces it. */
  readonly timerId: TimerId;
  readonly cause: number;
}

export type QueueEntry = DeliverEntry | TimerEntry;

export interface ActorRecord {
  readonly id: string;
  readonly kind: string;
  /** False while crashed or stopped: it receives nothing and its timers are gone. */
  alive: boolean;
  /** Bumped on every restart, so timers of an earlier life never fire. */
  incarnation: number;
  /** The xstate snapshot; immutable, so checkpoints share it. */
  snapshot: AnyMachineSnapshot | undefined;
  /** What the actor was created with (config); used again on restart. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Plain data-plane state, owned by the actor's kind; cloned on checkpoint. */
  data: Record<string, unknown>;
  /** While the virtual clock is below this, the actor is stalled (a GC pause): events wait for it. */
  pausedUntilMs: number;
}

export interface WorldState {
  rootSeed: number;
  nowMs: number;
  /** The next queue insertion number. */
  seq: number;
  queue: QueueEntry[];
  /** Live timer key -> the seq of its queue entry. Entries not listed here are stale. */
  /**
   * The live timers: actor id → timer id → the seq of the queue entry that
   * fires it. A queue entry whose seq is not here was cancelled or replaced.
   * Two levels, so arming and cancelling build no combined key strings; the
   * inner level is a Map because many timer ids are unique (request ids), and
   * using each as an object key would intern it in V8's string table.
   */
  timers: Record<string, Map<TimerId, number>>;
  /**
   * Queue entries of timers since cancelled or re-armed, still in the heap.
   * Clients re-arm long timeouts on every request or poll, so without a
   * sweep the heap would fill with them (hundreds of thousands on a busy run).
   */
  staleTimers: number;
  rng: Record<string, PrngState>;
  net: NetworkState;
  actors: Record<string, ActorRecord>;
  /** Actor ids in creation order: iteration order for views and checks. */
  actorOrder: string[];
  /** How many entries of the branch's input log have been applied. */
  inputCursor: number;
  traceLength: number;
  hash: HashState;
  /** Shared, module-owned plain data (cluster metadata and the like). */
  data: Record<string, unknown>;
}

/** How one kind of actor behaves. Registered in code; the world only names the kind. */
export interface ActorKind {
  readonly kind: string;
  /** The control-plane statechart, if the actor has one. */
  readonly machine?: AnyStateMachine;
  /** The input the machine starts with, from the actor's config. */
  machineInput?(actor: ActorRecord): unknown;
  /**
   * Fresh data-plane state, on creation and on every restart. On a restart
   * `actor.data` still holds the state from before the crash, so a kind can
   * keep what survives a process death (a broker's log on disk).
   */
  createData?(actor: ActorRecord): Record<string, unknown>;
  /**
   * A copy of `data` for a checkpoint. Default: structuredClone. Kinds whose
   * data is made of immutable values (persistent logs) return a shallow copy
   * that shares them.
   */
  cloneData?(data: Record<string, unknown>): Record<string, unknown>;
  /**
   * Plain-code handling of an event before the machine sees it (the data
   * plane: appending records, serving fetches). Return true when consumed.
   */
  onEvent?(engine: Engine, actor: ActorRecord, event: SimEvent): boolean;
  /** Custom machine actions, by action type. */
  readonly effects?: Readonly<
    Record<string, (engine: Engine, actor: ActorRecord, params: Record<string, unknown>) => void>
  >;
  /** Called after a crash has been applied (the actor is already down). */
  onCrash?(engine: Engine, actor: ActorRecord): void;
  /** Called after a restart has been applied (machine and data are fresh). */
  onRestart?(engine: Engine, actor: ActorRecord): void;
  /** Called after a clean stop has been applied (the actor is already down). */
  onStop?(engine: Engine, actor: ActorRecord): void;
}

/** Applies one kind of input to the world, through the engine's API. */
export type InputHandler = (engine: Engine, input: SimInput) => void;
