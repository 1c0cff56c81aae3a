// Why: the selected patient's vitals over time, newest first (the order the replica
// returns), with who took them and when.
import type { VitalsSet } from "../bindings/VitalsSet";
import { dateTime } from "../logic/time";
import { vitalsSummary } from "../logic/vitals";

export function VitalsHistory({ sets }: { sets: readonly VitalsSet[] }) {
  return (
    <section className="card history">
      <h3>Vitals history</h3>
      {sets.length === 0 ? (
        <p className="empty" data-testid="vitals-history-empty">
          No vitals recorded yet.
        </p>
      ) : (
        <ol className="history-list" data-testid="vitals-history">
          {sets.map((s) => (
            <li key={s.id} data-testid="vitals-history-row" className={s.status}>
              <span className="when">{dateTime(s.taken_at)}</span>
              <span className="what">{vitalsSummary(s)}</span>
              <span className="who">by {s.taken_by}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
