import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Prng } from "../../core/prng.ts";
import { placeReplicas, type UsableBroker } from "./placement.ts";

const brokers = (ids: number[], fenced: number[] = []): UsableBroker[] =>
  ids.map((id) => ({ id, fenced: fenced.includes(id) }));

describe("StripedReplicaPlacer (one rack)", () => {
  it("stripes: each partition starts one broker further on, replicas follow in id order", () => {
    const r = placeReplicas(Prng.root(1), brokers([1, 2, 3, 4]), 4, 3);
    if (!r.ok) throw new Error(r.detail);
    const firsts = r.assignments.map((a) => a[0]);
    for (let i = 1; i < 4; i++) expect(firsts[i]).toBe((firsts[i - 1] % 4) + 1);
    for (const a of r.assignments) expect(a).toEqual([a[0], (a[0] % 4) + 1, ((a[0] + 1) % 4) + 1]);
  });

  it("never puts a fenced broker first, and uses fenced brokers only after the unfenced ones", () => {
    const r = placeReplicas(Prng.root(2), brokers([1, 2, 3], [1]), 6, 3);
    if (!r.ok) throw new Error(r.detail);
    for (const a of r.assignments) {
      expect(a[0]).not.toBe(1);
      expect(a[2]).toBe(1);
    }
  });

  it("fails like Kafka when the replication factor cannot be met", () => {
    expect(placeReplicas(Prng.root(3), brokers([1, 2]), 1, 3)).toMatchObject({
      ok: false,
      error: "INVALID_REPLICATION_FACTOR",
      detail: expect.stringMatching(/only 2 broker\(s\) are registered/),
    });
    expect(placeReplicas(Prng.root(3), brokers([1, 2], [1, 2]), 1, 1)).toMatchObject({
      ok: false,
      detail: "All brokers are currently fenced.",
    });
    expect(placeReplicas(Prng.root(3), brokers([1, 2]), 1, 0)).toMatchObject({ ok: false });
  });

  it("is a function of the seeded stream", () => {
    const a = placeReplicas(Prng.root(9), brokers([1, 2, 3, 4, 5]), 12, 3);
    const b = placeReplicas(Prng.root(9), brokers([1, 2, 3, 4, 5]), 12, 3);
    expect(a).toEqual(b);
  });

  it("property: distinct replicas, unfenced first, leaders spread evenly over full rounds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, unfencedCount, fencedCount, rounds, rfWanted) => {
          const ids = Array.from({ length: unfencedCount + fencedCount }, (_, i) => i + 1);
          const fenced = ids.slice(unfencedCount);
          const rf = Math.min(rfWanted, ids.length);
          const r = placeReplicas(Prng.root(seed), brokers(ids, fenced), rounds * unfencedCount, rf);
          if (!r.ok) throw new Error(r.detail);
          for (const a of r.assignments) {
            expect(new Set(a).size).toBe(rf);
            expect(fenced).not.toContain(a[0]);
            const firstFenced = a.findIndex((b) => fenced.includes(b));
            if (firstFenced >= 0) expect(a.slice(firstFenced).every((b) => fenced.includes(b))).toBe(true);
          }
          for (const b of ids.slice(0, unfencedCount)) {
            expect(r.assignments.filter((a) => a[0] === b)).toHaveLength(rounds);
          }
        },
      ),
    );
  });
});
