// One vanilla zustand store for what the views need. The engine never
// imports it. Actions are plain module functions that call setState, so
// anything (keyboard handlers, the frame loop, e2e hooks) can call them.
//
// The Simulation object is mutable and large, so the store keeps a
// reference to it plus a `revision` number bumped after every change: views
// select `revision` to re-render and then read the simulation directly (or
// the per-revision derived view, see viewMemory.ts).

import { createStore } from "zustand/vanilla";
import { useStore } from "zustand";
import {
  ControllerModeNotLoaded,
  createSimulation,
  loadControllerMode,
  ScenarioError,
  type InputEntry,
  type ScenarioProblem,
  type Simulation,
  type TraceEvent,
} from "../engine/api.ts";
import { libraryText, LibraryTextNotLoaded, loadLibraryTexts, scenarioLibrary } from "../scenarios/library.ts";
import { parseScenarioText } from "../scenarios/parseText.ts";
import { decodeSessionLink, encodeSessionLink, sessionAsScenario, type Session } from "../scenarios/session.ts";
import {
  applyVariant,
  describeTimingChanges,
  modeOf,
  NOTABLE_TIMINGS,
  profileOf,
  type ControllerMode,
  type ProfileName,
  type Variant,
} from "./scenarioVariant.ts";
import { derive, type Derived } from "./viewMemory.ts";

export const SPEEDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 100] as const;

/** What the inspector shows. */
export type Selection =
  | { kind: "broker"; id: number }
  | { kind: "partition"; topic: string; partition: number }
  | { kind: "replica"; topic: string; partition: number; broker: number; offset?: number }
  | { kind: "producer"; id: string }
  | { kind: "controlNode"; id: string }
  | { kind: "consumer"; id: string }
  | { kind: "group"; groupId: string };

export type SideTab = "inspector" | "actions" | "controller" | "events";

export interface ViewOptions {
  /** Heartbeats, metadata fetches, Raft fetches and ZooKeeper pings as dots. */
  controlTraffic: boolean;
  /** Move the dots (off: they sit at the middle of their path). */
  animate: boolean;
  /** Show internal topics such as __consumer_offsets. */
  internalTopics: boolean;
  /** Only this topic's partitions, or all. */
  focusTopic: string | null;
  /** The event log also lists messages dropped. */
  logDrops: boolean;
  /** Partitions whose lanes show older offsets: partition key → first offset shown (else the newest). */
  offsetAnchors: Readonly<Record<string, number>>;
}

export interface SimState {
  sim: Simulation;
  scenarioId: string;
  /** Mode / profile the user switched to on this scenario. */
  variant: Variant;
  revision: number;
  playing: boolean;
  /** Virtual ms per wall ms. */
  speed: number;
  selectedEventId: number | null;
  selection: Selection | null;
  sideTab: SideTab;
  view: ViewOptions;
  /** True when the last frame ran out of its work budget and the clock fell behind. */
  lagging: boolean;
  /** Frames the frame loop advanced (bumped by `advanced()` only). */
  frames: number;
  /** Changes that are not the frame loop's (actions, seeks, loads, pause): bumped with `revision` by everything else. */
  edits: number;
  error: string | null;
  /** The problems of a bad scenario file or link, each with its path (shown as a list under `error`). */
  errorProblems: readonly ScenarioProblem[] | null;
  /** A plain-language notice (what a mode or profile switch changed). */
  notice: string[] | null;
}

/** A built-in scenario's value; throws LibraryTextNotLoaded while its text is not here yet. */
function libraryScenario(scenarioId: string): unknown {
  const entry = scenarioLibrary.find((e) => e.id === scenarioId) ?? scenarioLibrary[0];
  return parseScenarioText(libraryText(entry.id), entry.path);
}

/** A scenario loaded from a value rather than the library (tests, files, links), with the seed and inputs it came with. */
interface CustomScenario {
  raw: unknown;
  seed?: number;
  inputs?: InputEntry[];
}

/** Scenarios loaded from a value rather than the library, by id. */
const customScenarios = new Map<string, CustomScenario>();

function simFor(scenarioId: string, variant: Variant = {}): { sim: Simulation; changes: string[] } {
  const custom = customScenarios.get(scenarioId);
  const raw = custom ? custom.raw : libraryScenario(scenarioId);
  const { scenario, changes } = applyVariant(raw, variant);
  const options = custom ? { seed: custom.seed, inputs: custom.inputs } : {};
  return { sim: createSimulation(scenario, options), changes };
}

