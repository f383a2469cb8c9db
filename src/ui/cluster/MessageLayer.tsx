import type { MessageInFlight, TraceEvent } from "../../engine/index.ts";
import type { Box } from "../layout/cluster.ts";
import {
  classifyMessage,
  FAMILY_COLOUR,
  messagePath,
  pathKindFor,
  minVisibleMsFor,
  pointOnPath,
  visibleMessages,
  visualProgress,
} from "../layout/messages.ts";

const MAX_DOTS = 160;
/** A busy link (a producer retrying hard) shows at most this many dots at once: the newest. */
const MAX_PER_LINK = 8;
/** Past this many dots, each link shows fewer and the dots shrink, so a big cluster stays readable. */
const CROWDED = 40;

/**
 * Messages in flight as dots. A dot's position is a pure function of the
 * playhead (and of the speed, which sets how long a message of a few ms stays
 * in view), so pause, slow motion and rewind are exact. Without motion (the
 * user's system asks for less, or the toggle is off) each dot rests at the
 * middle of its path.
 */
export function MessageLayer({
  trace,
  inFlight,
  boxes,
  nowMs,
  speed,
  showRoutine,
  animate,
}: {
  trace: readonly TraceEvent[];
  inFlight: readonly MessageInFlight[];
  boxes: Map<string, Box>;
  nowMs: number;
  speed: number;
  showRoutine: boolean;
  animate: boolean;
}) {
  const minVisible = minVisibleMsFor(speed);
  const dots = [];
  const all = visibleMessages(trace, inFlight, nowMs, minVisible);
  const perLink = new Map<string, number>();
  const shown = [];
  const crowded = all.length > CROWDED;
  const perLinkMax = crowded ? 3 : MAX_PER_LINK;
  const r = crowded ? 6.5 : 8;
  for (let i = all.length - 1; i >= 0; i--) {
    const m = all[i];
    const kind = classifyMessage(m.type);
    if (kind.family === "routine" && !showRoutine) continue;
    const link = `${m.source}>${m.target}|${kind.family}`;
    const n = perLink.get(link) ?? 0;
    if (n >= perLinkMax) continue;
    perLink.set(link, n + 1);
    shown.push({ m, kind });
  }
  for (const { m, kind } of shown.reverse()) {
    if (dots.length >= MAX_DOTS) break;
    const from = boxes.get(m.source);
    const to = boxes.get(m.target);
    if (!from || !to) continue;
    const t = animate ? visualProgress(m, nowMs, minVisible) : 0.5;
    if (t >= 1) continue;
    const at = pointOnPath(messagePath(from, to, pathKindFor(m.source, m.target)), t);
    const colour = FAMILY_COLOUR[kind.family];
    // A message that will be lost fades out over the second half of its way.
    const opacity = m.lost ? Math.max(0.2, 1 - t) : 1;
    dots.push(
      <g
        key={m.key}
        className="message"
        data-testid="message"
        data-type={m.type}
        transform={`translate(${at.x.toFixed(1)},${at.y.toFixed(1)})`}
        opacity={opacity}
      >
        <title>{`${m.type} from ${m.source} to ${m.target}${m.lost ? " (will be lost)" : ""}`}</title>
        <circle r={r} fill={kind.response ? "#fff" : colour} stroke={colour} strokeWidth={2} />
        <text
          className="message-letter"
          y={r * 0.44}
          style={{ fill: kind.response ? colour : "#fff", fontSize: `${r * 1.25}px` }}
        >
          {kind.letter}
        </text>
        {m.lost ? (
          <text className="message-lost" x={9} y={-6}>
            ✕
          </text>
        ) : null}
      </g>,
    );
  }
  return (
    <g className="messages" aria-hidden="true">
      {dots}
    </g>
  );
}
