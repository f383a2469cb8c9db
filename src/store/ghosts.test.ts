import { describe, expect, it } from "vitest";
import { epochAt, freshReplicaMemory, observeReplica, splitGhosts, type SeenRecord } from "./ghosts.ts";

const rec = (offset: number, value: string, leaderEpoch = 0): SeenRecord => ({ offset, key: "k", value, leaderEpoch });

describe("ghost records", () => {
  it("remembers records cut off by a truncation and shows them beyond the log end", () => {
    const m = freshReplicaMemory();
    observeReplica(m, [rec(0, "a"), rec(1, "b"), rec(2, "c")], 3, 0, 100);
    observeReplica(m, [rec(0, "a")], 1, 0, 200);
    const g = splitGhosts(m, 1);
    expect(g.beyond.map((x) => x.offset)).toEqual([1, 2]);
    expect(g.beyond[0].goneAtMs).toBe(200);
  });

  it("marks an offset that now holds another record, seen directly or told by the epoch cache", () => {
    const m = freshReplicaMemory();
    observeReplica(m, [rec(0, "a"), rec(1, "b"), rec(2, "c")], 3, 0, 100, [{ epoch: 0, startOffset: 0 }]);
    observeReplica(m, [rec(2, "x", 1)], 3, 0, 200, [
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 1 },
    ]);
    const g = splitGhosts(m, 3);
    // Offset 2 replaced in view; offset 1 out of view but written by epoch 1 now, so replaced too.
    expect(g.replaced.map((x) => [x.offset, x.value])).toEqual([
      [1, "b"],
      [2, "c"],
    ]);
    expect(
      epochAt(
        [
          { epoch: 0, startOffset: 0 },
          { epoch: 3, startOffset: 40 },
        ],
        39,
      ),
    ).toBe(0);
  });

  it("forgets a ghost when the very record comes back", () => {
    const m = freshReplicaMemory();
    observeReplica(m, [rec(0, "a"), rec(1, "b")], 2, 0, 100);
    observeReplica(m, [rec(0, "a")], 1, 0, 200);
    observeReplica(m, [rec(0, "a"), rec(1, "b")], 2, 0, 300);
    expect(splitGhosts(m, 2)).toEqual({ beyond: [], replaced: [] });
  });
});
