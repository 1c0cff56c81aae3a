// Why: the selected patient's vitals over time, newest first, with who took them and
// when. A set entered in error stays listed, struck through, with the reason; any valid
// set can be marked entered in error (with a reason), never deleted or changed.
import { useState } from "react";
import { api } from "../api";
import type { VitalsProjection } from "../bindings/VitalsProjection";
import { asCommandError } from "../logic/commandError";
import { dateTime } from "../logic/time";
import { vitalsSummary } from "../logic/vitals";

interface Props {
  sets: readonly VitalsProjection[];
  onChanged?: () => void;
}

export function VitalsHistory({ sets, onChanged }: Props) {
  const [marking, setMarking] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function mark(id: string) {
    if (reason.trim() === "") {
      setError("enter why this set is in error");
      return;
    }
    try {
      await api.markVitalsInError(id, reason);
      setMarking(null);
      setReason("");
      setError(null);
      onChanged?.();
    } catch (e) {
      const ce = asCommandError(e);
      setError(ce.field_errors[0]?.message ?? ce.message);
    }
  }

  return (
    <section className="card history" aria-label="Vitals history">
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
              <span className="what">
                {vitalsSummary(s)}
                {s.entered_in_error_reason ? <span className="reason"> — {s.entered_in_error_reason}</span> : null}
              </span>
              <span className="who">
                by {s.taken_by}
                {s.status === "final" && marking !== s.id && onChanged ? (
                  <button type="button" className="link" onClick={() => setMarking(s.id)}>
                    Entered in error…
                  </button>
                ) : null}
              </span>
              {marking === s.id ? (
                <div className="mark-error">
                  <label htmlFor={`reason-${s.id}`}>Why is this set in error?</label>
                  <input id={`reason-${s.id}`} value={reason} onChange={(e) => setReason(e.target.value)} />
                  <button type="button" onClick={() => void mark(s.id)}>
                    Mark entered in error
                  </button>
                  <button type="button" className="secondary" onClick={() => setMarking(null)}>
                    Cancel
                  </button>
                  {error ? (
                    <p className="field-error" role="alert">
                      {error}
                    </p>
                  ) : null}
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
