// The pieces on their own: the classic group statechart, the settings and
// schema fragments, determinism, and the expectation evaluators over views.

import { describe, expect, it } from "vitest";
import { startMachine, stateLabel, stepMachine } from "../../machines/host.ts";
import { resolveConsumer, resolveCoordinator } from "./config.ts";
import { markRead } from "./consumerData.ts";
import { checkGroupExpectation } from "./expectations.ts";
import { classicGroupMachine, groupMachineTimerIds, groupTimerId } from "./groupMachine.ts";
import { consumersSchema, groupExpectationSchema, groupInputSchema, checkGroupsScenario } from "./schema.ts";
import { buildGroupWorld } from "./testkit.ts";
import { TimeTravel } from "../../world/timeTravel.ts";
import { checkGroupInvariants, freshGroupCheckerMemory } from "./invariants.ts";
import { consumerData } from "./consumerData.ts";
import { MODULE_NAME, type CoordinatorState } from "./coordinatorState.ts";
import type { BrokerData } from "../broker/brokerData.ts";

describe("the classic group statechart", () => {
  const input = {
    groupId: "g",
    initialDelayMs: 300,
    rebalanceTimeoutMs: 0,
    delayMs: 300,
    remainingMs: 0,
    newMemberAdded: false,
  };

  it("waits group.initial.rebalance.delay.ms from Empty, extending once per new member up to the rebalance timeout", () => {
    let [s, actions] = startMachine(classicGroupMachine, input);
    expect(stateLabel(s.value)).toBe("Empty");
    expect(actions.some((a) => a.type === "xstate.raise")).toBe(false);
    [s, actions] = stepMachine(classicGroupMachine, s, {
      type: "PREPARE_REBALANCE",
      rebalanceTimeoutMs: 1000,
      why: "",
    } as never);
    expect(stateLabel(s.value)).toBe("PreparingRebalance.initialDelay");
    const raise = actions.find((a) => a.type === "xstate.raise");
    expect(raise?.params?.delay).toBe(300);
    expect(groupMachineTimerIds("g")).toContain(groupTimerId("g", String(raise?.params?.id)));
    [s] = stepMachine(classicGroupMachine, s, { type: "MEMBER_ADDED", why: "" } as never);
    // The delay expires with a new member: a second delay (min(300, remaining 700)).
    [s, actions] = stepMachine(classicGroupMachine, s, raise!.params!.event as never);
    expect(stateLabel(s.value)).toBe("PreparingRebalance.initialDelay");
    expect(actions.filter((a) => a.type === "xstate.raise").map((a) => a.params?.delay)).toEqual([300]);
    expect(actions.some((a) => a.type === "joinDeadline")).toBe(false);
    // No new member this time: the join phase ends.
    [s, actions] = stepMachine(classicGroupMachine, s, raise!.params!.event as never);
    expect(actions.some((a) => a.type === "joinDeadline")).toBe(true);
    [s, actions] = stepMachine(classicGroupMachine, s, { type: "JOIN_COMPLETED", why: "" } as never);
    expect(stateLabel(s.value)).toBe("CompletingRebalance");
    const sync = actions.find((a) => a.type === "xstate.raise");
    expect(groupMachineTimerIds("g")).toContain(groupTimerId("g", String(sync?.params?.id)));
    [s] = stepMachine(classicGroupMachine, s, { type: "ASSIGNMENT_STORED", why: "" } as never);
    expect(stateLabel(s.value)).toBe("Stable");
    [s, actions] = stepMachine(classicGroupMachine, s, {
      type: "PREPARE_REBALANCE",
      rebalanceTimeoutMs: 5000,
      why: "",
    } as never);
    expect(stateLabel(s.value)).toBe("PreparingRebalance.awaitingRejoin");
    const join = actions.find((a) => a.type === "xstate.raise");
    expect(join?.params?.delay).toBe(5000);
    expect(groupMachineTimerIds("g")).toContain(groupTimerId("g", String(join?.params?.id)));
    [s] = stepMachine(classicGroupMachine, s, { type: "UNLOAD", why: "" } as never);
    expect(stateLabel(s.value)).toBe("Dead");
  });
});