/** The error state for a failure: the message, and the problems by path when it is a ScenarioError. */
function errorState(e: unknown): Pick<SimState, "error" | "errorProblems"> {
  if (e instanceof ScenarioError) {
    const head = e.message.split("\n")[0].replace(/:$/, "");
    return { error: head.charAt(0).toUpperCase() + head.slice(1), errorProblems: e.problems };
  }
  return { error: e instanceof Error ? e.message : String(e), errorProblems: null };
}

/** The scenario the first page shows (its text is in the first page's JavaScript, see library.ts). */
const DEFAULT_SCENARIO_ID = scenarioLibrary.find((e) => e.id.startsWith("01-"))?.id ?? scenarioLibrary[0].id;

/** The first page shows a cluster; `?scenario=ID` in the address picks another. */
function initialScenarioId(): string {
  const fromUrl = typeof window !== "undefined" ? new URLSearchParams(window.location.search).get("scenario") : null;
  if (fromUrl && scenarioLibrary.some((e) => e.id === fromUrl)) return fromUrl;
  return DEFAULT_SCENARIO_ID;
}

/** The first scenario to show at once: the one asked for, or the default while the asked one's text or mode loads. */
function firstShown(): { scenarioId: string; sim: Simulation; pending: string | null } {
  const wanted = initialScenarioId();
  try {
    return { scenarioId: wanted, sim: simFor(wanted).sim, pending: null };
  } catch (e) {
    if (!(e instanceof ControllerModeNotLoaded || e instanceof LibraryTextNotLoaded)) throw e;
    return { scenarioId: DEFAULT_SCENARIO_ID, sim: simFor(DEFAULT_SCENARIO_ID).sim, pending: wanted };
  }
}

const first = firstShown();

const DEFAULT_VIEW: ViewOptions = {
  controlTraffic: false,
  animate: true,
  internalTopics: false,
  focusTopic: null,
  logDrops: false,
  offsetAnchors: {},
};

export const simStore = createStore<SimState>()(() => ({
  sim: first.sim,
  scenarioId: first.scenarioId,
  variant: {},
  revision: 0,
  playing: false,
  speed: 1,
  selectedEventId: null,
  selection: null,
  sideTab: "inspector",
  view: DEFAULT_VIEW,
  lagging: false,
  frames: 0,
  edits: 0,
  error: null,
  errorProblems: null,
  notice: null,
}));

export const useSim = <T>(selector: (s: SimState) => T): T => useStore(simStore, selector);

/** The derived view for the current revision (computed once per revision, shared by every view). */
export function useDerived(): Derived {
  const revision = useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const playing = useSim((s) => s.playing);
  return derive(sim, revision, playing);
}

export function currentDerived(): Derived {
  const s = simStore.getState();
  return derive(s.sim, s.revision, s.playing);
}

/** Frames between two refreshes of a view that may lag while playing (~10 per second at 60 fps). */
export const REFRESH_FRAMES = 6;

/**
 * When a view that may lag behind the playhead while playing (log lanes,
 * cards, text equivalents) should draw again: a number that changes at every
 * revision while paused, and while playing at every user change (`edits`)
 * and once every `every` frames, at the phase `slot` (views on different
 * slots refresh on different frames, so the work is spread out). Paused, a
 * view is always exact; playing, at most `every` frames old.
 */
export function refreshKey(s: SimState, slot: number, every: number = REFRESH_FRAMES): number {
  if (!s.playing) return -1 - s.revision;
  return s.edits + Math.floor((s.frames + (slot % every)) / every);
}

/** The derived view, re-rendering on `refreshKey(slot, every)` rather than on every revision. */
export function useRefreshedDerived(slot: number, every: number = REFRESH_FRAMES): Derived {
  useSim((s) => refreshKey(s, slot, every));
  const sim = useSim((s) => s.sim);
  const s = simStore.getState();
  return derive(sim, s.revision, s.playing);
}

const touched = (extra: Partial<SimState> = {}) =>
  simStore.setState((s) => ({ ...extra, revision: s.revision + 1, edits: s.edits + 1 }));

export const play = () => simStore.setState({ playing: true });
export const pause = () => touched({ playing: false });
export const togglePlay = () => touched({ playing: !simStore.getState().playing });

