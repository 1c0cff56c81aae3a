// Why: the front desk registers a patient here. Plain mistakes are caught before sending
// (logic/registration.ts); the replica validates the rest and its per-field errors are
// shown next to the fields. An empty MRN gets a provisional one from this workstation's
// block, shown as provisional. The form is cleared only after a successful save.
import { useState, type FormEvent } from "react";
import { api } from "../api";
import type { FieldError } from "../bindings/FieldError";
import type { Patient } from "../bindings/Patient";
import type { Sex } from "../bindings/Sex";
import { asCommandError, messageFor, otherErrors } from "../logic/commandError";
import { localToday } from "../logic/fields";
import { registrationErrors } from "../logic/registration";
import { Field } from "./Field";

const SEXES: readonly { value: Sex; label: string }[] = [
  { value: "female", label: "Female" },
  { value: "male", label: "Male" },
  { value: "other", label: "Other" },
  { value: "unknown", label: "Unknown" },
];

const FIELDS = ["name", "date_of_birth", "sex", "mrn", "phone"] as const;

interface Props {
  onRegistered: (patient: Patient) => void;
}

export function RegisterPatientForm({ onRegistered }: Props) {
  const [name, setName] = useState("");
  const [dateOfBirth, setDateOfBirth] = useState("");
  const [sex, setSex] = useState<Sex | "">("");
  const [mrn, setMrn] = useState("");
  const [phone, setPhone] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    const refused = registrationErrors({ name, dateOfBirth, sex, mrn, phone });
    if (refused.length > 0 || sex === "") {
      setErrors(refused);
      return;
    }
    setSaving(true);
    try {
      const input = { name, date_of_birth: dateOfBirth, sex, mrn };
      const patient = phone.trim() ? await api.registerPatient(input, { phone }) : await api.registerPatient(input);
      setErrors([]);
      setName("");
      setDateOfBirth("");
      setSex("");
      setMrn("");
      setPhone("");
      setMessage(
        mrn.trim() === "" ? `Registered ${patient.name} with provisional MRN ${patient.mrn}` : `Registered ${patient.name}`,
      );
      onRegistered(patient);
    } catch (err) {
      const ce = asCommandError(err);
      setErrors(ce.field_errors.length > 0 ? ce.field_errors : [{ field: "form", message: ce.message }]);
    } finally {
      setSaving(false);
    }
  }

  // Editing a field retires its error: the message was about the old value.
  function edit<T>(field: string, set: (v: T) => void, value: T) {
    set(value);
    setErrors((errs) => errs.filter((x) => x.field !== field));
  }

  const rest = otherErrors(errors, FIELDS);
  return (
    <form className="card" onSubmit={submit} data-testid="register-form" noValidate aria-label="Register patient">
      <h2>Register patient</h2>
      <Field field="name" label="Name" error={messageFor(errors, "name")}>
        <input
          id="input-name"
          name="name"
          data-testid="patient-name"
          autoComplete="off"
          aria-required="true"
          value={name}
          onChange={(e) => edit("name", setName, e.target.value)}
        />
      </Field>
      <Field field="date_of_birth" label="Date of birth" error={messageFor(errors, "date_of_birth")}>
        <input
          id="input-date_of_birth"
          name="date_of_birth"
          data-testid="patient-dob"
          type="date"
          max={localToday()}
          aria-required="true"
          value={dateOfBirth}
          onChange={(e) => edit("date_of_birth", setDateOfBirth, e.target.value)}
        />
      </Field>
      <Field field="sex" label="Sex" error={messageFor(errors, "sex")}>
        <select
          id="input-sex"
          name="sex"
          data-testid="patient-sex"
          aria-required="true"
          value={sex}
          onChange={(e) => edit("sex", setSex, e.target.value as Sex | "")}
        >
          <option value="">Choose…</option>
          {SEXES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </Field>
      <Field field="mrn" label="MRN (empty: provisional)" error={messageFor(errors, "mrn")}>
        <input
          id="input-mrn"
          name="mrn"
          data-testid="patient-mrn"
          autoComplete="off"
          value={mrn}
          onChange={(e) => edit("mrn", setMrn, e.target.value)}
        />
      </Field>
      <Field field="phone" label="Phone (optional)" error={messageFor(errors, "phone")}>
        <input
          id="input-phone"
          name="phone"
          data-testid="patient-phone"
          type="tel"
          autoComplete="off"
          value={phone}
          onChange={(e) => edit("phone", setPhone, e.target.value)}
        />
      </Field>
      {rest.map((e) => (
        <p key={e.field + e.message} className="form-error" role="alert" data-testid={`error-${e.field}`}>
          {e.message}
        </p>
      ))}
      <div className="actions">
        <button type="submit" data-testid="register-submit" disabled={saving}>
          {saving ? "Saving…" : "Register"}
        </button>
        {message ? (
          <span className="saved" data-testid="register-message" role="status">
            {message}
          </span>
        ) : null}
      </div>
    </form>
  );
}
