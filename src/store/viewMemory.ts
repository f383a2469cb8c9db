// What the views derive from the simulation, computed at most once per store
// revision, plus the UI-side memory the engine does not keep: ghost records,
// timeline markers (kept per branch, so a rewind still shows the future it
// came from), lost records first seen, metric samples, and the throttled
// guarantee checks. Nothing here changes the simulation's outcome: the
// checker's memory is the only engine state it touches, through checkNow.

import type { ClusterView, LostRecord, Simulation, TraceEvent, Violation } from "../engine/index.ts";
import { freshReplicaMemory, observeReplica, type ReplicaMemory } from "./ghosts.ts";
import { freshScanState, markersFor, type Marker, type ScanState } from "./markers.ts";
import { RecentErrors, type RecentError } from "./recentErrors.ts";
export type { RecentError } from "./recentErrors.ts";
import { mostSlowed, observeSlowLinks, slowNodes, type SlowLinks, type SlowNode } from "./slowLinks.ts";

/** How many newest records per replica the cluster view asks for (the lanes show fewer). */
export const RECORDS_SHOWN = 48;
/** Wall time between two guarantee checks while playing. */
const CHECK_EVERY_WALL_MS = 250;
/** Virtual time between two metric samples. */
const SAMPLE_EVERY_MS = 100;
const MAX_SAMPLES = 3000;

export interface Checks {
  /** Virtual time of the check. */
  atMs: number;
  /** Guarantees broken right now. */
  violationsNow: readonly Violation[];
  /** Every violation seen since the last rewind. */
  violationsSeen: readonly Violation[];
  lost: readonly LostRecord[];
  deep: boolean;
}

export interface LossEntry {
  lost: LostRecord;
  /** Virtual time the UI first saw it lost (up to one check interval late). */
  firstSeenMs: number;
}

export interface MetricSample {
  t: number;
  underReplicated: number;
  offline: number;
  underMinIsr: number;
  produceErrors: number;
  acknowledged: number;
  isrShrinks: number;
  isrExpands: number;
}

interface BranchMemory {
  markers: Map<string, Marker>;
  scanned: number;
  scan: ScanState;
  /** Links slowed at the scanned point of the trace. */
  slow: SlowLinks;
  losses: Map<string, LossEntry>;
  samples: MetricSample[];
}

export interface Derived {
  revision: number;
  nowMs: number;
  cluster: ClusterView | null;
  /** Markers of the current branch, past and (remembered) future, by time. */
  markers: readonly Marker[];
  checks: Checks | null;
  losses: readonly LossEntry[];
  samples: readonly MetricSample[];
  /** Errors reported at a partition in the last second: "orders-0" → newest. */
  partitionErrors: ReadonlyMap<string, RecentError>;
  /** The newest error each producer reported: producer id → error. */
  producerErrors: ReadonlyMap<string, RecentError>;
  /** Errors a broker answered with in the last second: broker actor id → newest. */
  brokerErrors: ReadonlyMap<string, RecentError>;
  /** Nodes with slowed links now (slowLink until resetLinks): node id → peers and extra latency. */
  slowNodes: ReadonlyMap<string, SlowNode>;
  /** The nodes to flag as slow on the cluster view (those with the most slowed links). */
  slowFlagged: ReadonlySet<string>;
  replicaMemory(partitionKey: string, brokerId: number): ReplicaMemory | undefined;
}

interface SimMemory {
  sim: Simulation;
  lastRevision: number;
  lastNowMs: number;
  lastBranch: number;
  derived: Derived | null;
  replicas: Map<string, ReplicaMemory>;
  branches: Map<number, BranchMemory>;
  checks: Checks | null;
  lastCheckWallMs: number;
  lossIds: number;
  errors: RecentErrors;
}

let memory: SimMemory | null = null;

const freshBranch = (): BranchMemory => ({
  markers: new Map(),
  scanned: 0,
  scan: freshScanState(),
  slow: new Map(),
  losses: new Map(),
  samples: [],
});

