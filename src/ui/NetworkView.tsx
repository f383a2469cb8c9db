// The toy network: nodes on a ring, messages in flight as dots whose position
// is a pure function of the playhead, so pause, slow motion and rewind are exact.

import { useMemo } from "react";
import { scaleOrdinal } from "d3";
import type { ActorView } from "../engine/index.ts";
import { useSim } from "../store/simStore.ts";
import { messagePosition, progressAt, ringPositions } from "./layout/ring.ts";

const WIDTH = 720;
const HEIGHT = 440;
// Message colours by type; the type is also written next to the dot, so colour is never the only signal.
const messageColour = scaleOrdinal<string, string>()
  .domain(["ping", "pong"])
  .range(["#1f6feb", "#b35900"])
  .unknown("#555");

export function NetworkView({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  useSim((s) => s.revision);
  const sim = useSim((s) => s.sim);
  const actors = sim.actors();
  const ids = actors.map((a) => a.id);
  const key = ids.join(",");
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const positions = useMemo(() => ringPositions(ids, WIDTH, HEIGHT, 75), [key]);
  const islands = sim.islands();
  const partitioned = islands.length > 1;
  const islandOf = new Map<string, number>();
  islands.forEach((g, i) => g.forEach((id) => islandOf.set(id, i)));
  const now = sim.nowMs;
  const inFlight = sim.messagesInFlight();

  return (
    <svg
      className="network"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label="Nodes and the messages between them"
    >
      {/* links */}
      {ids.flatMap((a, i) =>
        ids.slice(i + 1).map((b) => {
          const pa = positions.get(a)!;
          const pb = positions.get(b)!;
          const cut = islandOf.get(a) !== islandOf.get(b);
          return (
            <line
              key={`${a}-${b}`}
              x1={pa.x}
              y1={pa.y}
              x2={pb.x}
              y2={pb.y}
              className={cut ? "link cut" : "link"}
              data-testid={`link-${a}-${b}`}
              data-cut={cut ? "true" : "false"}
            />
          );
        }),
      )}
      {/* messages in flight */}
      {inFlight.map((m) => {
        const from = positions.get(m.source);
        const to = positions.get(m.target);
        if (!from || !to) return null;
        const p = progressAt(m.sentAtMs, m.deliverAtMs, now);
        const at = messagePosition(from, to, p);
        // A message that will be lost fades out over the second half of its way.
        const opacity = m.lost ? Math.max(0.15, 1 - p) : 1;
        return (
          <g key={m.id} className="message" data-testid="message" opacity={opacity}>
            <circle cx={at.x} cy={at.y} r={9} fill={messageColour(m.type)} stroke="#fff" strokeWidth={2} />
            <text x={at.x + 12} y={at.y + 5} className="message-label">
              {m.type}
              {m.lost ? " ✕" : ""}
            </text>
          </g>
        );
      })}
      {/* nodes */}
      {actors.map((a) => (
        <NodeGlyph
          key={a.id}
          actor={a}
          x={positions.get(a.id)!.x}
          y={positions.get(a.id)!.y}
          selected={selected === a.id}
          onSelect={onSelect}
        />
      ))}
      {partitioned ? (
        <text x={12} y={HEIGHT - 14} className="banner-text">
          Network partitioned: {islands.map((g) => `{${g.join(", ")}}`).join("  |  ")}
        </text>
      ) : null}
    </svg>
  );
}

function NodeGlyph({
  actor,
  x,
  y,
  selected,
  onSelect,
}: {
  actor: ActorView;
  x: number;
  y: number;
  selected: boolean;
  onSelect: (id: string) => void;
}) {
  const down = !actor.alive;
  const ctx = actor.context as {
    pingsSent?: number;
    pongsReceived?: number;
    timeouts?: number;
  };
  return (
    <g
      className={`node${down ? " down" : ""}${selected ? " selected" : ""}`}
      transform={`translate(${x},${y})`}
      data-testid={`node-${actor.id}`}
      data-state={actor.state}
      role="button"
      tabIndex={0}
      aria-label={`${actor.id}, ${down ? "down" : actor.state}`}
      aria-pressed={selected}
      onClick={() => onSelect(actor.id)}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          e.stopPropagation();
          onSelect(actor.id);
        }
      }}
    >
      <circle r={40} />
      <text className="node-name" y={-4}>
        {actor.id}
      </text>
      <text className="node-state" y={18}>
        {down ? "DOWN" : actor.state}
      </text>
      {!down ? (
        <text className="node-stats" y={62}>
          sent {ctx.pingsSent ?? 0} · answered {ctx.pongsReceived ?? 0} · timed out {ctx.timeouts ?? 0}
        </text>
      ) : (
        <text className="node-stats" y={62}>
          crashed
        </text>
      )}
    </g>
  );
}
