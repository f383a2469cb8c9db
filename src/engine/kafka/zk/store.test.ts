import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignReplicasToBrokers, PlacementError, validateAssignment } from "./placement.ts";
import { applyOp, createNode, endSession, openSession, type NodeChange } from "./store.ts";
import type { ZkStore } from "./types.ts";
import { timingsFor } from "../profile.ts";
import { DEFAULT_BROKER_CONFIG } from "../spec.ts";
import { comparePaths, decodeTopicConfig, encodeTopicConfig, ZK_PATHS } from "./znodes.ts";

describe("assignReplicasToBrokers (rack unaware)", () => {
  it("matches Kafka's AdminRackAwareTest#testReplicaAssignment (5 brokers, 10 partitions, RF 3, start 0)", () => {
    const got = assignReplicasToBrokers([0, 1, 2, 3, 4], 10, 3, () => 0, 0);
    expect(got).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 0],
      [4, 0, 1],
      [0, 2, 3],
      [1, 3, 4],
      [2, 4, 0],
      [3, 0, 1],
      [4, 1, 2],
    ]);
  });

  it("rejects a replication factor above the broker count, as Kafka words it", () => {
    expect(() => assignReplicasToBrokers([1, 2], 1, 3, () => 0)).toThrow(PlacementError);
    expect(() => assignReplicasToBrokers([1, 2], 1, 3, () => 0)).toThrow(
      "Replication factor: 3 larger than available brokers: 2.",
    );
  });

  it("always gives distinct replicas and spreads leaders evenly", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (n, partitions, a, b) => {
          const brokers = Array.from({ length: n }, (_, i) => i + 1);
          const rf = 1 + (a % n);
          const draws = [a % n, b % n];
          const got = assignReplicasToBrokers(brokers, partitions, rf, () => draws.shift() ?? 0);
          for (const r of got) expect(new Set(r).size).toBe(rf);
          const counts = brokers.map((id) => got.filter((r) => r[0] === id).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("validates hand-written assignments", () => {
    expect(
      validateAssignment(
        [
          [1, 2],
          [2, 3],
        ],
        [1, 2, 3],
      ),
    ).toBeNull();
    expect(validateAssignment([[1, 1]], [1, 2])).toMatch(/twice/);
    expect(validateAssignment([[1, 9]], [1, 2])).toMatch(/unknown broker/);
    expect(validateAssignment([[1, 2], [1]], [1, 2])).toMatch(/replicas/);
  });
});

function emptyStore(): ZkStore {
  return {
    ensemble: ["zk1"],
    brokers: 2,
    timings: timingsFor("classroom"),
    brokerConfig: DEFAULT_BROKER_CONFIG,
    zxid: 0,
    nextSessionId: 1,
    topicSeq: 0,
    configChangeSeq: 0,
    nodes: {},
    sessions: [],
    watches: [],
    uncleanElections: [],
    leader: null,
  };
}

describe("the logical ZooKeeper store", () => {
  it("elects one controller, bumps /controller_epoch, and fences a write with the old epoch version", () => {
    const store = emptyStore();
    const ch: NodeChange[] = [];
    createNode(store, ZK_PATHS.controllerEpoch, "1", null, ch);
    const s1 = openSession(store, 1, "zk1", 0);
    const s2 = openSession(store, 2, "zk1", 0);
    const won = applyOp(store, s1, { kind: "electController", brokerId: 1, data: '{"brokerid":1}' }, ch);
    expect(won).toEqual({ kind: "electController", won: true, epoch: 2, epochZkVersion: 1 });
    expect(applyOp(store, s2, { kind: "electController", brokerId: 2, data: '{"brokerid":2}' }, ch)).toEqual({
      kind: "electController",
      won: false,
      holder: 1,
    });
    // Broker 1's session ends: /controller goes, broker 2 wins epoch 3.
    expect(endSession(store, s1, ch)).toEqual([ZK_PATHS.controller]);
    const won2 = applyOp(store, s2, { kind: "electController", brokerId: 2, data: '{"brokerid":2}' }, ch);
    expect(won2).toMatchObject({ won: true, epoch: 3, epochZkVersion: 2 });
    const write = {
      kind: "controllerWrite" as const,
      writes: [{ op: "create" as const, path: "/brokers/topics/t/partitions/0/state", data: "{}" }],
    };
    expect(applyOp(store, s2, { ...write, epochZkVersion: 1 }, ch)).toEqual({
      kind: "controllerWrite",
      ok: false,
      error: "CONTROLLER_MOVED",
    });
    expect(applyOp(store, s2, { ...write, epochZkVersion: 2 }, ch)).toMatchObject({ ok: true });
  });

  it("checked ephemeral registration: a node of another session is a conflict, our own is fine", () => {
    const store = emptyStore();
    const ch: NodeChange[] = [];
    const old = openSession(store, 1, "zk1", 0);
    const fresh = openSession(store, 1, "zk1", 10);
    const op = { kind: "registerBroker" as const, brokerId: 1, data: "{}" };
    const first = applyOp(store, old, op, ch);
    expect(first).toMatchObject({ ok: true });
    expect(applyOp(store, old, op, ch)).toEqual(first);
    expect(applyOp(store, fresh, op, ch)).toEqual({ kind: "registerBroker", ok: false, ownerSession: old.id });
  });

  it("keeps topic configs under Kafka's names and orders paths numerically", () => {
    const text = encodeTopicConfig({ minInsyncReplicas: 2, uncleanLeaderElectionEnable: true });
    expect(JSON.parse(text)).toEqual({
      version: 1,
      config: { "min.insync.replicas": "2", "unclean.leader.election.enable": "true" },
    });
    expect(decodeTopicConfig(text)).toEqual({ minInsyncReplicas: 2, uncleanLeaderElectionEnable: true });
    expect(["/a/10", "/a/2", "/a", "/a/2/state"].sort(comparePaths)).toEqual(["/a", "/a/2", "/a/2/state", "/a/10"]);
  });
});
