import { memo } from "react";
import type { PartitionView, ReplicaView, LostRecord } from "../../engine/index.ts";
import type { Ghost, ReplicaMemory } from "../../store/ghosts.ts";
import { splitGhosts } from "../../store/ghosts.ts";
import type { RecentError } from "../../store/viewMemory.ts";
import type { Selection } from "../../store/simStore.ts";
import type { KeyColour } from "../keyColours.ts";
import {
  clampedOffsetX,
  offsetWindow,
  offsetX,
  type Box,
  type ClusterLayout,
  type PartitionBox,
  STATS_FONT,
  statsFontFor,
} from "../layout/cluster.ts";
import { KEY_FONT, keyLabel, offsetLabel } from "../layout/text.ts";
import { markDrawn, refreshDue, sameBox, slotOf } from "./refreshGate.ts";
import { fit, svgButton } from "./svgButton.ts";

interface Props {
  partition: PartitionView;
  /** First offset the lanes show, or null to follow the newest records. */
  anchor: number | null;
  onPan: (firstOffset: number | null) => void;
  box: PartitionBox;
  layout: ClusterLayout;
  colour: (key: string | null) => KeyColour;
  memory: (brokerId: number) => ReplicaMemory | undefined;
  lost: readonly LostRecord[];
  recentError: RecentError | undefined;
  selection: Selection | null;
  onSelect: (s: Selection) => void;
}

/** Partitions of one topic refresh on consecutive slots, so a frame redraws only a few of them. */
const slotFor = (p: PartitionView) => slotOf(p.topic) + p.partition;

const sameLanes = (a: PartitionBox, b: PartitionBox) =>
  sameBox(a, b) && a.lanes.length === b.lanes.length && a.lanes.every((l, i) => sameBox(l, b.lanes[i]));

const sameColumns = (a: ClusterLayout, b: ClusterLayout) =>
  a === b ||
  (a.cellWidth === b.cellWidth &&
    a.cellsPerLane === b.cellsPerLane &&
    a.twoLineCells === b.twoLineCells &&
    sameBox(a.columns.label, b.columns.label) &&
    sameBox(a.columns.laneLabel, b.columns.laneLabel) &&
    sameBox(a.columns.cells, b.columns.cells) &&
    sameBox(a.columns.stats, b.columns.stats));

/**
 * One partition: its label, pan buttons and a log lane per replica. Memoised:
 * a change of geometry, anchor or selection redraws it at once; new data
 * (records, HW, LEO…) when its refresh is due (every revision while paused,
 * every few frames while playing, see refreshGate.ts).
 */
export const PartitionBlock = memo(
  PartitionBlockView,
  (a, b) =>
    a.partition.topic === b.partition.topic &&
    a.partition.partition === b.partition.partition &&
    a.anchor === b.anchor &&
    a.selection === b.selection &&
    a.colour === b.colour &&
    sameLanes(a.box, b.box) &&
    sameColumns(a.layout, b.layout) &&
    !refreshDue(a, slotFor(b.partition)),
);

