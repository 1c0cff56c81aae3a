// Why: every form input sits with its label and, right under it, the message the replica
// gave for that field (data-testid="error-<field>"), so a clinician sees what to fix where
// they typed it.
import type { ReactNode } from "react";

interface Props {
  field: string;
  label: string;
  unit?: string;
  error: string | undefined;
  children: ReactNode;
  /** The id of the input inside; defaults to `input-<field>`. */
  inputId?: string;
}

export function Field({ field, label, unit, error, children, inputId: given }: Props) {
  const inputId = given ?? `input-${field}`;
  return (
    <div className={error ? "field field-invalid" : "field"} data-field={field}>
      <label htmlFor={inputId}>
        {label}
        {unit ? <span className="unit"> ({unit})</span> : null}
      </label>
      {children}
      {error ? (
        <p className="field-error" role="alert" id={`${inputId}-error`} data-testid={`error-${field}`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