function branchMemory(m: SimMemory): BranchMemory {
  const sim = m.sim;
  let b = m.branches.get(sim.branchId);
  if (!b) {
    b = freshBranch();
    const branch = sim.branches.find((x) => x.id === sim.branchId);
    const parent = branch && branch.parentId !== null ? m.branches.get(branch.parentId) : undefined;
    if (branch && parent) {
      // The shared past is the parent's; its future is not this branch's.
      for (const [k, mk] of parent.markers) if (mk.time < branch.forkAtMs) b.markers.set(k, mk);
      for (const [k, l] of parent.losses) if (l.firstSeenMs < branch.forkAtMs) b.losses.set(k, l);
      b.samples = parent.samples.filter((s) => s.t <= branch.forkAtMs);
    }
    m.branches.set(sim.branchId, b);
  }
  return b;
}

function scanTrace(b: BranchMemory, trace: readonly TraceEvent[]): void {
  if (trace.length < b.scanned) {
    // Rewound: rescan the (shorter) past from the start; remembered future markers stay.
    b.scanned = 0;
    b.scan = freshScanState();
    b.slow = new Map();
  }
  for (let i = b.scanned; i < trace.length; i++) {
    for (const mk of markersFor(trace[i], b.scan)) b.markers.set(mk.key, mk);
    observeSlowLinks(b.slow, trace[i]);
  }
  b.scanned = trace.length;
}

function sample(b: BranchMemory, cluster: ClusterView, nowMs: number): void {
  while (b.samples.length > 0 && b.samples[b.samples.length - 1].t > nowMs) b.samples.pop();
  const last = b.samples[b.samples.length - 1];
  if (last && nowMs - last.t < SAMPLE_EVERY_MS) return;
  let isrShrinks = 0;
  let isrExpands = 0;
  for (const mk of b.markers.values()) {
    if (mk.time > nowMs) continue;
    if (mk.kind === "isr-shrink") isrShrinks++;
    else if (mk.kind === "isr-expand") isrExpands++;
  }
  b.samples.push({
    t: nowMs,
    underReplicated: cluster.partitions.filter((p) => p.underReplicated).length,
    offline: cluster.partitions.filter((p) => p.offline).length,
    underMinIsr: cluster.partitions.filter((p) => p.underMinIsr).length,
    produceErrors: cluster.producers.reduce((n, p) => n + Object.values(p.errors).reduce((a, x) => a + x, 0), 0),
    acknowledged: cluster.producers.reduce((n, p) => n + p.acknowledged, 0),
    isrShrinks,
    isrExpands,
  });
  if (b.samples.length > MAX_SAMPLES) b.samples.splice(0, b.samples.length - MAX_SAMPLES);
}

const lossKey = (l: LostRecord) => `${l.producer}|${l.topic}|${l.partition}|${l.offset}|${l.value}`;

function runChecks(m: SimMemory, b: BranchMemory, deep: boolean): void {
  const sim = m.sim;
  const violationsNow = sim.checkNow(deep);
  const lost = sim.lostAcknowledgedRecords();
  m.checks = { atMs: sim.nowMs, violationsNow, violationsSeen: [...sim.violations], lost, deep };
  const fresh: LostRecord[] = [];
  for (const l of lost) {
    const k = lossKey(l);
    if (!b.losses.has(k)) {
      b.losses.set(k, { lost: l, firstSeenMs: sim.nowMs });
      fresh.push(l);
    }
  }
  if (fresh.length > 0) {
    const byPartition = new Map<string, number>();
    for (const l of fresh)
      byPartition.set(`${l.topic}-${l.partition}`, (byPartition.get(`${l.topic}-${l.partition}`) ?? 0) + 1);
    for (const [key, n] of byPartition) {
      const id = `loss-${++m.lossIds}`;
      b.markers.set(id, {
        key: id,
        eventId: 0,
        time: sim.nowMs,
        kind: "loss",
        subject: key,
        text: `${n} acknowledged record${n === 1 ? "" : "s"} of ${key} lost`,
      });
    }
  }
  m.lastCheckWallMs = performance.now();
}