export function setSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed <= 0) return;
  simStore.setState({ speed });
}

export function faster(): void {
  const { speed } = simStore.getState();
  const next = SPEEDS.find((x) => x > speed);
  if (next) setSpeed(next);
}

export function slower(): void {
  const { speed } = simStore.getState();
  const next = [...SPEEDS].reverse().find((x) => x < speed);
  if (next) setSpeed(next);
}

/** One event forward (pauses first, so the step is visible). */
export function stepOnce(): void {
  const { sim } = simStore.getState();
  sim.step();
  touched({ playing: false });
}

/** Events a learner reads (not sends, deliveries or timers). */
export function isInteresting(kind: string): boolean {
  return kind !== "send" && kind !== "timer" && kind !== "deliver";
}

/** Steps until something a learner would read happens (a state change, a fault, a note), at most a few thousand events. */
export function stepToNextEvent(): void {
  const { sim } = simStore.getState();
  const from = sim.trace.length;
  for (let i = 0; i < 5000; i++) {
    if (!sim.step()) break;
    let found = false;
    for (let j = from; j < sim.trace.length; j++) if (isInteresting(sim.trace[j].kind)) found = true;
    if (found) break;
  }
  touched({ playing: false });
}

export function seekTo(tMs: number): void {
  const { sim } = simStore.getState();
  sim.seek(Math.max(0, Math.round(tMs)));
  touched();
}

/** Runs forward to `tMs` (e2e tests and "next beat"); never backwards. */
export function runTo(tMs: number): void {
  const { sim } = simStore.getState();
  if (tMs > sim.nowMs) sim.runUntil(tMs);
  touched();
}

/** Plays up to the next narration beat (the instant before a pause beat, so the question comes first). */
export function nextBeat(): void {
  const { sim } = simStore.getState();
  const beat = sim.narration().find((b) => b.atMs > sim.nowMs);
  if (!beat) return;
  if (beat.kind === "pause") sim.runToBefore(beat.atMs);
  else sim.runUntil(beat.atMs);
  touched({ playing: false });
}

/** What became of an action: applied, or why not; `report` is the cluster's own note on an admin request. */
export interface ActResult {
  ok: boolean;
  /** The admin note's text (done or refused), or the thrown error's message; null when neither. */
  report: string | null;
}

function apply(input: { type: string; [k: string]: unknown }): ActResult & { thrown?: unknown } {
  const { sim } = simStore.getState();
  const lastId = sim.trace.length > 0 ? sim.trace[sim.trace.length - 1].id : 0;
  try {
    sim.act(input);
  } catch (e) {
    return { ok: false, report: e instanceof Error ? e.message : String(e), thrown: e };
  }
  const admin = adminReportSince(sim.trace, lastId);
  return { ok: admin?.ok ?? true, report: admin?.text ?? null };
}

/**
 * Applies a user action now; acting after a rewind forks a new branch. False
 * when the engine threw, or when the cluster refused an admin request (it
 * records a note with `ok: false`, e.g. resetting the offsets of a group that
 * still has members): then the refusal's own text is the error shown.
 */
export function act(input: { type: string; [k: string]: unknown }): boolean {
  const r = apply(input);
  if (r.thrown !== undefined) touched(errorState(r.thrown));
  else touched({ error: r.ok ? null : r.report, errorProblems: null });
  return r.ok;
}

/** Like act(), for a form that shows the outcome itself: the result, and no banner. */
export function actInline(input: { type: string; [k: string]: unknown }): ActResult {
  const { ok, report } = apply(input);
  touched();
  return { ok, report };
}

/** The first admin note recorded after event `afterId` (a refusal first, if any), capitalised; or null. */
export function adminReportSince(trace: readonly TraceEvent[], afterId: number): { ok: boolean; text: string } | null {
  let i = trace.length;
  while (i > 0 && trace[i - 1].id > afterId) i--;
  let done: { ok: boolean; text: string } | null = null;
  for (; i < trace.length; i++) {
    const e = trace[i];
    const d = e.data as Record<string, unknown> | undefined;
    if (e.kind !== "note" || typeof d?.admin !== "string") continue;
    const text = e.text.charAt(0).toUpperCase() + e.text.slice(1);
    if (d.ok === false) return { ok: false, text };
    done ??= { ok: true, text };
  }
  return done;
}