function PartitionBlockView(props: Props) {
  markDrawn(props, slotFor(props.partition));
  const { partition: p, anchor, onPan, box, layout, colour, memory, lost, recentError, selection, onSelect } = props;
  const key = `${p.topic}-${p.partition}`;
  const { label } = layout.columns;
  const ghostsByBroker = new Map(
    p.replicaViews.map((r) => [r.brokerId, splitGhosts(memory(r.brokerId), r.logEndOffset)]),
  );
  const ends = p.replicaViews.flatMap((r) => {
    const g = ghostsByBroker.get(r.brokerId)!;
    return [r.logEndOffset, ...g.beyond.map((x) => x.offset + 1)];
  });
  const newest = offsetWindow(ends, layout.cellsPerLane);
  const followsHead = anchor === null || anchor >= newest.start;
  const win = followsHead ? newest : { start: anchor, end: anchor + layout.cellsPerLane - 1 };
  const half = Math.max(1, Math.floor(layout.cellsPerLane / 2));
  const firstOffset = Math.min(...p.replicaViews.map((r) => r.logStartOffset));
  const lostValues = new Set<string>(lost.map((l) => String(l.value)));
  const flags: { text: string; cls: string }[] = [];
  if (p.offline) flags.push({ text: "OFFLINE: no leader", cls: "flag-bad" });
  else if (p.underMinIsr) flags.push({ text: "below min ISR", cls: "flag-bad" });
  else if (p.underReplicated) flags.push({ text: "under-replicated", cls: "flag-warn" });
  if (lost.length > 0) flags.push({ text: `${lost.length} acked lost`, cls: "flag-bad" });
  const partitionSelected =
    selection?.kind === "partition" && selection.topic === p.topic && selection.partition === p.partition;
  const summary = `Partition ${key}: ${p.offline ? "offline, no leader" : `leader broker ${p.leader}`}, leader epoch ${p.leaderEpoch}, ISR ${p.isr.join(", ") || "empty"}, min.insync.replicas ${p.minInsyncReplicas}${flags.length ? `; ${flags.map((f) => f.text).join("; ")}` : ""}`;
  const labelLines = [
    { text: p.offline ? "leader: none" : `leader b${p.leader} · epoch ${p.leaderEpoch}`, cls: "partition-line" },
    { text: `ISR ${p.isr.join(",") || "∅"} · min ${p.minInsyncReplicas}`, cls: "partition-line" },
    ...flags.slice(0, 1).map((f) => ({ text: f.text, cls: `partition-flag ${f.cls}` })),
  ];
  const top = box.y;
  return (
    <g
      className="partition"
      data-testid={`partition-${key}`}
      data-leader={p.leader}
      data-leader-epoch={p.leaderEpoch}
      data-isr={p.isr.join(",")}
      data-offline={p.offline ? "true" : "false"}
      data-under-min-isr={p.underMinIsr ? "true" : "false"}
      data-under-replicated={p.underReplicated ? "true" : "false"}
      data-error={recentError?.error ?? ""}
      data-first-offset-shown={win.start}
    >
      <g
        className={`partition-label${partitionSelected ? " selected" : ""}`}
        {...svgButton(
          summary,
          () => onSelect({ kind: "partition", topic: p.topic, partition: p.partition }),
          partitionSelected,
        )}
      >
        <title>{summary}</title>
        <rect className="label-bg" x={label.x} y={box.y} width={label.w} height={box.h} rx={6} />
        <text className="partition-name" x={label.x + 8} y={top + 17}>
          {fit(key, 15)}
        </text>
        {labelLines.map((l, i) => (
          <text key={i} className={l.cls} x={label.x + 8} y={top + 33 + i * 14}>
            {fit(l.text, 19)}
          </text>
        ))}
      </g>
      <g className="pan" transform={`translate(${label.x + 6},${box.y + box.h - 22})`}>
        <g
          className={`pan-button${win.start <= firstOffset ? " disabled" : ""}`}
          {...svgButton(`Show older offsets of ${key}`, () => onPan(Math.max(firstOffset, win.start - half)))}
        >
          <rect width={26} height={18} rx={4} />
          <text x={13} y={13}>
            ◂
          </text>
        </g>
        <g
          className={`pan-button${followsHead ? " disabled" : ""}`}
          transform="translate(30,0)"
          {...svgButton(`Show newer offsets of ${key}`, () =>
            onPan(win.start + half >= newest.start ? null : win.start + half),
          )}
        >
          <rect width={26} height={18} rx={4} />
          <text x={13} y={13}>
            ▸
          </text>
        </g>
        {followsHead ? (
          <text className="pan-note" x={62} y={13}>
            newest
          </text>
        ) : (
          <g
            className="pan-button wide"
            transform="translate(60,0)"
            {...svgButton(`Show the newest offsets of ${key}`, () => onPan(null))}
          >
            <rect width={44} height={18} rx={4} />
            <text x={22} y={13}>
              ▸▸|
            </text>
          </g>
        )}
      </g>
      {p.replicaViews.map((r, i) => {
        const lane = box.lanes[i];
        if (!lane) return null;
        const replicaSelected =
          selection?.kind === "replica" &&
          selection.topic === p.topic &&
          selection.partition === p.partition &&
          selection.broker === r.brokerId;
        return (
          <Lane
            key={r.brokerId}
            partitionKey={key}
            replica={r}
            isLeader={p.leader === r.brokerId}
            lane={lane}
            layout={layout}
            windowStart={win.start}
            colour={colour}
            ghosts={ghostsByBroker.get(r.brokerId)!}
            lostValues={lostValues}
            selected={replicaSelected}
            onSelect={() => onSelect({ kind: "replica", topic: p.topic, partition: p.partition, broker: r.brokerId })}
          />
        );
      })}
    </g>
  );
}

