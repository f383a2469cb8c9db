import { describe, expect, it } from "vitest";
import { CELL_TEXT_INSET, fitWidth, fontToFit, keyLabel, OFFSET_FONT, offsetLabel, textWidth } from "./text.ts";
import { SIZES } from "./cluster.ts";

describe("cell labels never spill out of their cell", () => {
  const offsets = [0, 7, 42, 999, 1000, 14591, 99999, 123456, 999999, 1000000, 9999999];
  const widths = [20, SIZES.cellMin, 30, 32, 34, 38, 40, SIZES.cellMax];

  it("fits every offset up to 9,999,999 in every cell width, bold and full size when there is room", () => {
    for (const cw of widths)
      for (const o of offsets) {
        const l = offsetLabel(o, cw);
        expect(textWidth(l.text, l.fontSize, l.bold)).toBeLessThanOrEqual(cw - CELL_TEXT_INSET);
        expect(l.fontSize).toBeGreaterThanOrEqual(OFFSET_FONT.min);
        if (!l.shortened) expect(l.text).toBe(String(o));
        else expect(l.text).toMatch(/^…\d+$/);
        if (l.shortened) expect(String(o).endsWith(l.text.slice(1))).toBe(true);
      }
    expect(offsetLabel(42, SIZES.cellMin)).toEqual({ text: "42", fontSize: 11.5, bold: true, shortened: false });
    // A 5-digit offset in a 36 px cell: every digit, smaller.
    const l = offsetLabel(14591, 36);
    expect(l.text).toBe("14591");
    expect(l.fontSize).toBeGreaterThanOrEqual(9);
  });

  it("shrinks then cuts keys to their cell", () => {
    for (const cw of widths)
      for (const key of ["∅", "bob", "user-2541", "a-very-long-customer-key"]) {
        const l = keyLabel(key, cw);
        expect(textWidth(l.text, l.fontSize)).toBeLessThanOrEqual(Math.max(cw - CELL_TEXT_INSET, textWidth("u…", 8)));
      }
    expect(keyLabel("bob", 40).text).toBe("bob");
    expect(keyLabel("a-very-long-customer-key", 34).text).toMatch(/…$/);
  });

  it("measures conservatively and fits lines to a width", () => {
    expect(textWidth("12345", 10)).toBeCloseTo(32);
    expect(textWidth("12345", 10, true)).toBeGreaterThan(textWidth("12345", 10));
    expect(fitWidth("orders-10", 1000, 12)).toBe("orders-10");
    expect(textWidth(fitWidth("orders-10-and-more", 60, 12), 12)).toBeLessThanOrEqual(60);
    expect(textWidth("acked 44432 · sent 44450", fontToFit("acked 44432 · sent 44450", 130, 12.5))).toBeLessThanOrEqual(
      130,
    );
    expect(fontToFit("ok", 130, 12.5)).toBe(12.5);
  });
});
