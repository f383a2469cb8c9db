// The scrubber over virtual time, and the branches made by acting in the past.

import { seekTo, switchBranch, useSim } from "../store/simStore.ts";
import { formatClock } from "./format.ts";

export function Timeline() {
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const head = Math.max(sim.nowMs, ...sim.branches.filter((b) => b.id === sim.branchId).map((b) => b.headMs));
  const markers = sim.trace.filter((e) => e.kind === "fault" || e.kind === "input").slice(-40);
  return (
    <section className="timeline" aria-label="Timeline">
      <label className="scrubber">
        <span className="visually-hidden">Playhead</span>
        <input
          type="range"
          min={0}
          max={Math.max(1, head)}
          step={1}
          value={sim.nowMs}
          aria-label="Playhead"
          aria-valuetext={formatClock(sim.nowMs)}
          onChange={(e) => seekTo(Number(e.target.value))}
        />
        <span className="markers" aria-hidden="true">
          {markers.map((m) => (
            <span
              key={m.id}
              className={`marker kind-${m.kind}`}
              style={{ left: `${(100 * m.time) / Math.max(1, head)}%` }}
              title={m.text}
            />
          ))}
        </span>
      </label>
      <div className="branches" role="group" aria-label="Branches">
        {sim.branches.map((b) => (
          <button key={b.id} type="button" aria-pressed={b.id === sim.branchId} onClick={() => switchBranch(b.id)}>
            {b.parentId === null ? "Original" : `Branch ${b.id} (from ${formatClock(b.forkAtMs)})`}
          </button>
        ))}
        {sim.nowMs < head ? (
          <span className="hint">Acting now starts a new branch; the old future stays here.</span>
        ) : null}
      </div>
    </section>
  );
}