function roleOf(r: ReplicaView, isLeader: boolean): { short: string; long: string; cls: string } {
  if (!r.alive) return { short: "", long: "down", cls: "role-down" };
  // A zombie: it still acts as leader in an old epoch (cut off, it has not heard of the new one).
  if (r.role === "leader" && !isLeader) return { short: "☠", long: `stale leader e${r.leaderEpoch}`, cls: "role-out" };
  if (!r.inIsr) return { short: "✕", long: "out of ISR", cls: "role-out" };
  if (isLeader && r.role === "leader") return { short: "★", long: "leader", cls: "role-leader" };
  if (isLeader) return { short: "★?", long: "leader-elect", cls: "role-leader" };
  return { short: "", long: "follower", cls: "role-follower" };
}

function Lane({
  partitionKey,
  replica: r,
  isLeader,
  lane,
  layout,
  windowStart,
  colour,
  ghosts,
  lostValues,
  selected,
  onSelect,
}: {
  partitionKey: string;
  replica: ReplicaView;
  isLeader: boolean;
  lane: Box;
  layout: ClusterLayout;
  windowStart: number;
  colour: (key: string | null) => KeyColour;
  ghosts: { beyond: Ghost[]; replaced: Ghost[] };
  lostValues: ReadonlySet<string>;
  selected: boolean;
  onSelect: () => void;
}) {
  const { cells, stats, laneLabel } = layout.columns;
  const cw = layout.cellWidth;
  const h = lane.h;
  const role = roleOf(r, isLeader);
  const windowEnd = windowStart + layout.cellsPerLane;
  const shown = r.records.filter((rec) => rec.offset >= windowStart && rec.offset < windowEnd);
  const beyond = ghosts.beyond.filter((g) => g.offset >= windowStart && g.offset < windowEnd);
  const replaced = new Map(ghosts.replaced.map((g) => [g.offset, g]));
  const hw = clampedOffsetX(r.highWatermark, windowStart, cells, cw);
  const leo = clampedOffsetX(r.logEndOffset, windowStart, cells, cw);
  const lso = r.logStartOffset > windowStart ? offsetX(r.logStartOffset, windowStart, cells, cw) : null;
  const label = `Replica of ${partitionKey} on broker ${r.brokerId}: ${role.long}, high watermark ${r.highWatermark}, log end offset ${r.logEndOffset}, log start offset ${r.logStartOffset}${ghosts.beyond.length + ghosts.replaced.length > 0 ? `, ${ghosts.beyond.length + ghosts.replaced.length} record(s) truncated` : ""}`;
  const y = lane.y;
  const twoLine = layout.twoLineCells;
  return (
    <g
      className={`lane ${role.cls}${r.alive ? "" : " dead"}${selected ? " selected" : ""}`}
      data-testid={`lane-${partitionKey}-b${r.brokerId}`}
      data-hw={r.highWatermark}
      data-leo={r.logEndOffset}
      data-log-start={r.logStartOffset}
      data-role={role.long}
      data-in-isr={r.inIsr ? "true" : "false"}
      data-ghosts={ghosts.beyond.length + ghosts.replaced.length}
      {...svgButton(label, onSelect, selected)}
    >
      <title>{label}</title>
      <rect
        className="lane-bg"
        x={laneLabel.x}
        y={y + 1}
        width={stats.x + stats.w - laneLabel.x}
        height={h - 2}
        rx={4}
      />
      <rect
        className={r.inIsr ? "cells-bg" : "cells-bg out-of-isr"}
        x={cells.x}
        y={y + 1}
        width={cells.w}
        height={h - 2}
        style={r.inIsr ? undefined : { fill: "url(#hatch)" }}
      />
      <text className="lane-name" x={laneLabel.x + 6} y={twoLine ? y + h / 2 - 2 : y + h / 2 + 5}>
        b{r.brokerId} {twoLine ? role.short : role.short || (r.alive ? "" : "down")}
      </text>
      {twoLine ? (
        <text className={`lane-role ${role.cls}`} x={laneLabel.x + 6} y={y + h / 2 + 12}>
          {role.long === "out of ISR" ? "not in ISR" : role.long}
        </text>
      ) : null}
      {lso !== null ? (
        <g className="log-start">
          <rect x={cells.x} y={y + 2} width={Math.max(0, lso - cells.x)} height={h - 4} />
          <line x1={lso} x2={lso} y1={y + 1} y2={y + h - 1} />
        </g>
      ) : null}
      {shown.map((rec) => {
        const x = offsetX(rec.offset, windowStart, cells, cw);
        const c = colour(rec.key);
        const uncommitted = rec.offset >= r.highWatermark;
        const wasReplaced = replaced.get(rec.offset);
        return (
          <g key={rec.offset} className={`record${uncommitted ? " uncommitted" : ""}`}>
            <rect
              x={x + 1.5}
              y={y + 3}
              width={cw - 3}
              height={h - 6}
              rx={3}
              fill={c.fill}
              stroke={c.stroke}
              strokeDasharray={uncommitted ? "3 2" : undefined}
            />
            <OffsetText offset={rec.offset} x={x + cw / 2} y={twoLine ? y + h / 2 - 1 : y + h / 2 + 4} cw={cw} />
            {twoLine ? <KeyText text={rec.key ?? "∅"} x={x + cw / 2} y={y + h / 2 + 11} cw={cw} /> : null}
            {wasReplaced ? (
              <path className="replaced-mark" d={`M${x + cw - 10},${y + 3} h8 v8 z`}>
                <title>{`offset ${rec.offset} held ${wasReplaced.value ?? "a record"} (epoch ${wasReplaced.leaderEpoch}) before it was truncated${lostValues.has(wasReplaced.value ?? "") ? ": an acknowledged record, now lost" : ""}`}</title>
              </path>
            ) : null}
          </g>
        );
      })}
      {beyond.map((g) => {
        const x = offsetX(g.offset, windowStart, cells, cw);
        const isLost = lostValues.has(g.value ?? "");
        return (
          <g key={`ghost-${g.offset}`} className={`ghost${isLost ? " lost" : ""}`} data-testid="ghost">
            <title>{`truncated: offset ${g.offset}, ${g.value ?? ""} (key ${g.key ?? "none"}, epoch ${g.leaderEpoch})${isLost ? " — an acknowledged record, now lost" : ""}`}</title>
            <rect x={x + 1.5} y={y + 3} width={cw - 3} height={h - 6} rx={3} />
            <OffsetText offset={g.offset} x={x + cw / 2} y={twoLine ? y + h / 2 - 1 : y + h / 2 + 4} cw={cw} />
            {twoLine ? <KeyText text={isLost ? "lost" : "gone"} x={x + cw / 2} y={y + h / 2 + 11} cw={cw} /> : null}
          </g>
        );
      })}
      {r.logEndOffset < windowStart ? (
        <text className="clipped-note" x={cells.x + 8} y={y + h / 2 + 4}>
          ◂ its log ends at {r.logEndOffset}, left of this view
        </text>
      ) : null}
      <g className="leo-marker" data-testid="leo-marker">
        <line x1={leo.x} x2={leo.x} y1={y + 1} y2={y + h - 1} />
        <path d={`M${leo.x - 4},${y + h - 1} h8 l-4,-6 z`} />
      </g>
      <g className="hw-marker" data-testid="hw-marker">
        <line x1={hw.x} x2={hw.x} y1={y - 1} y2={y + h + 1} />
      </g>
      {twoLine ? (
        <>
          <StatsText text={`HW ${r.highWatermark}`} x={stats.x + 6} y={y + h / 2 - 2} w={stats.w} />
          <StatsText text={`LEO ${r.logEndOffset}`} x={stats.x + 6} y={y + h / 2 + 13} w={stats.w} leo />
        </>
      ) : (
        <StatsText
          text={`HW ${r.highWatermark} · LEO ${r.logEndOffset}`}
          x={stats.x + 6}
          y={y + h / 2 + 5}
          w={stats.w}
        />
      )}
    </g>
  );
}

