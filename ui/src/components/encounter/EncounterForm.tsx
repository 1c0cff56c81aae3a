// Why: the charting screen of one encounter, rendered from the template version it is
// pinned to (pages, then sections and fields placed on the template's 12-column grid).
// There is no save button: every valid edit is written after AUTOSAVE_DELAY_MS of quiet
// (AUTOSAVE_MAX_WAIT_MS at most while typing goes on),
// or at once on leaving the field, hiding or closing the window, or leaving the form; an
// invalid edit is not written and its message stays at the field. Roles that sign get a
// Sign button: it writes whatever is queued first, so the signature covers what is on
// screen, and hands the locked encounter to the caller.
import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "../../api";
import type { EncounterView } from "../../bindings/EncounterView";
import type { FieldValue } from "../../bindings/FieldValue";
import type { FieldView } from "../../bindings/FieldView";
import type { LockedEncounter } from "../../bindings/LockedEncounter";
import type { NoteKind } from "../../bindings/NoteKind";
import type { NoteTexts } from "../../bindings/NoteTexts";
import type { VitalsProjection } from "../../bindings/VitalsProjection";
import { AUTOSAVE_DELAY_MS, createAutosave } from "../../logic/autosave";
import { asCommandError } from "../../logic/commandError";
import { checkDraft, toDraft, type Draft } from "../../logic/fields";
import { registerPendingSaves } from "../../logic/pendingSaves";
import { FieldInput } from "./FieldInput";
import { FormPages } from "./FormPages";
import { SigningDialog } from "./SigningDialog";

interface Props {
  view: EncounterView;
  /** Field ids the replica pre-filled when the encounter was opened. */
  autoFilled: ReadonlySet<string>;
  vitals: readonly VitalsProjection[];
  /** The role reads encounters but may not write them (nurses): every input disabled. */
  readOnly?: boolean;
  /** Given when the role may sign: called with the encounter once it is signed. */
  onSigned?: ((locked: LockedEncounter) => void) | undefined;
}

const NOTES: readonly { kind: NoteKind; label: string }[] = [
  { kind: "chief_complaint", label: "Chief complaint" },
  { kind: "history", label: "History" },
  { kind: "assessment", label: "Assessment" },
  { kind: "plan", label: "Plan" },
];

function allFields(view: EncounterView): FieldView[] {
  return view.pages.flatMap((p) => p.sections.flatMap((s) => s.fields));
}

