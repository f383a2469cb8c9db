// The event log with "why?": the newest events a learner reads, repeats
// folded into one line with a count, and for a selected one its chain of
// causes in plain language, each step naming the setting that governed it.

import { useState } from "react";
import { formatTraceEvent } from "../engine/api.ts";
import { seekTo, selectEvent, setView, useSim } from "../store/simStore.ts";
import { formatClock } from "./format.ts";
import { condenseChain, recentEvents } from "./eventFilter.ts";

export function EventLog({ embedded = false }: { embedded?: boolean }) {
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const selectedId = useSim((s) => s.selectedEventId);
  const logDrops = useSim((s) => s.view.logDrops);
  const isCluster = sim.clusterModule !== null;
  const recent = recentEvents(sim.trace, {
    cluster: isCluster,
    drops: logDrops || !isCluster,
    limit: isCluster ? 40 : 14,
  });
  const selected = selectedId !== null && selectedId <= sim.trace.length ? sim.trace[selectedId - 1] : undefined;
  const chain = selected ? sim.why(selected.id) : [];
  const [everyStep, setEveryStep] = useState(false);
  const condensed = condenseChain(chain);
  const steps = everyStep ? chain.slice(0, 300).map((event) => ({ event, count: 1, skipped: 0 })) : condensed.steps;
  return (
    <section className={embedded ? "event-log embedded" : "panel event-log"} aria-label="Event log">
      <div className="event-log-head">
        {embedded ? null : <h2>Events</h2>}
        {isCluster ? (
          <label className="checkbox small">
            <input type="checkbox" checked={logDrops} onChange={(e) => setView({ logDrops: e.target.checked })} />
            show lost messages
          </label>
        ) : null}
      </div>
      {chain.length > 0 ? (
        <div className="why" role="region" aria-label="Why did this happen">
          <h3>
            Why? <span className="muted small">(newest first: each line happened because of the one below it)</span>
          </h3>
          <ol>
            {steps.map(({ event: e, count, skipped }, i) => (
              <li key={e.id} className={`kind-${e.kind}`}>
                {i === 0 ? "" : "because "}
                {e.text}
                {count > 1 ? <span className="repeat"> (×{count})</span> : null}{" "}
                <span className="event-time">({formatClock(e.time)})</span>
                {skipped > 0 ? (
                  <span className="muted small">
                    {" "}
                    · {skipped} message hop{skipped === 1 ? "" : "s"} and timer{skipped === 1 ? "" : "s"} in between
                  </span>
                ) : null}
              </li>
            ))}
          </ol>
          {condensed.hidden > 0 && !everyStep ? (
            <p className="muted small">… and {condensed.hidden} more causes before these.</p>
          ) : null}
          <label className="checkbox small">
            <input type="checkbox" checked={everyStep} onChange={(e) => setEveryStep(e.target.checked)} />
            show every step ({chain.length})
          </label>
          <div className="button-row">
            <button type="button" onClick={() => selected && seekTo(selected.time)}>
              Go to {selected ? formatClock(selected.time) : ""}
            </button>
            <button type="button" onClick={() => selectEvent(null)}>
              Close
            </button>
          </div>
        </div>
      ) : null}
      <ol className="events" reversed>
        {recent.map(({ event: e, count }) => (
          <li key={e.id} className={`event kind-${e.kind}${e.id === selectedId ? " selected" : ""}`}>
            <button
              type="button"
              onClick={() => selectEvent(e.id === selectedId ? null : e.id)}
              aria-label={`Why? ${e.text}${count > 1 ? ` (${count} times)` : ""}`}
              title={formatTraceEvent(e)}
            >
              <span className="event-time">{formatClock(e.time)}</span>
              <span className="event-text">
                {e.text}
                {count > 1 ? <span className="repeat"> ×{count}</span> : null}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
