// Pure geometry of the cluster view: (what there is, how big the box is) →
// where everything goes. Never read back from the DOM. Sized so that labels
// never overlap: when the partitions do not fit, the content grows taller and
// the view scrolls, rather than squeezing text together.
//
//   producers │ control plane (c1 c2 c3 / zk1 zk2 zk3)       │ consumer
//   (cards)   │ brokers (b1 b2 b3 …)                          │ groups
//             │ key legend                                    │
//             │ orders-0 │ b1 ★ ▮▮▮▮▮▮▮▮▮┃▏      │ HW 9 LEO 10 │
//             │          │ b2   ▮▮▮▮▮▮▮▮         │ HW 8 LEO 9  │

import { CELL_TEXT_INSET, digitsOf, fontToFit, textWidth } from "./text.ts";

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface ClusterLayoutInput {
  width: number;
  height: number;
  producers: readonly string[];
  brokers: readonly number[];
  controlNodes: readonly string[];
  /** Visible partitions in order, with their replica count. */
  partitions: readonly { key: string; replicas: number }[];
  /** Consumer groups with their members' ids (the column widens when there are any). */
  groups?: readonly { groupId: string; members: readonly string[]; partitions?: number }[];
  /** The largest offset a lane may show (the furthest log end): long offsets get wider cells and stats. */
  maxOffset?: number;
}

export interface LaneBox extends Box {
  /** Index of the replica in the partition's replica list. */
  index: number;
}

export interface PartitionBox extends Box {
  key: string;
  lanes: LaneBox[];
}

export interface ClusterLayout {
  width: number;
  /** Content height: at least the input height, more when the partitions need it (the view scrolls). */
  height: number;
  producerColumn: Box;
  consumerColumn: Box;
  producers: Map<string, Box>;
  controlRow: Box;
  controlNodes: Map<string, Box>;
  brokerRow: Box;
  brokers: Map<number, Box>;
  legend: Box;
  partitions: PartitionBox[];
  /** Horizontal bands shared by every lane. */
  columns: { label: Box; laneLabel: Box; cells: Box; stats: Box };
  cellWidth: number;
  /** Record cells per lane (the newest at the right). */
  cellsPerLane: number;
  laneHeight: number;
  /** Tall lanes show each record's key under its offset. */
  twoLineCells: boolean;
  /** The box of every actor messages travel between, by actor id. */
  actorBoxes: Map<string, Box>;
  /** Consumer groups ("group:ID"), their members (by consumer id) and committed-offset tables ("group-table:ID"). */
  groupBoxes: Map<string, Box>;
  /** Rows of each group's committed-offset table (by group id): the top partitions by lag, then "+k more". */
  groupTableRows: Map<string, number>;
  /** Where clients' messages travel, clear of every label (see `messagePath`). */
  routes: ClientRoutes;
}

/**
 * The channels of messages between clients and brokers: down the gutter
 * between a side column and the partitions (x), then along the band under the
 * broker row (bandY) to the broker. Null: no clients on that side.
 */
export interface ClientRoutes {
  leftX: number | null;
  rightX: number | null;
  bandY: number;
}

export const SIZES = {
  pad: 8,
  gap: 14,
  /** Between a column of clients and the partitions: messages travel down it (wide enough for a dot). */
  clientGutter: 24,
  producerWidth: 146,
  producerHeight: 112,
  consumerWidth: 94,
  consumerWidthWithGroups: 200,
  groupHeaderHeight: 62,
  /** The committed-offset table under a group's members: a title line, then one line per partition. */
  groupTableTitle: 20,
  groupTableLine: 16,
  memberHeight: 34,
  controlHeight: 36,
  brokerHeight: 64,
  brokerMaxWidth: 150,
  legendHeight: 24,
  partitionLabelWidth: 118,
  laneLabelWidth: 58,
  /** One line "HW 12 · LEO 13" on short lanes, two lines on tall ones. */
  statsWidth: 100,
  statsWidthTwoLine: 62,
  cellMin: 28,
  cellMax: 46,
  laneMin: 22,
  laneMax: 46,
  twoLineMin: 32,
  /** A partition block is never shorter than its label: four lines and the ◂ ▸ buttons. */
  blockMin: 86,
  blockGap: 10,
  controlNodeWidth: 104,
  /** Rows of a group's table when the column is short of room (then the content grows). */
  groupTableMinRows: 3,
  /** A table keeps a card compact: past this many partitions, the top by lag and "+k more". */
  groupTableMaxRows: 8,
};

