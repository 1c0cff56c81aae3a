// Why: vitals are shown in two places (the patient list's "latest" column and the history)
// and entered in one form. This module holds the field list with units, the one-line
// summary clinicians read at a glance, and the conversion of the form's text inputs into a
// NewVitals where an empty input is left out (never sent as 0).
import type { DocId } from "../bindings/DocId";
import type { FieldError } from "../bindings/FieldError";
import type { NewVitals } from "../bindings/NewVitals";
import type { VitalRange } from "../bindings/VitalRange";
import type { VitalsSet } from "../bindings/VitalsSet";

export type VitalField = Exclude<keyof NewVitals, "patient_id" | "taken_at">;

export interface VitalInput {
  field: VitalField;
  label: string;
  unit: string;
  step: string;
}

/** The form's inputs, in the order a nurse takes them. */
export const VITAL_INPUTS: readonly VitalInput[] = [
  { field: "temperature_c", label: "Temperature", unit: "°C", step: "0.1" },
  { field: "systolic_mmhg", label: "BP systolic", unit: "mmHg", step: "1" },
  { field: "diastolic_mmhg", label: "BP diastolic", unit: "mmHg", step: "1" },
  { field: "heart_rate_per_min", label: "Heart rate", unit: "/min", step: "1" },
  { field: "respiratory_rate_per_min", label: "Respiratory rate", unit: "/min", step: "1" },
  { field: "spo2_percent", label: "SpO₂", unit: "%", step: "1" },
  { field: "weight_kg", label: "Weight", unit: "kg", step: "0.1" },
  { field: "height_cm", label: "Height", unit: "cm", step: "0.1" },
];

export type VitalsFormValues = Partial<Record<VitalField, string>>;

export type ToNewVitals = { ok: true; value: NewVitals } | { ok: false; errors: FieldError[] };

/**
 * Builds the NewVitals to send: blank inputs are omitted, text that is not a number is an
 * error on that field (the range checks themselves are the replica's, so they are not
 * duplicated here).
 */
export function toNewVitals(patientId: DocId, values: VitalsFormValues): ToNewVitals {
  const out: NewVitals = { patient_id: patientId };
  const errors: FieldError[] = [];
  for (const { field, label } of VITAL_INPUTS) {
    const raw = (values[field] ?? "").trim();
    if (raw === "") continue;
    const n = Number(raw.replace(",", "."));
    if (!Number.isFinite(n)) {
      errors.push({ field, message: `${label.toLowerCase()} must be a number` });
      continue;
    }
    out[field] = n;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}

function num(v: number): string {
  // Values come back as entered (f64 through JSON); show them as entered, without padding.
  return String(v);
}

/** "T 36.8 °C · BP 120/80 · HR 72 · RR 14 · SpO₂ 98 % · Wt 70.5 kg · Ht 172 cm" */
export function vitalsSummary(set: VitalsSet | null | undefined): string {
  if (!set) return "no vitals yet";
  const value = (field: string) => set.observations.find((o) => o.field === field)?.value;
  const parts: string[] = [];
  const t = value("temperature_c");
  if (t !== undefined) parts.push(`T ${num(t)} °C`);
  const sys = value("systolic_mmhg");
  const dia = value("diastolic_mmhg");
  if (sys !== undefined && dia !== undefined) parts.push(`BP ${num(sys)}/${num(dia)}`);
  else if (sys !== undefined) parts.push(`BP ${num(sys)}/–`);
  else if (dia !== undefined) parts.push(`BP –/${num(dia)}`);
  const hr = value("heart_rate_per_min");
  if (hr !== undefined) parts.push(`HR ${num(hr)}`);
  const rr = value("respiratory_rate_per_min");
  if (rr !== undefined) parts.push(`RR ${num(rr)}`);
  const spo2 = value("spo2_percent");
  if (spo2 !== undefined) parts.push(`SpO₂ ${num(spo2)} %`);
  const wt = value("weight_kg");
  if (wt !== undefined) parts.push(`Wt ${num(wt)} kg`);
  const ht = value("height_cm");
  if (ht !== undefined) parts.push(`Ht ${num(ht)} cm`);
  const text = parts.length > 0 ? parts.join(" · ") : "no values";
  return set.status === "entered-in-error" ? `${text} (entered in error)` : text;
}

/**
 * The message shown at a vitals input as it is typed, from the ranges the replica
 * enforces (the `vital_ranges` command); `undefined` when the value is acceptable or
 * blank. Worded like the replica's own refusal.
 */
export function rangeMessage(range: VitalRange | undefined, raw: string): string | undefined {
  const text = raw.trim();
  if (!range || text === "") return undefined;
  const n = Number(text.replace(",", "."));
  if (!Number.isFinite(n)) return `${range.label} must be a number`;
  const above = range.min_exclusive ? n > range.min : n >= range.min;
  return above && n <= range.max ? undefined : `${range.label} must be ${range.range_text} (got ${n})`;
}
