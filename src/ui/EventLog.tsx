// The event log with "why?": the newest events, and for a selected one its
// chain of causes in plain language.

import { formatTraceEvent, type TraceEvent } from "../engine/index.ts";
import { selectEvent, useSim } from "../store/simStore.ts";
import { formatClock } from "./format.ts";

const SHOWN = 14;

export function EventLog() {
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const selectedId = useSim((s) => s.selectedEventId);
  // Timer firings and sends are the bulk of the journal; the log shows what a learner reads.
  const interesting = (e: TraceEvent) => e.kind !== "send" && e.kind !== "timer";
  const recent: TraceEvent[] = [];
  for (let i = sim.trace.length - 1; i >= 0 && recent.length < SHOWN; i--) {
    if (interesting(sim.trace[i])) recent.push(sim.trace[i]);
  }
  const chain = selectedId !== null && selectedId <= sim.trace.length ? sim.why(selectedId) : [];
  return (
    <section className="panel event-log" aria-label="Event log">
      <h2>Events</h2>
      <ol className="events" reversed>
        {recent.map((e) => (
          <li key={e.id} className={`event kind-${e.kind}${e.id === selectedId ? " selected" : ""}`}>
            <button
              type="button"
              onClick={() => selectEvent(e.id === selectedId ? null : e.id)}
              aria-label={`Why? ${e.text}`}
              title={formatTraceEvent(e)}
            >
              <span className="event-time">{formatClock(e.time)}</span>
              <span className="event-text">{e.text}</span>
            </button>
          </li>
        ))}
      </ol>
      {chain.length > 0 ? (
        <div className="why" role="region" aria-label="Why did this happen">
          <h3>Why?</h3>
          <ol>
            {chain.map((e, i) => (
              <li key={e.id}>
                {i === 0 ? "" : "because "}
                {e.text} <span className="event-time">({formatClock(e.time)})</span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
