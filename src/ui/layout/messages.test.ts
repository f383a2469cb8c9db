import { describe, expect, it } from "vitest";
import {
  classifyMessage,
  clusterDots,
  linkOf,
  mergeBusyLinks,
  mergeByLink,
  messagePath,
  minVisibleMsFor,
  PACK_PROGRESS,
  packProgress,
  pathKindFor,
  pointOnPath,
  progressAt,
  RecentSends,
  visibleMessages,
  visualProgress,
} from "./messages.ts";

describe("message kinds", () => {
  it("tells data, control and routine traffic apart, each with a letter", () => {
    expect(classifyMessage("Produce")).toMatchObject({ family: "produce", response: false, letter: "P" });
    expect(classifyMessage("ProduceResponse")).toMatchObject({ family: "produce", response: true });
    expect(classifyMessage("Fetch")).toMatchObject({ family: "fetch", letter: "F" });
    expect(classifyMessage("kraft.AlterPartition").family).toBe("control");
    expect(classifyMessage("zk.LeaderAndIsr").family).toBe("control");
    expect(classifyMessage("kraft.BrokerHeartbeat").family).toBe("routine");
    expect(classifyMessage("zk.ping").family).toBe("routine");
    expect(classifyMessage("zk.pong")).toMatchObject({ family: "routine", response: true });
    expect(classifyMessage("kraft.Fetch").family).toBe("routine");
    expect(classifyMessage("ConnectionRefused").family).toBe("refused");
  });
});

describe("where a message is", () => {
  const trace = [
    { id: 1, kind: "send", time: 90, actor: "p1", data: { to: "b1", type: "Produce", arriveAtMs: 93 } },
    { id: 2, kind: "deliver", time: 93, actor: "b1" },
    { id: 3, kind: "send", time: 99, actor: "b2", data: { to: "b1", type: "Fetch", arriveAtMs: 104 } },
  ];
  const inFlight = [{ source: "b2", target: "b1", type: "Fetch", sentAtMs: 99, deliverAtMs: 104, lost: false }];

  it("draws messages in flight and those sent within the visible window, once each", () => {
    const m = visibleMessages(trace, inFlight, 100, 50);
    expect(m.map((x) => x.type)).toEqual(["Produce", "Fetch"]);
    expect(visibleMessages(trace, inFlight, 200, 50).map((x) => x.type)).toEqual(["Fetch"]);
    // The message in flight is the send of event 3: one dot, keyed by the send.
    expect(m.map((x) => x.id)).toEqual([1, 3]);
  });

  it("reads the trace incrementally: appended events, a truncation (seek back) and a new trace", () => {
    const send = (id: number, time: number, to = "b1") => ({
      id,
      kind: "send",
      time,
      actor: "b2",
      data: { to, type: "Fetch", arriveAtMs: time + 1 },
    });
    const plain = (t: readonly ReturnType<typeof send>[], now: number, window: number, scan = 3000) =>
      t
        .slice(Math.max(0, t.length - scan))
        .filter((e) => e.time >= now - window && e.time <= now)
        .map((e) => e.id);
    const recent = new RecentSends(5);
    const t: ReturnType<typeof send>[] = [];
    for (let i = 1; i <= 12; i++) {
      t.push(send(i, i * 10));
      expect(recent.visible(t, [], i * 10, 25).map((m) => m.id)).toEqual(plain(t, i * 10, 25, 5));
    }
    // Seek back: the trace is cut, then grows again along another branch.
    t.length = 6;
    t.push(send(100, 65, "b3"));
    expect(recent.visible(t, [], 65, 25).map((m) => m.id)).toEqual(plain(t, 65, 25, 5));
    expect(recent.visible(t, [], 65, 25).map((m) => m.target)).toEqual(["b1", "b1", "b1", "b3"]);
    // Same length, a different last event: rescan.
    t[6] = send(101, 66, "b4");
    expect(recent.visible(t, [], 66, 25).map((m) => m.target)).toEqual(["b1", "b1", "b4"]);
    // Another trace altogether.
    const other = [send(7, 5, "b9")];
    expect(recent.visible(other, [], 5, 25).map((m) => m.target)).toEqual(["b9"]);
    // Messages in flight outside the scanned window still show, with an id of their own.
    const far = { id: 4, source: "b1", target: "b2", type: "Fetch", sentAtMs: 1, deliverAtMs: 900, lost: true };
    expect(recent.visible(other, [far], 5, 25).map((m) => [m.id, m.lost])).toEqual([
      [-5, true],
      [7, false],
    ]);
  });

  it("is a pure function of the playhead, each message taking at least the visible time", () => {
    const msg = { sentAtMs: 90, deliverAtMs: 93 };
    expect(visualProgress(msg, 90, 50)).toBe(0);
    expect(visualProgress(msg, 115, 50)).toBe(0.5);
    expect(visualProgress(msg, 200, 50)).toBe(1);
    expect(visualProgress({ sentAtMs: 0, deliverAtMs: 1000 }, 500, 50)).toBe(0.5);
    expect(progressAt(100, 200, 150)).toBe(0.5);
    expect(minVisibleMsFor(1)).toBeGreaterThan(100);
    expect(minVisibleMsFor(0.01)).toBeLessThan(10);
  });

  it("sends a request and its response along different paths", () => {
    const b1 = { x: 0, y: 100, w: 100, h: 60 };
    const b3 = { x: 300, y: 100, w: 100, h: 60 };
    const there = pointOnPath(messagePath(b1, b3, "row"), 0.5);
    const back = pointOnPath(messagePath(b3, b1, "row"), 0.5);
    expect(there.y).toBeLessThan(100); // above the cards
    expect(back.y).toBeLessThan(100);
    expect(there.y).not.toBe(back.y);
    const p1 = { x: -200, y: 100, w: 140, h: 100 };
    const toBroker = pointOnPath(messagePath(p1, b3, "toBroker"), 0.5);
    expect(toBroker.y).toBeGreaterThan(160); // under the broker row
    expect(pathKindFor("b1", "b2")).toBe("row");
    expect(pathKindFor("p1", "b2")).toBe("toBroker");
    expect(pathKindFor("b2", "p1")).toBe("fromBroker");
    expect(pathKindFor("b2", "c1")).toBe("other");
  });
});

