// npm run bench: prints one line per figure, "name: value unit", so figures
// can be compared across versions. Figures that depend on the machine are
// also given as ratios to a bare baseline measured in the same run, since the
// machines are shared and drift by about 15% within minutes.
//
// Timings belong here, never in tests.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { heapPop, heapPush } from "../engine/core/heap.ts";
import { createSimulation } from "../engine/index.ts";
import { BOXING_DAY_SCENARIO, CLUSTER_BENCH_SCENARIO } from "./clusterBench.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void): number {
  gc();
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function print(name: string, value: number, unit: string, digits = 0): void {
  console.log(`${name}: ${value.toFixed(digits)} ${unit}`);
}

// A busy toy world: 12 nodes pinging every 20 ms for 60 s of virtual time.
const busyWorld = {
  version: 1,
  title: "bench",
  durationMs: 60_000,
  toy: {
    nodes: Array.from({ length: 12 }, (_, i) => `n${i + 1}`),
    pingIntervalMs: 20,
    pingTimeoutMs: 15,
  },
  network: { latencyMsMin: 1, latencyMsMax: 6, lossProbability: 0.01 },
  steps: [
    { atMs: 10_000, do: { type: "crash", node: "n3" } },
    {
      atMs: 20_000,
      do: {
        type: "partition",
        islands: [
          ["n1", "n2", "n4"],
          ["n5", "n6", "n7", "n8"],
        ],
      },
    },
    { atMs: 30_000, do: { type: "heal" } },
    { atMs: 40_000, do: { type: "restart", node: "n3" } },
  ],
};

function runBusy(checkpointIntervalMs: number) {
  const sim = createSimulation(busyWorld, { checkpointIntervalMs });
  sim.runUntil(busyWorld.durationMs);
  return sim;
}

// Bare baseline: the same number of push+pop pairs on the same heap, holding
// as many entries as the busy world does, with no engine work at all.
function bareQueue(pairs: number, hold: number): void {
  const heap: { time: number; seq: number }[] = [];
  let seq = 0;
  for (let i = 0; i < hold; i++) heapPush(heap, { time: i, seq: seq++ });
  for (let i = 0; i < pairs; i++) {
    const e = heapPop(heap)!;
    heapPush(heap, { time: e.time + 1 + (i % 7), seq: seq++ });
  }
}

const warm = runBusy(1000);
const events = warm.trace.length;
const hash = warm.traceHash();

const engineMs: number[] = [];
const bareMs: number[] = [];
for (let r = 0; r < RUNS; r++) {
  engineMs.push(time(() => runBusy(1000)));
  bareMs.push(time(() => bareQueue(events, 64)));
}
const eMs = median(engineMs);
const bMs = median(bareMs);
print("kernel.events_per_s", (events / eMs) * 1000, "events/s");
print("kernel.ns_per_event", (eMs * 1e6) / events, "ns");
print("kernel.sim_speed", busyWorld.durationMs / eMs, "x real time", 1);
print("kernel.overhead_vs_bare_queue", eMs / bMs, "x", 1);
print("kernel.busy_world_events", events, "events");

// Checkpoints: the same run with none to speak of, to isolate their cost.
const noCheckpointMs = median(Array.from({ length: RUNS }, () => time(() => runBusy(1e9))));
print("kernel.checkpoint_overhead", Math.max(0, (eMs / noCheckpointMs - 1) * 100), "% (1 per virtual s)", 1);

// Seek: from the end back to the middle, then forward to the end again.
const sim = runBusy(1000);
const seekBackMs = median(
  Array.from({ length: RUNS }, () =>
    time(() => {
      sim.seek(30_000);
      sim.seek(60_000);
    }),
  ),
);
if (sim.traceHash() !== hash) throw new Error("bench: seek changed the trace hash (determinism bug)");
print("kernel.seek_back_and_forth_ms", seekBackMs, "ms", 1);
const memory = process.memoryUsage();
print("kernel.heap_used_mb", memory.heapUsed / 1048576, "MB", 1);
console.log(`kernel.trace_hash: ${hash} (same every run)`);