export function switchBranch(id: number): void {
  simStore.getState().sim.switchBranch(id);
  touched();
}

/**
 * True when a scenario loaded, false when it did not (the error is shown and
 * what was open stays), or a promise of either when the scenario's controller
 * mode had to be loaded first (ZooKeeper mode is a separate chunk).
 */
export type LoadResult = boolean | Promise<boolean>;

/** Bumped by every load, so a load that waited for code gives way to any load started meanwhile. */
let loadsStarted = 0;

/** Loads a scenario (built-in or custom by id); see LoadResult. */
export function loadScenario(scenarioId: string, variant: Variant = {}): LoadResult {
  const ticket = ++loadsStarted;
  const before = simStore.getState().sim;
  try {
    const { sim, changes } = simFor(scenarioId, variant);
    const timings = describeTimingChanges(timingsOf(before), timingsOf(sim), NOTABLE_TIMINGS);
    const sameScenario = scenarioId === simStore.getState().scenarioId;
    const notice =
      changes.length > 0
        ? [...changes, ...(sameScenario && timings.length > 0 ? [`Now: ${timings.join("; ")}.`] : [])]
        : null;
    touched({
      sim,
      scenarioId,
      variant,
      playing: false,
      selectedEventId: null,
      selection: null,
      error: null,
      errorProblems: null,
      notice,
      view: { ...simStore.getState().view, focusTopic: null, offsetAnchors: {} },
    });
    return true;
  } catch (e) {
    const missing = codeToLoad(e);
    if (missing) return loadThenRetry(missing, ticket, () => loadScenario(scenarioId, variant));
    // Keep what the user had open; say what was wrong.
    touched(errorState(e));
    return false;
  }
}

/** What a load was missing that the page fetches on demand (a chunk), or null for a real error. */
function codeToLoad(e: unknown): { label: string; load: () => Promise<void> } | null {
  if (e instanceof ControllerModeNotLoaded)
    return { label: `${e.modeLabel} mode`, load: () => loadControllerMode(e.mode) };
  if (e instanceof LibraryTextNotLoaded) return { label: "the scenario", load: loadLibraryTexts };
  return null;
}

/** Loads the missing chunk, then retries the load unless another load started meanwhile. */
async function loadThenRetry(
  missing: { label: string; load: () => Promise<void> },
  ticket: number,
  retry: () => LoadResult,
): Promise<boolean> {
  simStore.setState({ notice: [`Loading ${missing.label}…`] });
  try {
    await missing.load();
  } catch (e) {
    // A failed chunk stays failed in this page (browsers cache a failed module fetch): say to reload.
    if (ticket === loadsStarted)
      touched({
        error: `Could not load ${missing.label}: the page could not fetch its code (${e instanceof Error ? e.message : String(e)}). Check the connection and reload the page; what was open stays as it was.`,
        notice: null,
      });
    return false;
  }
  if (ticket !== loadsStarted) return false;
  return retry();
}

/** Starts loading the library's texts and ZooKeeper mode when the page is idle, so opening them later is instant. */
export function preloadOnDemandCode(): void {
  // A failed preload is retried (and reported) when a scenario needs it.
  void loadLibraryTexts().catch(() => {});
  void loadControllerMode("zookeeper").catch(() => {});
}

/** Calls `then` with a load's outcome, now or when it settles. */
function afterLoad(result: LoadResult, then: (ok: boolean) => boolean): LoadResult {
  return typeof result === "boolean" ? then(result) : result.then(then);
}

let customIds = 0;

/** Loads a scenario given as a value (validated like any other; a bad one leaves what was open). */
export function loadScenarioValue(
  id: string,
  scenario: unknown,
  options: Omit<CustomScenario, "raw"> = {},
): LoadResult {
  // A fresh id per load, so a failed load never replaces the custom scenario that is open.
  const key = `${id}#${++customIds}`;
  customScenarios.set(key, { raw: scenario, ...options });
  return afterLoad(loadScenario(key), (ok) => {
    if (!ok) customScenarios.delete(key);
    return ok;
  });
}

/** Loads a scenario file's text (JSON or YAML); a bad file leaves what was open and lists its problems by path. */
export function loadScenarioFile(text: string, fileName: string): LoadResult {
  let raw: unknown;
  try {
    raw = parseScenarioText(text, fileName);
  } catch (e) {
    touched(errorState(e));
    return false;
  }
  return afterLoad(loadScenarioValue(`file:${fileName}`, raw), (ok) => {
    // Say which file it was (the scenario's own errors name only paths inside it).
    if (!ok) simStore.setState((s) => ({ error: `Could not open ${fileName}: ${s.error ?? "unknown error"}` }));
    return ok;
  });
}

