// Records are coloured by key (the same key always lands in the same
// partition, so colour shows key affinity at a glance). Colour is never the
// only signal: cells also carry the offset, and the key when lanes are tall,
// and the legend names every colour.

export interface KeyColour {
  fill: string;
  stroke: string;
}

const NULL_KEY: KeyColour = { fill: "#eef1f4", stroke: "#8c959f" };
/**
 * d3's schemeTableau10 as strokes, each mixed 62 % towards white as the fill
 * (`interpolateRgb(c, "#ffffff")(0.62)`), written out: the first page then
 * needs none of d3-scale-chromatic, d3-color and d3-interpolate (~10 kB gzipped).
 * keyColours.test.ts checks these against d3.
 */
const PALETTE: readonly KeyColour[] = [
  { fill: "rgb(188, 204, 222)", stroke: "#4e79a7" },
  { fill: "rgb(250, 212, 175)", stroke: "#f28e2c" },
  { fill: "rgb(244, 191, 192)", stroke: "#e15759" },
  { fill: "rgb(203, 228, 226)", stroke: "#76b7b2" },
  { fill: "rgb(192, 219, 188)", stroke: "#59a14f" },
  { fill: "rgb(248, 234, 186)", stroke: "#edc949" },
  { fill: "rgb(225, 204, 219)", stroke: "#af7aa1" },
  { fill: "rgb(255, 218, 222)", stroke: "#ff9da7" },
  { fill: "rgb(217, 203, 194)", stroke: "#9c755f" },
  { fill: "rgb(229, 225, 223)", stroke: "#bab0ab" },
];

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/** A key → colour function that gives the keys listed first the first colours, in order. */
export const KEY_PALETTE = PALETTE;

export function keyColours(knownKeys: readonly string[]): (key: string | null) => KeyColour {
  const index = new Map<string, number>();
  knownKeys.forEach((k) => {
    if (!index.has(k)) index.set(k, index.size);
  });
  return (key) => {
    if (key === null) return NULL_KEY;
    const i = index.get(key) ?? hash(key);
    return PALETTE[i % PALETTE.length];
  };
}