describe("busy links: nearby dots of one kind merge into one with a count", () => {
  const dot = (key: string, x: number, y: number, group = "fetch") => ({ key, x, y, group });
  it("merges dots closer than the distance, keeps far ones and other kinds apart", () => {
    const out = clusterDots(
      [dot("a", 100, 100), dot("b", 104, 101), dot("c", 100, 140), dot("d", 103, 99, "produce"), dot("e", 98, 102)],
      12,
    );
    expect(out.map((c) => [c.key, c.count, c.keys])).toEqual([
      ["a", 3, ["a", "b", "e"]],
      ["c", 1, ["c"]],
      ["d", 1, ["d"]],
    ]);
    // The merged dot stays where its first (oldest) message is.
    expect(out[0]).toMatchObject({ x: 100, y: 100, group: "fetch" });
  });

  it("finds neighbours across grid cells, and a pile of 200 becomes one dot", () => {
    expect(clusterDots([dot("a", 11.9, 0), dot("b", 12.1, 0)], 12)).toHaveLength(1);
    const pile = Array.from({ length: 200 }, (_, i) => dot(`m${i}`, 300 + (i % 5), 80 + (i % 3)));
    const out = clusterDots(pile, 12);
    expect(out).toHaveLength(1);
    expect(out[0].count).toBe(200);
  });

  it("never merges dots at least the distance apart; counts add up", () => {
    const line = Array.from({ length: 30 }, (_, i) => dot(`m${i}`, i * 5, 0));
    const out = clusterDots(line, 12);
    expect(out.reduce((s, c) => s + c.count, 0)).toBe(30);
    for (let i = 1; i < out.length; i++) expect(Math.abs(out[i].x - out[i - 1].x)).toBeGreaterThanOrEqual(12);
  });
});