/** The gaps left and right of the middle: a gutter for messages on a side with clients. */
export function sideGaps(hasProducers: boolean, hasGroups: boolean): { left: number; right: number } {
  return { left: hasProducers ? SIZES.clientGutter : 0, right: hasGroups ? SIZES.clientGutter : SIZES.gap };
}

/** Cells are made wide enough for the longest offset at this size, when at least 4 still fit. */
const OFFSET_READABLE = 9.5;
/** The HW / LEO text starts this far into its column (PartitionBlock), and keeps this much clear at its end. */
const STATS_PAD = 6;
const STATS_END_PAD = 4;

/** Width of the HW / LEO column for offsets up to `maxOffset`: one line "HW 12 · LEO 13" or two. */
export function statsWidthFor(maxOffset: number, twoLine: boolean): number {
  const n = "9".repeat(digitsOf(maxOffset));
  const font = STATS_FONT;
  if (twoLine)
    return Math.max(SIZES.statsWidthTwoLine, Math.ceil(textWidth(`LEO ${n}`, font) + STATS_PAD + STATS_END_PAD));
  return Math.max(SIZES.statsWidth, Math.ceil(textWidth(`HW ${n} · LEO ${n}`, font) + STATS_PAD + STATS_END_PAD));
}

/** The lanes' HW / LEO text size (styles.css .lane-stats). */
export const STATS_FONT = 12.5;

/** The font size that fits a lane's HW / LEO text (one of its lines) in a stats column `width` wide. */
export function statsFontFor(text: string, width: number): number {
  return fontToFit(text, width - STATS_PAD - STATS_END_PAD, STATS_FONT);
}

/**
 * Rows per group table so that the whole column fits in `room` (each table
 * at least `groupTableMinRows`, or all its partitions): a table short of rows
 * spends its last one on "+k more".
 */
export function groupTableRowsFor(
  groups: readonly { groupId: string; members: number; partitions: number }[],
  room: number,
): Map<string, number> {
  const S = SIZES;
  const out = new Map<string, number>();
  const withTable = groups.filter((g) => g.partitions > 0);
  let fixed = 0;
  for (const g of groups)
    fixed +=
      S.groupHeaderHeight + g.members * (S.memberHeight + 4) + 4 + 10 + (g.partitions > 0 ? S.groupTableTitle + 4 : 0);
  let lines = Math.floor((room - fixed) / S.groupTableLine);
  // Smallest first: a short table takes what it needs, the rest share what is left.
  const order = [...withTable].sort((a, b) => a.partitions - b.partitions);
  order.forEach((g, i) => {
    const share = Math.floor(lines / (order.length - i));
    const fit = Math.min(share, S.groupTableMaxRows);
    const rows = g.partitions <= fit ? g.partitions : Math.max(Math.min(S.groupTableMinRows, g.partitions), fit);
    out.set(g.groupId, rows);
    lines -= rows;
  });
  return out;
}

function row<T>(ids: readonly T[], area: Box, maxWidth: number, gap: number): Map<T, Box> {
  const out = new Map<T, Box>();
  if (ids.length === 0) return out;
  const w = Math.min(maxWidth, (area.w - gap * (ids.length - 1)) / ids.length);
  const total = w * ids.length + gap * (ids.length - 1);
  let x = area.x + (area.w - total) / 2;
  for (const id of ids) {
    out.set(id, { x, y: area.y, w, h: area.h });
    x += w + gap;
  }
  return out;
}

