// The scenario's narration as a caption: the latest line said so far. A
// "pause" beat stops playback (the frame loop does that) and may ask the
// audience to predict what happens before revealing it. "Next" plays to the
// next beat.

import { useState } from "react";
import { currentBeat } from "./narrationBeat.ts";
import { nextBeat, useSim } from "../store/simStore.ts";

export function Narration() {
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const playing = useSim((s) => s.playing);
  const beats = sim.narration();
  const beat = currentBeat(beats, sim.nowMs);
  const hasNext = beats.some((b) => b.atMs > sim.nowMs);
  const [answered, setAnswered] = useState<{
    key: string;
    choice: number;
  } | null>(null);
  const next = hasNext ? (
    <button type="button" className="next-beat" onClick={nextBeat} aria-keyshortcuts="n">
      Next ▸
    </button>
  ) : null;
  if (!beat)
    return (
      <div className="caption muted">
        <p>
          {sim.scenario.description
            ? sim.scenario.description
            : playing
              ? `${sim.scenario.title} — running.`
              : "Press Play (or Space) to start the clock."}
        </p>
        {next}
      </div>
    );
  const key = `${beat.atMs}:${beat.text}`;
  const choice = answered?.key === key ? answered.choice : null;
  return (
    <div className="caption" role="status" aria-live="polite" data-testid="narration">
      <p>{beat.text}</p>
      {next}
      {beat.kind === "pause" && beat.choices ? (
        <div className="question" role="group" aria-label="Your prediction">
          {beat.choices.map((c, i) => (
            <button key={c} type="button" aria-pressed={choice === i} onClick={() => setAnswered({ key, choice: i })}>
              {c}
            </button>
          ))}
          {choice !== null ? (
            <p className={choice === beat.answer ? "verdict right" : "verdict wrong"}>
              {choice === beat.answer ? "Right. " : "Not quite. "}
              {beat.reveal ?? ""} Press Play to see it happen.
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
