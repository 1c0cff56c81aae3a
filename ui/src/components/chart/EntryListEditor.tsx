// Why: allergies, medications and problems are edited the same way: a list (refuted,
// stopped and in-error entries kept, struck through), an Edit button per entry and one
// form to add or change an entry. The fields of each list are data (lists.ts), so the
// three editors share one keyboard-friendly component.
import { useState, type FormEvent } from "react";
import type { FieldError } from "../../bindings/FieldError";
import { asCommandError, messageFor, otherErrors } from "../../logic/commandError";
import { Field } from "../Field";

export interface EntryField {
  key: string;
  label: string;
  kind: "text" | "date" | "select";
  options?: readonly string[];
  required?: boolean;
}

export interface EntryAction<E> {
  label: string;
  show: (entry: E) => boolean;
  run: (entry: E) => Promise<void>;
}

interface Props<E extends { id: string }> {
  title: string;
  testid: string;
  entries: readonly E[];
  fields: readonly EntryField[];
  /** One line for the entry in the list. */
  describe: (entry: E) => string;
  /** Entries shown struck through (refuted, stopped, entered in error). */
  struck: (entry: E) => boolean;
  emptyText: string;
  save: (entryId: string | null, values: Record<string, string>) => Promise<void>;
  actions?: readonly EntryAction<E>[];
  /** The signed-in role may not change this list: no Add, Edit or actions. */
  readOnly?: boolean;
}

export function EntryListEditor<E extends { id: string }>(props: Props<E>) {
  const { title, testid, entries, fields } = props;
  const blank = () => Object.fromEntries(fields.map((f) => [f.key, f.kind === "select" ? (f.options?.[0] ?? "") : ""]));
  const [editing, setEditing] = useState<string | null | undefined>(undefined); // undefined: closed
  const [values, setValues] = useState<Record<string, string>>(blank);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);

  function open(entry: E | null) {
    setErrors([]);
    setEditing(entry ? entry.id : null);
    setValues(
      entry
        ? Object.fromEntries(fields.map((f) => [f.key, String((entry as Record<string, unknown>)[f.key] ?? "")]))
        : blank(),
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const missing = fields
      .filter((f) => f.required && (values[f.key] ?? "").trim() === "")
      .map((f) => ({ field: f.key, message: `enter the ${f.label.toLowerCase()}` }));
    if (missing.length > 0) {
      setErrors(missing);
      return;
    }
    setSaving(true);
    try {
      await props.save(editing ?? null, values);
      setEditing(undefined);
      setErrors([]);
    } catch (err) {
      const ce = asCommandError(err);
      setErrors(ce.field_errors.length > 0 ? ce.field_errors : [{ field: "form", message: ce.message }]);
    } finally {
      setSaving(false);
    }
  }

  const rest = otherErrors(errors, fields.map((f) => f.key));
  return (
    <section className="card entry-list" data-testid={testid} aria-label={title}>
      <div className="card-head">
        <h3>{title}</h3>
        {props.readOnly ? null : (
          <button type="button" className="secondary" onClick={() => open(null)} data-testid={`${testid}-add`}>
            Add
          </button>
        )}
      </div>
      {entries.length === 0 ? <p className="empty">{props.emptyText}</p> : null}
      <ul className="entries">
        {entries.map((entry) => (
          <li key={entry.id} className={props.struck(entry) ? "struck" : undefined} data-testid={`${testid}-entry`}>
            <span className="what">{props.describe(entry)}</span>
            {props.readOnly ? null : (
            <span className="entry-actions">
              {(props.actions ?? [])
                .filter((a) => a.show(entry))
                .map((a) => (
                  <button
                    key={a.label}
                    type="button"
                    className="link"
                    onClick={() => void a.run(entry).catch((err: unknown) => setErrors([{ field: "form", message: asCommandError(err).message }]))}
                  >
                    {a.label}
                  </button>
                ))}
              <button type="button" className="link" onClick={() => open(entry)}>
                Edit
              </button>
            </span>
            )}
          </li>
        ))}
      </ul>
      {editing !== undefined ? (
        <form onSubmit={submit} noValidate className="entry-form" data-testid={`${testid}-form`}>
          <div className="grid">
            {fields.map((f) => {
              const id = `input-${testid}-${f.key}`;
              return (
                <Field key={f.key} field={f.key} inputId={id} label={f.required ? f.label : `${f.label} (optional)`} error={messageFor(errors, f.key)}>
                  {f.kind === "select" ? (
                    <select id={id} data-testid={`${testid}-form-${f.key}`} value={values[f.key] ?? ""} onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}>
                      {(f.options ?? []).map((o) => (
                        <option key={o} value={o}>
                          {o}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={id}
                      data-testid={`${testid}-form-${f.key}`}
                      type={f.kind}
                      value={values[f.key] ?? ""}
                      onChange={(e) => {
                        const v = e.target.value;
                        setValues((old) => ({ ...old, [f.key]: v }));
                        setErrors((errs) => errs.filter((x) => x.field !== f.key));
                      }}
                    />
                  )}
                </Field>
              );
            })}
          </div>
          {rest.map((e) => (
            <p key={e.field + e.message} className="form-error" role="alert" data-testid={`error-${e.field}`}>
              {e.message}
            </p>
          ))}
          <div className="actions">
            <button type="submit" disabled={saving}>
              {saving ? "Saving…" : editing ? "Save changes" : "Add"}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
