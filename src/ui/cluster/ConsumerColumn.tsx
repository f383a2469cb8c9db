import type { Box } from "../layout/cluster.ts";
import { fit } from "./svgButton.ts";

/** What the column reads of a consumer group (the engine's GroupView has more). */
export interface GroupSummary {
  groupId: string;
  state: string;
  generation: number;
  totalLag: number;
  rebalanceInProgress: boolean;
}

/** What the column reads of a consumer (the engine's ConsumerView has more). */
export interface ConsumerSummary {
  id: string;
  groupId: string;
  alive: boolean;
  assigned: string[];
  lag: number;
}

/**
 * The right-hand column: consumer groups with their state, generation and
 * lag, and each member's assignment. Until a scenario has groups it says so.
 */
export function ConsumerColumn({
  box,
  groups,
  consumers,
  boxes,
}: {
  box: Box;
  groups: readonly GroupSummary[];
  consumers: readonly ConsumerSummary[];
  boxes: Map<string, Box>;
}) {
  if (groups.length === 0)
    return (
      <g className="consumer-column" data-testid="consumer-groups" data-groups="0">
        <rect className="column-bg" x={box.x} y={box.y} width={box.w} height={Math.min(box.h, 150)} rx={8} />
        <text className="column-title" x={box.x + 8} y={box.y + 20}>
          Consumer
        </text>
        <text className="column-title" x={box.x + 8} y={box.y + 37}>
          groups
        </text>
        {["None in this", "scenario: they", "appear here", "when it has", "some."].map((line, i) => (
          <text key={line} className="column-note" x={box.x + 8} y={box.y + 60 + i * 16}>
            {line}
          </text>
        ))}
      </g>
    );
  const chars = Math.floor((box.w - 14) / 6.8);
  return (
    <g className="consumer-column" data-testid="consumer-groups" data-groups={groups.length}>
      {groups.map((g) => {
        const members = consumers.filter((c) => c.groupId === g.groupId);
        const first = boxes.get(`group:${g.groupId}`);
        if (!first) return null;
        return (
          <g
            key={g.groupId}
            className={`group${g.rebalanceInProgress ? " rebalancing" : ""}`}
            data-testid={`group-${g.groupId}`}
            data-state={g.state}
            data-generation={g.generation}
            data-lag={g.totalLag}
          >
            <title>{`Group ${g.groupId}: ${g.state}, generation ${g.generation}, lag ${g.totalLag}`}</title>
            <rect className="card" x={first.x} y={first.y} width={first.w} height={first.h} rx={8} />
            <text className="group-name" x={first.x + 8} y={first.y + 18}>
              {fit(g.groupId, chars)}
            </text>
            <text className="group-line" x={first.x + 8} y={first.y + 34}>
              {fit(`${g.state} · gen ${g.generation}`, chars + 2)}
            </text>
            <text className="group-line" x={first.x + 8} y={first.y + 49}>
              lag {g.totalLag}
              {g.rebalanceInProgress ? " · rebalancing" : ""}
            </text>
            {members.map((c) => {
              const b = boxes.get(c.id);
              if (!b) return null;
              return (
                <g key={c.id} className={`member${c.alive ? "" : " down"}`} data-testid={`consumer-${c.id}`}>
                  <rect className="member-bg" x={b.x} y={b.y} width={b.w} height={b.h} rx={5} />
                  <text className="group-line" x={b.x + 6} y={b.y + 14}>
                    {fit(`${c.id}${c.alive ? "" : " (down)"} · lag ${c.lag}`, chars)}
                  </text>
                  <text className="member-assigned" x={b.x + 6} y={b.y + 28}>
                    {fit(c.assigned.length ? c.assigned.join(", ") : "no partitions", chars + 2)}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
    </g>
  );
}