export function clusterLayout(input: ClusterLayoutInput): ClusterLayout {
  const S = SIZES;
  const width = Math.max(640, input.width);
  const height = Math.max(360, input.height);
  const hasProducers = input.producers.length > 0;
  const producerColumn: Box = { x: S.pad, y: S.pad, w: hasProducers ? S.producerWidth : 0, h: height - 2 * S.pad };
  const groups = input.groups ?? [];
  const consumerWidth = groups.length > 0 ? S.consumerWidthWithGroups : S.consumerWidth;
  const consumerColumn: Box = {
    x: width - S.pad - consumerWidth,
    y: S.pad,
    w: consumerWidth,
    h: height - 2 * S.pad,
  };
  const gaps = sideGaps(hasProducers, groups.length > 0);
  const midX = producerColumn.x + producerColumn.w + gaps.left;
  const midW = consumerColumn.x - gaps.right - midX;

  const controlRow: Box = { x: midX, y: S.pad, w: midW, h: S.controlHeight };
  // The control row's label ("KRaft quorum") sits at its left; the nodes are centred in the rest.
  const controlNodes = row(
    input.controlNodes,
    { x: midX + 110, y: controlRow.y, w: midW - 110, h: S.controlHeight },
    S.controlNodeWidth,
    10,
  );
  // Leave room above the brokers for replication arcs between them.
  const brokerRow: Box = { x: midX, y: controlRow.y + controlRow.h + 30, w: midW, h: S.brokerHeight };
  const brokers = row(input.brokers, brokerRow, S.brokerMaxWidth, 12);

  // Room under the brokers for the clients' messages, which travel along this band.
  const legend: Box = { x: midX, y: brokerRow.y + brokerRow.h + 30, w: midW, h: S.legendHeight };
  const top = legend.y + legend.h + 6;

  // Lane height: as tall as fits (up to laneMax), never below laneMin (then scroll).
  const lanes = input.partitions.reduce((n, p) => n + p.replicas, 0);
  const available = height - S.pad - top - S.blockGap * Math.max(0, input.partitions.length - 1);
  let laneHeight = lanes > 0 ? Math.floor(available / lanes) : S.laneMax;
  laneHeight = Math.max(S.laneMin, Math.min(S.laneMax, laneHeight));
  const twoLineCells = laneHeight >= S.twoLineMin;

  // Long offsets widen the HW / LEO column and the cells, so no number spills over its neighbour.
  const maxOffset = Math.max(0, input.maxOffset ?? 0);
  // Never so wide that fewer than 4 cells fit: beyond, the HW / LEO text is drawn smaller (`statsFontFor`).
  const statsRoom = midW - (S.partitionLabelWidth + 6 + S.laneLabelWidth + 4) - 4 - 4 * S.cellMin;
  const statsWidth = Math.max(SIZES.statsWidthTwoLine, Math.min(statsWidthFor(maxOffset, twoLineCells), statsRoom));
  const label: Box = { x: midX, y: top, w: S.partitionLabelWidth, h: 0 };
  const laneLabel: Box = { x: label.x + label.w + 6, y: top, w: S.laneLabelWidth, h: 0 };
  const stats: Box = { x: midX + midW - statsWidth, y: top, w: statsWidth, h: 0 };
  const cellsX = laneLabel.x + laneLabel.w + 4;
  const cellsW = Math.max(S.cellMin * 4, stats.x - 4 - cellsX);
  const needed = Math.max(
    S.cellMin,
    Math.ceil(textWidth("9".repeat(digitsOf(maxOffset)), OFFSET_READABLE) + CELL_TEXT_INSET),
  );
  // Prefer cells wide enough for a short key while at least 10 records fit; narrower ones beyond (never below
  // `needed` while 4 fit: narrower cells shrink their offsets, then shorten them).
  const wide = Math.floor(cellsW / Math.max(34, needed));
  const cellsPerLane = Math.max(4, wide >= 10 ? wide : Math.floor(cellsW / needed));
  const cellWidth = Math.min(Math.max(S.cellMax, needed), cellsW / cellsPerLane);
  const cells: Box = { x: cellsX, y: top, w: cellWidth * cellsPerLane, h: 0 };

  const partitions: PartitionBox[] = [];
  let y = top;
  for (const p of input.partitions) {
    const blockH = Math.max(S.blockMin, p.replicas * laneHeight);
    // Centre the lanes in a block that the label made taller than its lanes.
    const lanesTop = y + (blockH - p.replicas * laneHeight) / 2;
    const laneBoxes: LaneBox[] = [];
    for (let i = 0; i < p.replicas; i++)
      laneBoxes.push({
        index: i,
        x: laneLabel.x,
        y: lanesTop + i * laneHeight,
        w: stats.x + stats.w - laneLabel.x,
        h: laneHeight,
      });
    partitions.push({ key: p.key, x: midX, y, w: midW, h: blockH, lanes: laneBoxes });
    y += blockH + S.blockGap;
  }
  const partitionsEnd = y - S.blockGap + S.pad;

  const producers = new Map<string, Box>();
  input.producers.forEach((id, i) => {
    producers.set(id, {
      x: producerColumn.x,
      y: brokerRow.y + i * (S.producerHeight + 10),
      w: producerColumn.w,
      h: S.producerHeight,
    });
  });

  // Groups stack down the right-hand column: a header, one row per member, then the table (as many rows as fit).
  let gy = brokerRow.y;
  const groupBoxes = new Map<string, Box>();
  const groupTableRows = groupTableRowsFor(
    groups.map((g) => ({ groupId: g.groupId, members: g.members.length, partitions: g.partitions ?? 0 })),
    // The column may be as tall as the partitions (the view scrolls them anyway).
    Math.max(height, partitionsEnd) - S.pad - brokerRow.y,
  );
  for (const g of groups) {
    const membersEnd = S.groupHeaderHeight + g.members.length * (S.memberHeight + 4) + 4;
    const rows = groupTableRows.get(g.groupId) ?? 0;
    const table = rows > 0 ? S.groupTableTitle + rows * S.groupTableLine + 4 : 0;
    const h = membersEnd + table;
    groupBoxes.set(`group:${g.groupId}`, { x: consumerColumn.x, y: gy, w: consumerColumn.w, h });
    if (table > 0)
      groupBoxes.set(`group-table:${g.groupId}`, {
        x: consumerColumn.x + 6,
        y: gy + membersEnd,
        w: consumerColumn.w - 12,
        h: table,
      });
    g.members.forEach((m, i) => {
      groupBoxes.set(m, {
        x: consumerColumn.x + 6,
        y: gy + S.groupHeaderHeight + i * (S.memberHeight + 4),
        w: consumerColumn.w - 12,
        h: S.memberHeight,
      });
    });
    gy += h + 10;
  }

  const contentHeight = Math.max(height, partitionsEnd, gy + S.pad);
  const actorBoxes = new Map<string, Box>();
  for (const [id, b] of groupBoxes)
    if (!id.startsWith("group:") && !id.startsWith("group-table:")) actorBoxes.set(id, b);
  for (const [id, b] of producers) actorBoxes.set(id, b);
  for (const [id, b] of brokers) actorBoxes.set(`b${id}`, b);
  for (const [id, b] of controlNodes) actorBoxes.set(id, b);

  return {
    width,
    height: contentHeight,
    producerColumn: { ...producerColumn, h: contentHeight - 2 * S.pad },
    consumerColumn: { ...consumerColumn, h: contentHeight - 2 * S.pad },
    producers,
    controlRow,
    controlNodes,
    brokerRow,
    brokers,
    legend,
    partitions,
    columns: {
      label: { ...label, h: y - top },
      laneLabel: { ...laneLabel, h: y - top },
      cells: { ...cells, h: y - top },
      stats: { ...stats, h: y - top },
    },
    cellWidth,
    cellsPerLane,
    laneHeight,
    twoLineCells,
    actorBoxes,
    groupBoxes,
    groupTableRows,
    routes: {
      leftX: hasProducers ? producerColumn.x + producerColumn.w + gaps.left / 2 : null,
      rightX: groups.length > 0 ? consumerColumn.x - gaps.right / 2 : null,
      bandY: brokerRow.y + brokerRow.h + 17,
    },
  };
}

/**
 * The offsets a partition's lanes show: the newest `count` up to the furthest
 * log end (or ghost) of any replica, so that one offset sits at the same x in
 * every lane and divergent replicas line up.
 */
export function offsetWindow(endOffsets: readonly number[], count: number): { start: number; end: number } {
  const end = Math.max(0, ...endOffsets);
  // Keep one free cell at the right for the LEO marker of the furthest replica.
  const start = Math.max(0, end - (count - 1));
  return { start, end };
}

/** x of the left edge of offset `o`'s cell (a boundary: HW and LEO markers sit at x(HW), x(LEO)). */
export function offsetX(o: number, windowStart: number, cells: Box, cellWidth: number): number {
  return cells.x + (o - windowStart) * cellWidth;
}

/** A marker's x, kept inside the lane (an offset left of the window pins to the left edge). */
export function clampedOffsetX(
  o: number,
  windowStart: number,
  cells: Box,
  cellWidth: number,
): { x: number; clipped: boolean } {
  const x = offsetX(o, windowStart, cells, cellWidth);
  if (x < cells.x) return { x: cells.x, clipped: true };
  if (x > cells.x + cells.w) return { x: cells.x + cells.w, clipped: true };
  return { x, clipped: false };
}
