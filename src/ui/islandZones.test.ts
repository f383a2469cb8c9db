import { describe, expect, it } from "vitest";
import { nodeRole, nodesByZone, stepZone, zonesFromIslands } from "./islandZones.ts";

describe("island builder", () => {
  const nodes = ["c1", "b1", "b2", "b3", "p1"];
  it("starts from the network as it is", () => {
    expect(zonesFromIslands([nodes], nodes, 3)).toEqual({ c1: 1, b1: 1, b2: 1, b3: 1, p1: 1 });
    expect(zonesFromIslands([["c1", "b1", "p1"], ["b2"], ["b3"], ["director"]], nodes, 3)).toEqual({
      c1: 1,
      b1: 1,
      b2: 2,
      b3: 3,
      p1: 1,
    });
  });
  it("moves a node with the arrow keys within the islands, and lists each island's nodes in order", () => {
    let z = zonesFromIslands([nodes], nodes, 3);
    z = stepZone(z, "b3", 1, 3);
    z = stepZone(z, "b3", 1, 3);
    z = stepZone(z, "b3", 1, 3);
    z = stepZone(z, "b1", -1, 3);
    expect(z.b3).toBe(3);
    expect(z.b1).toBe(1);
    expect(nodesByZone(z, nodes, 3)).toEqual([["c1", "b1", "b2", "p1"], [], ["b3"]]);
  });
  it("names each kind of node", () => {
    expect(["b2", "c1", "zk3", "p1"].map(nodeRole)).toEqual(["broker", "controller", "ZooKeeper", "client"]);
  });
});
