// The checker's guarantees, green or red, live (checked a few times a second
// while playing), and the acknowledged records that were lost, each linked to
// the moment it happened.

import { useState } from "react";
import { GUARANTEES } from "../../engine/api.ts";
import { explainEvent, seekTo, showOffsets, useRefreshedDerived } from "../../store/simStore.ts";
import { lossMoment } from "../../store/viewMemory.ts";
import { formatAcks, formatSeconds } from "../format.ts";

export function GuaranteesPanel() {
  // The checks change at most 4 times a second: redrawn ~10 times a second while playing, exact when paused.
  const d = useRefreshedDerived(1);
  const nowMs = d.nowMs;
  const [open, setOpen] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const checks = d.checks;
  const losses = d.losses.filter((l) => l.firstSeenMs <= nowMs);
  const later = d.losses.length - losses.length;
  const unexplained = losses.filter((l) => !l.lost.explained).length;
  return (
    <section className="panel guarantees" aria-label="Guarantees" data-testid="guarantees">
      <h2>
        Guarantees{" "}
        <span className="muted small">{checks ? `checked at ${formatSeconds(checks.atMs)}` : "not checked yet"}</span>
      </h2>
      {(() => {
        const rows = GUARANTEES.map((g) => {
          const now = checks?.violationsNow.find((v) => v.guarantee === g);
          const seen = checks?.violationsSeen.find((v) => v.guarantee === g);
          return { g, now, seen, status: now ? "violated" : seen ? "was-violated" : "held" };
        });
        const broken = rows.filter((r) => r.status !== "held");
        const shown = showAll ? rows : broken;
        return (
          <>
            <p
              className={broken.length === 0 ? "guarantee-summary ok" : "guarantee-summary bad"}
              data-testid="guarantee-summary"
            >
              {broken.length === 0
                ? `✓ All ${rows.length} guarantees hold`
                : `✗ ${broken.length} of ${rows.length} broken${broken.some((r) => r.status === "violated") ? "" : " earlier"}`}{" "}
              <button
                type="button"
                className="linklike small"
                aria-expanded={showAll}
                onClick={() => setShowAll((x) => !x)}
              >
                {showAll ? "hide list" : "list them"}
              </button>
            </p>
            {shown.length > 0 ? (
              <ul className="guarantee-list">
                {shown.map(({ g, seen, status }) => (
                  <li key={g} className={`guarantee ${status}`} data-testid={`guarantee-${g}`} data-status={status}>
                    {seen ? (
                      <button
                        type="button"
                        onClick={() => seekTo(seen.atMs)}
                        title={`${seen.subject}: ${seen.detail}`}
                        aria-label={`${g}: ${status === "violated" ? "violated" : "was violated"} at ${formatSeconds(seen.atMs)}; go there`}
                      >
                        <span aria-hidden="true">✗</span> {g}
                      </button>
                    ) : (
                      <span title={`${g}: held at every check so far`}>
                        <span aria-hidden="true">✓</span> {g}
                        <span className="visually-hidden"> held</span>
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        );
      })()}
      <p className="lost-summary" data-testid="lost-summary" data-lost={losses.length}>
        {losses.length === 0 ? (
          <span>No acknowledged record lost{later > 0 ? ` (yet: ${later} later in this branch)` : ""}.</span>
        ) : (
          <button
            type="button"
            className="linklike danger-text"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
          >
            {losses.length} acknowledged record{losses.length === 1 ? "" : "s"} lost
            {unexplained > 0 ? ` (${unexplained} unexplained!)` : ""} {open ? "▾" : "▸"}
          </button>
        )}
      </p>
      {open && losses.length > 0 ? (
        <ol className="lost-list" aria-label="Lost acknowledged records">
          {losses.slice(0, 50).map((l) => {
            const moment = lossMoment(l, d.markers);
            return (
              <li key={`${l.lost.producer}-${l.lost.topic}-${l.lost.partition}-${l.lost.offset}-${l.lost.value}`}>
                <strong>{l.lost.value}</strong> at {l.lost.topic}-{l.lost.partition} offset {l.lost.offset} (acks=
                {formatAcks(l.lost.acks)}, acknowledged at {formatSeconds(l.lost.ackedAtMs)})
                <br />
                <span className="muted">{l.lost.cause}</span>{" "}
                <button
                  type="button"
                  className="linklike"
                  onClick={() => showOffsets(`${l.lost.topic}-${l.lost.partition}`, l.lost.offset - 2)}
                >
                  Show offset {l.lost.offset} in the lanes
                </button>
                <br />
                {moment ? (
                  <button
                    type="button"
                    className="linklike"
                    onClick={() => {
                      seekTo(moment.time);
                      showOffsets(`${l.lost.topic}-${l.lost.partition}`, l.lost.offset - 2);
                      if (moment.eventId > 0) explainEvent(moment.eventId);
                    }}
                  >
                    Go to the moment it was lost ({formatSeconds(moment.time)}: {moment.text})
                  </button>
                ) : (
                  <button
                    type="button"
                    className="linklike"
                    onClick={() => {
                      seekTo(l.firstSeenMs);
                      showOffsets(`${l.lost.topic}-${l.lost.partition}`, l.lost.offset - 2);
                    }}
                  >
                    Go to {formatSeconds(l.firstSeenMs)}, when it was found missing
                  </button>
                )}
              </li>
            );
          })}
          {losses.length > 50 ? <li className="muted">and {losses.length - 50} more</li> : null}
        </ol>
      ) : null}
    </section>
  );
}
