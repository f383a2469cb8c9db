/** Nodes that sit on the simulated network (not the engine's own helpers, such as a scenario director). */
export function networkNodes(actors: readonly { id: string; kind: string }[]): string[] {
  return actors.filter((a) => !/director/i.test(a.kind) && !/director/i.test(a.id)).map((a) => a.id);
}

/** Islands of a partitioned network, listing network nodes only. */
export function visibleIslands(islands: readonly string[][], nodes: readonly string[]): string[][] {
  const known = new Set(nodes);
  return islands.map((g) => g.filter((id) => known.has(id))).filter((g) => g.length > 0);
}
