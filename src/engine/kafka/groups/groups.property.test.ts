// Property: random membership changes (joins, clean closes, crashes and
// restarts, stalls past max.poll.interval.ms) and broker faults (crashes,
// restarts, pauses) never leave a Stable group with a partition owned twice,
// never commit an offset past the HW, and never make a consumer skip or go
// back between two polls of a partition without a rebalance, reset or seek.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SimInput } from "../../world/types.ts";
import { buildGroupWorld } from "./testkit.ts";

type Flavour = "eager" | "cooperative" | "static" | "consumer";

const settingsFor = (flavour: Flavour, id: string): Record<string, unknown> => {
  switch (flavour) {
    case "eager":
      return { "auto.offset.reset": "earliest" };
    case "cooperative":
      return { "auto.offset.reset": "earliest", "partition.assignment.strategy": ["cooperative-sticky"] };
    case "static":
      return { "auto.offset.reset": "earliest", "group.instance.id": `inst-${id}` };
    case "consumer":
      return { "auto.offset.reset": "earliest", "group.protocol": "consumer" };
  }
};

const action = fc.record({
  atMs: fc.integer({ min: 1_000, max: 20_000 }),
  kind: fc.constantFrom("add", "remove", "crash", "restart", "stall", "brokerCrash", "brokerRestart", "brokerPause"),
  who: fc.integer({ min: 0, max: 4 }),
  forMs: fc.integer({ min: 1_000, max: 20_000 }),
});

describe("consumer groups under random membership changes and broker faults", () => {
  it("keep single ownership in Stable groups, commit within the HW and read partitions without skips or rewinds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.constantFrom<Flavour>("eager", "cooperative", "static", "consumer"),
        fc.array(action, { minLength: 3, maxLength: 10 }),
        fc.constantFrom<"kraft" | "zookeeper">("kraft", "zookeeper"),
        (seed, flavour, actions, mode) => {
          const ids = ["a1", "a2", "a3", "a4", "a5"];
          const steps: { atMs: number; do: SimInput }[] = [];
          const started = new Set(["a1", "a2"]);
          for (const a of [...actions].sort((x, y) => x.atMs - y.atMs)) {
            const id = ids[a.who];
            const broker = `b${(a.who % 3) + 1}`;
            let input: SimInput | null = null;
            switch (a.kind) {
              case "add":
                if (!started.has(id)) {
                  started.add(id);
                  input = {
                    type: "addConsumer",
                    id,
                    groupId: "shop",
                    topics: ["orders"],
                    settings: settingsFor(flavour, id),
                  };
                }
                break;
              case "remove":
                if (started.has(id)) input = { type: "removeConsumer", id };
                break;
              case "crash":
                if (started.has(id)) input = { type: "crash", node: id };
                break;
              case "restart":
                if (started.has(id)) input = { type: "restart", node: id };
                break;
              case "stall":
                if (started.has(id)) input = { type: "stallConsumer", id, forMs: a.forMs };
                break;
              case "brokerCrash":
                input = { type: "crash", node: broker };
                break;
              case "brokerRestart":
                input = { type: "restart", node: broker };
                break;
              case "brokerPause":
                input = { type: "pause", node: broker, forMs: Math.min(a.forMs, 4_000) };
                break;
            }
            if (input) steps.push({ atMs: a.atMs, do: input });
          }
          // Every broker comes back, so the cluster can settle.
          for (const b of ["b1", "b2", "b3"]) steps.push({ atMs: 22_000, do: { type: "restart", node: b } });
          const w = buildGroupWorld({
            seed,
            mode,
            checkEveryStep: true,
            topics: [{ name: "orders", partitions: 4, replicationFactor: 3 }],
            loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 25, acks: "all" }], // null keys: spread over every partition
            consumers: ["a1", "a2"].map((id) => ({
              id,
              groupId: "shop",
              topics: ["orders"],
              settings: settingsFor(flavour, id),
            })),
            steps,
          });
          w.runUntil(30_000);
          // Something was read (the run exercised the groups), and every guarantee held throughout.
          expect(
            w.consumers().reduce((n, c) => n + c.recordsRead, 0),
            `seed ${seed}, ${mode}, flavour ${flavour}`,
          ).toBeGreaterThan(100);
          if (w.violations.length > 0) {
            const text = `seed ${seed}, ${mode}, flavour ${flavour}, steps ${JSON.stringify(steps)}: ${JSON.stringify(w.violations.slice(0, 3))}`;
            console.error(text);
            expect.fail(text);
          }
        },
      ),
      { numRuns: 20, seed: 20_240_917, endOnFailure: true },
    );
  }, 240_000);
});
