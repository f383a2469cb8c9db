// Messages in flight: what kind each one is, and where it is at a given
// playhead. A message travels a gentle curve from its source's anchor to its
// target's; the curve bends to the left of its direction, so a request and
// its response take different paths and never sit on top of each other.

import type { Box, ClientRoutes, Point } from "./cluster.ts";
import { TraceTail } from "../../store/traceTail.ts";

export type MessageFamily = "produce" | "fetch" | "control" | "routine" | "refused";

export interface MessageKind {
  family: MessageFamily;
  /** A response travels back: drawn hollow. */
  response: boolean;
  /** One letter drawn in the dot, so colour is never the only signal. */
  letter: string;
  /** Short name for the legend and the dot's label. */
  label: string;
}

/** Routine traffic (heartbeats, metadata polling, Raft fetches, ZooKeeper pings) hides behind a toggle. */
export function classifyMessage(type: string): MessageKind {
  const response = /Response$|^zk\.(pong|response|connected)$/.test(type);
  const base = type.replace(/Response$/, "");
  if (base === "Produce") return { family: "produce", response, letter: "P", label: "Produce" };
  if (base === "Fetch") return { family: "fetch", response, letter: "F", label: "Fetch" };
  if (type === "ConnectionRefused") return { family: "refused", response: true, letter: "✕", label: "refused" };
  if (/AlterPartition$/.test(base)) return { family: "control", response, letter: "A", label: "AlterPartition" };
  if (/LeaderAndIsr$/.test(base)) return { family: "control", response, letter: "L", label: "LeaderAndIsr" };
  if (/UpdateMetadata$/.test(base)) return { family: "control", response, letter: "U", label: "UpdateMetadata" };
  if (/\.(Vote|BeginQuorumEpoch|EndQuorumEpoch)$/.test(base))
    return { family: "control", response, letter: "V", label: base.replace(/^kraft\./, "") };
  if (/BrokerRegistration$|ControlledShutdown$/.test(base))
    return { family: "control", response, letter: "R", label: base.replace(/^kraft\./, "") };
  if (/^zk\.(watch|expired|request|connect)$/.test(base) || type === "zk.response" || type === "zk.connected")
    return { family: "control", response, letter: "Z", label: base.replace(/^zk\./, "ZooKeeper ") };
  if (/Heartbeat$|^zk\.(ping|pong)$/.test(base))
    return { family: "routine", response, letter: "H", label: "heartbeat" };
  if (/MetadataFetch$|^Metadata$/.test(base)) return { family: "routine", response, letter: "M", label: "metadata" };
  if (base === "kraft.Fetch") return { family: "routine", response, letter: "R", label: "Raft fetch" };
  return { family: "routine", response, letter: "·", label: type };
}

export const FAMILY_COLOUR: Record<MessageFamily, string> = {
  produce: "#0969da",
  fetch: "#1a7f37",
  control: "#8250df",
  routine: "#6e7781",
  refused: "#cf222e",
};

export interface VisibleMessage {
  /**
   * Stable across frames: the id of the message's send event in the trace, or
   * for a message in flight whose send is outside the scanned window,
   * -1 - its in-flight id.
   */
  id: number;
  source: string;
  target: string;
  type: string;
  sentAtMs: number;
  /** When it arrives (or arrived); for messages read from the trace, when the engine said it would. */
  deliverAtMs: number;
  lost: boolean;
}

interface SendLike {
  id: number;
  kind: string;
  time: number;
  actor: string;
  data?: Readonly<Record<string, unknown>>;
}

interface InFlightLike {
  id?: number;
  source: string;
  target: string;
  type: string;
  sentAtMs: number;
  deliverAtMs: number;
  lost: boolean;
}

/** Trace events scanned back from the end for recent sends (older ones are never drawn). */
export const MESSAGE_SCAN_MAX = 3000;

/**
 * The sends among the last `maxScan` events of a trace, kept up to date
 * incrementally: each frame reads only the events appended since the last
 * (each send's `data` once, never again). The trace only grows, except after
 * a seek backwards, which truncates it (or replaces it): a shorter trace, or
 * another event object where the scan stopped, starts the scan again.
 */
export class RecentSends {
  private readonly tail: TraceTail<SendLike, VisibleMessage>;

  constructor(maxScan = MESSAGE_SCAN_MAX) {
    this.tail = new TraceTail(maxScan, sendOf);
  }

