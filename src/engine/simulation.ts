// The public simulation: a scenario, a seed, and the input log, stepped by
// the engine with time travel. The UI, the command line and the tests all
// drive this class; none of them touches the world directly.

import type { TraceEvent } from "./core/trace.ts";
import { causeChain } from "./core/trace.ts";
import { stateLabel } from "./machines/host.ts";
import { currentIslands } from "./net/network.ts";
import { checkExpectation, type ExpectationVerdict } from "./scenario/expectations.ts";
import {
  checkGuarantees,
  freshCheckerMemory,
  lostAcknowledgedRecords,
  type CheckerMemory,
  type LostRecord,
  type Violation,
} from "./kafka/checker.ts";
import { createClusterModule, extendRegistry, type ClusterModule } from "./kafka/cluster.ts";
import type { ControlPlaneFactory } from "./kafka/controlPlane.ts";
import { ControllerModeNotLoaded, controlPlaneFor, loadControllerMode } from "./kafka/controlPlanes.ts";
import { resolveClusterSpec, resolveLoadGenerators } from "./kafka/resolveSpec.ts";
import type { ControllerMode } from "./kafka/spec.ts";
import { clusterView, type ClusterView } from "./kafka/views.ts";
import { consumerViews, createGroupsExtension, groupViews } from "./kafka/groups/index.ts";
import { createProducerExtension } from "./kafka/producer/index.ts";
import type { ClusterExtensionFactory } from "./kafka/extension.ts";
import { parseScenario } from "./scenario/load.ts";
import { problemsFromZod, ScenarioError } from "./scenario/errors.ts";
import { inputSchema, type Scenario } from "./scenario/schema.ts";
import { toyNodeKind } from "./toy/toyKind.ts";
import {
  DIRECTOR_ID,
  DIRECTOR_KIND,
  createDirectorKind,
  startDirector,
  type DirectorData,
} from "./scenario/director.ts";
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
  /** Run the cluster checker after every event and keep its violations (tests; "invariantsHold"). */
  checkEveryStep?: boolean;
  /** Override the controller mode's implementation (tests). */
  controlPlanes?: Partial<Record<ControllerMode, ControlPlaneFactory>>;
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
  /** The cluster, when the scenario has one. */
  readonly clusterModule: ClusterModule | null;
  private checkerMemory: CheckerMemory = freshCheckerMemory();
  private readonly checkEveryStep: boolean;
  private violationsSeen: Violation[] = [];
  private checkedUpToMs = -1;

  constructor(scenario: Scenario, options: SimulationOptions = {}) {
    this.scenario = scenario;
    this.seed = (options.seed ?? scenario.seed) >>> 0;
    const spec = resolveClusterSpec(scenario);
    const controlPlane = spec ? (options.controlPlanes?.[spec.mode] ?? controlPlaneFor(spec.mode)) : undefined;
    if (spec && !controlPlane) throw new ControllerModeNotLoaded(spec.mode);
    this.clusterModule = spec && controlPlane ? createClusterModule(spec, controlPlane, extensionsFor(scenario)) : null;
    const base = this.clusterModule ? extendRegistry(defaultRegistry(), this.clusterModule) : defaultRegistry();
    const module = this.clusterModule;
    const registry = {
      ...base,
      kinds: { ...base.kinds, [DIRECTOR_KIND]: createDirectorKind(() => module?.ctx ?? null) },
    };
    this.engine = new Engine(registry, { seed: this.seed, network: scenario.network });
    this.checkEveryStep = options.checkEveryStep ?? scenario.expectations.some((e) => e.type === "invariantsHold");
    this.populate();
    const scripted: InputEntry[] = scenario.steps.flatMap((s) =>
      "atMs" in s && "do" in s && s.do !== undefined
        ? [{ atMs: s.atMs, input: s.do as SimInput, source: "scenario" as const }]
        : [],
    );
    this.travel = new TimeTravel(this.engine, [...scripted, ...(options.inputs ?? [])], {
      checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
    });
  }

  private populate(): void {
    if (this.clusterModule) {
      const spec = this.clusterModule.ctx.spec;
      this.clusterModule.populate(this.engine, resolveLoadGenerators(this.scenario, spec));
    }
    const conditional = this.scenario.steps.flatMap((step, index) => ("when" in step ? [{ index, step }] : []));
    if (conditional.length > 0) startDirector(this.engine, conditional);
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
    const stepped = this.travel.stepOne();
    if (stepped && this.checkEveryStep) this.checkNow(false);
    return stepped;
  }

  /** The virtual time of the next event, or Infinity. */
  nextEventAtMs(): number {
    return this.engine.nextTimeMs();
  }

  runUntil(tMs: number): void {
    if (this.checkEveryStep && this.clusterModule) {
      while (this.engine.nextTimeMs() <= tMs) this.step();
    }
    this.travel.runUntil(tMs);
  }

  runFor(ms: number): void {
    this.runUntil(this.engine.nowMs + ms);
  }

  seek(tMs: number): void {
    if (tMs < this.engine.nowMs) this.forgetCheckerHistory();
    this.travel.seek(tMs);
  }

  private forgetCheckerHistory(): void {
    this.checkerMemory = freshCheckerMemory();
    this.violationsSeen = [];
    this.checkedUpToMs = -1;
  }

  /** Runs the cluster checker now and remembers new violations (deep: compare logs record by record). */
  checkNow(deep: boolean): Violation[] {
    if (!this.clusterModule) return [];
    const found = checkGuarantees(this.engine, this.clusterModule.ctx, this.checkerMemory, { deep });
    const known = new Set(this.violationsSeen.map((v) => `${v.guarantee}|${v.subject}|${v.detail}`));
    for (const v of found) if (!known.has(`${v.guarantee}|${v.subject}|${v.detail}`)) this.violationsSeen.push(v);
    this.checkedUpToMs = this.engine.nowMs;
    return found;
  }

  /** Every violation seen so far (with checkEveryStep, at every event). */
  get violations(): readonly Violation[] {
    return this.violationsSeen;
  }

  /** The time up to which the checker has run, or -1. */
  get checkedUntilMs(): number {
    return this.checkedUpToMs;
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
    // A user's action is checked like a scenario step: a form field or a link
    // cannot smuggle in what a scenario file could not (an id like "__proto__").
    const checked = inputSchema.safeParse(input);
    if (!checked.success) throw new ScenarioError(problemsFromZod(checked.error, input), "action");
    return this.travel.act(checked.data as SimInput, "user", atMs);
  }

  get branchId(): number {
    return this.travel.branch.id;
  }

  get branches(): readonly Branch[] {
    return this.travel.branches;
  }

  switchBranch(id: number): void {
    this.forgetCheckerHistory();
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
    return w.actorOrder
      .filter((id) => w.actors[id].kind !== DIRECTOR_KIND)
      .map((id) => {
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

  /** The narration beats: timed ones, and conditional ones once their condition has held (at that time). */
  narration(): Narration[] {
    const director = this.engine.world.actors[DIRECTOR_ID];
    const fired = director ? (director.data as DirectorData).fired : {};
    const beats: Narration[] = [];
    this.scenario.steps.forEach((s, index) => {
      const atMs = "atMs" in s ? s.atMs : fired[String(index)];
      if (atMs === undefined) return;
      const step = s as { say?: string; pause?: string; choices?: string[]; answer?: number; reveal?: string };
      if (step.say !== undefined) beats.push({ atMs, kind: "say", text: step.say });
      else if (step.pause !== undefined)
        beats.push({
          atMs,
          kind: "pause",
          text: step.pause,
          choices: step.choices,
          answer: step.answer,
          reveal: step.reveal,
        });
    });
    // Stable by time: conditional beats slot in where they happened.
    return beats
      .map((b, i) => ({ b, i }))
      .sort((x, y) => x.b.atMs - y.b.atMs || x.i - y.i)
      .map((x) => x.b);
  }

  /** The cluster as the views need it, or null for a toy scenario. */
  cluster(recordsShown?: number): ClusterView | null {
    return this.clusterModule ? clusterView(this.engine, this.clusterModule.ctx, recordsShown) : null;
  }

  lostAcknowledgedRecords(): LostRecord[] {
    return this.clusterModule
      ? lostAcknowledgedRecords(this.engine, this.clusterModule.ctx, undefined, this.checkerMemory)
      : [];
  }

  checkExpectations(): ExpectationVerdict[] {
    if (this.clusterModule) this.checkNow(true);
    const view = {
      trace: this.engine.trace,
      actorState: (id: string) => this.actorState(id),
      cluster: this.clusterModule
        ? {
            view: () => this.cluster() as ClusterView,
            groups: () => groupViews(this.engine, this.clusterModule!.ctx),
            consumers: () => consumerViews(this.engine, this.clusterModule!.ctx),
            engine: this.engine,
            ctx: this.clusterModule.ctx,
            lost: () => this.lostAcknowledgedRecords(),
            violations: () => this.violationsSeen,
          }
        : null,
    };
    return this.scenario.expectations.map((e) => checkExpectation(e, view));
  }
}

/** The client features a scenario uses: producer clients and consumer groups plug in only when needed. */
function extensionsFor(s: Scenario): ClusterExtensionFactory[] {
  const steps = s.steps.map((x) => ("do" in x && x.do ? x.do.type : ""));
  const usesProducers = s.producers.length > 0 || steps.includes("addProducer");
  const usesGroups =
    s.consumers.length > 0 ||
    steps.includes("addConsumer") ||
    s.producers.some((p) => p.config?.["transactional.id"] !== undefined);
  const out: ClusterExtensionFactory[] = [];
  if (usesGroups)
    out.push(createGroupsExtension({ profile: s.profile, consumers: s.consumers, coordinator: s.groupCoordinator }));
  if (usesProducers) out.push(createProducerExtension({ profile: s.profile, producers: s.producers }));
  return out;
}

/** Validates `scenario` (throws ScenarioError listing every problem) and builds a simulation. */
export function createSimulation(scenario: unknown, options: SimulationOptions = {}): Simulation {
  return new Simulation(parseScenario(scenario), options);
}

/** Like createSimulation, but first loads the scenario's controller mode when the page has not yet (see api.ts). */
export async function createSimulationLoadingModes(
  scenario: unknown,
  options: SimulationOptions = {},
): Promise<Simulation> {
  try {
    return createSimulation(scenario, options);
  } catch (e) {
    if (!(e instanceof ControllerModeNotLoaded)) throw e;
    await loadControllerMode(e.mode);
    return createSimulation(scenario, options);
  }
}
