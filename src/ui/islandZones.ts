// The island builder's pure part: which island each node is in (1-based),
// starting from the network as it is, and moving a node by drag or arrow key.

/** Island per node (1..zones), from the current islands (a whole network: all in 1). */
export function zonesFromIslands(
  islands: readonly string[][],
  nodes: readonly string[],
  zones: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) out[n] = 1;
  if (islands.length > 1)
    islands.forEach((g, i) => {
      for (const n of g) if (n in out) out[n] = Math.min(zones, i + 1);
    });
  return out;
}

/** Moves `node` by `step` islands (arrow keys), staying within 1..zones. */
export function stepZone(zones: Readonly<Record<string, number>>, node: string, step: number, count: number) {
  const now = zones[node] ?? 1;
  return { ...zones, [node]: Math.min(count, Math.max(1, now + step)) };
}

/** The nodes of each island, in `nodes` order: index 0 is island 1. */
export function nodesByZone(zones: Readonly<Record<string, number>>, nodes: readonly string[], count: number) {
  return Array.from({ length: count }, (_, i) => nodes.filter((n) => (zones[n] ?? 1) === i + 1));
}

/** What kind of node an id names, for a chip's label. */
export function nodeRole(id: string): string {
  return /^b\d+$/.test(id) ? "broker" : /^c\d+$/.test(id) ? "controller" : /^zk\d+$/.test(id) ? "ZooKeeper" : "client";
}
