import { useState } from "react";
import type { MessageInFlight, TraceEvent } from "../../engine/index.ts";
import type { Box, ClientRoutes } from "../layout/cluster.ts";
import {
  clusterDots,
  FAMILY_COLOUR,
  kindOf,
  LinkPaths,
  mergeBusyLinks,
  mergeByLink,
  minVisibleMsFor,
  packProgress,
  pointOnPath,
  visibleMessages,
  visualProgress,
  type DotInput,
  type MessagePath,
  type DotKey,
  type MessageKind,
  type VisibleMessage,
} from "../layout/messages.ts";

const MAX_DOTS = 160;
/** Past this many messages the dots shrink and each link shows one dot per kind, so a big cluster stays readable. */
const CROWDED = 40;

interface Placed extends DotInput {
  key: number;
  m: VisibleMessage;
  kind: MessageKind;
  t: number;
  link: string;
  path: MessagePath;
  /** In a vertical gutter: the count goes above the dot, clear of the columns either side. */
  vertical: boolean;
}

/** Dots of one kind on one link past which they show as one dot with a count. */
const BUSY_LINK = 3;

/**
 * Messages in flight as dots. A dot's position is a pure function of the
 * playhead (and of the speed, which sets how long a message of a few ms stays
 * in view), so pause, slow motion and rewind are exact. Without motion (the
 * user's system asks for less, or the toggle is off) each dot rests at the
 * middle of its path. Dots of one kind that would overlap are drawn as one
 * with a count ("F ×6"): a busy pair of brokers stays one readable dot.
 */
export function MessageLayer({
  trace,
  inFlight,
  boxes,
  routes,
  nowMs,
  speed,
  showRoutine,
  animate,
}: {
  trace: readonly TraceEvent[];
  inFlight: readonly MessageInFlight[];
  boxes: Map<string, Box>;
  routes: ClientRoutes;
  nowMs: number;
  speed: number;
  showRoutine: boolean;
  animate: boolean;
}) {
  const [paths] = useState(() => new LinkPaths());
  const minVisible = minVisibleMsFor(speed);
  const all = visibleMessages(trace, inFlight, nowMs, minVisible);
  const placed: Placed[] = [];
  const byKey = new Map<DotKey, Placed>();
  for (const m of all) {
    const kind = kindOf(m.type);
    if (kind.family === "routine" && !showRoutine) continue;
    const from = boxes.get(m.source);
    const to = boxes.get(m.target);
    if (!from || !to) continue;
    const t = animate ? visualProgress(m, nowMs, minVisible) : 0.5;
    if (t >= 1) continue;
    const { path, link } = paths.get(m.source, m.target, from, to, routes);
    const at = pointOnPath(path, t);
    const p: Placed = {
      key: m.id,
      x: at.x,
      y: at.y,
      group: m.lost ? kind.family + "|lost" : kind.family,
      m,
      kind,
      t,
      link,
      path,
      vertical: at.vertical,
    };
    placed.push(p);
    byKey.set(p.key, p);
  }
  // Overlapping dots of one kind merge; a crowded view first keeps one dot per link and kind, and so
  // does a busy link in any view (a producer retrying a dead leader: requests and refusals pile up
  // on one short path, and a row of half-overlapping dots reads as noise, not as "×6").
  const crowded = placed.length > CROWDED;
  const r = crowded ? 6.5 : 8;
  // A dot standing for a link's pack sits at the pack's middle, off the cards at the link's ends.
  const packed = new Map<DotKey, { t: number; vertical: boolean }>();
  const atPack = (dots: readonly DotInput[]): readonly DotInput[] => {
    for (const d of dots) {
      if ((d.count ?? 1) < 2 || !d.keys) continue;
      const t = packProgress(d.keys.map((k) => byKey.get(k)!.t));
      const at = pointOnPath(byKey.get(d.key)!.path, t);
      // Merged dots are fresh objects (mergeByLink): moving one moves no message's own dot.
      d.x = at.x;
      d.y = at.y;
      packed.set(d.key, { t, vertical: at.vertical });
    }
    return dots;
  };
  const clusters = crowded
    ? clusterDots(atPack(mergeByLink(placed)), r * 4)
    : clusterDots(atPack(mergeBusyLinks(placed, BUSY_LINK)), r * 2.2);
  const responses = (c: { keys: DotKey[] }) => c.keys.filter((k) => byKey.get(k)!.kind.response).length;
  const dots = clusters.slice(-MAX_DOTS).map((c) => {
    const first = byKey.get(c.key)!;
    const { m, kind, link } = first;
    const { t, vertical } = packed.get(c.key) ?? first;
    const back = responses(c);
    // A merged dot is hollow only when every message in it is a response.
    const hollow = back === c.count;
    const colour = FAMILY_COLOUR[kind.family];
    // A message that will be lost fades out over the second half of its way.
    const opacity = m.lost ? Math.max(0.2, 1 - t) : 1;
    const title =
      c.count > 1
        ? `${c.count} ${kind.label} messages here (${c.count - back} requests, ${back} responses), e.g. ${m.type} from ${m.source} to ${m.target}`
        : `${m.type} from ${m.source} to ${m.target}${m.lost ? " (will be lost)" : ""}`;
    return (
      <g
        // Stable while the dot stays: a crowded view's dot is its link's, else its oldest message's.
        key={crowded ? `${link}|${c.group}` : m.id}
        className="message"
        data-testid="message"
        data-type={m.type}
        data-count={c.count}
        transform={`translate(${c.x.toFixed(1)},${c.y.toFixed(1)})`}
        opacity={opacity}
      >
        <title>{title}</title>
        <circle r={r} fill={hollow ? "#fff" : colour} stroke={colour} strokeWidth={2} />
        <text
          className="message-letter"
          y={r * 0.44}
          style={{ fill: hollow ? colour : "#fff", fontSize: `${r * 1.25}px` }}
        >
          {kind.letter}
        </text>
        {c.count > 1 ? (
          <g
            className="message-count"
            transform={
              vertical
                ? `translate(${-(String(c.count).length * 6.5 + 10) / 2},${-r - 14})`
                : `translate(${r * 0.55},${-r * 1.7})`
            }
          >
            <rect width={String(c.count).length * 6.5 + 10} height={13} rx={6.5} style={{ stroke: colour }} />
            <text x={(String(c.count).length * 6.5 + 10) / 2} y={10} textAnchor="middle">
              ×{c.count}
            </text>
          </g>
        ) : null}
        {m.lost ? (
          // Struck through rather than a ✕ beside it: a ✕ sat on the count badge ("×3") and, with
          // several lost messages on one link (a producer still sending to a dead leader), read as noise.
          <line className="message-lost" x1={-r * 0.95} y1={r * 0.95} x2={r * 0.95} y2={-r * 0.95} />
        ) : null}
      </g>
    );
  });
  return (
    <g className="messages" aria-hidden="true">
      {dots}
    </g>
  );
}
