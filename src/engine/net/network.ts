// The simulated network: per-link latency from a seeded distribution, loss,
// partitions into islands (symmetric or one-way), clogging and slow links,
// all changeable while the simulation runs.
//
// The network is plain data (NetworkState) plus pure functions over it, so it
// is checkpointed with the world. Links are FIFO, like the TCP connections
// Kafka uses: a message never overtakes an earlier one on the same link.

import type { Prng } from "../core/prng.ts";

export interface LinkOverride {
  /** Extra latency added to every message on this link (a "slow" link). */
  extraLatencyMs?: number;
  /** Loss probability for this link, replacing the default. */
  lossProbability?: number;
  /** Messages sent on the link are held until this time (clogging). */
  cloggedUntilMs?: number;
}

export interface NetworkConfig {
  /** Latency of a message is uniform in [latencyMsMin, latencyMsMax]. */
  latencyMsMin: number;
  latencyMsMax: number;
  /** Probability that a message is lost on any link without an override. */
  lossProbability: number;
}

export interface NetworkState {
  config: NetworkConfig;
  /** Directed links that drop everything, as "source>target". */
  blocked: Record<string, true>;
  /** Per-link overrides, keyed "source>target". */
  links: Record<string, LinkOverride>;
  /** The latest delivery time already promised on each link, to keep links FIFO. */
  lastDeliverAtMs: Record<string, number>;
}

export const DEFAULT_NETWORK_CONFIG: NetworkConfig = {
  latencyMsMin: 1,
  latencyMsMax: 5,
  lossProbability: 0,
};

export function createNetworkState(config: Partial<NetworkConfig> = {}): NetworkState {
  const merged = { ...DEFAULT_NETWORK_CONFIG, ...config };
  // Given only a minimum above the default maximum, the maximum follows it.
  if (config.latencyMsMax === undefined && merged.latencyMsMin > merged.latencyMsMax)
    merged.latencyMsMax = merged.latencyMsMin;
  validateNetworkConfig(merged);
  return { config: merged, blocked: {}, links: {}, lastDeliverAtMs: {} };
}

export function validateNetworkConfig(c: NetworkConfig): void {
  if (!(c.latencyMsMin >= 0) || !(c.latencyMsMax >= c.latencyMsMin)) {
    throw new RangeError(
      `network latency must satisfy 0 <= latencyMsMin <= latencyMsMax (got ${c.latencyMsMin}..${c.latencyMsMax})`,
    );
  }
  if (!(c.lossProbability >= 0 && c.lossProbability <= 1)) {
    throw new RangeError(`network lossProbability must be within [0, 1] (got ${c.lossProbability})`);
  }
}

// Every message looks its link up two or three times (send and delivery).
// Handing out one key string per link, instead of building it each time,
// saves the building, and V8 looks a key it has seen before up faster.
const linkKeys = new Map<string, Map<string, string>>();

/** "source>target": the key of a directed link in the network's records. */
export function linkKey(source: string, target: string): string {
  let byTarget = linkKeys.get(source);
  if (byTarget === undefined) {
    // Actor ids repeat from run to run; the bound only guards a very long session.
    if (linkKeys.size >= 10_000) linkKeys.clear();
    byTarget = new Map();
    linkKeys.set(source, byTarget);
  }
  let key = byTarget.get(target);
  if (key === undefined) {
    key = `${source}>${target}`;
    byTarget.set(target, key);
  }
  return key;
}

export function isBlocked(net: NetworkState, source: string, target: string): boolean {
  return net.blocked[linkKey(source, target)] === true;
}

/** What happens to a message sent now on a link: when it arrives, and whether it is lost on the way. */
export interface Transmission {
  deliverAtMs: number;
  lost: boolean;
  /** Why it will be lost, in plain language. */
  lossReason?: string;
}

export function transmit(net: NetworkState, rng: Prng, source: string, target: string, nowMs: number): Transmission {
  const key = linkKey(source, target);
  const override = net.links[key];
  const { latencyMsMin, latencyMsMax } = net.config;
  // Draw every random number whatever the outcome, so that a fault on one
  // message does not shift the random draws of the messages after it.
  // Microsecond resolution: sub-millisecond links (a rack) and readable times in the trace.
  const latencyMs =
    latencyMsMin === latencyMsMax
      ? latencyMsMin
      : Math.round((latencyMsMin + rng.next() * (latencyMsMax - latencyMsMin)) * 1000) / 1000;
  const lossDraw = rng.next();
  // Rounded to the microsecond so that sums of latencies stay exact and readable.
  let deliverAtMs = Math.round((nowMs + latencyMs + (override?.extraLatencyMs ?? 0)) * 1000) / 1000;
  if (override?.cloggedUntilMs !== undefined && override.cloggedUntilMs > deliverAtMs) {
    deliverAtMs = override.cloggedUntilMs;
  }
  const previous = net.lastDeliverAtMs[key];
  if (previous !== undefined && previous > deliverAtMs) deliverAtMs = previous;
  net.lastDeliverAtMs[key] = deliverAtMs;

  if (net.blocked[key] === true) {
    return {
      deliverAtMs,
      lost: true,
      lossReason: `the network between ${source} and ${target} is partitioned`,
    };
  }
  const lossProbability = override?.lossProbability ?? net.config.lossProbability;
  if (lossDraw < lossProbability) {
    return {
      deliverAtMs,
      lost: true,
      lossReason: `lost on the link ${source}→${target} (loss probability ${lossProbability})`,
    };
  }
  return { deliverAtMs, lost: false };
}

/**
 * Splits the given nodes into islands: a node reaches only the nodes of its
 * own island. With `oneWay`, only traffic from an earlier island to a later
 * one is cut (island 0 cannot reach island 1, but island 1 still reaches 0).
 * Nodes not named in any island are untouched.
 */
export function partitionIntoIslands(net: NetworkState, islands: readonly (readonly string[])[], oneWay = false): void {
  for (let i = 0; i < islands.length; i++) {
    for (let j = 0; j < islands.length; j++) {
      if (i === j) continue;
      if (oneWay && j < i) continue;
      for (const source of islands[i]) {
        for (const target of islands[j]) net.blocked[linkKey(source, target)] = true;
      }
    }
  }
}

/** Cuts traffic in one direction only, from each source to each target. */
export function blockLinks(net: NetworkState, sources: readonly string[], targets: readonly string[]): void {
  for (const source of sources)
    for (const target of targets) if (source !== target) net.blocked[linkKey(source, target)] = true;
}

/** Heals every partition (links' latency and loss overrides stay). */
export function healPartitions(net: NetworkState): void {
  net.blocked = {};
}

export function setLinkOverride(net: NetworkState, source: string, target: string, override: LinkOverride): void {
  const key = linkKey(source, target);
  const merged = { ...net.links[key], ...override };
  net.links[key] = merged;
}

export function clearLinkOverrides(net: NetworkState): void {
  net.links = {};
}

/** Groups nodes into the islands that can currently talk both ways (for views). */
export function currentIslands(net: NetworkState, nodes: readonly string[]): string[][] {
  const islands: string[][] = [];
  const placed = new Set<string>();
  for (const node of nodes) {
    if (placed.has(node)) continue;
    const island = [node];
    placed.add(node);
    for (const other of nodes) {
      if (placed.has(other)) continue;
      if (!isBlocked(net, node, other) && !isBlocked(net, other, node)) {
        island.push(other);
        placed.add(other);
      }
    }
    islands.push(island);
  }
  return islands;
}
