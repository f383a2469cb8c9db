import type { Box } from "../layout/cluster.ts";
import type { KeyColour } from "../keyColours.ts";
import { fit } from "./svgButton.ts";

/** Names every key colour and every marker, so colour and shape are never the only signal. */
export function Legend({
  box,
  keys,
  colour,
}: {
  box: Box;
  keys: readonly (string | null)[];
  colour: (key: string | null) => KeyColour;
}) {
  // As many key chips as fit beside the marker legend (330 px), at most five.
  const chipWidth = (k: string | null) => 20 + fit(k ?? "no key", 9).length * 7 + 5;
  let room = box.w - 330 - 10 - (keys.length > 5 ? 34 : 0);
  let count = 0;
  while (count < Math.min(5, keys.length) && room - chipWidth(keys[count]) >= 0) room -= chipWidth(keys[count++]);
  const shown = keys.slice(0, Math.max(1, count));
  const more = keys.length - shown.length;
  const y = box.y + 4;
  const widths = shown.map((k) => 20 + fit(k ?? "no key", 9).length * 7);
  const starts = widths.map((_, i) => box.x + widths.slice(0, i).reduce((a, w) => a + w + 5, 0));
  const x = box.x + widths.reduce((a, w) => a + w + 5, 0);
  const chips = shown.map((k, i) => {
    const c = colour(k);
    const w = widths[i];
    return (
      <g key={k ?? "∅"} transform={`translate(${starts[i]},${y})`}>
        <rect width={w} height={18} rx={4} fill={c.fill} stroke={c.stroke} />
        <text className="legend-chip" x={w / 2} y={13} textAnchor="middle">
          {fit(k ?? "no key", 9)}
        </text>
      </g>
    );
  });
  const keysEnd = x + (more > 0 ? 34 : 0);
  const markersX = Math.max(keysEnd + 10, box.x + box.w - 330);
  return (
    <g className="legend" data-testid="legend">
      {chips}
      {more > 0 ? (
        <text className="legend-text" x={x} y={y + 13}>
          +{more}
        </text>
      ) : null}
      <g transform={`translate(${markersX},${y})`}>
        <line className="legend-hw" x1={2} x2={2} y1={-1} y2={19} />
        <text className="legend-text" x={8} y={13}>
          HW
        </text>
        <line className="legend-leo" x1={40} x2={40} y1={0} y2={18} />
        <path className="legend-leo-head" d="M36,18 h8 l-4,-6 z" />
        <text className="legend-text" x={47} y={13}>
          LEO
        </text>
        <rect className="legend-uncommitted" x={84} y={1} width={16} height={16} rx={3} />
        <text className="legend-text" x={104} y={13}>
          above HW
        </text>
        <rect className="legend-ghost" x={178} y={1} width={16} height={16} rx={3} />
        <text className="legend-text" x={198} y={13}>
          truncated
        </text>
        <rect className="legend-out" x={268} y={1} width={16} height={16} style={{ fill: "url(#hatch)" }} />
        <text className="legend-text" x={288} y={13}>
          no ISR
        </text>
      </g>
    </g>
  );
}
