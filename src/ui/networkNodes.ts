/** Nodes that sit on the simulated network (not the engine's own helpers, such as a scenario director). */
export function networkNodes(actors: readonly { id: string; kind: string }[]): string[] {
  return actors.filter((a) => !/director/i.test(a.kind) && !/director/i.test(a.id)).map((a) => a.id);
}

/** Islands of a partitioned network, listing network nodes only. */
export function visibleIslands(islands: readonly string[][], nodes: readonly string[]): string[][] {
  const known = new Set(nodes);
  return islands.map((g) => g.filter((id) => known.has(id))).filter((g) => g.length > 0);
}

/** The islands of a partitioned network as "{b1, b2}  |  {b3}", or "" when the network is whole. */
export function islandsText(sim: { islands(): string[][]; actors(): readonly { id: string; kind: string }[] }): string {
  const islands = sim.islands();
  if (islands.length < 2) return "";
  const shown = visibleIslands(islands, networkNodes(sim.actors()));
  return shown.length > 1 ? shown.map((g) => `{${g.join(", ")}}`).join("  |  ") : "";
}
