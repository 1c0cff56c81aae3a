// Why: a nurse records one vitals set for the selected patient. Blank inputs are left out;
// a value outside its range is flagged next to the input as it is typed (with the ranges
// the replica enforces), and the replica's own errors appear at the same place.
import { useState, type FormEvent } from "react";
import { api } from "../api";
import type { DocId } from "../bindings/DocId";
import type { FieldError } from "../bindings/FieldError";
import type { VitalRange } from "../bindings/VitalRange";
import type { VitalsSet } from "../bindings/VitalsSet";
import { asCommandError, messageFor, otherErrors } from "../logic/commandError";
import { rangeMessage, toNewVitals, VITAL_INPUTS, type VitalsFormValues } from "../logic/vitals";
import { Field } from "./Field";

interface Props {
  patientId: DocId;
  onRecorded: (set: VitalsSet) => void;
  /** Accepted ranges, for checking as the nurse types; none: only the replica checks. */
  ranges?: readonly VitalRange[];
}

const KNOWN = VITAL_INPUTS.map((v) => v.field);

export function VitalsForm({ patientId, onRecorded, ranges = [] }: Props) {
  const [values, setValues] = useState<VitalsFormValues>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const outOfRange = VITAL_INPUTS.flatMap(({ field }) => {
      const message = rangeMessage(ranges.find((r) => r.field === field), values[field] ?? "");
      return message ? [{ field, message }] : [];
    });
    if (outOfRange.length > 0) {
      setErrors(outOfRange);
      return;
    }
    const built = toNewVitals(patientId, values);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setSaving(true);
    try {
      const set = await api.recordVitals(built.value);
      setErrors([]);
      setValues({});
      setSaved("Vitals saved");
      onRecorded(set);
    } catch (err) {
      const ce = asCommandError(err);
      setErrors(ce.field_errors.length > 0 ? ce.field_errors : [{ field: "form", message: ce.message }]);
    } finally {
      setSaving(false);
    }
  }

  const rest = otherErrors(errors, KNOWN);
  return (
    <form className="card vitals-form" onSubmit={submit} data-testid="vitals-form" noValidate>
      <h3>Record vitals</h3>
      <div className="grid">
        {VITAL_INPUTS.map(({ field, label, unit, step }) => (
          <Field key={field} field={field} label={label} unit={unit} error={messageFor(errors, field)}>
            <input
              id={`input-${field}`}
              name={field}
              data-testid={`vitals-${field}`}
              type="number"
              inputMode="decimal"
              step={step}
              value={values[field] ?? ""}
              onChange={(e) => {
                const value = e.target.value;
                setValues((v) => ({ ...v, [field]: value }));
                const message = rangeMessage(ranges.find((r) => r.field === field), value);
                setErrors((errs) => [
                  ...errs.filter((x) => x.field !== field && x.field !== "vitals"),
                  ...(message ? [{ field, message }] : []),
                ]);
              }}
            />
          </Field>
        ))}
      </div>
      {rest.map((e) => (
        <p key={e.field + e.message} className="form-error" role="alert" data-testid={`error-${e.field}`}>
          {e.message}
        </p>
      ))}
      <div className="actions">
        <button type="submit" data-testid="vitals-submit" disabled={saving}>
          {saving ? "Saving…" : "Save vitals"}
        </button>
        {saved ? (
          <span className="saved" data-testid="vitals-message">
            {saved}
          </span>
        ) : null}
      </div>
    </form>
  );
}