/** The open session: its scenario, seed, the user's own actions and the playhead. */
export function currentSession(): Session {
  const { sim } = simStore.getState();
  return {
    scenario: sim.scenario,
    seed: sim.seed,
    inputs: sim.inputLog.filter((x) => x.source === "user"),
    playheadMs: sim.nowMs,
  };
}

/** The open session as a share-link payload ("s2.…"). */
export function sessionLinkPayload(): Promise<string> {
  return encodeSessionLink(currentSession());
}

/** The open session as a scenario file that replays what the user did. */
export function sessionScenarioFile(title?: string): Record<string, unknown> {
  return sessionAsScenario(currentSession(), title);
}

/**
 * Opens a share link's payload: the session's scenario with its seed and the
 * user's inputs, at its playhead. A bad or tampered link shows what is wrong
 * and leaves the open session as it was.
 */
export async function openSessionLink(payload: string): Promise<boolean> {
  let session: Session;
  try {
    session = await decodeSessionLink(payload);
  } catch (e) {
    touched(errorState(e));
    return false;
  }
  if (!(await loadScenarioValue("link", session.scenario, { seed: session.seed, inputs: session.inputs })))
    return false;
  const { sim } = simStore.getState();
  try {
    if (session.playheadMs > 0) sim.runUntil(session.playheadMs);
  } catch (e) {
    touched(errorState(e));
    return false;
  }
  touched();
  return true;
}

/** The resolved timings of a cluster simulation (for saying what a profile switch changed). */
function timingsOf(sim: Simulation): Record<string, number> | undefined {
  return sim.clusterModule?.ctx.spec.timings as unknown as Record<string, number> | undefined;
}

export function scenarioMode(): ControllerMode | null {
  return modeOf(simStore.getState().sim.scenario);
}

export function scenarioProfile(): ProfileName {
  return profileOf(simStore.getState().sim.scenario);
}

/** The same scenario in the other controller mode (from the start). */
export function switchMode(mode: ControllerMode): void {
  const s = simStore.getState();
  loadScenario(s.scenarioId, { ...s.variant, mode });
}

/** The same scenario with another timing profile (from the start). */
export function switchProfile(profile: ProfileName): void {
  const s = simStore.getState();
  loadScenario(s.scenarioId, { ...s.variant, profile });
}

export function reset(): void {
  const s = simStore.getState();
  loadScenario(s.scenarioId, s.variant);
}

export function selectEvent(id: number | null): void {
  simStore.setState({ selectedEventId: id });
}

/** Shows an event's "why?" chain in the event log. */
export function explainEvent(id: number): void {
  simStore.setState({ selectedEventId: id, sideTab: "events" });
}

export function select(selection: Selection | null): void {
  simStore.setState((s) => ({
    selection,
    sideTab: selection ? "inspector" : s.sideTab,
  }));
}

export function setSideTab(sideTab: SideTab): void {
  simStore.setState({ sideTab });
}

export function setView(patch: Partial<ViewOptions>): void {
  simStore.setState((s) => ({ view: { ...s.view, ...patch } }));
}

/** Shows a partition's lanes from `firstOffset` on (null: follow the newest records). */
export function showOffsets(partitionKey: string, firstOffset: number | null): void {
  simStore.setState((s) => {
    const anchors = { ...s.view.offsetAnchors };
    if (firstOffset === null) delete anchors[partitionKey];
    else anchors[partitionKey] = Math.max(0, Math.round(firstOffset));
    return { view: { ...s.view, offsetAnchors: anchors } };
  });
}

export function dismissError(): void {
  simStore.setState({ error: null, errorProblems: null });
}

export function dismissNotice(): void {
  simStore.setState({ notice: null });
}

/** Called by the frame loop after it advanced the engine. */
export function advanced(lagging: boolean): void {
  simStore.setState((s) => ({ lagging, revision: s.revision + 1, frames: s.frames + 1 }));
}

// A link to a scenario in ZooKeeper mode shows the default one until that
// mode's code is here. Last in the module: loading uses its module state.
if (first.pending) void loadScenario(first.pending);
