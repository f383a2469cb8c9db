import { describe, expect, it } from "vitest";
import {
  clampedOffsetX,
  clusterLayout,
  groupTableRowsFor,
  offsetWindow,
  offsetX,
  SIZES,
  STATS_FONT,
  statsFontFor,
  type Box,
} from "./cluster.ts";
import { OFFSET_FONT, offsetLabel, textWidth } from "./text.ts";

const overlap = (a: Box, b: Box) =>
  Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 0.5 &&
  Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 0.5;

function big(width: number, height: number, brokers: number, partitions: number, rf: number) {
  return clusterLayout({
    width,
    height,
    producers: ["p1", "p2"],
    brokers: Array.from({ length: brokers }, (_, i) => i + 1),
    controlNodes: ["c1", "c2", "c3"],
    partitions: Array.from({ length: partitions }, (_, i) => ({ key: `t-${i}`, replicas: rf })),
  });
}

describe("cluster layout", () => {
  // The cluster stage at 1280×720: the page minus the sidebar, header, toolbar, caption and timeline.
  const W = 896;
  const H = 490;

  it("places 6 brokers × 12 partitions × RF 3 without overlaps, scrolling instead of squeezing", () => {
    const l = big(W, H, 6, 12, 3);
    const brokers = [...l.brokers.values()];
    for (let i = 0; i < brokers.length; i++)
      for (let j = i + 1; j < brokers.length; j++) expect(overlap(brokers[i], brokers[j])).toBe(false);
    for (const b of brokers) expect(b.w).toBeGreaterThanOrEqual(90);
    const controls = [...l.controlNodes.values()];
    for (const c of controls) for (const b of brokers) expect(overlap(c, b)).toBe(false);
    for (let i = 1; i < l.partitions.length; i++)
      expect(l.partitions[i].y).toBeGreaterThanOrEqual(l.partitions[i - 1].y + l.partitions[i - 1].h);
    for (const p of l.partitions) {
      expect(p.h).toBeGreaterThanOrEqual(SIZES.blockMin);
      for (const lane of p.lanes) {
        expect(lane.y).toBeGreaterThanOrEqual(p.y);
        expect(lane.y + lane.h).toBeLessThanOrEqual(p.y + p.h + 0.01);
        expect(lane.h).toBeGreaterThanOrEqual(SIZES.laneMin);
      }
    }
    // Columns side by side: label | lane label | cells | stats, inside the middle, clear of the side columns.
    const { label, laneLabel, cells, stats } = l.columns;
    expect(label.x + label.w).toBeLessThanOrEqual(laneLabel.x);
    expect(laneLabel.x + laneLabel.w).toBeLessThanOrEqual(cells.x);
    expect(cells.x + cells.w).toBeLessThanOrEqual(stats.x);
    expect(stats.x + stats.w).toBeLessThanOrEqual(l.consumerColumn.x);
    expect(l.producerColumn.x + l.producerColumn.w).toBeLessThanOrEqual(label.x);
    expect(l.cellsPerLane).toBeGreaterThanOrEqual(10);
    expect(l.cellWidth).toBeGreaterThanOrEqual(SIZES.cellMin);
    // Too many lanes for the box: the content grows and the view scrolls.
    expect(l.height).toBeGreaterThan(H);
  });

  it("fits one partition in the box with tall lanes that show keys", () => {
    const l = big(W, H, 3, 1, 3);
    expect(l.height).toBe(H);
    expect(l.twoLineCells).toBe(true);
    expect(l.laneHeight).toBe(SIZES.laneMax);
  });

  it("gives every actor a box for messages, and the legend sits below the brokers", () => {
    const l = big(W, H, 3, 3, 3);
    for (const id of ["p1", "p2", "b1", "b2", "b3", "c1", "c2", "c3"]) expect(l.actorBoxes.has(id)).toBe(true);
    expect(l.legend.y).toBeGreaterThan(l.brokerRow.y + l.brokerRow.h);
    expect(l.partitions[0].y).toBeGreaterThan(l.legend.y + l.legend.h);
  });

  it("widens the consumer column for groups and stacks members under their group", () => {
    const l = clusterLayout({
      width: W,
      height: H,
      producers: ["p1"],
      brokers: [1, 2, 3],
      controlNodes: [],
      partitions: [{ key: "t-0", replicas: 3 }],
      groups: [{ groupId: "g", members: ["m1", "m2"] }],
    });
    const g = l.groupBoxes.get("group:g")!;
    const m1 = l.groupBoxes.get("m1")!;
    const m2 = l.groupBoxes.get("m2")!;
    expect(g.w).toBe(SIZES.consumerWidthWithGroups);
    expect(m1.y).toBeGreaterThan(g.y);
    expect(m2.y).toBeGreaterThanOrEqual(m1.y + m1.h);
    expect(m2.y + m2.h).toBeLessThanOrEqual(g.y + g.h);
    expect(l.actorBoxes.get("m1")).toEqual(m1);
  });
});

