import { memo } from "react";
import type { ClusterView } from "../../engine/index.ts";
import type { Box } from "../layout/cluster.ts";
import { groupStateLabel, lagPath, shownPartitions } from "./groupLag.ts";
import { markDrawn, refreshDue, sameBox } from "./refreshGate.ts";
import { fit, svgButton } from "./svgButton.ts";

type GroupView = ClusterView["groups"][number];
type ConsumerView = ClusterView["consumers"][number];

const SPARK_W = 54;
const SPARK_H = 14;

interface Props {
  box: Box;
  groups: readonly GroupView[];
  consumers: readonly ConsumerView[];
  boxes: Map<string, Box>;
  /** Rows of each group's table (layout.groupTableRows): short of its partitions, the top by lag and "+k more". */
  tableRows: Map<string, number>;
  nowMs: number;
  /** "group:ID" or "consumer:ID" when one is selected. */
  selected: string | null;
  onSelectGroup: (groupId: string) => void;
  onSelectConsumer: (id: string) => void;
}

const SLOT = 3;

function sameBoxes(a: Map<string, Box>, b: Map<string, Box>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, box] of a) {
    const other = b.get(k);
    if (!other || !sameBox(box, other)) return false;
  }
  return true;
}

/**
 * The right-hand column: consumer groups with their state, generation,
 * assignor and lag (with a sparkline), each member's assignment, and the
 * committed offset and lag per partition. Until a scenario has groups it says so.
 * A group's card and each consumer are buttons: they open the inspector.
 * Memoised: new data redraws it when its refresh is due (see refreshGate.ts).
 */
export const ConsumerColumn = memo(
  ConsumerColumnView,
  (a, b) =>
    a.selected === b.selected &&
    a.groups.length === b.groups.length &&
    sameBox(a.box, b.box) &&
    sameBoxes(a.boxes, b.boxes) &&
    !refreshDue(a, SLOT),
);