/**
 * True when `shown` (a copy handed to the views) still equals `samples`:
 * samples are only pushed and popped at the end and cut at the start, each a
 * new object, so the length and both ends tell. Views memoise on the copy.
 */
function sameSamples(shown: readonly MetricSample[] | undefined, samples: readonly MetricSample[]): boolean {
  return (
    shown !== undefined &&
    shown.length === samples.length &&
    shown[0] === samples[0] &&
    shown[shown.length - 1] === samples[samples.length - 1]
  );
}

/** The derived view of `sim` at `revision`; computed once per revision. */
export function derive(sim: Simulation, revision: number, playing: boolean): Derived {
  if (!memory || memory.sim !== sim) {
    memory = {
      sim,
      lastRevision: -1,
      lastNowMs: 0,
      lastBranch: sim.branchId,
      derived: null,
      replicas: new Map(),
      branches: new Map(),
      checks: null,
      lastCheckWallMs: -Infinity,
      lossIds: 0,
      errors: new RecentErrors(),
    };
  }
  const m = memory;
  if (m.derived && m.lastRevision === revision) return m.derived;

  const rewound = sim.nowMs < m.lastNowMs || sim.branchId !== m.lastBranch;
  if (rewound) {
    m.replicas.clear();
    m.checks = null;
  }
  m.lastNowMs = sim.nowMs;
  m.lastBranch = sim.branchId;
  m.lastRevision = revision;

  const b = branchMemory(m);
  scanTrace(b, sim.trace);
  const cluster = sim.cluster(RECORDS_SHOWN);
  if (cluster) {
    for (const p of cluster.partitions) {
      const key = `${p.topic}-${p.partition}`;
      for (const r of p.replicaViews) {
        const id = `${key}|${r.brokerId}`;
        let mem = m.replicas.get(id);
        if (!mem) m.replicas.set(id, (mem = freshReplicaMemory()));
        observeReplica(mem, r.records, r.logEndOffset, r.logStartOffset, sim.nowMs, r.epochCache);
      }
    }
    const due = !m.checks || !playing || performance.now() - m.lastCheckWallMs >= CHECK_EVERY_WALL_MS;
    if (due) runChecks(m, b, !playing);
    sample(b, cluster, sim.nowMs);
  }
  const errors = cluster
    ? m.errors.at(sim.trace, sim.nowMs)
    : { partitions: new Map(), producers: new Map(), brokers: new Map() };
  const slow = slowNodes(b.slow);
  const prev = m.derived;
  const markers = [...b.markers.values()].sort((x, y) => x.time - y.time || x.eventId - y.eventId);
  m.derived = {
    revision,
    nowMs: sim.nowMs,
    cluster,
    markers,
    checks: m.checks,
    losses: [...b.losses.values()].sort((x, y) => x.firstSeenMs - y.firstSeenMs || x.lost.offset - y.lost.offset),
    samples: sameSamples(prev?.samples, b.samples) ? prev!.samples : b.samples.slice(),
    partitionErrors: errors.partitions,
    producerErrors: errors.producers,
    brokerErrors: errors.brokers,
    slowNodes: slow,
    slowFlagged: mostSlowed(slow),
    replicaMemory: (partitionKey, brokerId) => m.replicas.get(`${partitionKey}|${brokerId}`),
  };
  return m.derived;
}

/** The moment a loss happened: the first leader change of its partition after it was acknowledged. */
export function lossMoment(entry: LossEntry, markers: readonly Marker[]): Marker | null {
  const key = `${entry.lost.topic}-${entry.lost.partition}`;
  return (
    markers.find(
      (mk) =>
        mk.subject === key &&
        (mk.kind === "election" || mk.kind === "offline") &&
        mk.time >= entry.lost.ackedAtMs &&
        mk.time <= entry.firstSeenMs,
    ) ?? null
  );
}