describe("crowded views: one dot per link and kind", () => {
  it("merges every message of a link (both ways) into its oldest's place, then merges near links", () => {
    expect(linkOf("b3", "b1")).toBe(linkOf("b1", "b3"));
    const d = (key: string, link: string, x: number, group = "fetch") => ({ key, x, y: 0, group, link });
    const merged = mergeByLink([
      d("a", "b1~b2", 10),
      d("b", "b1~b3", 200),
      d("c", "b1~b2", 60),
      d("e", "b1~b2", 90, "produce"),
    ]);
    expect(merged.map((c) => [c.key, c.x, c.count, c.keys])).toEqual([
      ["a", 10, 2, ["a", "c"]],
      ["b", 200, 1, ["b"]],
      ["e", 90, 1, ["e"]],
    ]);
    const near = clusterDots(
      [...merged, { key: "f", x: 205, y: 0, group: "fetch", count: 3, keys: ["f", "g", "h"] }],
      26,
    );
    expect(near.find((c) => c.key === "b")).toMatchObject({ count: 4, keys: ["b", "f", "g", "h"] });
  });
});

describe("busy links in any view", () => {
  it("merge a link's dots of one kind once there are enough of them, and leave the rest alone", () => {
    const d = (key: string, link: string, x: number, group = "produce") => ({ key, x, y: 0, group, link });
    const out = mergeBusyLinks(
      [
        d("r1", "p1~b1", 10, "refused"),
        d("q1", "p1~b1", 40),
        d("r2", "p1~b1", 30, "refused"),
        d("q2", "p1~b1", 70),
        d("r3", "p1~b1", 50, "refused"),
        d("f1", "b1~b2", 300, "fetch"),
      ],
      3,
    );
    expect(out.map((c) => [c.key, c.x, c.count ?? 1])).toEqual([
      ["r1", 10, 3], // three refusals on one link: one dot, at the oldest's place
      ["q1", 40, 1], // two requests stay two dots
      ["q2", 70, 1],
      ["f1", 300, 1],
    ]);
    expect(out.reduce((n, c) => n + (c.count ?? 1), 0)).toBe(6);
  });
});

describe("where a dot standing for a pack sits", () => {
  it("at the pack's middle message, whatever order the messages come in", () => {
    expect(packProgress([0.7, 0.3, 0.5])).toBe(0.5);
    expect(packProgress([0.4, 0.6, 0.45, 0.5])).toBe(0.45); // the lower middle of an even pack
  });
  it("never at a link's ends, where the cards are", () => {
    // A producer's refused requests nearly all arrived: at the oldest one's place the dot covered the card.
    expect(packProgress([0.97, 0.99, 0.95])).toBe(PACK_PROGRESS.max);
    expect(packProgress([0.01, 0.02, 0.0])).toBe(PACK_PROGRESS.min);
    expect(PACK_PROGRESS.min).toBeGreaterThan(0);
    expect(PACK_PROGRESS.max).toBeLessThan(1);
  });
  it("in the middle of an empty pack", () => {
    expect(packProgress([])).toBe(0.5);
  });
});

describe("routed client paths", () => {
  it("go down the gutter and along the band under the brokers, never over the partitions", () => {
    const routes = { leftX: 166, rightX: 700, bandY: 180 };
    const b2 = { x: 300, y: 100, w: 100, h: 64 };
    const p3 = { x: 8, y: 400, w: 146, h: 112 };
    const m1 = { x: 720, y: 260, w: 180, h: 34 };
    for (const [a, b, kind] of [
      [p3, b2, "toBroker"],
      [b2, p3, "fromBroker"],
      [m1, b2, "toBroker"],
      [b2, m1, "fromBroker"],
    ] as const) {
      const path = messagePath(a, b, kind, routes);
      for (let t = 0; t <= 1; t += 0.02) {
        const at = pointOnPath(path, t);
        // The partitions lie between the gutters, under the band: no point of the path is there.
        expect(at.x <= routes.leftX + 3 || at.x >= routes.rightX - 3 || at.y <= routes.bandY + 3).toBe(true);
      }
      expect(pointOnPath(path, kind === "toBroker" ? 1 : 0).y).toBe(b2.y + b2.h);
    }
  });
});
