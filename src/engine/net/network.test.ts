import { describe, expect, it } from "vitest";
import { Prng } from "../core/prng.ts";
import {
  createNetworkState,
  currentIslands,
  healPartitions,
  isBlocked,
  partitionIntoIslands,
  setLinkOverride,
  transmit,
} from "./network.ts";

describe("network", () => {
  it("draws latency within the configured range and keeps each link FIFO", () => {
    const net = createNetworkState({ latencyMsMin: 1, latencyMsMax: 50 });
    const rng = Prng.root(3).fork("net");
    let last = 0;
    for (let t = 0; t < 200; t++) {
      const x = transmit(net, rng, "a", "b", t);
      expect(x.deliverAtMs).toBeGreaterThanOrEqual(t + 1);
      expect(x.deliverAtMs).toBeGreaterThanOrEqual(last); // never overtakes an earlier message
      last = x.deliverAtMs;
    }
  });

  it("partitions into islands, symmetric or one way, and heals", () => {
    const net = createNetworkState();
    partitionIntoIslands(net, [["a"], ["b", "c"], ["d"]]);
    expect(isBlocked(net, "a", "b")).toBe(true);
    expect(isBlocked(net, "b", "a")).toBe(true);
    expect(isBlocked(net, "b", "c")).toBe(false);
    expect(isBlocked(net, "c", "d")).toBe(true);
    expect(currentIslands(net, ["a", "b", "c", "d"])).toEqual([["a"], ["b", "c"], ["d"]]);
    healPartitions(net);
    partitionIntoIslands(net, [["a"], ["b"]], true);
    expect(isBlocked(net, "a", "b")).toBe(true);
    expect(isBlocked(net, "b", "a")).toBe(false);
    const x = transmit(net, Prng.root(1), "a", "b", 0);
    expect(x.lost).toBe(true);
    expect(x.lossReason).toMatch(/partitioned/);
  });

  it("holds messages on a clogged link until it clears, losing none", () => {
    const net = createNetworkState({ latencyMsMin: 2, latencyMsMax: 2 });
    setLinkOverride(net, "a", "b", { cloggedUntilMs: 1000 });
    const x = transmit(net, Prng.root(1), "a", "b", 10);
    expect(x).toEqual({ deliverAtMs: 1000, lost: false });
    expect(transmit(net, Prng.root(1), "b", "a", 10).deliverAtMs).toBe(12);
  });

  it("loses about the configured share of messages", () => {
    const net = createNetworkState({ lossProbability: 0.25 });
    const rng = Prng.root(5);
    let lost = 0;
    for (let i = 0; i < 4000; i++) if (transmit(net, rng, "a", "b", i).lost) lost++;
    expect(lost / 4000).toBeGreaterThan(0.2);
    expect(lost / 4000).toBeLessThan(0.3);
  });

  it("rejects impossible settings with a clear message", () => {
    expect(() => createNetworkState({ latencyMsMin: 5, latencyMsMax: 1 })).toThrow(/latencyMsMin <= latencyMsMax/);
    expect(() => createNetworkState({ lossProbability: 2 })).toThrow(/lossProbability/);
  });
});