describe("offset window", () => {
  it("ends one cell past the furthest log end, so every replica's LEO marker shows", () => {
    expect(offsetWindow([10, 12, 7], 8)).toEqual({ start: 5, end: 12 });
    expect(offsetWindow([3], 8)).toEqual({ start: 0, end: 3 });
    expect(offsetWindow([], 8)).toEqual({ start: 0, end: 0 });
  });

  it("puts one offset at the same x in every lane and pins markers left of the window to its edge", () => {
    const cells = { x: 100, y: 0, w: 300, h: 20 };
    expect(offsetX(7, 5, cells, 30)).toBe(160);
    expect(clampedOffsetX(2, 5, cells, 30)).toEqual({ x: 100, clipped: true });
    expect(clampedOffsetX(50, 5, cells, 30)).toEqual({ x: 400, clipped: true });
    expect(clampedOffsetX(6, 5, cells, 30)).toEqual({ x: 130, clipped: false });
  });
});

describe("a busy cluster with long offsets and two groups at 1280×720", () => {
  const W = 896;
  const H = 490;
  const layout = (maxOffset: number) =>
    clusterLayout({
      width: W,
      height: H,
      producers: ["p1", "p2", "p3", "p4"],
      brokers: [1, 2, 3],
      controlNodes: ["c1"],
      partitions: Array.from({ length: 12 }, (_, i) => ({ key: `orders-${i}`, replicas: 3 })),
      groups: [
        { groupId: "fraud", members: ["f1", "f2", "f3", "f4"], partitions: 12 },
        { groupId: "recs", members: ["r1", "r2", "r3", "r4"], partitions: 12 },
      ],
      maxOffset,
    });

  it("keeps the lanes and their HW / LEO text left of the consumer column, for offsets up to 9,999,999", () => {
    for (const maxOffset of [9, 999, 14597, 999999, 9999999]) {
      const l = layout(maxOffset);
      const { cells, stats } = l.columns;
      const n = String(maxOffset);
      const text = l.twoLineCells ? `LEO ${n}` : `HW ${n} · LEO ${n}`;
      // The text starts 6 px into the stats column (PartitionBlock).
      const font = statsFontFor(text, stats.w);
      expect(font).toBeGreaterThanOrEqual(maxOffset < 1e6 ? STATS_FONT : 9);
      expect(stats.x + 6 + textWidth(text, font)).toBeLessThanOrEqual(stats.x + stats.w);
      expect(stats.x + stats.w).toBeLessThan(l.consumerColumn.x);
      expect(cells.x + cells.w).toBeLessThanOrEqual(stats.x);
      for (const p of l.partitions)
        for (const lane of p.lanes) expect(lane.x + lane.w).toBeLessThan(l.consumerColumn.x);
      expect(l.cellsPerLane).toBeGreaterThanOrEqual(4);
      // Every offset in the window fits its cell.
      const label = offsetLabel(maxOffset, l.cellWidth);
      expect(textWidth(label.text, label.fontSize, label.bold)).toBeLessThanOrEqual(l.cellWidth - 5);
    }
    // 5-digit offsets: cells wide enough for every digit at a readable size.
    const l = layout(14597);
    expect(offsetLabel(14597, l.cellWidth).shortened).toBe(false);
    expect(offsetLabel(14597, l.cellWidth).fontSize).toBeGreaterThanOrEqual(OFFSET_FONT.min);
  });

  it("routes clients' messages down the gutters and along the band under the brokers", () => {
    const l = layout(14597);
    const { leftX, rightX, bandY } = l.routes;
    expect(leftX).not.toBeNull();
    expect(leftX!).toBeGreaterThan(l.producerColumn.x + l.producerColumn.w + 8);
    expect(leftX!).toBeLessThan(l.columns.label.x - 8);
    expect(rightX!).toBeGreaterThan(l.columns.stats.x + l.columns.stats.w + 8);
    expect(rightX!).toBeLessThan(l.consumerColumn.x - 8);
    expect(bandY).toBeGreaterThan(l.brokerRow.y + l.brokerRow.h + 8);
    expect(bandY).toBeLessThan(l.legend.y - 8);
  });

  it("keeps each group's card compact: the table's rows fit inside it", () => {
    const l = layout(14597);
    for (const g of ["fraud", "recs"]) {
      const card = l.groupBoxes.get(`group:${g}`)!;
      const table = l.groupBoxes.get(`group-table:${g}`)!;
      const rows = l.groupTableRows.get(g)!;
      expect(rows).toBeGreaterThanOrEqual(SIZES.groupTableMinRows);
      expect(rows).toBeLessThanOrEqual(SIZES.groupTableMaxRows);
      expect(table.y + SIZES.groupTableTitle + rows * SIZES.groupTableLine).toBeLessThanOrEqual(card.y + card.h);
    }
  });

  it("gives short tables all their rows and shares the rest", () => {
    const rows = groupTableRowsFor(
      [
        { groupId: "a", members: 1, partitions: 2 },
        { groupId: "b", members: 1, partitions: 40 },
      ],
      2000,
    );
    expect(rows.get("a")).toBe(2);
    expect(rows.get("b")).toBe(SIZES.groupTableMaxRows);
    expect(groupTableRowsFor([{ groupId: "c", members: 4, partitions: 12 }], 100).get("c")).toBe(3);
  });
});
