import { line, scaleLinear } from "d3";
import { memo } from "react";
import { formatCount } from "../format.ts";

/** A small line of one metric over virtual time, with its current value in text (redrawn only when its points change). */
export const Sparkline = memo(function Sparkline({
  label,
  points,
  tMax,
  danger,
}: {
  label: string;
  points: readonly { t: number; v: number }[];
  tMax: number;
  danger?: boolean;
}) {
  const w = 120;
  const h = 26;
  const vMax = Math.max(1, ...points.map((p) => p.v));
  const x = scaleLinear()
    .domain([0, Math.max(1, tMax)])
    .range([1, w - 1]);
  const y = scaleLinear()
    .domain([0, vMax])
    .range([h - 2, 2]);
  const path = line<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y((p) => y(p.v))(points as { t: number; v: number }[]);
  const now = points.length > 0 ? points[points.length - 1].v : 0;
  return (
    <div className="sparkline" data-testid={`metric-${label}`} data-value={now}>
      <span className="sparkline-label">{label}</span>
      <svg width={w} height={h} aria-hidden="true">
        <path d={path ?? ""} className={danger && now > 0 ? "spark danger" : "spark"} />
      </svg>
      <span
        className={danger && now > 0 ? "sparkline-value danger-text" : "sparkline-value"}
        title={now >= 10_000 ? now.toLocaleString("en") : undefined}
      >
        {formatCount(now)}
      </span>
    </div>
  );
});