export function EncounterForm({ view, autoFilled, vitals, readOnly = false, onSigned }: Props) {
  const encounterId = view.encounter.id;
  const fields = useMemo(() => allFields(view), [view]);
  const [drafts, setDrafts] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(fields.map((f) => [f.id, toDraft(f.field_type, f.value)])),
  );
  const [notes, setNotes] = useState<NoteTexts>(view.encounter.notes);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [filled, setFilled] = useState<ReadonlySet<string>>(autoFilled);
  const [inFlight, setInFlight] = useState(0);
  const [queued, setQueued] = useState({ fields: 0, notes: 0 });
  const [failure, setFailure] = useState<string | null>(null);
  const [signing, setSigning] = useState(false);
  const stored = useRef<Record<string, FieldValue | undefined>>(
    Object.fromEntries(fields.map((f) => [f.id, f.value])),
  );

  const setError = (key: string, message: string | null) =>
    setErrors((e) => {
      const next = { ...e };
      if (message === null) delete next[key];
      else next[key] = message;
      return next;
    });

  // One saver for structured fields and one for notes; both write one key at a time.
  const savers = useMemo(() => {
    const tracked = async (key: string, run: () => Promise<unknown>) => {
      setInFlight((n) => n + 1);
      try {
        await run();
        setError(key, null);
        setFailure(null);
      } catch (e) {
        const ce = asCommandError(e);
        const own = ce.field_errors.filter((f) => f.field === key).map((f) => f.message);
        if (own.length > 0) setError(key, own.join("; "));
        else setFailure(ce.message);
      } finally {
        setInFlight((n) => n - 1);
      }
    };
    return {
      fields: createAutosave<FieldValue>(
        (id, value) =>
          tracked(`fields.${id}`, async () => {
            await api.setEncounterFields(encounterId, { [id]: value });
            stored.current[id] = value;
          }),
        AUTOSAVE_DELAY_MS,
        (n) => setQueued((q) => ({ ...q, fields: n })),
      ),
      notes: createAutosave<string>(
        (kind, text) => tracked(`notes.${kind}`, () => api.editEncounterNote(encounterId, kind as NoteKind, text)),
        AUTOSAVE_DELAY_MS,
        (n) => setQueued((q) => ({ ...q, notes: n })),
      ),
    };
  }, [encounterId]);

  // Sign-out (by hand or idle) writes what is queued before the session ends.
  useEffect(
    () => registerPendingSaves(() => Promise.all([savers.fields.flush(), savers.notes.flush()])),
    [savers],
  );

  // Flush when the window is hidden or closed, and when the form goes away.
  useEffect(() => {
    const flush = () => {
      void savers.fields.flush();
      void savers.notes.flush();
    };
    const onHidden = () => {
      if (document.visibilityState === "hidden") flush();
    };
    window.addEventListener("pagehide", flush);
    window.addEventListener("beforeunload", flush);
    document.addEventListener("visibilitychange", onHidden);
    return () => {
      window.removeEventListener("pagehide", flush);
      window.removeEventListener("beforeunload", flush);
      document.removeEventListener("visibilitychange", onHidden);
      flush();
    };
  }, [savers]);

  function editField(field: FieldView, draft: Draft) {
    setDrafts((d) => ({ ...d, [field.id]: draft }));
    setFilled((s) => {
      if (!s.has(field.id)) return s;
      const next = new Set(s);
      next.delete(field.id);
      return next;
    });
    const key = `fields.${field.id}`;
    const blank = draft === "" || (Array.isArray(draft) && draft.length === 0);
    if (blank && !field.required && field.field_type.type !== "multi_select" && field.field_type.type !== "text" && field.field_type.type !== "long_text") {
      savers.fields.cancel(field.id);
      setError(
        key,
        stored.current[field.id] === undefined ? null : "a saved value cannot be emptied; enter the corrected value",
      );
      return;
    }
    const checked = checkDraft(field.field_type, field.required, draft);
    if (!checked.ok) {
      savers.fields.cancel(field.id);
      setError(key, checked.message);
      return;
    }
    setError(key, null);
    savers.fields.schedule(field.id, checked.value);
  }

  function editNote(kind: NoteKind, text: string) {
    setNotes((n) => ({ ...n, [kind]: text }));
    savers.notes.schedule(kind, text);
  }

  const invalid = Object.keys(errors).length;

  async function startSigning() {
    await Promise.all([savers.fields.flush(), savers.notes.flush()]);
    setSigning(true);
  }
  const saveState =
    inFlight > 0 || queued.fields + queued.notes > 0
      ? "Saving…" : invalid > 0 ? `${invalid} field${invalid === 1 ? "" : "s"} not saved: fix the marked fields` : "All changes saved";

  return (
    <section className="card encounter-form" data-testid="encounter-form" aria-label="Encounter">
      <header className="encounter-head">
        <h3>
          {view.template_name} <span className="muted">v{view.template_version}</span>
        </h3>
        <span className="muted">
          {view.encounter.date} · {view.encounter.provider} · {view.encounter.status.replace("_", " ")}
        </span>
        <span className={invalid > 0 ? "save-state bad" : "save-state"} data-testid="save-state" role="status">
          {saveState}
        </span>
        {onSigned && !readOnly ? (
          <button
            type="button"
            data-testid="sign-encounter"
            disabled={invalid > 0}
            title={invalid > 0 ? "Fix the marked fields first: the signature covers what is saved" : undefined}
            onClick={() => void startSigning()}
          >
            Sign…
          </button>
        ) : null}
      </header>
      {signing && onSigned ? (
        <SigningDialog
          title="Sign this encounter"
          askMeaning
          onCancel={() => setSigning(false)}
          onSign={async (meaning, password, username) => {
            onSigned(await api.signEncounter(encounterId, meaning, password, username));
          }}
        />
      ) : null}
      {readOnly ? (
        <p className="hint" data-testid="encounter-read-only">
          Read only: your role reads encounters but does not chart them.
        </p>
      ) : (
        <p className="hint">Every change is saved as you type (within a second); there is no save button.</p>
      )}
      <fieldset className="plain" disabled={readOnly}>
      {failure ? (
        <p className="form-error" role="alert" data-testid="encounter-failure">
          {failure}
        </p>
      ) : null}
      <FormPages
        pages={view.pages}
        renderField={(f) => (
          <FieldInput
            field={f}
            draft={drafts[f.id] ?? toDraft(f.field_type, undefined)}
            error={errors[`fields.${f.id}`]}
            autoFilled={filled.has(f.id)}
            vitals={vitals}
            onEdit={(d) => editField(f, d)}
            onBlur={() => void savers.fields.flush()}
          />
        )}
      />
      <div className="notes">
        {NOTES.map(({ kind, label }) => (
          <div key={kind} className={errors[`notes.${kind}`] ? "field field-invalid" : "field"} data-field={`notes.${kind}`}>
            <label htmlFor={`note-${kind}`}>{label}</label>
            <textarea
              id={`note-${kind}`}
              data-testid={`note-${kind}`}
              rows={kind === "chief_complaint" ? 2 : 4}
              value={notes[kind]}
              onChange={(e) => editNote(kind, e.target.value)}
              onBlur={() => void savers.notes.flush()}
            />
            {errors[`notes.${kind}`] ? (
              <p className="field-error" role="alert" data-testid={`error-notes.${kind}`}>
                {errors[`notes.${kind}`]}
              </p>
            ) : null}
          </div>
        ))}
      </div>
      </fieldset>
    </section>
  );
}
