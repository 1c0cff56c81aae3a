// Why: when two workstations changed the same field offline, both values are kept and
// the conflict waits here. Each is shown with the record it is in, the field, and every
// value side by side with its author and time; keeping one is a single click, written
// like any other change, so the resolution syncs to every workstation.
import { useState } from "react";
import { api } from "../api";
import type { ConflictItem } from "../bindings/ConflictItem";
import { asCommandError } from "../logic/commandError";
import { dateTime } from "../logic/time";
import { useCan } from "./session/SessionContext";

interface Props {
  conflicts: readonly ConflictItem[];
  onResolved: () => void;
}

/** A value as a person reads it. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return "(empty)";
  if (typeof v === "string") return v === "" ? "(empty)" : v;
  if (typeof v === "boolean") return v ? "Yes" : "No";
  if (Array.isArray(v)) return v.map(showValue).join(", ");
  return typeof v === "number" ? String(v) : JSON.stringify(v);
}

/** `allergies.<id>.severity` → "allergies › severity" (entry ids mean nothing to a reader). */
export function fieldName(path: string): string {
  return path
    .split(".")
    .filter((p) => !/^[0-9a-f-]{36}$/i.test(p))
    .join(" › ");
}

export function ConflictsInbox({ conflicts, onResolved }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const can = useCan();

  async function keep(c: ConflictItem, value: unknown) {
    const key = `${c.doc_id}/${c.path}`;
    setBusy(key);
    try {
      await api.resolveConflict(c.doc_id, c.path, value);
      setError(null);
      onResolved();
    } catch (e) {
      setError(asCommandError(e).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <main className="conflicts-page">
      <section className="card" aria-label="Conflicts" data-testid="conflicts-inbox">
        <h2>Conflicts ({conflicts.length})</h2>
        <p className="hint">Two workstations changed the same field while apart. Keep the right value; the choice syncs.</p>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {conflicts.length === 0 ? (
          <p className="empty" data-testid="conflicts-empty">
            No open conflicts.
          </p>
        ) : null}
        {conflicts.map((c) => (
          <article key={`${c.doc_id}/${c.path}`} className="conflict" data-testid="conflict">
            <h3>
              <span data-testid="conflict-record">{c.record}</span> · <span className="field-name">{fieldName(c.path)}</span>
            </h3>
            <div className="sides">
              {c.values.map((v, i) => (
                <div key={i} className="side" data-testid="conflict-value">
                  <p className="value">{showValue(v.value)}</p>
                  <p className="muted">
                    {v.author || "unknown author"} · {v.wall_ms > 0 ? dateTime(new Date(v.wall_ms).toISOString()) : "time unknown"}
                  </p>
                  <button
                    type="button"
                    disabled={busy !== null || !can(c.kind, "edit")}
                    title={can(c.kind, "edit") ? undefined : "Your role may not change this record; ask a colleague whose role may"}
                    onClick={() => void keep(c, v.value)}
                    data-testid="conflict-keep"
                    aria-label={`Keep ${showValue(v.value)} by ${v.author || "unknown author"}`}
                  >
                    Keep this
                  </button>
                </div>
              ))}
            </div>
          </article>
        ))}
      </section>
    </main>
  );
}