  /** See `visibleMessages`. */
  visible(
    trace: readonly SendLike[],
    inFlight: readonly InFlightLike[],
    nowMs: number,
    minVisibleMs: number,
  ): VisibleMessage[] {
    this.tail.update(trace);
    const out: VisibleMessage[] = [];
    // Sends in the window, newest first, indexed by send time to match the messages in flight.
    const from = nowMs - minVisibleMs;
    const recent = new Map<number, VisibleMessage[]>();
    this.tail.newestFirst((s) => {
      if (s.sentAtMs < from) return false;
      if (s.sentAtMs > nowMs) return;
      const at = recent.get(s.sentAtMs);
      if (at) at.push(s);
      else recent.set(s.sentAtMs, [s]);
    });
    const taken = new Set<VisibleMessage>();
    for (const m of inFlight) {
      // A message in flight is also a send in the trace (when it is in the window): one dot, the send's id.
      const s = recent
        .get(m.sentAtMs)
        ?.find((x) => !taken.has(x) && x.source === m.source && x.target === m.target && x.type === m.type);
      if (s) taken.add(s);
      const id = s ? s.id : -1 - (m.id ?? out.length);
      if (s && s.deliverAtMs === m.deliverAtMs && !m.lost) out.push(s);
      else
        out.push({
          id,
          source: m.source,
          target: m.target,
          type: m.type,
          sentAtMs: m.sentAtMs,
          deliverAtMs: m.deliverAtMs,
          lost: m.lost,
        });
    }
    for (const list of recent.values()) for (const s of list) if (!taken.has(s)) out.push(s);
    return out.sort((a, b) => a.sentAtMs - b.sentAtMs || a.id - b.id);
  }
}

/** A send event as a message to draw; null for any other event. */
function sendOf(e: SendLike): VisibleMessage | null {
  if (e.kind !== "send") return null;
  const d = e.data ?? {};
  const target = d.to;
  const type = d.type;
  if (typeof target !== "string" || typeof type !== "string" || !target || !type) return null;
  const arrive = typeof d.arriveAtMs === "number" ? d.arriveAtMs : e.time;
  return { id: e.id, source: e.actor, target, type, sentAtMs: e.time, deliverAtMs: arrive, lost: false };
}

const recentSendsByTrace = new WeakMap<readonly SendLike[], RecentSends>();

/**
 * The messages to draw at `nowMs`: those in flight, plus those sent in the
 * last `minVisibleMs` even if already delivered. Network latency is a few ms
 * of virtual time, far less than a frame at 1×, so each message is drawn for
 * at least `minVisibleMs` (a view setting tied to the speed, like a zoom):
 * the picture is still a pure function of the playhead and that setting.
 * Remembers, per trace, where it stopped reading (`RecentSends`), so a frame
 * reads only what the engine appended since the last.
 */
export function visibleMessages(
  trace: readonly SendLike[],
  inFlight: readonly InFlightLike[],
  nowMs: number,
  minVisibleMs: number,
): VisibleMessage[] {
  let recent = recentSendsByTrace.get(trace);
  if (!recent) recentSendsByTrace.set(trace, (recent = new RecentSends()));
  return recent.visible(trace, inFlight, nowMs, minVisibleMs);
}

/** Progress along the path, each message taking at least `minVisibleMs` to cross. */
export function visualProgress(
  m: { sentAtMs: number; deliverAtMs: number },
  nowMs: number,
  minVisibleMs: number,
): number {
  return progressAt(m.sentAtMs, m.sentAtMs + Math.max(m.deliverAtMs - m.sentAtMs, minVisibleMs), nowMs);
}

/** Virtual ms a message stays in view: about a third of a second of wall time at `speed`, within bounds. */
export function minVisibleMsFor(speed: number): number {
  return Math.min(400, Math.max(1, speed * 320));
}

/** The fraction of its path a message has covered at `nowMs`, in [0, 1]. */
export function progressAt(sentAtMs: number, deliverAtMs: number, nowMs: number): number {
  if (deliverAtMs <= sentAtMs) return 1;
  return Math.min(1, Math.max(0, (nowMs - sentAtMs) / (deliverAtMs - sentAtMs)));
}

const centre = (b: Box): Point => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

/** Where the line from the box's centre towards `towards` leaves the box. */
export function edgePoint(b: Box, towards: Point): Point {
  const c = centre(b);
  const dx = towards.x - c.x;
  const dy = towards.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const sx = dx === 0 ? Infinity : b.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : b.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: c.x + dx * s, y: c.y + dy * s };
}

