// Why: an amendment to a signed encounter: the reason (required, and part of the
// signature), the fields and notes as the amendment leaves them (starting from the
// encounter as it stands), then the signing dialog. Only what differs is sent; nothing
// is written until the amendment is signed, and the signed original is never touched.
import { useMemo, useState } from "react";
import { api } from "../../api";
import type { EncounterProjection } from "../../bindings/EncounterProjection";
import type { EncounterView } from "../../bindings/EncounterView";
import type { FieldView } from "../../bindings/FieldView";
import type { LockedEncounter } from "../../bindings/LockedEncounter";
import type { NoteTexts } from "../../bindings/NoteTexts";
import type { VitalsProjection } from "../../bindings/VitalsProjection";
import type { AmendmentInput } from "../../bindings/AmendmentInput";
import { toDraft, type Draft } from "../../logic/fields";
import { NOTE_LABELS, planAmendment } from "../../logic/signing";
import { FieldInput } from "./FieldInput";
import { FormPages } from "./FormPages";
import { SigningDialog } from "./SigningDialog";

interface Props {
  view: EncounterView;
  /** The encounter as it stands (signed version plus earlier addenda). */
  current: EncounterProjection;
  vitals: readonly VitalsProjection[];
  onDone: (locked: LockedEncounter) => void;
  onCancel: () => void;
}

export function AmendmentForm({ view, current, vitals, onDone, onCancel }: Props) {
  const fields = useMemo<FieldView[]>(() => view.pages.flatMap((p) => p.sections.flatMap((s) => s.fields)), [view]);
  const [reason, setReason] = useState("");
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(fields.map((f) => [f.id, toDraft(f.field_type, current.fields[f.id])])),
  );
  const [notes, setNotes] = useState<NoteTexts>(current.notes);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [ready, setReady] = useState<AmendmentInput | null>(null);

  function review() {
    const plan = planAmendment(reason, fields, current.fields, drafts, current.notes, notes);
    if (!plan.ok) {
      setErrors(plan.fields);
      setMessage(plan.message);
      return;
    }
    setErrors({});
    setMessage(null);
    setReady(plan.input);
  }

  return (
    <section className="amendment" data-testid="amendment-form" aria-label="Amendment">
      <h4>Add amendment</h4>
      <div className={errors.reason ? "field field-invalid" : "field"}>
        <label htmlFor="amendment-reason">Reason for the amendment (required)</label>
        <textarea id="amendment-reason" data-testid="amendment-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        {errors.reason ? (
          <p className="field-error" role="alert" data-testid="amendment-reason-error">
            {errors.reason}
          </p>
        ) : null}
      </div>
      <FormPages
        pages={view.pages}
        renderField={(f) => (
          <FieldInput
            field={f}
            draft={drafts[f.id] ?? toDraft(f.field_type, undefined)}
            error={errors[`fields.${f.id}`]}
            autoFilled={false}
            vitals={vitals}
            onEdit={(d) => setDrafts((x) => ({ ...x, [f.id]: d }))}
            onBlur={() => {}}
          />
        )}
      />
      <div className="notes">
        {NOTE_LABELS.map(({ kind, label }) => (
          <div key={kind} className="field">
            <label htmlFor={`amend-note-${kind}`}>{label}</label>
            <textarea
              id={`amend-note-${kind}`}
              data-testid={`amend-note-${kind}`}
              rows={kind === "chief_complaint" ? 2 : 3}
              value={notes[kind]}
              onChange={(e) => setNotes((n) => ({ ...n, [kind]: e.target.value }))}
            />
          </div>
        ))}
      </div>
      {message ? (
        <p className="form-error" role="alert" data-testid="amendment-error">
          {message}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" data-testid="amendment-sign" onClick={review}>
          Sign amendment…
        </button>
        <button type="button" className="secondary" data-testid="amendment-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {ready ? (
        <SigningDialog
          title="Sign the amendment"
          askMeaning={false}
          covers="the encounter as this amendment leaves it, with the reason"
          onCancel={() => setReady(null)}
          onSign={async (_meaning, password, username) => {
            onDone(await api.amendEncounter(current.id, ready, password, username));
          }}
        />
      ) : null}
    </section>
  );
}
