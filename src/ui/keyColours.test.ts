import { interpolateRgb, schemeTableau10 } from "d3";
import { describe, expect, it } from "vitest";
import { KEY_PALETTE, keyColours } from "./keyColours.ts";

describe("key colours", () => {
  it("are d3's Tableau10, filled 62 % towards white", () => {
    expect(KEY_PALETTE).toEqual(schemeTableau10.map((c) => ({ fill: interpolateRgb(c, "#ffffff")(0.62), stroke: c })));
  });

  it("give the keys listed first the first colours, and no key grey", () => {
    const colour = keyColours(["a", "b"]);
    expect(colour("a")).toBe(KEY_PALETTE[0]);
    expect(colour("b")).toBe(KEY_PALETTE[1]);
    expect(colour(null).fill).toBe("#eef1f4");
  });
});