export interface MessagePath {
  from: Point;
  control: Point;
  to: Point;
  /** A routed path: straight segments through these points (from … to) instead of the curve. */
  points?: Point[];
  /** Cumulative lengths along `points` (0 first). */
  lengths?: number[];
}

/** A point on a path; `vertical` when it is on a vertical segment of a routed path (a gutter). */
export interface PathPoint extends Point {
  vertical: boolean;
}

function polyline(points: Point[]): MessagePath {
  // Drop repeated points (a client level with the band has no gutter leg).
  const pts = points.filter((p, i) => i === 0 || p.x !== points[i - 1].x || p.y !== points[i - 1].y);
  const lengths = [0];
  for (let i = 1; i < pts.length; i++)
    lengths.push(lengths[i - 1] + Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y));
  const from = pts[0];
  const to = pts[pts.length - 1];
  return { from, to, control: { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 }, points: pts, lengths };
}

/**
 * A client's messages to and from a broker, routed clear of every label: from
 * the client's inner edge across to the gutter beside its column, along the
 * gutter to the band under the broker row, along the band under the broker,
 * up to its bottom edge. Requests and responses keep 3 px apart. Null when
 * the client is not in a side column with a gutter.
 */
function routedPath(client: Box, broker: Box, clientIsSource: boolean, routes: ClientRoutes): MessagePath | null {
  const side = clientIsSource ? -3 : 3;
  const brokerEnd = { x: broker.x + broker.w / 2 + (clientIsSource ? -10 : 10), y: broker.y + broker.h };
  const bandY = routes.bandY + side;
  let edgeX: number;
  let gutterX: number;
  if (routes.leftX !== null && client.x + client.w <= routes.leftX) {
    edgeX = client.x + client.w;
    gutterX = routes.leftX + side;
  } else if (routes.rightX !== null && client.x >= routes.rightX) {
    edgeX = client.x;
    gutterX = routes.rightX - side;
  } else return null;
  // Level with the band: straight across; else out near the card's top, then along the gutter.
  const inside = bandY >= client.y + 8 && bandY <= client.y + client.h - 8;
  const exitY = inside ? bandY : client.y + 16 + side;
  const pts = [
    { x: edgeX, y: exitY },
    { x: gutterX, y: exitY },
    { x: gutterX, y: bandY },
    { x: brokerEnd.x, y: bandY },
    brokerEnd,
  ];
  return polyline(clientIsSource ? pts : pts.reverse());
}

export type PathKind = "row" | "toBroker" | "fromBroker" | "other";

/**
 * The path of a message between two boxes:
 * - "row": boxes in one row (brokers, or controllers), joined by an arc over
 *   their tops; rightward higher than leftward, so a request and its response
 *   never share a path.
 * - "toBroker" / "fromBroker": a client (producer, consumer) and a broker: with `routes`, along
 *   the gutter beside the client's column and the band under the broker row (`routedPath`), so
 *   no dot ever stops on a partition's label; without, the curve dips under the broker row to
 *   the broker's bottom edge. Requests arrive left of centre, responses leave right of it.
 * - "other": a gentle curve bent to the left of the direction of travel.
 */
export function messagePath(
  source: Box,
  target: Box,
  kind: PathKind = "other",
  routes: ClientRoutes | null = null,
): MessagePath {
  if (kind === "row") {
    const from = { x: source.x + source.w / 2, y: source.y };
    const to = { x: target.x + target.w / 2, y: target.y };
    const dist = Math.abs(to.x - from.x);
    const right = to.x > from.x;
    const lift = Math.min(right ? 56 : 34, 14 + dist * (right ? 0.3 : 0.16));
    return { from, to, control: { x: (from.x + to.x) / 2, y: Math.min(from.y, to.y) - lift } };
  }
  if (kind === "toBroker" || kind === "fromBroker") {
    const clientIsSource = kind === "toBroker";
    const client = clientIsSource ? source : target;
    const broker = clientIsSource ? target : source;
    const routed = routes ? routedPath(client, broker, clientIsSource, routes) : null;
    if (routed) return routed;
    const shift = clientIsSource ? -10 : 10;
    const brokerEnd = { x: broker.x + broker.w / 2 + shift, y: broker.y + broker.h };
    const clientEnd = edgePoint(client, brokerEnd);
    const dip = Math.max(client.y + client.h / 2, brokerEnd.y) + (clientIsSource ? 18 : 30);
    const control = { x: (clientEnd.x + brokerEnd.x) / 2, y: dip };
    return clientIsSource ? { from: clientEnd, control, to: brokerEnd } : { from: brokerEnd, control, to: clientEnd };
  }
  const from = edgePoint(source, centre(target));
  const to = edgePoint(target, centre(source));
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const off = Math.min(40, len * 0.12 + 8);
  // Left of the direction of travel on screen (y grows downwards).
  return {
    from,
    to,
    control: { x: (from.x + to.x) / 2 + (dy / len) * off, y: (from.y + to.y) / 2 - (dx / len) * off },
  };
}