function ConsumerColumnView(props: Props) {
  markDrawn(props, SLOT);
  const { box, groups, consumers, boxes, tableRows, nowMs, selected, onSelectGroup, onSelectConsumer } = props;
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
        {["None in this", "scenario: add", "one under", "Actions."].map((line, i) => (
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
        const table = boxes.get(`group-table:${g.groupId}`);
        const rows = shownPartitions(g.partitions, tableRows.get(g.groupId) ?? g.partitions.length);
        const spark = lagPath(g.lagSamples, nowMs, SPARK_W, SPARK_H);
        const settings = [g.assignor, g.rebalanceProtocol?.toLowerCase()].filter(Boolean).join(" · ");
        return (
          <g
            key={g.groupId}
            className={`group${g.rebalanceInProgress ? " rebalancing" : ""}`}
            data-testid={`group-${g.groupId}`}
            data-state={g.state}
            data-generation={g.generation}
            data-lag={g.totalLag}
          >
            <g
              className={`group-card${selected === `group:${g.groupId}` ? " selected" : ""}`}
              {...svgButton(
                `Group ${g.groupId}, ${g.state}, generation ${g.generation}, ${settings || "no assignor yet"}, lag ${g.totalLag}`,
                () => onSelectGroup(g.groupId),
                selected === `group:${g.groupId}`,
              )}
            >
              <title>{`Group ${g.groupId}: ${g.state}, generation ${g.generation}, ${settings || "no assignor yet"}, lag ${g.totalLag}`}</title>
              <rect className="card" x={first.x} y={first.y} width={first.w} height={first.h} rx={8} />
              <text className="group-name" x={first.x + 8} y={first.y + 18}>
                {fit(g.groupId, chars - 9)}
              </text>
              <text className="group-lag" x={first.x + first.w - 8} y={first.y + 18} textAnchor="end">
                lag {g.totalLag}
              </text>
              <text
                className={`group-state${g.rebalanceInProgress ? " rebalancing" : g.state === "Stable" ? " stable" : ""}`}
                x={first.x + 8}
                y={first.y + 36}
                data-testid={`group-state-${g.groupId}`}
              >
                {fit(`${g.rebalanceInProgress ? "⟳ " : ""}${groupStateLabel(g.state)} · gen ${g.generation}`, chars)}
              </text>
              <text className="group-line" x={first.x + 8} y={first.y + 53}>
                {fit(settings || "no assignor yet", chars - 9)}
              </text>
              {spark ? (
                <path
                  className="lag-spark"
                  d={spark}
                  transform={`translate(${first.x + first.w - SPARK_W - 8},${first.y + 41})`}
                  aria-hidden="true"
                />
              ) : null}
            </g>
            {members.map((c) => {
              const b = boxes.get(c.id);
              if (!b) return null;
              const stalled = c.alive && c.stalledUntilMs > nowMs;
              const status = !c.alive ? " (down)" : stalled ? " (stalled)" : "";
              return (
                <g
                  key={c.id}
                  className={`member${c.alive ? "" : " down"}${stalled ? " stalled" : ""}${selected === `consumer:${c.id}` ? " selected" : ""}`}
                  data-testid={`consumer-${c.id}`}
                  data-lag={c.lag}
                  data-assigned={c.assigned.join(",")}
                  {...svgButton(
                    `Consumer ${c.id}${status}, group ${c.groupId}, lag ${c.lag}, ${c.assigned.length ? `reads ${c.assigned.join(", ")}` : "no partitions"}`,
                    () => onSelectConsumer(c.id),
                    selected === `consumer:${c.id}`,
                  )}
                >
                  <rect className="member-bg" x={b.x} y={b.y} width={b.w} height={b.h} rx={5} />
                  <text className="group-line" x={b.x + 6} y={b.y + 14}>
                    {fit(`${c.id}${status} · lag ${c.lag}`, chars)}
                  </text>
                  <text className="member-assigned" x={b.x + 6} y={b.y + 28}>
                    {fit(c.assigned.length ? c.assigned.join(", ") : "idle: no partitions", chars + 2)}
                  </text>
                </g>
              );
            })}
            {table ? (
              <g className="group-table" data-testid={`group-table-${g.groupId}`}>
                <text className="table-head" x={table.x} y={table.y + 13}>
                  partition
                </text>
                <text className="table-head" x={table.x + table.w - 52} y={table.y + 13} textAnchor="end">
                  committed
                </text>
                <text className="table-head" x={table.x + table.w} y={table.y + 13} textAnchor="end">
                  lag
                </text>
                {rows.shown.map((p, i) => {
                  const y = table.y + 20 + (i + 1) * 16 - 4;
                  const key = `${p.topic}-${p.partition}`;
                  return (
                    <g
                      key={key}
                      data-testid={`group-partition-${g.groupId}-${key}`}
                      data-lag={p.lag}
                      data-committed={p.committed ?? ""}
                    >
                      <text className="table-cell" x={table.x} y={y}>
                        {fit(key, Math.floor((table.w - 100) / 6.8))}
                      </text>
                      <text className="table-cell num" x={table.x + table.w - 52} y={y} textAnchor="end">
                        {p.committed ?? "–"}
                      </text>
                      <text
                        className={`table-cell num${p.lag > 0 ? " lagging-cell" : ""}`}
                        x={table.x + table.w}
                        y={y}
                        textAnchor="end"
                      >
                        {p.lag}
                      </text>
                    </g>
                  );
                })}
                {rows.more > 0 ? (
                  <text
                    className="table-cell more"
                    x={table.x}
                    y={table.y + 20 + (rows.shown.length + 1) * 16 - 4}
                    data-testid={`group-table-more-${g.groupId}`}
                  >
                    {`+${rows.more} more, lag ≤ ${rows.moreMaxLag}`}
                  </text>
                ) : null}
              </g>
            ) : null}
          </g>
        );
      })}
    </g>
  );
}