/** A cell's offset, never wider than the cell (smaller, then "…" and its last digits with the full one in a title). */
function OffsetText({ offset, x, y, cw }: { offset: number; x: number; y: number; cw: number }) {
  const l = offsetLabel(offset, cw);
  return (
    <text
      className="record-offset"
      x={x}
      y={y}
      style={l.bold ? undefined : { fontSize: `${l.fontSize}px`, fontWeight: 400 }}
    >
      {l.shortened ? <title>{`offset ${offset}`}</title> : null}
      {l.text}
    </text>
  );
}

/** A cell's key under its offset: smaller, then cut with "…", to fit the cell. */
function KeyText({ text, x, y, cw }: { text: string; x: number; y: number; cw: number }) {
  const l = keyLabel(text, cw);
  return (
    <text
      className="record-key"
      x={x}
      y={y}
      style={l.fontSize < KEY_FONT.size ? { fontSize: `${l.fontSize}px` } : undefined}
    >
      {l.text}
    </text>
  );
}

/** A lane's HW / LEO text, smaller when its numbers would not fit the stats column. */
function StatsText({ text, x, y, w, leo }: { text: string; x: number; y: number; w: number; leo?: boolean }) {
  const size = statsFontFor(text, w);
  return (
    <text
      className={leo ? "lane-stats leo" : "lane-stats"}
      x={x}
      y={y}
      style={size < STATS_FONT ? { fontSize: `${size}px` } : undefined}
    >
      {text}
    </text>
  );
}
