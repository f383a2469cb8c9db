// The same scenario in the other controller mode or timing profile. A
// scenario is data, so switching is a rewrite of that data before it is
// validated: steps that only exist in one mode are translated to the closest
// event of the other mode (and said so), or dropped (and said so).

export type ControllerMode = "kraft" | "zookeeper";
export type ProfileName = "classroom" | "kafka-defaults";

export interface Variant {
  mode?: ControllerMode;
  profile?: ProfileName;
}

export interface VariantResult {
  scenario: unknown;
  /** What was changed, in plain language, one line each. */
  changes: string[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export const MODE_LABEL: Record<ControllerMode, string> = { kraft: "KRaft", zookeeper: "ZooKeeper" };
export const PROFILE_LABEL: Record<ProfileName, string> = {
  classroom: "Classroom",
  "kafka-defaults": "Kafka defaults",
};

export function modeOf(scenario: unknown): ControllerMode | null {
  if (!isObj(scenario) || !isObj(scenario.cluster)) return null;
  return scenario.cluster.mode === "zookeeper" ? "zookeeper" : "kraft";
}

export function profileOf(scenario: unknown): ProfileName {
  return isObj(scenario) && scenario.profile === "kafka-defaults" ? "kafka-defaults" : "classroom";
}

/** Node ids that exist only in one mode: KRaft controllers c1.., ZooKeeper servers zk1... */
const modeNode = (id: unknown, mode: ControllerMode) =>
  typeof id === "string" && (mode === "kraft" ? /^c\d+$/.test(id) : /^zk\d+$/.test(id));

function mentionsModeNode(input: Obj, mode: ControllerMode): boolean {
  for (const v of Object.values(input)) {
    if (modeNode(v, mode)) return true;
    if (Array.isArray(v) && v.some((x) => modeNode(x, mode) || (Array.isArray(x) && x.some((y) => modeNode(y, mode)))))
      return true;
  }
  return false;
}

/**
 * Rewrites a parsed scenario (not yet validated) for another controller mode
 * or timing profile. The input is never modified.
 */
export function applyVariant(raw: unknown, variant: Variant): VariantResult {
  if (!isObj(raw)) return { scenario: raw, changes: [] };
  const scenario: Obj = structuredClone(raw);
  const changes: string[] = [];
  const from = modeOf(scenario);

  if (variant.profile && variant.profile !== profileOf(scenario)) {
    scenario.profile = variant.profile;
    changes.push(
      `Timing profile: ${PROFILE_LABEL[variant.profile]} instead of ${PROFILE_LABEL[profileOf(raw)]}. The rules are the same; the timeouts differ, so things happen at other moments than the narration says.`,
    );
  }

  if (variant.mode && from && variant.mode !== from) {
    const to = variant.mode;
    const cluster = { ...(scenario.cluster as Obj), mode: to };
    scenario.cluster = cluster;
    changes.push(`Controller mode: ${MODE_LABEL[to]} instead of ${MODE_LABEL[from]}.`);
    const firstBroker = 1;
    const steps = Array.isArray(scenario.steps) ? (scenario.steps as unknown[]) : [];
    const kept: unknown[] = [];
    for (const step of steps) {
      if (!isObj(step) || !isObj(step.do)) {
        kept.push(step);
        continue;
      }
      const input = step.do;
      const at = `at ${(Number(step.atMs) / 1000).toFixed(1)} s`;
      if (input.type === "crashActiveController" && to === "zookeeper") {
        kept.push({ ...step, do: { type: "expireSession", broker: firstBroker } });
        changes.push(
          `${at}: "crash the active KRaft controller" became "expire broker ${firstBroker}'s ZooKeeper session" (broker ${firstBroker} starts as the controller in ZooKeeper mode): the closest ZooKeeper event that moves the controller.`,
        );
      } else if (input.type === "expireSession" && to === "kraft") {
        if (input.broker === firstBroker) {
          kept.push({ ...step, do: { type: "crashActiveController" } });
          changes.push(
            `${at}: "expire broker ${firstBroker}'s ZooKeeper session" (it held /controller) became "crash the active KRaft controller": the closest KRaft event that moves the controller.`,
          );
        } else {
          changes.push(
            `${at}: "expire broker ${String(input.broker)}'s session" was dropped: KRaft has no ZooKeeper sessions.`,
          );
        }
      } else if (mentionsModeNode(input, from)) {
        changes.push(
          `${at}: "${String(input.type)}" was dropped: it names a ${from === "kraft" ? "KRaft controller" : "ZooKeeper server"} that ${MODE_LABEL[to]} mode does not have.`,
        );
      } else kept.push(step);
    }
    scenario.steps = kept;
    const expectations = Array.isArray(scenario.expectations) ? (scenario.expectations as unknown[]) : [];
    const keptExpectations = expectations.filter(
      (e) => !(isObj(e) && (e.type === "activeController" || e.type === "traceText" || mentionsModeNode(e, from))),
    );
    const droppedExpectations = expectations.length - keptExpectations.length;
    if (droppedExpectations > 0) {
      changes.push(
        `${droppedExpectations} expectation(s) about the controller or the exact wording of the trace were dropped: they were written for ${MODE_LABEL[from]} mode.`,
      );
    }
    scenario.expectations = keptExpectations;
    if (steps.some((s) => isObj(s) && ("say" in s || "pause" in s)))
      changes.push(`The narration was written for ${MODE_LABEL[from]} mode and is kept as it was.`);
  }
  return { scenario, changes };
}

/** Lines saying how two sets of timings differ, by Kafka setting name, for the notice after a profile switch. */
export function describeTimingChanges(
  before: Readonly<Record<string, number>> | undefined,
  after: Readonly<Record<string, number>> | undefined,
  names: Readonly<Record<string, string>>,
): string[] {
  if (!before || !after) return [];
  const out: string[] = [];
  for (const [field, kafkaName] of Object.entries(names)) {
    const a = before[field];
    const b = after[field];
    if (typeof a === "number" && typeof b === "number" && a !== b) out.push(`${kafkaName} ${b} ms (was ${a} ms)`);
  }
  return out;
}

/** The timings worth naming after a profile switch, by their Kafka names. */
export const NOTABLE_TIMINGS: Record<string, string> = {
  brokerSessionTimeoutMs: "broker.session.timeout.ms",
  zookeeperSessionTimeoutMs: "zookeeper.session.timeout.ms",
  replicaLagTimeMaxMs: "replica.lag.time.max.ms",
  requestTimeoutMs: "request.timeout.ms",
  controllerQuorumFetchTimeoutMs: "controller.quorum.fetch.timeout.ms",
};