/** How two actors are placed relative to each other, by their ids (b1.. brokers, c1.. / zk1.. control nodes). */
export function pathKindFor(source: string, target: string): PathKind {
  const broker = (id: string) => /^b\d+$/.test(id);
  const control = (id: string) => /^(c|zk)\d+$/.test(id);
  if ((broker(source) && broker(target)) || (control(source) && control(target))) return "row";
  if (!control(source) && !control(target) && broker(source) !== broker(target))
    return broker(target) ? "toBroker" : "fromBroker";
  return "other";
}

/** The point at fraction `t` of a path (a quadratic Bézier curve, or along a routed path's segments). */
export function pointOnPath(p: MessagePath, t: number): PathPoint {
  if (p.points && p.lengths && p.points.length > 1) {
    const pts = p.points;
    const lens = p.lengths;
    const at = Math.min(1, Math.max(0, t)) * lens[lens.length - 1];
    let i = 1;
    while (i < pts.length - 1 && lens[i] < at) i++;
    const a = pts[i - 1];
    const b = pts[i];
    const seg = lens[i] - lens[i - 1];
    const f = seg > 0 ? (at - lens[i - 1]) / seg : 0;
    return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f, vertical: a.x === b.x };
  }
  const u = 1 - t;
  return {
    x: u * u * p.from.x + 2 * u * t * p.control.x + t * t * p.to.x,
    y: u * u * p.from.y + 2 * u * t * p.control.y + t * t * p.to.y,
    vertical: false,
  };
}

export type DotKey = string | number;

export interface DotInput {
  key: DotKey;
  x: number;
  y: number;
  /** Dots merge only with dots of the same group (kind of message). */
  group: string;
  /** Already a merged dot: how many messages, and which (default 1, itself). */
  count?: number;
  keys?: DotKey[];
}

export interface DotCluster extends Omit<DotInput, "count" | "keys"> {
  /** How many messages the dot stands for (1: just itself). */
  count: number;
  /** The keys of the messages it stands for, in input order. */
  keys: DotKey[];
}

const clusterOf = (d: DotInput): DotCluster => ({
  key: d.key,
  x: d.x,
  y: d.y,
  group: d.group,
  count: d.count ?? 1,
  keys: d.keys ? d.keys.slice() : [d.key],
});

function join(c: DotCluster, d: DotInput): void {
  c.count += d.count ?? 1;
  if (d.keys) for (const k of d.keys) c.keys.push(k);
  else c.keys.push(d.key);
}

/** A number for a grid cell (cells within ±2^20 of the origin, far more than any view). */
const cellId = (cx: number, cy: number) => (cx + 1048576) * 2097152 + (cy + 1048576);

/**
 * Merges dots of the same group lying closer than `minDist` into one, which
 * stands for them all with a count, so a busy pair of brokers shows "F ×6"
 * rather than a pile of overlapping dots. Greedy in input order (oldest
 * first): a dot joins the first cluster of its group whose anchor is near,
 * else it starts one; the anchor is where its first dot is. A grid of
 * `minDist` cells per group keeps it linear.
 */
export function clusterDots(dots: readonly DotInput[], minDist: number): DotCluster[] {
  const out: DotCluster[] = [];
  const cell = Math.max(1e-6, minDist);
  const grids = new Map<string, Map<number, DotCluster[]>>();
  for (const d of dots) {
    const cx = Math.floor(d.x / cell);
    const cy = Math.floor(d.y / cell);
    let grid = grids.get(d.group);
    if (!grid) grids.set(d.group, (grid = new Map()));
    let found: DotCluster | undefined;
    for (let dx = -1; dx <= 1 && !found; dx++)
      for (let dy = -1; dy <= 1 && !found; dy++) {
        const near = grid.get(cellId(cx + dx, cy + dy));
        if (near)
          for (const c of near)
            if (Math.hypot(c.x - d.x, c.y - d.y) < minDist) {
              found = c;
              break;
            }
      }
    if (found) {
      join(found, d);
      continue;
    }
    const c = clusterOf(d);
    out.push(c);
    const k = cellId(cx, cy);
    const at = grid.get(k);
    if (at) at.push(c);
    else grid.set(k, [c]);
  }
  return out;
}

