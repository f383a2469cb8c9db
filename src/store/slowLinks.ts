// Which links are slowed right now, read from the trace: every `slowLink`
// fault adds (or replaces) an override, `resetLinks` clears them all. The
// engine keeps link overrides inside its world state; the UI learns them
// from the trace, so a rewind (a rescan) gives the right answer for the past.

import type { TraceEvent } from "../engine/index.ts";

/** Slowed links, undirected: "a|b" (a < b) → extra latency in ms. */
export type SlowLinks = Map<string, number>;

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Folds one trace event into the set of slowed links. */
export function observeSlowLinks(links: SlowLinks, e: TraceEvent): void {
  if (e.kind !== "fault") return;
  const d = e.data as Record<string, unknown> | undefined;
  if (d?.fault === "resetLinks") links.clear();
  else if (d?.fault === "slowLink" && typeof d.from === "string" && typeof d.to === "string") {
    const ms = typeof d.extraLatencyMs === "number" ? d.extraLatencyMs : 0;
    if (ms > 0) links.set(pairKey(d.from, d.to), ms);
    else links.delete(pairKey(d.from, d.to));
  }
}

export interface SlowNode {
  /** The nodes it has a slowed link with, sorted. */
  peers: string[];
  /** The largest extra latency on those links. */
  extraLatencyMs: number;
}

/** Each node with at least one slowed link: who with, and how slow. */
export function slowNodes(links: ReadonlyMap<string, number>): Map<string, SlowNode> {
  const out = new Map<string, SlowNode>();
  for (const [key, ms] of links) {
    const [a, b] = key.split("|");
    for (const [n, peer] of [
      [a, b],
      [b, a],
    ]) {
      const s = out.get(n) ?? { peers: [], extraLatencyMs: 0 };
      s.peers.push(peer);
      s.extraLatencyMs = Math.max(s.extraLatencyMs, ms);
      out.set(n, s);
    }
  }
  for (const s of out.values()) s.peers.sort();
  return out;
}

/**
 * The nodes to flag as "slow" on the cluster view: those with the most slowed
 * links (a follower slowed towards every other broker, not each broker at the
 * far end of one of its links); both ends when a single link is slow.
 */
export function mostSlowed(nodes: ReadonlyMap<string, SlowNode>): Set<string> {
  let max = 0;
  for (const s of nodes.values()) max = Math.max(max, s.peers.length);
  return new Set([...nodes].filter(([, s]) => max > 0 && s.peers.length === max).map(([n]) => n));
}
