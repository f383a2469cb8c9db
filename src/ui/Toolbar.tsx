import { SPEEDS, faster, reset, setSpeed, slower, stepOnce, togglePlay, useSim } from "../store/simStore.ts";
import { formatClock, formatSpeed } from "./format.ts";

export function Toolbar() {
  const playing = useSim((s) => s.playing);
  const speed = useSim((s) => s.speed);
  const lagging = useSim((s) => s.lagging);
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  return (
    <div className="toolbar" role="toolbar" aria-label="Playback">
      <button type="button" className="primary" onClick={togglePlay} aria-keyshortcuts="Space">
        {playing ? "Pause" : "Play"}
      </button>
      <button type="button" onClick={stepOnce} aria-keyshortcuts=".">
        Step
      </button>
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
          busy: virtual time runs slower than {formatSpeed(speed)}
        </span>
      ) : null}
    </div>
  );
}
