import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { heapPop, heapPush } from "./heap.ts";

describe("heap queue", () => {
  it("pops in (time, seq) order whatever the push order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const heap: { time: number; seq: number }[] = [];
        times.forEach((time, seq) => heapPush(heap, { time, seq }));
        const out: { time: number; seq: number }[] = [];
        for (let e = heapPop(heap); e; e = heapPop(heap)) out.push(e);
        const expected = times.map((time, seq) => ({ time, seq })).sort((a, b) => a.time - b.time || a.seq - b.seq);
        expect(out).toEqual(expected);
      }),
    );
  });
});
