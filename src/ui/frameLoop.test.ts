import { describe, expect, it } from "vitest";
import { FrameBudget } from "./frameLoop.ts";

describe("the frame loop's engine budget", () => {
  it("shrinks after missed frames and grows back on time, within 1 and 8 ms", () => {
    const b = new FrameBudget();
    const start = b.budgetMs;
    b.update(16.7);
    for (let i = 0; i < 20; i++) b.update(33.4);
    expect(b.budgetMs).toBe(1);
    for (let i = 0; i < 100; i++) b.update(16.7);
    expect(b.budgetMs).toBe(8);
    expect(start).toBeGreaterThan(1);
  });

  it("takes the display interval from the shortest gap (a 120 Hz screen misses at 12.5 ms)", () => {
    const b = new FrameBudget();
    b.update(8.3);
    const before = b.budgetMs;
    b.update(16.7);
    expect(b.budgetMs).toBeLessThan(before);
  });
});