describe("settings and schema", () => {
  it("fills Kafka's defaults, or the Classroom profile's", () => {
    const k = resolveConsumer({ id: "a", groupId: "g", topics: ["t"] }, "kafka-defaults", 30_000);
    expect(k.sessionTimeoutMs).toBe(45_000);
    expect(k.heartbeatIntervalMs).toBe(3_000);
    expect(k.maxPollIntervalMs).toBe(300_000);
    expect(k.maxPollRecords).toBe(500);
    expect(k.autoOffsetReset).toBe("latest");
    expect(k.assignmentStrategy).toEqual(["range", "cooperative-sticky"]);
    expect(resolveCoordinator("kafka-defaults", undefined).initialRebalanceDelayMs).toBe(3_000);
    expect(resolveCoordinator("classroom", undefined).initialRebalanceDelayMs).toBe(300);
    const c = resolveConsumer(
      {
        id: "a",
        groupId: "g",
        topics: ["t"],
        settings: { "partition.assignment.strategy": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" },
      },
      "classroom",
      5_000,
    );
    expect(c.assignmentStrategy).toEqual(["cooperative-sticky"]);
    expect(c.sessionTimeoutMs).toBe(6_000);
  });

  it("rejects unknown settings and bad values with a path", () => {
    const bad = consumersSchema.safeParse([
      { id: "a", groupId: "g", topics: ["t"], settings: { "session.timout.ms": 1 } },
    ]);
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("session.timout.ms");
    const badAssignor = consumersSchema.safeParse([
      { id: "a", groupId: "g", topics: ["t"], settings: { "partition.assignment.strategy": ["fair"] } },
    ]);
    expect(badAssignor.success).toBe(false);
    const hb = consumersSchema.safeParse([
      { id: "a", groupId: "g", topics: ["t"], settings: { "session.timeout.ms": 3000, "heartbeat.interval.ms": 3000 } },
    ]);
    expect(hb.success).toBe(false);
    expect(
      groupInputSchema.safeParse({ type: "resetOffsets", groupId: "g", topic: "t", to: { offset: 5 } }).success,
    ).toBe(true);
    expect(groupInputSchema.safeParse({ type: "resetOffsets", groupId: "g", topic: "t", to: "middle" }).success).toBe(
      false,
    );
    expect(groupExpectationSchema.safeParse({ type: "noDuplicates", groupId: "g" }).success).toBe(true);
    expect(groupExpectationSchema.safeParse({ type: "noDuplicates" }).success).toBe(false);
  });

  it("cross-checks consumers, steps and expectations against the scenario", () => {
    const issues: string[] = [];
    const known = new Set(["b1", "c1"]);
    checkGroupsScenario(
      {
        consumers: [
          { id: "c1", topics: ["orders"] },
          { id: "a2", topics: ["nope"] },
        ],
        topics: [{ name: "orders" }],
        steps: [{ atMs: 1, do: { type: "stallConsumer", id: "zz", forMs: 5 } }],
        expectations: [{ type: "noDuplicates", consumer: "a9" }],
      },
      known,
      (path, message) => issues.push(`${path.join(".")}: ${message}`),
    );
    expect(issues).toEqual([
      'consumers.0.id: "c1" is already the id of another node',
      'consumers.1.topics.0: no topic "nope" in this scenario',
      'steps.0.do.id: no consumer "zz" in this scenario',
      'expectations.0.consumer: no consumer "a9" in this scenario',
    ]);
    expect(known.has("a2")).toBe(true);
  });

  it("counts duplicates with processed ranges", () => {
    const r: [number, number][] = [];
    expect([3, 4, 5, 1, 2, 4, 0, 7, 6].map((o) => markRead(r, o))).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
    expect(r).toEqual([[0, 7]]);
  });
});

describe("determinism and expectations", () => {
  const options = () => ({
    seed: 11,
    loadGenerators: [{ id: "p1", topic: "orders", ratePerSec: 30, acks: "all" }],
    consumers: [
      { id: "a1", groupId: "shop", topics: ["orders"], settings: { "auto.offset.reset": "earliest" } },
      {
        id: "a2",
        groupId: "shop",
        topics: ["orders"],
        settings: { "auto.offset.reset": "earliest", "partition.assignment.strategy": ["range"] },
      },
    ],
    steps: [{ atMs: 4000, do: { type: "crash", node: "a2" } }],
  });

  it("the same seed and inputs give the same trace, and data survives structuredClone", () => {
    const a = buildGroupWorld(options());
    const b = buildGroupWorld(options());
    a.runUntil(12_000);
    b.runUntil(12_000);
    expect(a.engine.traceHash()).toBe(b.engine.traceHash());
    for (const id of a.engine.world.actorOrder)
      expect(() => structuredClone(a.engine.world.actors[id].data)).not.toThrow();
    expect(() => structuredClone(a.engine.world.data)).not.toThrow();
  });

  it("seeking back to a checkpoint and running on gives the same trace (time travel)", () => {
    const w = buildGroupWorld(options());
    const travel = new TimeTravel(w.engine, [...w.engine.inputs], { checkpointIntervalMs: 1000 });
    travel.runUntil(10_000);
    const hash = w.engine.traceHash();
    const lag = w.group("shop").totalLag;
    travel.seek(4_500);
    travel.runUntil(10_000);
    expect(w.engine.traceHash()).toBe(hash);
    expect(w.group("shop").totalLag).toBe(lag);
  });

  it("the checker is not vacuous: it reports a rewind, a double owner and a commit past the HW", () => {
    const w = buildGroupWorld(options());
    w.runUntil(3_000);
    const memory = freshGroupCheckerMemory();
    expect(checkGroupInvariants(w.engine, w.module.ctx, memory)).toEqual([]);
    const ledger = consumerData(w.engine.actor("a1")).ledger;
    const last = ledger.view()[ledger.length - 1];
    // Entries read their fields through getters (ConsumedEntry): spell a rewound one out.
    ledger.push({
      topic: last.topic,
      partition: last.partition,
      offset: last.offset - 1,
      key: last.key,
      value: last.value,
      timestamp: last.timestamp,
      polledAtMs: last.polledAtMs,
      readAtMs: last.readAtMs,
      generation: last.generation,
      run: last.run,
      rebalancing: last.rebalancing,
      incarnation: last.incarnation,
    });
    const coordinator = w.group("shop").coordinator!;
    const st = (w.engine.actor(`b${coordinator}`).data as BrokerData).modules[MODULE_NAME] as CoordinatorState;
    const g = st.groups.shop;
    if (g.type !== "classic") throw new Error("expected a classic group");
    g.members[1].assignment = [...g.members[1].assignment, g.members[0].assignment[0]];
    g.offsets["orders-0"] = { ...g.offsets["orders-0"], offset: 1_000_000 };
    const found = checkGroupInvariants(w.engine, w.module.ctx, memory)
      .map((v) => v.guarantee)
      .sort();
    expect(found).toEqual(["Committed within HW", "Poll continuity", "Single owner"]);
  });

  it("evaluates expectations against the views", () => {
    const w = buildGroupWorld(options());
    w.runUntil(12_000);
    const views = { groups: [w.group("shop")], consumers: w.consumers(), nowMs: 12_000 };
    const check = (e: unknown) => checkGroupExpectation(groupExpectationSchema.parse(e), views);
    expect(check({ type: "groupState", groupId: "shop", state: "Stable" }).ok).toBe(true);
    expect(check({ type: "rebalances", groupId: "shop", atLeast: 2, atMost: 2 })).toMatchObject({
      ok: true,
      detail: "2 rebalance(s)",
    });
    expect(check({ type: "partitionOwner", groupId: "shop", topic: "orders", partition: 2, consumer: "a1" }).ok).toBe(
      true,
    );
    expect(check({ type: "duplicatesSeen", groupId: "shop" }).ok).toBe(true);
    expect(check({ type: "noDuplicates", consumer: "a1" }).ok).toBe(true);
    expect(check({ type: "noSkips", groupId: "shop" }).ok).toBe(true);
    expect(check({ type: "lagBelow", groupId: "shop", atMost: 40 }).ok).toBe(true);
    expect(check({ type: "lagBelow", groupId: "shop", atMost: 40, byMs: 3000 }).ok).toBe(true);
    expect(check({ type: "consumingPausedDuringRebalance", groupId: "shop", paused: true }).ok).toBe(true);
  });
});
