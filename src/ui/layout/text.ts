// Text widths without the DOM: a conservative estimate of how wide a label is
// drawn, so the layout can reserve room for it and cell labels can be shrunk
// or shortened to fit their cell. The widths are DejaVu Sans's (the widest of
// the fonts `system-ui` falls back to on the machines the view is shown on),
// rounded up; bold is about a tenth wider.

const EM: Record<string, number> = {
  " ": 0.32,
  "·": 0.32,
  "…": 1,
  "×": 0.84,
  ".": 0.32,
  ",": 0.32,
  ":": 0.34,
  "-": 0.37,
  _: 0.5,
  "/": 0.34,
  "|": 0.34,
  "★": 0.84,
  "∅": 0.84,
  i: 0.28,
  j: 0.28,
  l: 0.28,
  f: 0.36,
  t: 0.4,
  r: 0.42,
  m: 0.98,
  w: 0.82,
  I: 0.3,
  M: 0.87,
  W: 0.99,
};

/** Width in ems of one character (digits 0.64, lower case ~0.62, upper case ~0.76). */
function em(ch: string): number {
  const w = EM[ch];
  if (w !== undefined) return w;
  if (ch >= "0" && ch <= "9") return 0.64;
  if (ch >= "a" && ch <= "z") return 0.62;
  if (ch >= "A" && ch <= "Z") return 0.76;
  return 0.8;
}

/** Estimated drawn width of `text` at `fontSize` px. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let w = 0;
  for (const ch of text) w += em(ch);
  return w * fontSize * (bold ? 1.1 : 1);
}

/** `text` cut with an ellipsis until it fits `maxWidth` at `fontSize` (at least one character and the ellipsis). */
export function fitWidth(text: string, maxWidth: number, fontSize: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= maxWidth) return text;
  const chars = [...text];
  for (let n = chars.length - 1; n > 1; n--) {
    const cut = `${chars.slice(0, n).join("")}…`;
    if (textWidth(cut, fontSize, bold) <= maxWidth) return cut;
  }
  return `${chars[0] ?? ""}…`;
}

/** The largest font size up to `size` at which `text` fits `maxWidth` (never below 8 px). */
export function fontToFit(text: string, maxWidth: number, size: number, bold = false): number {
  const w = textWidth(text, 1, bold);
  return w <= 0 ? size : Math.max(8, Math.min(size, Math.floor((maxWidth / w) * 10) / 10));
}

/**
 * A record cell's offset: bold at full size when it fits, else in regular weight (narrower) as large as fits
 * down to `min`, then its last digits after "…".
 */
export const OFFSET_FONT = { size: 11.5, min: 8.5 };
/** A record cell's key, under its offset on tall lanes. */
export const KEY_FONT = { size: 10, min: 8 };
/** Room left inside a cell for its text (the record's rect is inset 1.5 px each side, plus a pixel of air). */
export const CELL_TEXT_INSET = 5;

export interface CellLabel {
  text: string;
  fontSize: number;
  /** Drawn bold (the stylesheet's weight); false: regular, to fit. */
  bold: boolean;
  /** The text shows only the offset's last digits: say the full offset in a title. */
  shortened: boolean;
}

/** The label of an offset in a cell `cellWidth` wide: never wider than the cell. */
export function offsetLabel(offset: number, cellWidth: number): CellLabel {
  const room = Math.max(1, cellWidth - CELL_TEXT_INSET);
  const full = String(offset);
  if (textWidth(full, OFFSET_FONT.size, true) <= room)
    return { text: full, fontSize: OFFSET_FONT.size, bold: true, shortened: false };
  const size = Math.min(OFFSET_FONT.size, room / textWidth(full, 1));
  if (size >= OFFSET_FONT.min) return { text: full, fontSize: round(size), bold: false, shortened: false };
  for (let keep = full.length - 1; keep >= 1; keep--) {
    const text = `…${full.slice(-keep)}`;
    if (textWidth(text, OFFSET_FONT.min) <= room)
      return { text, fontSize: OFFSET_FONT.min, bold: false, shortened: true };
  }
  return { text: full.slice(-1), fontSize: OFFSET_FONT.min, bold: false, shortened: true };
}

/** The key under an offset: its own size down to the minimum, then cut with "…". */
export function keyLabel(key: string, cellWidth: number): { text: string; fontSize: number } {
  const room = Math.max(1, cellWidth - CELL_TEXT_INSET);
  const size = Math.min(KEY_FONT.size, room / textWidth(key, 1));
  if (size >= KEY_FONT.min) return { text: key, fontSize: round(size) };
  return { text: fitWidth(key, room, KEY_FONT.min), fontSize: KEY_FONT.min };
}

/** Font sizes in tenths of a pixel, rounded down (a label never grows past its room). */
const round = (v: number) => Math.floor(v * 10) / 10;

/** Digits of the largest offset (at least 1). */
export const digitsOf = (n: number) => String(Math.max(0, Math.floor(n))).length;
