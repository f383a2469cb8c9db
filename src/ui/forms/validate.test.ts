import { describe, expect, it } from "vitest";
import {
  validateAddConsumer,
  validateStall,
  validateAddPartitions,
  validateCreateTopic,
  validateIslands,
  validateLoad,
  validateProduce,
  validateResetOffsets,
  validateSlowFollower,
} from "./validate.ts";

const form = {
  name: "clicks",
  partitions: "3",
  replicationFactor: "3",
  minInsyncReplicas: "2",
  uncleanLeaderElection: false,
  cleanupPolicy: "delete",
};

describe("action forms", () => {
  it("builds a createTopic input from valid fields", () => {
    const v = validateCreateTopic(form, ["orders"], 3);
    expect(v.errors).toEqual({});
    expect(v.input).toEqual({
      type: "createTopic",
      name: "clicks",
      partitions: 3,
      replicationFactor: 3,
      config: { "min.insync.replicas": 2, "unclean.leader.election.enable": false, "cleanup.policy": "delete" },
    });
  });

  it("names the field in every error, and never accepts markup or code as a name", () => {
    const v = validateCreateTopic(
      { ...form, name: "<script>alert(1)</script>", partitions: "2e3", replicationFactor: "4", minInsyncReplicas: "" },
      [],
      3,
    );
    expect(v.input).toBeNull();
    expect(v.errors.name).toMatch(/^Topic name:/);
    expect(v.errors.partitions).toMatch(/^Partitions:/);
    expect(v.errors.replicationFactor).toMatch(/^Replication factor:.*INVALID_REPLICATION_FACTOR/);
    expect(v.errors.minInsyncReplicas).toMatch(/^min\.insync\.replicas:/);
    expect(validateCreateTopic(form, ["clicks"], 3).errors.name).toMatch(/TOPIC_ALREADY_EXISTS/);
    expect(validateCreateTopic({ ...form, name: "__consumer_offsets" }, [], 3).errors.name).toMatch(/internal/);
  });

  it("only grows partitions, checks rates and acks, keys and values, and islands", () => {
    expect(validateAddPartitions("t", "2", [{ name: "t", partitions: 3 }]).errors.totalCount).toMatch(
      /more than the current 3/,
    );
    expect(validateAddPartitions("t", "5", [{ name: "t", partitions: 3 }]).input).toEqual({
      type: "addPartitions",
      topic: "t",
      totalCount: 5,
    });
    expect(validateLoad("p1", "-4", "all", ["p1"]).errors.ratePerSec).toMatch(/^Rate/);
    expect(validateLoad("p1", "20", "1", ["p1"]).input).toEqual({
      type: "setLoad",
      producer: "p1",
      ratePerSec: 20,
      acks: 1,
    });
    expect(validateProduce("p1", "k", "v", ["p1"]).input).toEqual({
      type: "produce",
      producer: "p1",
      key: "k",
      value: "v",
    });
    expect(validateProduce("p1", "", "", ["p1"]).input).toEqual({ type: "produce", producer: "p1" });
    expect(validateProduce("p9", "", "", ["p1"]).errors.producer).toMatch(/^Producer/);
    expect(validateIslands({ b1: 1, b2: 1 }, false).errors.islands).toMatch(/^Islands/);
    expect(validateIslands({ b1: 2, b2: 1, b3: 1 }, true).input).toEqual({
      type: "partition",
      islands: [["b2", "b3"], ["b1"]],
      oneWay: true,
    });
  });
});

