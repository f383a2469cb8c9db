// Time travel: checkpoints, seek, and branches.
//
// A branch is an input log plus the checkpoints computed along it. `seek(t)`
// restores the latest checkpoint at or before t and re-steps to t; because
// the engine is deterministic, that gives exactly the world that running
// straight to t gives. Acting at a time before the branch's head starts a new
// branch that shares the past (inputs and checkpoints up to now) and drops
// the old future from itself; the old branch stays reachable by id.

import { invariant } from "../core/assert.ts";
import type { TraceEvent } from "../core/trace.ts";
import { cloneWorld, type Engine } from "./engine.ts";
import type { InputEntry, SimInput, WorldState } from "./types.ts";

export interface Checkpoint {
  readonly atMs: number;
  readonly world: WorldState;
  /** Trace events in memory when the checkpoint was taken (the journal is append-only). */
  readonly traceInMemory: number;
}

export interface Branch {
  readonly id: number;
  /** The branch it was forked from, or null for the first. */
  readonly parentId: number | null;
  /** Virtual time of the fork. */
  readonly forkAtMs: number;
  inputs: InputEntry[];
  checkpoints: Checkpoint[];
  /** The furthest virtual time computed on this branch. */
  headMs: number;
  /** The trace hash at headMs, once computed. */
  headHash: string;
}

export interface TimeTravelOptions {
  /** Virtual ms between checkpoints. */
  checkpointIntervalMs: number;
}

export class TimeTravel {
  readonly branches: Branch[] = [];
  private current: Branch;
  private nextCheckpointAtMs: number;
  private readonly engine: Engine;
  private readonly intervalMs: number;
  /** The trace from time 0, shared by checkpoints: a restore truncates it to a length. */
  private fullTrace: TraceEvent[];

  constructor(engine: Engine, initialInputs: InputEntry[], options: TimeTravelOptions) {
    invariant(options.checkpointIntervalMs > 0, "checkpointIntervalMs must be positive");
    this.engine = engine;
    this.intervalMs = options.checkpointIntervalMs;
    const inputs = sortInputs(initialInputs);
    this.current = {
      id: 1,
      parentId: null,
      forkAtMs: 0,
      inputs,
      checkpoints: [],
      headMs: 0,
      headHash: "",
    };
    this.branches.push(this.current);
    engine.inputs = inputs;
    this.fullTrace = engine.trace;
    this.takeCheckpoint();
    this.nextCheckpointAtMs = engine.nowMs + this.intervalMs;
  }

  get branch(): Branch {
    return this.current;
  }

  private takeCheckpoint(): void {
    const e = this.engine;
    this.current.checkpoints.push({
      atMs: e.nowMs,
      world: cloneWorld(e.world, e.registry.kinds),
      traceInMemory: e.trace.length,
    });
  }

  /**
   * Runs forward to `tMs`, taking checkpoints on the way. With
   * `beforeInputsAtT`, inputs due exactly at `tMs` stay unapplied.
   */
  runUntil(tMs: number, beforeInputsAtT = false): void {
    const e = this.engine;
    // One look at the queue per event: taking a checkpoint does not change it.
    let next = e.nextTimeMs();
    while (next < tMs) {
      if (next >= this.nextCheckpointAtMs) {
        this.takeCheckpoint();
        this.nextCheckpointAtMs = next + this.intervalMs;
      }
      e.step();
      next = e.nextTimeMs();
    }
    // Events exactly at tMs: no checkpoint in between, so partial states at t stay consistent.
    if (beforeInputsAtT) e.runUntilBeforeInputsAt(tMs);
    else e.runUntil(tMs);
    this.noteHead();
  }

  /** Processes exactly one event (or input). Returns false when nothing is left. */
  stepOne(): boolean {
    const e = this.engine;
    if (e.nextTimeMs() === Infinity) return false;
    if (e.nextTimeMs() >= this.nextCheckpointAtMs) {
      this.takeCheckpoint();
      this.nextCheckpointAtMs = e.nextTimeMs() + this.intervalMs;
    }
    e.step();
    this.noteHead();
    return true;
  }

