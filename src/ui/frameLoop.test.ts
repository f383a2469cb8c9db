import { describe, expect, it } from "vitest";
import { DisplayInterval, engineBudgetMs, MAX_BUDGET_MS, MIN_BUDGET_MS, MovingMedian } from "./frameLoop.ts";

describe("the frame loop's engine budget", () => {
  it("is the time left before the frame's deadline once rendering is paid for, within 1 and 8 ms", () => {
    // Frame began at 1000, the callback runs at 1001: 16.7 - 1 - render - 1 ms of slack are left.
    expect(engineBudgetMs(1000, 1001, 16.7, 6)).toBe(MAX_BUDGET_MS);
    expect(engineBudgetMs(1000, 1001, 16.7, 9)).toBeCloseTo(5.7);
    // No room (rendering alone fills the frame, or the callback ran late): the floor, so time still moves.
    expect(engineBudgetMs(1000, 1001, 16.7, 20)).toBe(MIN_BUDGET_MS);
    expect(engineBudgetMs(1000, 1030, 16.7, 2)).toBe(MIN_BUDGET_MS);
    // Plenty of room: the ceiling.
    expect(engineBudgetMs(1000, 1000, 16.7, 0)).toBe(MAX_BUDGET_MS);
    expect(engineBudgetMs(1000, 1000, 16.7, NaN)).toBe(MIN_BUDGET_MS);
  });

  it("estimates rendering as the median of the last few frames, deaf to one slow frame", () => {
    const m = new MovingMedian(5);
    expect(m.value).toBe(0);
    for (const v of [4, 5, 40, 6, 5]) m.push(v);
    expect(m.value).toBe(5);
    for (const v of [10, 11, 12]) m.push(v);
    expect(m.value).toBe(10); // [10, 11, 12, 6, 5]
    m.push(NaN);
    m.push(-1);
    expect(m.value).toBe(10);
    const two = new MovingMedian(4);
    two.push(2);
    two.push(4);
    expect(two.value).toBe(3);
  });

  it("takes the display interval from the shortest gap lately (60 Hz, 120 Hz), ignoring missed frames", () => {
    const d = new DisplayInterval();
    expect(d.intervalMs).toBeCloseTo(16.67, 1);
    d.update(33.4);
    d.update(16.7);
    d.update(33.4);
    d.update(50);
    expect(d.intervalMs).toBe(16.7);
    d.update(8.3);
    expect(d.intervalMs).toBe(8.3);
    // A slower screen is learnt again after a while.
    for (let i = 0; i < 250; i++) d.update(16.7);
    expect(d.intervalMs).toBe(16.7);
  });
});
