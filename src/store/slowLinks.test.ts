import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../engine/index.ts";
import { mostSlowed, observeSlowLinks, slowNodes, type SlowLinks } from "./slowLinks.ts";

let id = 0;
const fault = (data: Record<string, unknown>): TraceEvent => ({
  id: ++id,
  time: id,
  kind: "fault",
  actor: "world",
  cause: 0,
  text: "",
  data,
});

describe("slowed links from the trace", () => {
  it("adds slowLink faults as undirected pairs and clears them on resetLinks", () => {
    const links: SlowLinks = new Map();
    observeSlowLinks(links, fault({ fault: "slowLink", from: "b3", to: "b1", extraLatencyMs: 4000 }));
    observeSlowLinks(links, fault({ fault: "slowLink", from: "b3", to: "b2", extraLatencyMs: 4000 }));
    observeSlowLinks(links, fault({ fault: "slowLink", from: "b1", to: "b3", extraLatencyMs: 5000 }));
    expect([...links]).toEqual([
      ["b1|b3", 5000],
      ["b2|b3", 4000],
    ]);
    const nodes = slowNodes(links);
    expect(nodes.get("b3")).toEqual({ peers: ["b1", "b2"], extraLatencyMs: 5000 });
    expect(nodes.get("b1")).toEqual({ peers: ["b3"], extraLatencyMs: 5000 });
    expect([...mostSlowed(nodes)]).toEqual(["b3"]);
    observeSlowLinks(links, fault({ fault: "resetLinks" }));
    expect(links.size).toBe(0);
    expect(mostSlowed(slowNodes(links)).size).toBe(0);
  });

  it("flags both ends of a single slow link, drops a link slowed by 0 ms, ignores other events", () => {
    const links: SlowLinks = new Map();
    observeSlowLinks(links, fault({ fault: "slowLink", from: "b1", to: "b3", extraLatencyMs: 4000 }));
    observeSlowLinks(links, { ...fault({ fault: "slowLink", from: "b2", to: "b3", extraLatencyMs: 1 }), kind: "note" });
    observeSlowLinks(links, fault({ fault: "heal" }));
    expect([...mostSlowed(slowNodes(links))].sort()).toEqual(["b1", "b3"]);
    observeSlowLinks(links, fault({ fault: "slowLink", from: "b3", to: "b1", extraLatencyMs: 0 }));
    expect(links.size).toBe(0);
  });
});
