// The kernel's own inputs: the fault palette that does not depend on what the
// actors are (crash, restart, network partitions, slow, clogged and lossy
// links). Cluster and client modules add their own inputs beside these.

import {
  blockLinks,
  clearLinkOverrides,
  healPartitions,
  partitionIntoIslands,
  setLinkOverride,
  validateNetworkConfig,
} from "../net/network.ts";
import type { Engine } from "./engine.ts";
import type { InputHandler, SimInput } from "./types.ts";

function str(input: SimInput, field: string): string {
  const v = input[field];
  if (typeof v !== "string" || v === "") throw new TypeError(`${input.type}: "${field}" must be a non-empty string`);
  return v;
}

function num(input: SimInput, field: string, fallback?: number): number {
  const v = input[field] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${input.type}: "${field}" must be a number`);
  return v;
}

function strList(input: SimInput, field: string): string[] {
  const v = input[field];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new TypeError(`${input.type}: "${field}" must be a list of node ids`);
  }
  return v as string[];
}

function requireNodes(engine: Engine, ids: readonly string[], inputType: string): void {
  for (const id of ids) if (!engine.hasActor(id)) throw new RangeError(`${inputType}: no node "${id}"`);
}

export const kernelInputs: Record<string, InputHandler> = {
  crash(engine, input) {
    const node = str(input, "node");
    requireNodes(engine, [node], "crash");
    engine.crash(node, "hard kill (no clean shutdown)");
  },

  restart(engine, input) {
    const node = str(input, "node");
    requireNodes(engine, [node], "restart");
    engine.restart(node, "started again after a crash");
  },

  pause(engine, input) {
    const node = str(input, "node");
    requireNodes(engine, [node], "pause");
    const forMs = num(input, "forMs");
    if (forMs <= 0) throw new RangeError("pause: forMs must be > 0");
    engine.pause(node, forMs, "a stall (like a long GC pause): it neither sends nor receives until then");
  },

  partition(engine, input) {
    const raw = input.islands;
    if (!Array.isArray(raw) || raw.length < 2)
      throw new TypeError('partition: "islands" must list at least two groups of nodes');
    const islands = raw.map((group, i) => {
      if (!Array.isArray(group) || group.some((x) => typeof x !== "string")) {
        throw new TypeError(`partition: islands[${i}] must be a list of node ids`);
      }
      return group as string[];
    });
    requireNodes(engine, islands.flat(), "partition");
    const oneWay = input.oneWay === true;
    partitionIntoIslands(engine.world.net, islands, oneWay);
    const described = islands.map((g) => `{${g.join(", ")}}`).join(oneWay ? " ⇸ " : " | ");
    engine.record("fault", "world", `network partitioned${oneWay ? " one way" : ""}: ${described}`, {
      fault: "partition",
      islands,
      oneWay,
    });
  },

  isolate(engine, input) {
    const node = str(input, "node");
    requireNodes(engine, [node], "isolate");
    const others = engine.world.actorOrder.filter((id) => id !== node);
    partitionIntoIslands(engine.world.net, [[node], others]);
    engine.record("fault", "world", `${node} cut off from every other node`, {
      fault: "isolate",
      node,
    });
  },

  cutLink(engine, input) {
    const from = strList(input, "from");
    const to = strList(input, "to");
    requireNodes(engine, [...from, ...to], "cutLink");
    blockLinks(engine.world.net, from, to);
    engine.record("fault", "world", `traffic from {${from.join(", ")}} to {${to.join(", ")}} is dropped (one way)`, {
      fault: "cutLink",
      from,
      to,
    });
  },

  heal(engine) {
    healPartitions(engine.world.net);
    engine.record("fault", "world", "network healed: every node reaches every other", { fault: "heal" });
  },

  slowLink(engine, input) {
    const from = str(input, "from");
    const to = str(input, "to");
    requireNodes(engine, [from, to], "slowLink");
    const extraLatencyMs = num(input, "extraLatencyMs");
    if (extraLatencyMs < 0) throw new RangeError("slowLink: extraLatencyMs must be >= 0");
    setLinkOverride(engine.world.net, from, to, { extraLatencyMs });
    if (input.bothWays === true) setLinkOverride(engine.world.net, to, from, { extraLatencyMs });
    engine.record("fault", "world", `link ${from}→${to} slowed by ${extraLatencyMs} ms`, {
      fault: "slowLink",
      from,
      to,
      extraLatencyMs,
    });
  },

  clogLink(engine, input) {
    const from = str(input, "from");
    const to = str(input, "to");
    requireNodes(engine, [from, to], "clogLink");
    const forMs = num(input, "forMs");
    if (forMs < 0) throw new RangeError("clogLink: forMs must be >= 0");
    const cloggedUntilMs = engine.nowMs + forMs;
    setLinkOverride(engine.world.net, from, to, { cloggedUntilMs });
    engine.record("fault", "world", `link ${from}→${to} clogged for ${forMs} ms: messages wait, none are lost`, {
      fault: "clogLink",
      from,
      to,
      cloggedUntilMs,
    });
  },

  setLoss(engine, input) {
    const lossProbability = num(input, "lossProbability");
    const c = { ...engine.world.net.config, lossProbability };
    validateNetworkConfig(c);
    engine.world.net.config = c;
    engine.record("fault", "world", `every link now loses ${(lossProbability * 100).toFixed(1)}% of messages`, {
      fault: "setLoss",
      lossProbability,
    });
  },

  setLatency(engine, input) {
    const c = {
      ...engine.world.net.config,
      latencyMsMin: num(input, "latencyMsMin"),
      latencyMsMax: num(input, "latencyMsMax"),
    };
    validateNetworkConfig(c);
    engine.world.net.config = c;
    engine.record("fault", "world", `link latency now ${c.latencyMsMin}–${c.latencyMsMax} ms`, { fault: "setLatency" });
  },

  resetLinks(engine) {
    clearLinkOverrides(engine.world.net);
    engine.record("fault", "world", "every link back to normal speed", {
      fault: "resetLinks",
    });
  },

  /** Delivers an event straight to an actor, as if it came from outside the cluster. */
  inject(engine, input) {
    const target = str(input, "target");
    requireNodes(engine, [target], "inject");
    const event = input.event;
    if (!event || typeof event !== "object" || typeof (event as { type?: unknown }).type !== "string") {
      throw new TypeError('inject: "event" must be an object with a string "type"');
    }
    engine.dispatch(target, event as { type: string });
  },
};

const list = (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v));

export const kernelInputDescriptions: Record<string, (input: SimInput) => string> = {
  crash: (i) => `crash ${i.node}`,
  restart: (i) => `restart ${i.node}`,
  pause: (i) => `pause ${i.node} for ${i.forMs} ms`,
  partition: (i) =>
    `split the network into ${(i.islands as string[][]).map((g) => `{${list(g)}}`).join(" and ")}${i.oneWay ? " (one way)" : ""}`,
  isolate: (i) => `cut ${i.node} off from the network`,
  cutLink: (i) => `drop traffic from {${list(i.from)}} to {${list(i.to)}}`,
  heal: () => "heal the network",
  slowLink: (i) => `slow the link ${i.from}→${i.to} by ${i.extraLatencyMs} ms`,
  clogLink: (i) => `clog the link ${i.from}→${i.to} for ${i.forMs} ms`,
  setLoss: (i) => `make every link lose ${i.lossProbability} of its messages`,
  setLatency: (i) => `set link latency to ${i.latencyMsMin}–${i.latencyMsMax} ms`,
  resetLinks: () => "reset every link to normal",
  inject: (i) => `hand ${(i.event as { type?: string })?.type ?? "an event"} to ${i.target}`,
};

export type { Engine };
