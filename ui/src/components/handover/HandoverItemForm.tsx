// Why: the outgoing nurse adds one item per patient: SBAR (situation, background,
// assessment, recommendation) and a priority. The item id is made here (a UUID) so the
// same item added on two workstations is never mistaken for one.
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import type { FieldError } from "../../bindings/FieldError";
import type { HandoverPriority } from "../../bindings/HandoverPriority";
import type { HandoverProjection } from "../../bindings/HandoverProjection";
import type { PatientSummary } from "../../bindings/PatientSummary";
import { asCommandError, messageFor, otherErrors } from "../../logic/commandError";
import { newId } from "../../logic/ids";
import { Field } from "../Field";

const SBAR = ["situation", "background", "assessment", "recommendation"] as const;
type Sbar = (typeof SBAR)[number];

interface Props {
  handoverId: string;
  patients: readonly PatientSummary[];
  onAdded: (h: HandoverProjection) => void;
}

export function HandoverItemForm({ handoverId, patients, onAdded }: Props) {
  const [patientId, setPatientId] = useState("");
  const [priority, setPriority] = useState<HandoverPriority>("routine");
  const [text, setText] = useState<Record<Sbar, string>>({ situation: "", background: "", assessment: "", recommendation: "" });
  const [errors, setErrors] = useState<FieldError[]>([]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const missing: FieldError[] = [];
    if (patientId === "") missing.push({ field: "patient_id", message: "choose the patient" });
    if (text.situation.trim() === "") missing.push({ field: "situation", message: "enter the situation" });
    if (missing.length > 0) {
      setErrors(missing);
      return;
    }
    try {
      const h = await api.addHandoverItem(handoverId, {
        id: newId(),
        patient_id: patientId,
        priority,
        ...text,
        action_required: "",
      });
      setErrors([]);
      setText({ situation: "", background: "", assessment: "", recommendation: "" });
      setPatientId("");
      onAdded(h);
    } catch (err) {
      const ce = asCommandError(err);
      // Item errors may be named `items.<id>.situation`: show them at the field they end with.
      const mapped = ce.field_errors.map((f) => ({ ...f, field: f.field.split(".").pop() ?? f.field }));
      setErrors(mapped.length > 0 ? mapped : [{ field: "form", message: ce.message }]);
    }
  }

  return (
    <form className="entry-form" onSubmit={submit} noValidate aria-label="Add handover item" data-testid="handover-item-form">
      <h3>Add an item</h3>
      <div className="grid">
        <Field field="patient_id" inputId="hi-patient" label="Patient" error={messageFor(errors, "patient_id")}>
          <select id="hi-patient" value={patientId} onChange={(e) => setPatientId(e.target.value)}>
            <option value="">Choose…</option>
            {patients.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.mrn})
              </option>
            ))}
          </select>
        </Field>
        <Field field="priority" inputId="hi-priority" label="Priority" error={messageFor(errors, "priority")}>
          <select id="hi-priority" value={priority} onChange={(e) => setPriority(e.target.value as HandoverPriority)}>
            <option value="routine">routine</option>
            <option value="watch">watch</option>
            <option value="urgent">urgent</option>
          </select>
        </Field>
      </div>
      {SBAR.map((k) => (
        <Field key={k} field={k} inputId={`hi-${k}`} label={k[0]?.toUpperCase() + k.slice(1)} error={messageFor(errors, k)}>
          <textarea id={`hi-${k}`} rows={2} value={text[k]} onChange={(e) => setText((t) => ({ ...t, [k]: e.target.value }))} />
        </Field>
      ))}
      {otherErrors(errors, ["patient_id", "priority", ...SBAR]).map((e) => (
        <p key={e.field + e.message} className="form-error" role="alert">
          {e.message}
        </p>
      ))}
      <div className="actions">
        <button type="submit">Add item</button>
      </div>
    </form>
  );
}