  private noteHead(): void {
    const e = this.engine;
    if (e.nowMs >= this.current.headMs) {
      this.current.headMs = e.nowMs;
      this.current.headHash = e.traceHash();
    }
  }

  /** Moves the world to virtual time `tMs`, backwards or forwards. */
  seek(tMs: number): void {
    invariant(tMs >= 0, `cannot seek to a negative time (${tMs})`);
    const e = this.engine;
    if (tMs < e.nowMs) this.restoreAtOrBefore(tMs);
    this.runUntil(tMs);
  }

  private restoreAtOrBefore(tMs: number): void {
    const cps = this.current.checkpoints;
    let i = cps.length - 1;
    while (i > 0 && cps[i].atMs > tMs) i--;
    const cp = cps[i];
    // The journal is append-only, so the checkpoint's trace is a prefix of the full one.
    this.fullTrace.length = cp.traceInMemory;
    this.engine.restore(cloneWorld(cp.world, this.engine.registry.kinds), this.fullTrace);
    this.engine.inputs = this.current.inputs;
    this.nextCheckpointAtMs = cp.atMs + this.intervalMs;
    // Checkpoints after this one are still valid for this branch (same inputs),
    // but we will retake them as we go: drop them to keep one list in order.
    cps.length = i + 1;
  }

  /**
   * Adds an input at `atMs` (default: now). Acting before the branch's head
   * forks a new branch; the old one keeps its future. Returns the branch id.
   */
  act(input: SimInput, source: InputEntry["source"], atMs: number = this.engine.nowMs): number {
    const e = this.engine;
    invariant(atMs >= e.nowMs, `an input cannot be placed in the past (${atMs} < ${e.nowMs}); seek first`);
    if (e.nowMs < this.current.headMs) this.fork();
    const inputs = this.current.inputs;
    // Keep the log sorted by time; inputs at the same time keep the order they were made in.
    let at = inputs.length;
    while (at > e.world.inputCursor && inputs[at - 1].atMs > atMs) at--;
    inputs.splice(at, 0, { atMs, input, source });
    this.runUntil(e.nowMs);
    return this.current.id;
  }

  private fork(): void {
    const e = this.engine;
    const old = this.current;
    const branch: Branch = {
      id: this.branches.length + 1,
      parentId: old.id,
      forkAtMs: e.nowMs,
      // Applied inputs are shared history; unapplied ones belong to the old future.
      inputs: old.inputs.slice(0, e.world.inputCursor),
      checkpoints: old.checkpoints.filter((c) => c.atMs <= e.nowMs),
      headMs: e.nowMs,
      headHash: e.traceHash(),
    };
    this.branches.push(branch);
    this.current = branch;
    e.inputs = branch.inputs;
  }

  /** Makes another branch current, at the same virtual time where possible. */
  switchBranch(id: number): void {
    const target = this.branches.find((b) => b.id === id);
    if (!target) throw new RangeError(`no branch ${id}`);
    const tMs = Math.min(this.engine.nowMs, target.headMs);
    this.current = target;
    // Restore from the branch's own first checkpoint (time 0 is shared by all).
    const cp = target.checkpoints[0];
    this.fullTrace.length = cp.traceInMemory;
    this.engine.restore(cloneWorld(cp.world, this.engine.registry.kinds), this.fullTrace);
    this.engine.inputs = target.inputs;
    target.checkpoints.length = 1;
    this.nextCheckpointAtMs = cp.atMs + this.intervalMs;
    this.runUntil(tMs);
  }
}

function sortInputs(inputs: InputEntry[]): InputEntry[] {
  // A stable sort by time keeps same-time inputs in the order they were given.
  return inputs
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => a.entry.atMs - b.entry.atMs || a.i - b.i)
    .map((x) => x.entry);
}