// ---------------------------------------------------------------- the cluster (issue 3)
// package.json gives V8 a 64 MB young generation: the engine keeps every
// record and trace event, and with the default size most of a busy run went
// to copying survivors (about 20% of its time). Printed so figures stay comparable.
console.log(`bench.node_flags: ${process.execArgv.join(" ")}`);
// 60 simulated seconds, 3 brokers, 12 partitions, RF 3, acks=all, 10,000 records/s.
// Peak heap is sampled once per simulated second, after a full GC before the run.
function runClusterOnce(): { wallMs: number; peakHeapMb: number; records: number; hash: string } {
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const t0 = performance.now();
  const sim = createSimulation(CLUSTER_BENCH_SCENARIO, { checkpointIntervalMs: 1e12 });
  for (let t = 1000; t <= CLUSTER_BENCH_SCENARIO.durationMs; t += 1000) {
    sim.runUntil(t);
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  }
  const wallMs = performance.now() - t0;
  const records = sim.cluster()!.producers.reduce((n, p) => n + p.acknowledged, 0);
  return { wallMs, peakHeapMb: peak / 1048576, records, hash: sim.traceHash() };
}

const clusterRuns = Array.from({ length: Math.max(1, Math.min(RUNS, 3)) }, () => runClusterOnce());
const clusterWall = median(clusterRuns.map((r) => r.wallMs));
print("cluster.sim_to_wall_ratio", CLUSTER_BENCH_SCENARIO.durationMs / clusterWall, "x (target >= 100)", 1);
print("cluster.wall_ms", clusterWall, "ms", 0);
print("cluster.peak_heap_mb", Math.max(...clusterRuns.map((r) => r.peakHeapMb)), "MB", 1);
print("cluster.records_acknowledged", clusterRuns[0].records, "records");
if (new Set(clusterRuns.map((r) => r.hash)).size !== 1)
  throw new Error("bench: cluster runs gave different trace hashes");

// ---------------------------------------------------------------- Boxing Day (issue 4)
// Producers and two consumer groups on top of the cluster above. One run: it is long.
function runBoxingDayOnce(): { wallMs: number; peakHeapMb: number; produced: number; consumed: number } {
  gc();
  let peak = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const sim = createSimulation(BOXING_DAY_SCENARIO, { checkpointIntervalMs: 1e12 });
  for (let t = 1000; t <= BOXING_DAY_SCENARIO.durationMs; t += 1000) {
    sim.runUntil(t);
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  }
  const wallMs = performance.now() - t0;
  const view = sim.cluster()!;
  const produced = view.producers.reduce((n, p) => n + p.acknowledged, 0);
  const consumed = view.consumers.reduce((n, c) => n + c.recordsRead, 0);
  return { wallMs, peakHeapMb: peak / 1048576, produced, consumed };
}

if (process.env.BENCH_SKIP_BOXING_DAY !== "1") {
  const bd = runBoxingDayOnce();
  print("boxingday.sim_to_wall_ratio", BOXING_DAY_SCENARIO.durationMs / bd.wallMs, "x (target >= 100)", 2);
  print(
    "boxingday.records_per_s",
    ((bd.produced + bd.consumed) / bd.wallMs) * 1000,
    "records/s (produced + consumed per wall second)",
  );
  print("boxingday.peak_heap_mb", bd.peakHeapMb, "MB", 1);
  print("boxingday.records_produced", bd.produced, "records");
  print("boxingday.records_consumed", bd.consumed, "records");
  // The same workload's bare data work (floor/README.md), timed in this session.
  const floor = boxingDayFloor();
  print("boxingday.floor_ms", floor.medianMs, "ms (no protocol logic: records, messages and a heap only)");
  print("boxingday.floor_sim_to_wall_ratio", BOXING_DAY_SCENARIO.durationMs / floor.medianMs, "x", 1);
  print("boxingday.engine_vs_floor", bd.wallMs / floor.medianMs, "x the floor's time", 1);
}

function boxingDayFloor(): { medianMs: number } {
  const script = fileURLToPath(new URL("./floor/floor-events.mjs", import.meta.url));
  // The same heap settings as the engine gets, so the ratio compares like with like.
  const heapFlags = process.execArgv.filter((a) => a.startsWith("--max-semi-space-size"));
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", ...heapFlags, script, "--runs", "3", "--warmup", "1", "--json"],
    { encoding: "utf8" },
  );
  const result = JSON.parse(out) as { median: number; checksum: number };
  if (result.checksum !== 37_548_120_318) throw new Error("bench: the floor's checksum is wrong");
  return { medianMs: result.median };
}

// ---------------------------------------------------------------- the UI in headless Chromium (uiBench.ts)
if (process.env.BENCH_SKIP_UI !== "1") await (await import("./uiBench.ts")).runUiBench(print);
