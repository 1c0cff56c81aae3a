// Why: shift handover. The outgoing nurse opens a handover for a ward and shift and adds
// one SBAR item per patient with a priority; the incoming nurse acknowledges each item.
// Items nobody has acknowledged are listed first, across every handover shown. An item
// about a restricted patient whose chart this user may not open comes without its texts
// (the replica leaves them out) and cannot be acknowledged until the chart is opened.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { FieldError } from "../../bindings/FieldError";
import type { HandoverPriority } from "../../bindings/HandoverPriority";
import type { HandoverProjection } from "../../bindings/HandoverProjection";
import type { PatientSummary } from "../../bindings/PatientSummary";
import { asCommandError, messageFor, otherErrors } from "../../logic/commandError";
import { localToday } from "../../logic/fields";
import { Field } from "../Field";
import { useCan } from "../session/SessionContext";
import { HandoverItemForm } from "./HandoverItemForm";

const RESTRICTED = "Restricted patient: open their chart (and give a reason) to read this item.";

interface Props {
  refresh: unknown;
  onWrote: () => void;
}

export function HandoversView({ refresh, onWrote }: Props) {
  const [ward, setWard] = useState("");
  const [list, setList] = useState<HandoverProjection[]>([]);
  const [patients, setPatients] = useState<PatientSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const can = useCan();
  const mayEdit = can("handover", "edit");

  useEffect(() => {
    let current = true;
    Promise.all([api.listHandovers(ward.trim() || null), api.searchPatients("", 200)]).then(
      ([h, p]) => {
        if (!current) return;
        setList(h);
        setPatients(p.patients);
      },
      (e: unknown) => current && setError(asCommandError(e).message),
    );
    return () => {
      current = false;
    };
  }, [ward, refresh]);

  const nameOf = (id: string) => patients.find((p) => p.id === id)?.name ?? "patient not on this list";
  const replace = (h: HandoverProjection) => {
    setList((l) => (l.some((x) => x.id === h.id) ? l.map((x) => (x.id === h.id ? h : x)) : [h, ...l]));
    onWrote();
  };
  async function ack(handoverId: string, itemId: string) {
    try {
      replace(await api.acknowledgeHandoverItem(handoverId, itemId));
    } catch (e) {
      setError(asCommandError(e).message);
    }
  }

  const waiting = list.flatMap((h) => h.items.filter((i) => i.acknowledgements.length === 0).map((i) => ({ h, i })));
  const current = list.find((h) => h.id === selected) ?? null;
  return (
    <main className="layout">
      <div className="left">
        {can("handover", "create") ? <NewHandoverForm onOpened={(h) => (replace(h), setSelected(h.id))} /> : null}
        <section className="card" aria-label="Handovers">
          <h2>Handovers</h2>
          <div className="field">
            <label htmlFor="handover-ward-filter">Ward (empty: all)</label>
            <input id="handover-ward-filter" value={ward} onChange={(e) => setWard(e.target.value)} />
          </div>
          <ul className="entries" data-testid="handover-list">
            {list.map((h) => (
              <li key={h.id} className={h.id === selected ? "selected" : undefined}>
                <button type="button" className="link" onClick={() => setSelected(h.id)}>
                  {h.ward} · {h.from_shift.date} {h.from_shift.name} → {h.to_shift.name}
                </button>
                <span className="muted">
                  {" "}
                  {h.item_count} items{h.unacknowledged.length ? `, ${h.unacknowledged.length} to acknowledge` : ""}
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>
      <div className="right">
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <section className="card" aria-label="Unacknowledged items" data-testid="unacknowledged">
          <h2>Not yet acknowledged ({waiting.length})</h2>
          {waiting.length === 0 ? <p className="empty">Every item has been acknowledged.</p> : null}
          <ul className="entries">
            {waiting.map(({ h, i }) => (
              <li key={h.id + i.id} className={`priority-${i.priority}`}>
                <span className="what">
                  <strong>{i.priority}</strong> · {nameOf(i.patient_id)} · {h.ward} — {i.restricted ? RESTRICTED : i.situation}
                </span>
                {mayEdit && !i.restricted ? (
                  <button type="button" onClick={() => void ack(h.id, i.id)} data-testid="ack-waiting">
                    Acknowledge
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
        {current ? (
          <section className="card" aria-label="Handover" data-testid="handover-detail">
            <h2>
              {current.ward} · {current.from_shift.date} {current.from_shift.name} → {current.to_shift.date} {current.to_shift.name}
            </h2>
            <p className="muted">Written by {current.author}</p>
            {current.items.map((i) => (
              <article key={i.id} className={`sbar priority-${i.priority}`} data-testid="handover-item">
                <h3>
                  {nameOf(i.patient_id)} <span className="tag">{i.priority}</span>
                </h3>
                {i.restricted ? (
                  <p className="hint" data-testid="restricted-item">
                    {RESTRICTED}
                  </p>
                ) : (
                  <dl>
                    <dt>Situation</dt>
                    <dd>{i.situation}</dd>
                    <dt>Background</dt>
                    <dd>{i.background}</dd>
                    <dt>Assessment</dt>
                    <dd>{i.assessment}</dd>
                    <dt>Recommendation</dt>
                    <dd>{i.recommendation}</dd>
                  </dl>
                )}
                {i.acknowledgements.length > 0 ? (
                  <p className="saved">Acknowledged by {i.acknowledgements.map((a) => a.user).join(", ")}</p>
                ) : mayEdit && !i.restricted ? (
                  <button type="button" onClick={() => void ack(current.id, i.id)}>
                    Acknowledge
                  </button>
                ) : null}
              </article>
            ))}
            {mayEdit ? <HandoverItemForm handoverId={current.id} patients={patients} onAdded={replace} /> : null}
          </section>
        ) : (
          <p className="hint">Open a handover to read and acknowledge its items or add one per patient.</p>
        )}
      </div>
    </main>
  );
}

function NewHandoverForm({ onOpened }: { onOpened: (h: HandoverProjection) => void }) {
  const [ward, setWard] = useState("");
  const [date, setDate] = useState(localToday());
  const [from, setFrom] = useState("day");
  const [to, setTo] = useState("night");
  const [errors, setErrors] = useState<FieldError[]>([]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (ward.trim() === "") {
      setErrors([{ field: "ward", message: "enter the ward" }]);
      return;
    }
    try {
      const h = await api.openHandover({
        ward,
        from_shift: { date, name: from },
        to_shift: { date, name: to },
        author: "",
      });
      setErrors([]);
      onOpened(h);
    } catch (err) {
      const ce = asCommandError(err);
      setErrors(ce.field_errors.length > 0 ? ce.field_errors : [{ field: "form", message: ce.message }]);
    }
  }
  const known = ["ward", "from_shift.date", "from_shift.name", "to_shift.name"];
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="New handover" data-testid="new-handover">
      <h2>New handover</h2>
      <Field field="ward" inputId="ho-ward" label="Ward" error={messageFor(errors, "ward")}>
        <input id="ho-ward" value={ward} onChange={(e) => setWard(e.target.value)} />
      </Field>
      <Field field="from_shift.date" inputId="ho-date" label="Shift date" error={messageFor(errors, "from_shift.date")}>
        <input id="ho-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </Field>
      <Field field="from_shift.name" inputId="ho-from" label="From shift" error={messageFor(errors, "from_shift.name")}>
        <input id="ho-from" value={from} onChange={(e) => setFrom(e.target.value)} />
      </Field>
      <Field field="to_shift.name" inputId="ho-to" label="To shift" error={messageFor(errors, "to_shift.name")}>
        <input id="ho-to" value={to} onChange={(e) => setTo(e.target.value)} />
      </Field>
      {otherErrors(errors, known).map((e) => (
        <p key={e.field + e.message} className="form-error" role="alert">
          {e.message}
        </p>
      ))}
      <div className="actions">
        <button type="submit">Open handover</button>
      </div>
    </form>
  );
}

export const PRIORITIES: readonly HandoverPriority[] = ["routine", "watch", "urgent"];
