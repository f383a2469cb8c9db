import { describe, expect, it } from "vitest";
import { applyVariant, describeTimingChanges, modeOf, profileOf } from "./scenarioVariant.ts";

const kraft = {
  version: 1,
  title: "t",
  profile: "classroom",
  cluster: { mode: "kraft", brokers: 3 },
  steps: [
    { atMs: 1000, do: { type: "crashActiveController" } },
    { atMs: 1500, do: { type: "crash", node: "c2" } },
    { atMs: 2000, do: { type: "crash", node: "b2" } },
    { atMs: 2000, say: "The controller fails over." },
  ],
  expectations: [{ type: "activeController", isNot: "c1" }, { type: "noLostAcknowledgedRecords" }],
};

describe("switching mode and profile", () => {
  it("rewrites a KRaft scenario for ZooKeeper and says what changed", () => {
    const { scenario, changes } = applyVariant(kraft, { mode: "zookeeper" });
    const s = scenario as typeof kraft;
    expect(modeOf(s)).toBe("zookeeper");
    expect(s.steps.map((x) => ("do" in x && x.do ? x.do.type : "say"))).toEqual(["expireSession", "crash", "say"]);
    expect(s.expectations).toEqual([{ type: "noLostAcknowledgedRecords" }]);
    expect(changes.join("\n")).toMatch(/expire broker 1's ZooKeeper session/);
    expect(changes.join("\n")).toMatch(/"crash" was dropped/);
    expect(modeOf(kraft)).toBe("kraft"); // the original is untouched
  });

  it("maps the controller's session expiry back to crashing the active controller", () => {
    const zk = {
      ...kraft,
      cluster: { mode: "zookeeper" },
      steps: [{ atMs: 5, do: { type: "expireSession", broker: 1 } }],
    };
    const s = applyVariant(zk, { mode: "kraft" }).scenario as { steps: { do: { type: string } }[] };
    expect(s.steps[0].do.type).toBe("crashActiveController");
  });

  it("changes the profile only", () => {
    const { scenario, changes } = applyVariant(kraft, { profile: "kafka-defaults" });
    expect(profileOf(scenario)).toBe("kafka-defaults");
    expect(changes).toHaveLength(1);
    expect(applyVariant(kraft, { profile: "classroom", mode: "kraft" }).changes).toEqual([]);
    expect(describeTimingChanges({ a: 1, b: 2 }, { a: 1, b: 3 }, { a: "x.ms", b: "y.ms" })).toEqual([
      "y.ms 3 ms (was 2 ms)",
    ]);
  });
});
