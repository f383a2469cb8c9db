// Records are coloured by key (the same key always lands in the same
// partition, so colour shows key affinity at a glance). Colour is never the
// only signal: cells also carry the offset, and the key when lanes are tall,
// and the legend names every colour.

import { interpolateRgb, schemeTableau10 } from "d3";

export interface KeyColour {
  fill: string;
  stroke: string;
}

const NULL_KEY: KeyColour = { fill: "#eef1f4", stroke: "#8c959f" };
const PALETTE: KeyColour[] = schemeTableau10.map((c) => ({ fill: interpolateRgb(c, "#ffffff")(0.62), stroke: c }));

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/** A key → colour function that gives the keys listed first the first colours, in order. */
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
