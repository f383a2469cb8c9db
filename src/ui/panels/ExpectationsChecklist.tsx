// The scenario's expectations as a checklist that fills in as the run goes.
// Each check runs the deep checker (tens of ms on a busy cluster), so it is
// done at most every 500 ms of wall time, only when the simulation moved since
// the last one, in idle time after a frame rather than inside one, and never
// for a scenario without expectations.

import { useEffect, useRef, useState } from "react";
import type { ExpectationVerdict, Simulation } from "../../engine/index.ts";
import { refreshKey, simStore, useSim } from "../../store/simStore.ts";
import { formatSeconds } from "../format.ts";
import { CHECKLIST_EVERY_MS, checklistRows } from "./checklist.ts";

interface Checked {
  sim: Simulation;
  atMs: number;
  verdicts: ExpectationVerdict[];
}

const MARK = { held: "✓", pending: "…", failed: "✗" } as const;
const SAY = { held: "holds", pending: "pending", failed: "failed" } as const;
/** While playing, look for a change about twice a second (30 frames), not every frame. */
const PLAYING_REFRESH_FRAMES = 30;
/** The longest an idle-time check may wait for the page to be idle. */
const IDLE_TIMEOUT_MS = 1000;

/** Runs `run` once the page is idle (or after `IDLE_TIMEOUT_MS`); returns a cancel. */
function whenIdle(run: () => void): () => void {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(run, 0);
  return () => clearTimeout(id);
}

export function ExpectationsChecklist() {
  const sim = useSim((s) => s.sim);
  const refresh = useSim((s) => refreshKey(s, 5, PLAYING_REFRESH_FRAMES));
  const hasExpectations = sim.scenario.expectations.length > 0;
  const [checked, setChecked] = useState<Checked | null>(null);
  const lastWall = useRef(-Infinity);
  const pending = useRef<(() => void) | null>(null);

  // A trailing throttle: a change checks at once (in idle time) if the last
  // check is 500 ms old, else when it is; changes in between share that one check.
  useEffect(() => {
    if (!hasExpectations || pending.current !== null) return;
    const wait = Math.max(0, lastWall.current + CHECKLIST_EVERY_MS - performance.now());
    let cancelIdle: (() => void) | null = null;
    const timer = setTimeout(() => {
      cancelIdle = whenIdle(() => {
        pending.current = null;
        lastWall.current = performance.now();
        // The simulation open when the check runs (another may have been loaded meanwhile).
        const now = simStore.getState().sim;
        if (now.scenario.expectations.length === 0) return;
        try {
          setChecked({ sim: now, atMs: now.nowMs, verdicts: now.checkExpectations() });
        } catch {
          // A check that cannot run now is retried at the next change.
        }
      });
    }, wait);
    pending.current = () => {
      clearTimeout(timer);
      cancelIdle?.();
    };
  }, [sim, refresh, hasExpectations]);

  useEffect(
    () => () => {
      pending.current?.();
      pending.current = null;
    },
    [],
  );

  if (!hasExpectations) return null;
  const current = checked && checked.sim === sim ? checked : null;
  const rows = current ? checklistRows(current.verdicts, current.atMs, sim.scenario.durationMs) : [];
  const held = rows.filter((r) => r.status === "held").length;
  const failed = rows.filter((r) => r.status === "failed").length;
  const allHeld = current !== null && held === rows.length;
  return (
    <section
      className="panel checklist"
      aria-label="Expectations"
      data-testid="checklist"
      data-all-held={allHeld ? "true" : "false"}
    >
      <h2>
        Expectations{" "}
        <span className="muted small">{current ? `checked at ${formatSeconds(current.atMs)}` : "checking…"}</span>
      </h2>
      <p className={`checklist-summary${allHeld ? " ok" : failed > 0 ? " bad" : ""}`}>
        {current
          ? allHeld
            ? `✓ All ${rows.length} hold`
            : `${held} of ${rows.length} hold${failed > 0 ? `, ${failed} failed` : ""}`
          : `${sim.scenario.expectations.length} to check`}
      </p>
      <ul className="checklist-list">
        {rows.map((r, i) => (
          <li key={i} className={`check ${r.status}`} data-testid="expectation" data-status={r.status}>
            <span className="check-mark" aria-hidden="true">
              {MARK[r.status]}
            </span>
            <span className="check-name">
              {r.name}
              <span className="visually-hidden">: {SAY[r.status]}.</span>
              {r.status !== "held" && r.detail ? <span className="check-detail"> {r.detail}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
