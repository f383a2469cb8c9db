import { describe, expect, it } from "vitest";
import { formatCount } from "./format.ts";

describe("formatCount", () => {
  it("keeps counts up to 9,999 exact and shortens the rest to fit a narrow column", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(9_999)).toBe("9999");
    expect(formatCount(10_000)).toBe("10.0k");
    expect(formatCount(12_345)).toBe("12.3k");
    expect(formatCount(149_900)).toBe("150k");
    expect(formatCount(1_234_567)).toBe("1.2M");
    expect(formatCount(-12_345)).toBe("-12.3k");
    expect(formatCount(99_960)).toBe("100k");
    expect(formatCount(999_600)).toBe("1.0M");
  });
});
