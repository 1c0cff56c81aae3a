// Why: the trend chart plots one vital over time. Only valid sets are plotted (a set
// entered in error is not a measurement of the patient), oldest first, as the chart's x
// axis runs; the history list still shows the struck-through sets.
import type { VitalsSet } from "../bindings/VitalsSet";

export interface TrendPoint {
  /** ms since the epoch */
  t: number;
  value: number;
}

export function trendPoints(sets: readonly VitalsSet[], field: string): TrendPoint[] {
  return sets
    .filter((s) => s.status === "final")
    .flatMap((s) => {
      const o = s.observations.find((x) => x.field === field);
      const t = Date.parse(s.taken_at);
      return o && Number.isFinite(t) ? [{ t, value: o.value }] : [];
    })
    .sort((a, b) => a.t - b.t);
}
