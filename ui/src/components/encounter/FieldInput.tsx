// Why: one input per template field type (text, long text, number with unit and range,
// select, multi-select, checkbox, date, vitals block), each labelled, with its message at
// the field. The form decides what to save; this only renders and reports edits.
import type { FieldView } from "../../bindings/FieldView";
import type { VitalsProjection } from "../../bindings/VitalsProjection";
import type { Draft } from "../../logic/fields";
import { rangeHint } from "../../logic/fields";
import { dateTime } from "../../logic/time";
import { vitalsSummary } from "../../logic/vitals";

interface Props {
  field: FieldView;
  draft: Draft;
  error: string | undefined;
  autoFilled: boolean;
  vitals: readonly VitalsProjection[];
  onEdit: (draft: Draft) => void;
  onBlur: () => void;
}

export function FieldInput({ field, draft, error, autoFilled, vitals, onEdit, onBlur }: Props) {
  const id = `enc-${field.id}`;
  const t = field.field_type;
  const described = error ? `${id}-error` : undefined;
  const common = {
    id,
    name: field.id,
    "data-testid": `field-${field.id}`,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described,
    "aria-required": field.required || undefined,
    onBlur,
  } as const;
  const text = typeof draft === "string" ? draft : "";
  let input;
  switch (t.type) {
    case "text":
      input = <input {...common} type="text" value={text} onChange={(e) => onEdit(e.target.value)} />;
      break;
    case "long_text":
      input = <textarea {...common} rows={4} value={text} onChange={(e) => onEdit(e.target.value)} />;
      break;
    case "number":
      input = (
        <span className="with-unit">
          <input {...common} type="text" inputMode="decimal" value={text} onChange={(e) => onEdit(e.target.value)} />
          {t.unit ? <span className="unit">{t.unit}</span> : null}
        </span>
      );
      break;
    case "select":
      input = (
        <select {...common} value={text} onChange={(e) => onEdit(e.target.value)}>
          <option value="">Choose…</option>
          {t.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case "date":
      input = <input {...common} type="date" value={text} onChange={(e) => onEdit(e.target.value)} />;
      break;
    case "checkbox":
      input = (
        <input {...common} type="checkbox" checked={draft === true} onChange={(e) => onEdit(e.target.checked)} />
      );
      break;
    case "vitals_block":
      input = (
        <select {...common} value={text} onChange={(e) => onEdit(e.target.value)}>
          <option value="">Choose a vitals set…</option>
          {vitals
            .filter((v) => v.status === "final" || v.id === text)
            .map((v) => (
              <option key={v.id} value={v.id}>
                {dateTime(v.taken_at)} · {vitalsSummary(v)}
              </option>
            ))}
        </select>
      );
      break;
    case "multi_select": {
      const chosen = Array.isArray(draft) ? draft : [];
      return (
        <fieldset className={error ? "field field-invalid" : "field"} data-field={field.id} onBlur={onBlur}>
          <legend>
            {field.label}
            {field.required ? <span className="req"> (required)</span> : null}
          </legend>
          <div className="choices" data-testid={`field-${field.id}`}>
            {t.options.map((o) => (
              <label key={o} className="choice">
                <input
                  type="checkbox"
                  name={`${field.id}-${o}`}
                  checked={chosen.includes(o)}
                  onChange={(e) => onEdit(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))}
                />
                {o}
              </label>
            ))}
          </div>
          <Note id={id} field={field.id} error={error} autoFilled={autoFilled} hint={null} />
        </fieldset>
      );
    }
  }
  const hint = rangeHint(t);
  return (
    <div className={`field${error ? " field-invalid" : ""}${t.type === "checkbox" ? " field-checkbox" : ""}`} data-field={field.id}>
      <label htmlFor={id}>
        {field.label}
        {field.required ? <span className="req"> (required)</span> : null}
      </label>
      {input}
      <Note id={id} field={field.id} error={error} autoFilled={autoFilled} hint={hint} />
    </div>
  );
}

function Note(props: { id: string; field: string; error: string | undefined; autoFilled: boolean; hint: string | null }) {
  return (
    <>
      {props.hint ? <span className="hint-inline">{props.hint}</span> : null}
      {props.autoFilled ? (
        <span className="autofilled" data-testid={`autofilled-${props.field}`}>
          Auto-filled from this patient's last values — check it
        </span>
      ) : null}
      {props.error ? (
        <p className="field-error" role="alert" id={`${props.id}-error`} data-testid={`error-${props.field}`}>
          {props.error}
        </p>
      ) : null}
    </>
  );
}
