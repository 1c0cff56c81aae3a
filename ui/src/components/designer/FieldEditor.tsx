// Why: the admin's editor for one field: label, id (new fields only: an encounter's values
// are keyed by it, so it never changes once added), type with its unit, range or options,
// required, and the auto-populate rule. Input is checked here before anything is written;
// what the replica refuses comes back at the field it names.
import { useState, type FormEvent } from "react";
import type { AutoPopulate } from "../../bindings/AutoPopulate";
import type { FieldError } from "../../bindings/FieldError";
import type { TemplateField } from "../../bindings/TemplateField";
import { messageFor } from "../../logic/commandError";
import { buildFieldType, FIELD_TYPES, fieldTypeInput, idFromLabel, type FieldTypeInput } from "../../logic/designer";
import { Field } from "../Field";

interface Props {
  /** The field being edited, or `null` to add a new one. */
  field: TemplateField | null;
  /** Vitals the auto-populate rule may name, e.g. weight_kg. */
  vitals: readonly string[];
  busy: boolean;
  errors: readonly FieldError[];
  onSave: (field: TemplateField) => void;
  onCancel: () => void;
}

type Rule = AutoPopulate["rule"];

export function FieldEditor({ field, vitals, busy, errors, onSave, onCancel }: Props) {
  const [label, setLabel] = useState(field?.label ?? "");
  const [id, setId] = useState(field?.id ?? "");
  const [typeInput, setTypeInput] = useState<FieldTypeInput>(
    field ? fieldTypeInput(field.field_type) : { type: "text", unit: "", min: "", max: "", options: "" },
  );
  const [required, setRequired] = useState(field?.required ?? false);
  const [rule, setRule] = useState<Rule>(field?.auto_populate.rule ?? "none");
  const [vital, setVital] = useState(field?.auto_populate.rule === "from_vitals" ? field.auto_populate.field : (vitals[0] ?? ""));
  const [problem, setProblem] = useState<string | null>(null);
  const prefix = field ? `edit-field` : "new-field";

  function submit(e: FormEvent) {
    e.preventDefault();
    if (label.trim() === "") {
      setProblem("enter a label");
      return;
    }
    const built = buildFieldType(typeInput);
    if (!built.ok) {
      setProblem(built.message);
      return;
    }
    const auto: AutoPopulate = rule === "from_vitals" ? { rule, field: vital } : { rule };
    setProblem(null);
    onSave({
      id: field?.id ?? (id.trim() || idFromLabel(label)),
      label: label.trim(),
      field_type: built.value,
      required,
      grid: field?.grid ?? { x: 0, y: 0, w: 6, h: typeInput.type === "long_text" ? 2 : 1 },
      auto_populate: auto,
    });
  }

  const set = (patch: Partial<FieldTypeInput>) => setTypeInput((t) => ({ ...t, ...patch }));
  return (
    <form className="field-editor" onSubmit={submit} aria-label={field ? `Edit field ${field.label}` : "Add a field"} data-testid={prefix}>
      <Field field="label" label="Label" error={messageFor(errors, "label")} inputId={`${prefix}-label`}>
        <input id={`${prefix}-label`} value={label} onChange={(e) => setLabel(e.target.value)} />
      </Field>
      {field ? null : (
        <Field field="id" label="Field id (key of its value; cannot change later)" error={messageFor(errors, "id")} inputId={`${prefix}-id`}>
          <input id={`${prefix}-id`} value={id} placeholder={label ? idFromLabel(label) : "from the label"} onChange={(e) => setId(e.target.value)} />
        </Field>
      )}
      <Field field="type" label="Type" error={undefined} inputId={`${prefix}-type`}>
        <select id={`${prefix}-type`} value={typeInput.type} onChange={(e) => set({ type: e.target.value as FieldTypeInput["type"] })}>
          {FIELD_TYPES.map((t) => (
            <option key={t.type} value={t.type}>
              {t.label}
            </option>
          ))}
        </select>
      </Field>
      {typeInput.type === "number" ? (
        <div className="row">
          <Field field="unit" label="Unit" error={undefined} inputId={`${prefix}-unit`}>
            <input id={`${prefix}-unit`} value={typeInput.unit} onChange={(e) => set({ unit: e.target.value })} />
          </Field>
          <Field field="min" label="Minimum" error={undefined} inputId={`${prefix}-min`}>
            <input id={`${prefix}-min`} inputMode="decimal" value={typeInput.min} onChange={(e) => set({ min: e.target.value })} />
          </Field>
          <Field field="max" label="Maximum" error={undefined} inputId={`${prefix}-max`}>
            <input id={`${prefix}-max`} inputMode="decimal" value={typeInput.max} onChange={(e) => set({ max: e.target.value })} />
          </Field>
        </div>
      ) : null}
      {typeInput.type === "select" || typeInput.type === "multi_select" ? (
        <Field field="options" label="Options, one per line" error={undefined} inputId={`${prefix}-options`}>
          <textarea id={`${prefix}-options`} rows={4} value={typeInput.options} onChange={(e) => set({ options: e.target.value })} />
        </Field>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={required} onChange={(e) => setRequired(e.target.checked)} /> Required
      </label>
      <Field field="auto_populate" label="Pre-fill" error={messageFor(errors, "auto_populate")} inputId={`${prefix}-auto`}>
        <select id={`${prefix}-auto`} value={rule} onChange={(e) => setRule(e.target.value as Rule)}>
          <option value="none">Nothing</option>
          <option value="last_value_for_patient">Last value for this patient</option>
          {typeInput.type === "number" ? <option value="from_vitals">Latest vitals value</option> : null}
        </select>
      </Field>
      {rule === "from_vitals" ? (
        <Field field="vital" label="Vital sign" error={undefined} inputId={`${prefix}-vital`}>
          <select id={`${prefix}-vital`} value={vital} onChange={(e) => setVital(e.target.value)}>
            {vitals.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {problem ? (
        <p className="form-error" role="alert" data-testid={`${prefix}-problem`}>
          {problem}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy} data-testid={`${prefix}-save`}>
          {field ? "Save field" : "Add field"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
