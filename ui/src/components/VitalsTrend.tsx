// Why: a clinician judges vitals by their direction, not one value. One vital at a time is
// plotted over time with Chart.js (a maintained charting library, bundled: no remote
// content), with the accepted range in the axis title. Chosen from a labelled select.
import {
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useState } from "react";
import { Line } from "react-chartjs-2";
import type { VitalsSet } from "../bindings/VitalsSet";
import { dateTime } from "../logic/time";
import { trendPoints } from "../logic/trend";
import { VITAL_INPUTS } from "../logic/vitals";

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, Tooltip, Legend);

export function VitalsTrend({ sets }: { sets: readonly VitalsSet[] }) {
  const [field, setField] = useState<string>("temperature_c");
  const spec = VITAL_INPUTS.find((v) => v.field === field);
  const points = trendPoints(sets, field);
  return (
    <section className="card trend" aria-label="Vitals trend">
      <div className="card-head">
        <h3>Trend</h3>
        <label htmlFor="trend-field" className="inline-label">
          Vital
        </label>
        <select id="trend-field" data-testid="trend-field" value={field} onChange={(e) => setField(e.target.value)}>
          {VITAL_INPUTS.map((v) => (
            <option key={v.field} value={v.field}>
              {v.label}
            </option>
          ))}
        </select>
      </div>
      {points.length === 0 ? (
        <p className="empty" data-testid="trend-empty">
          No {spec?.label.toLowerCase() ?? "values"} recorded yet.
        </p>
      ) : (
        <div className="trend-canvas" data-testid="trend-chart" data-points={points.length}>
          <Line
            aria-label={`${spec?.label ?? field} over time`}
            role="img"
            data={{
              labels: points.map((p) => dateTime(new Date(p.t).toISOString())),
              datasets: [
                {
                  label: `${spec?.label ?? field} (${spec?.unit ?? ""})`,
                  data: points.map((p) => p.value),
                  borderColor: "#0b6e99",
                  backgroundColor: "#0b6e99",
                  tension: 0.1,
                },
              ],
            }}
            options={{ animation: false, maintainAspectRatio: false, plugins: { legend: { display: true } } }}
          />
        </div>
      )}
    </section>
  );
}
