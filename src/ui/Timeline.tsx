// The scrubber over virtual time with markers (crashes, leader changes, ISR
// changes, lost records, your actions), and the branches made by acting in
// the past. Markers stay after a rewind: the future you came from is shown.

import { MARKER_LABEL, type MarkerKind } from "../store/markers.ts";
import { explainEvent, seekTo, switchBranch, useDerived, useSim } from "../store/simStore.ts";
import { formatClock, formatSeconds } from "./format.ts";

const SHAPE: Record<MarkerKind, string> = {
  crash: "▼",
  restart: "▲",
  fault: "◇",
  election: "★",
  offline: "✕",
  "isr-shrink": "−",
  "isr-expand": "+",
  controller: "♛",
  loss: "!",
  input: "●",
};

export function Timeline() {
  const d = useDerived();
  const sim = useSim((s) => s.sim);
  const head = Math.max(sim.nowMs, ...sim.branches.filter((b) => b.id === sim.branchId).map((b) => b.headMs));
  const span = Math.max(1, head);
  // The busiest markers last, so crashes and losses stay on top.
  const markers = d.markers.filter((m) => m.time <= span).slice(-120);
  const kinds = [...new Set(markers.map((m) => m.kind))];
  return (
    <section className="timeline" aria-label="Timeline">
      <div className="marker-row" data-testid="markers">
        {markers.map((m) => (
          <button
            key={m.key}
            type="button"
            tabIndex={-1}
            className={`marker kind-${m.kind}${m.time > sim.nowMs ? " future" : ""}`}
            style={{ left: `${(100 * m.time) / span}%` }}
            title={`${formatClock(m.time)} · ${MARKER_LABEL[m.kind]}: ${m.text}`}
            aria-label={`Go to ${formatClock(m.time)}: ${m.text}`}
            data-kind={m.kind}
            onClick={() => {
              seekTo(m.time);
              if (m.eventId > 0) explainEvent(m.eventId);
            }}
          >
            {SHAPE[m.kind]}
          </button>
        ))}
      </div>
      <label className="scrubber">
        <span className="visually-hidden">Playhead</span>
        <input
          type="range"
          min={0}
          max={span}
          step={1}
          value={sim.nowMs}
          aria-label="Playhead"
          aria-valuetext={formatClock(sim.nowMs)}
          onChange={(e) => seekTo(Number(e.target.value))}
        />
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
        <span className="marker-legend" aria-hidden="true">
          {kinds.map((k) => (
            <span key={k} className={`legend-item kind-${k}`}>
              <span className="marker-glyph">{SHAPE[k]}</span> {MARKER_LABEL[k]}
            </span>
          ))}
          <span className="legend-item muted">0 – {formatSeconds(span)}</span>
        </span>
      </div>
    </section>
  );
}