describe("validateAddConsumer", () => {
  const form = { id: "c9", groupId: "billing", topics: "orders, orders", processingMs: "" };
  it("builds the engine input", () => {
    expect(validateAddConsumer(form, ["c1"], ["orders"]).input).toEqual({
      type: "addConsumer",
      id: "c9",
      groupId: "billing",
      topics: ["orders"],
    });
    expect(validateAddConsumer({ ...form, processingMs: "20" }, [], ["orders"]).input).toMatchObject({
      processingMsPerRecord: 20,
    });
  });
  it("names the field that is wrong", () => {
    const v = validateAddConsumer({ id: "c1", groupId: " ", topics: "nope", processingMs: "x" }, ["c1"], ["orders"]);
    expect(v.input).toBeNull();
    expect(v.errors.id).toMatch(/^Consumer id: .*already/);
    expect(v.errors.groupId).toMatch(/^Group id/);
    expect(v.errors.topics).toBe("Topics: no topic named nope");
    expect(v.errors.processingMs).toMatch(/^Processing ms per record/);
    expect(validateAddConsumer({ ...form, id: "<b>" }, [], ["orders"]).errors.id).toMatch(/letters, digits/);
  });
  it("checks a stall duration", () => {
    expect(validateStall("500").input).toEqual({ forMs: 500 });
    expect(validateStall("0").errors.forMs).toMatch(/^Stall for/);
  });
});

describe("slow follower form", () => {
  it("slows every link between the broker and each other broker, both ways", () => {
    const v = validateSlowFollower("b3", " 4000 ", ["b1", "b2", "b3"]);
    expect(v.errors).toEqual({});
    expect(v.input).toEqual([
      { type: "slowLink", from: "b3", to: "b1", extraLatencyMs: 4000, bothWays: true },
      { type: "slowLink", from: "b3", to: "b2", extraLatencyMs: 4000, bothWays: true },
    ]);
  });
  it("names the field in error", () => {
    expect(validateSlowFollower("b3", "4 s", ["b1", "b3"]).errors).toEqual({
      extraLatencyMs: "Extra latency (ms): use whole numbers only (digits 0–9)",
    });
    expect(validateSlowFollower("b3", "0", ["b1", "b3"]).errors.extraLatencyMs).toBe(
      "Extra latency (ms): must be from 1 to 600000",
    );
    expect(validateSlowFollower("b9", "10", ["b1", "b3"]).errors.broker).toBe("Broker: choose a broker");
    expect(validateSlowFollower("b1", "10", ["b1"]).errors.broker).toMatch(/no other broker/);
  });
});

describe("reset offsets form", () => {
  const topics = [{ name: "clicks", partitions: 2 }];
  it("builds each kind of target", () => {
    expect(validateResetOffsets("g", "clicks", "all", "earliest", "", topics).input).toEqual({
      type: "resetOffsets",
      groupId: "g",
      topic: "clicks",
      to: "earliest",
    });
    expect(validateResetOffsets("g", "clicks", "1", "offset", "12", topics).input).toEqual({
      type: "resetOffsets",
      groupId: "g",
      topic: "clicks",
      partition: 1,
      to: { offset: 12 },
    });
    expect(validateResetOffsets("g", "clicks", "all", "time", "4000", topics).input).toEqual({
      type: "resetOffsets",
      groupId: "g",
      topic: "clicks",
      to: { timestampMs: 4000 },
    });
  });
  it("names what is wrong and runs nothing", () => {
    const bad = validateResetOffsets("g", "clicks", "all", "offset", "-3", topics);
    expect(bad.input).toBeNull();
    expect(bad.errors.value).toBe("Offset: use whole numbers only (digits 0–9)");
    expect(validateResetOffsets("g", "clicks", "all", "time", "", topics).errors.value).toBe(
      "Time (ms): enter a number",
    );
    expect(validateResetOffsets("g", "clicks", "all", "offset", "<b>1</b>", topics).errors.value).toMatch(/^Offset:/);
    expect(validateResetOffsets("g", "clicks", "2", "latest", "", topics).errors.partition).toBe(
      "Partition: must be from 0 to 1",
    );
    expect(validateResetOffsets("g", "nope", "all", "latest", "", topics).errors.topic).toBe("Topic: choose a topic");
  });
});
