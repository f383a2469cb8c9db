// The public simulation: a scenario, a seed, and the input log, stepped by
// the engine with time travel. The UI, the command line and the tests all
// drive this class; none of them touches the world directly.

import type { TraceEvent } from "./core/trace.ts";
import { causeChain } from "./core/trace.ts";
import { stateLabel } from "./machines/host.ts";
import { currentIslands } from "./net/network.ts";
import { checkExpectation, type ExpectationVerdict } from "./scenario/expectations.ts";
import { parseScenario } from "./scenario/load.ts";
import type { Scenario } from "./scenario/schema.ts";
import { toyNodeKind } from "./toy/toyKind.ts";
import { Engine, type EngineRegistry } from "./world/engine.ts";
import { kernelInputDescriptions, kernelInputs } from "./world/kernelInputs.ts";
import { TimeTravel, type Branch } from "./world/timeTravel.ts";
import type { DeliverEntry, InputEntry, SimInput } from "./world/types.ts";

export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Virtual ms between checkpoints for seek (default 1000). */
  checkpointIntervalMs?: number;
  /** Extra inputs (e.g. a user's recorded session) on top of the scenario's steps. */
  inputs?: InputEntry[];
}

export interface ActorView {
  id: string;
  kind: string;
  alive: boolean;
  incarnation: number;
  state: string;
  context: Readonly<Record<string, unknown>>;
}

export interface MessageInFlight {
  id: number;
  source: string;
  target: string;
  type: string;
  sentAtMs: number;
  deliverAtMs: number;
  lost: boolean;
}

export interface Narration {
  atMs: number;
  kind: "say" | "pause";
  text: string;
  choices?: string[];
  answer?: number;
  reveal?: string;
}

export function defaultRegistry(): EngineRegistry {
  return {
    kinds: { [toyNodeKind.kind]: toyNodeKind },
    inputs: { ...kernelInputs },
    describeInput: { ...kernelInputDescriptions },
  };
}

export class Simulation {
  readonly scenario: Scenario;
  readonly seed: number;
  private readonly engine: Engine;
  private readonly travel: TimeTravel;

  constructor(scenario: Scenario, options: SimulationOptions = {}) {
    this.scenario = scenario;
    this.seed = (options.seed ?? scenario.seed) >>> 0;
    this.engine = new Engine(defaultRegistry(), {
      seed: this.seed,
      network: scenario.network,
    });
    this.populate();
    const scripted: InputEntry[] = scenario.steps.flatMap((s) =>
      "do" in s
        ? [
            {
              atMs: s.atMs,
              input: s.do as SimInput,
              source: "scenario" as const,
            },
          ]
        : [],
    );
    this.travel = new TimeTravel(this.engine, [...scripted, ...(options.inputs ?? [])], {
      checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
    });
  }

  private populate(): void {
    const toy = this.scenario.toy;
    if (toy) {
      for (const id of toy.nodes) {
        this.engine.spawn(id, "toy-node", {
          id,
          peers: toy.nodes.filter((n) => n !== id),
          pingIntervalMs: toy.pingIntervalMs,
          pingTimeoutMs: toy.pingTimeoutMs,
        });
      }
    }
  }

  // ------------------------------------------------------------ time

  get nowMs(): number {
    return this.engine.nowMs;
  }

  /** Processes one event. Returns false when nothing is left to happen. */
  step(): boolean {
    return this.travel.stepOne();
  }

  /** The virtual time of the next event, or Infinity. */
  nextEventAtMs(): number {
    return this.engine.nextTimeMs();
  }

  runUntil(tMs: number): void {
    this.travel.runUntil(tMs);
  }

  runFor(ms: number): void {
    this.travel.runUntil(this.engine.nowMs + ms);
  }

  seek(tMs: number): void {
    this.travel.seek(tMs);
  }

  /** Runs to `tMs` but stops before the inputs due exactly then (a narration pause). */
  runToBefore(tMs: number): void {
    this.travel.runUntil(tMs, true);
  }

  // ------------------------------------------------------------ acting

  /** Applies a user action now (or at `atMs`); acting in the past forks a branch. Returns the branch id. */
  act(input: SimInput, atMs?: number): number {
    if (!this.engine.registry.inputs[input.type]) {
      throw new RangeError(
        `unknown action "${input.type}"; known: ${Object.keys(this.engine.registry.inputs).sort().join(", ")}`,
      );
    }
    return this.travel.act(input, "user", atMs);
  }

  get branchId(): number {
    return this.travel.branch.id;
  }

  get branches(): readonly Branch[] {
    return this.travel.branches;
  }

  switchBranch(id: number): void {
    this.travel.switchBranch(id);
  }

  /** The current branch's input log (scenario steps and user actions). */
  get inputLog(): readonly InputEntry[] {
    return this.travel.branch.inputs;
  }

  // ------------------------------------------------------------ reading

  traceHash(): string {
    return this.engine.traceHash();
  }

  get trace(): readonly TraceEvent[] {
    return this.engine.trace;
  }

  why(eventId: number): TraceEvent[] {
    return causeChain(this.engine.trace, eventId);
  }

  actors(): ActorView[] {
    const w = this.engine.world;
    return w.actorOrder.map((id) => {
      const a = w.actors[id];
      return {
        id,
        kind: a.kind,
        alive: a.alive,
        incarnation: a.incarnation,
        state: a.alive ? stateLabel(a.snapshot?.value) : "down",
        context: (a.snapshot?.context ?? {}) as Record<string, unknown>,
      };
    });
  }

  actorState(id: string): string | undefined {
    const a = this.engine.world.actors[id];
    if (!a || !a.alive) return undefined;
    return stateLabel(a.snapshot?.value);
  }

  messagesInFlight(): MessageInFlight[] {
    const out: MessageInFlight[] = [];
    for (const q of this.engine.world.queue) {
      if (q.type !== "deliver") continue;
      const d = q as DeliverEntry;
      out.push({
        id: d.seq,
        source: d.source,
        target: d.target,
        type: d.event.type,
        sentAtMs: d.sentAtMs,
        deliverAtMs: d.time,
        lost: d.lost,
      });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  islands(): string[][] {
    return currentIslands(this.engine.world.net, this.engine.world.actorOrder);
  }

  narration(): Narration[] {
    return this.scenario.steps.flatMap((s): Narration[] => {
      if ("say" in s) return [{ atMs: s.atMs, kind: "say", text: s.say }];
      if ("pause" in s)
        return [
          {
            atMs: s.atMs,
            kind: "pause",
            text: s.pause,
            choices: s.choices,
            answer: s.answer,
            reveal: s.reveal,
          },
        ];
      return [];
    });
  }

  checkExpectations(): ExpectationVerdict[] {
    const view = {
      trace: this.engine.trace,
      actorState: (id: string) => this.actorState(id),
    };
    return this.scenario.expectations.map((e) => checkExpectation(e, view));
  }
}

/** Validates `scenario` (throws ScenarioError listing every problem) and builds a simulation. */
export function createSimulation(scenario: unknown, options: SimulationOptions = {}): Simulation {
  return new Simulation(parseScenario(scenario), options);
}
