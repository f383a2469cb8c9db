import {
  SPEEDS,
  faster,
  reset,
  setSpeed,
  setView,
  slower,
  stepOnce,
  stepToNextEvent,
  togglePlay,
  useDerived,
  useSim,
} from "../store/simStore.ts";
import { formatClock, formatSpeed } from "./format.ts";
import { useReducedMotion } from "./useReducedMotion.ts";

export function Toolbar() {
  const playing = useSim((s) => s.playing);
  const speed = useSim((s) => s.speed);
  const lagging = useSim((s) => s.lagging);
  const sim = useSim((s) => s.sim);
  // The per-revision derived view, not sim.cluster(0): a fresh cluster view every frame cost ~1 ms under Boxing Day.
  const derived = useDerived();
  const view = useSim((s) => s.view);
  const reducedMotion = useReducedMotion();
  const cluster = sim.clusterModule !== null;
  const topics = derived.cluster?.controller.topics.map((t) => t.name).filter((n) => !n.startsWith("__")) ?? [];
  return (
    <div className="toolbar" role="toolbar" aria-label="Playback">
      <button type="button" className="primary" onClick={togglePlay} aria-keyshortcuts="Space">
        {playing ? "Pause" : "Play"}
      </button>
      <button type="button" onClick={stepOnce} aria-keyshortcuts=".">
        Step
      </button>
      {cluster ? (
        <button type="button" onClick={stepToNextEvent} aria-keyshortcuts=",">
          Next event
        </button>
      ) : null}
      <div className="speed" role="group" aria-label="Speed">
        <button type="button" onClick={slower} aria-label="Slower" aria-keyshortcuts="-">
          −
        </button>
        <label>
          <span className="visually-hidden">Speed</span>
          <select value={String(speed)} onChange={(e) => setSpeed(Number(e.target.value))} aria-label="Speed">
            {SPEEDS.map((s) => (
              <option key={s} value={String(s)}>
                {formatSpeed(s)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={faster} aria-label="Faster" aria-keyshortcuts="+">
          +
        </button>
      </div>
      <button type="button" onClick={reset} aria-keyshortcuts="r">
        Reset
      </button>
      <output className="clock" aria-label="Virtual time" data-testid="clock" data-now-ms={sim.nowMs}>
        t = {formatClock(sim.nowMs)}
      </output>
      {lagging && playing ? (
        <span className="lagging" role="status">
          busy: slower than {formatSpeed(speed)}
        </span>
      ) : null}
      {cluster ? (
        <div className="view-options" role="group" aria-label="View">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={view.controlTraffic}
              onChange={(e) => setView({ controlTraffic: e.target.checked })}
            />
            heartbeats &amp; metadata
          </label>
          <label className="checkbox" title={reducedMotion ? "Your system asks for reduced motion" : undefined}>
            <input
              type="checkbox"
              checked={view.animate && !reducedMotion}
              disabled={reducedMotion}
              onChange={(e) => setView({ animate: e.target.checked })}
            />
            moving dots
          </label>
          {topics.length > 1 ? (
            <label>
              Topic{" "}
              <select
                value={view.focusTopic ?? ""}
                onChange={(e) => setView({ focusTopic: e.target.value === "" ? null : e.target.value })}
              >
                <option value="">all</option>
                {topics.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