/**
 * One dot per link and group, where the link's first (oldest) message is:
 * for a crowded view, where even dots that do not overlap are too many to read.
 */
export function mergeByLink(dots: readonly (DotInput & { link: string })[]): DotCluster[] {
  const out: DotCluster[] = [];
  const byLink = new Map<string, Map<string, DotCluster>>();
  for (const d of dots) {
    let groups = byLink.get(d.link);
    if (!groups) byLink.set(d.link, (groups = new Map()));
    const c = groups.get(d.group);
    if (c) join(c, d);
    else {
      const fresh = clusterOf(d);
      groups.set(d.group, fresh);
      out.push(fresh);
    }
  }
  return out;
}

/**
 * One dot per link and group where a link carries `busyAt` or more dots of
 * that group (mergeByLink), the other dots as they are: a producer retrying
 * a dead leader piles requests and refusals on one short path, and a row of
 * half-overlapping dots reads as noise where one dot "×6" reads as a count.
 */
export function mergeBusyLinks(dots: readonly (DotInput & { link: string })[], busyAt: number): readonly DotInput[] {
  // Runs every frame over every dot: each dot's link key is built once.
  const keys = dots.map((d) => `${d.link}|${d.group}`);
  const perLink = new Map<string, number>();
  for (const k of keys) perLink.set(k, (perLink.get(k) ?? 0) + 1);
  const busy = dots.filter((_, i) => perLink.get(keys[i])! >= busyAt);
  if (busy.length === 0) return dots;
  return [...mergeByLink(busy), ...dots.filter((_, i) => perLink.get(keys[i])! < busyAt)];
}

/** How far along its link a dot standing for several messages may sit: clear of the cards at either end. */
export const PACK_PROGRESS = { min: 0.25, max: 0.75 };

/**
 * Where on its link a dot standing for several messages sits: at the middle
 * message of the pack, kept off the link's ends. At the oldest message, a
 * producer's pile of refused requests sat on the producer's card, over its
 * error line, and the replies on the broker's.
 */
export function packProgress(progress: readonly number[]): number {
  if (progress.length === 0) return 0.5;
  const sorted = [...progress].sort((a, b) => a - b);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  return Math.min(PACK_PROGRESS.max, Math.max(PACK_PROGRESS.min, middle));
}

/** The same link whichever way a message goes: "b1~b3". */
export function linkOf(source: string, target: string): string {
  return source < target ? `${source}~${target}` : `${target}~${source}`;
}

const kinds = new Map<string, MessageKind>();

/** `classifyMessage`, remembered per type (a busy frame classifies hundreds of messages of a dozen types). */
export function kindOf(type: string): MessageKind {
  let k = kinds.get(type);
  if (!k) kinds.set(type, (k = classifyMessage(type)));
  return k;
}

interface LinkEntry {
  from: Box;
  to: Box;
  routes: ClientRoutes | null;
  path: MessagePath;
  link: string;
}

const sameBoxAs = (a: Box, b: Box) => a === b || (a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h);
const sameRoutes = (a: ClientRoutes | null, b: ClientRoutes | null) =>
  a === b || (!!a && !!b && a.leftX === b.leftX && a.rightX === b.rightX && a.bandY === b.bandY);

/**
 * The path and link name of each (source, target) pair, remembered while the
 * two boxes stay where they are: a frame places hundreds of dots on a few
 * dozen links.
 */
export class LinkPaths {
  private bySource = new Map<string, Map<string, LinkEntry>>();

  get(source: string, target: string, from: Box, to: Box, routes: ClientRoutes | null = null): LinkEntry {
    let byTarget = this.bySource.get(source);
    if (!byTarget) this.bySource.set(source, (byTarget = new Map()));
    let e = byTarget.get(target);
    if (!e || !sameBoxAs(e.from, from) || !sameBoxAs(e.to, to) || !sameRoutes(e.routes, routes)) {
      e = {
        from,
        to,
        routes,
        path: messagePath(from, to, pathKindFor(source, target), routes),
        link: e?.link ?? linkOf(source, target),
      };
      byTarget.set(target, e);
    }
    return e;
  }
}
