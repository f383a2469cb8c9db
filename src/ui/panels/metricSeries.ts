import type { MetricSample } from "../../store/viewMemory.ts";

export type MetricName = Exclude<keyof MetricSample, "t">;
export type Series = readonly { t: number; v: number }[];

const NAMES: readonly MetricName[] = [
  "underReplicated",
  "offline",
  "underMinIsr",
  "produceErrors",
  "acknowledged",
  "isrShrinks",
  "isrExpands",
];

/** One series per metric for the Sparklines, and the newest sample time (at least 1). */
export function metricSeries(samples: readonly MetricSample[]): { tMax: number; series: Record<MetricName, Series> } {
  let tMax = 1;
  for (const s of samples) if (s.t > tMax) tMax = s.t;
  const series = {} as Record<MetricName, Series>;
  for (const name of NAMES) series[name] = samples.map((s) => ({ t: s.t, v: s[name] }));
  return { tMax, series };
}
