// Why: every command can fail; the shell rejects with a `CommandError` (message plus
// per-field errors), but a panic or an IPC problem can reject with a bare string. This turns
// any rejection into one shape the forms can render, and finds the message for one field.
import type { CommandError } from "../bindings/CommandError";
import type { FieldError } from "../bindings/FieldError";

export function asCommandError(e: unknown): CommandError {
  if (typeof e === "object" && e !== null && "message" in e) {
    const candidate = e as { message: unknown; field_errors?: unknown; signed_out?: unknown; restricted_patient?: unknown };
    const fieldErrors = Array.isArray(candidate.field_errors)
      ? candidate.field_errors.filter(isFieldError)
      : [];
    const out: CommandError = { message: String(candidate.message), field_errors: fieldErrors, signed_out: candidate.signed_out === true };
    if (typeof candidate.restricted_patient === "string") out.restricted_patient = candidate.restricted_patient;
    return out;
  }
  if (typeof e === "string") {
    return { message: e, field_errors: [], signed_out: false };
  }
  return { message: "the app could not complete the request", field_errors: [], signed_out: false };
}

function isFieldError(x: unknown): x is FieldError {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as FieldError).field === "string" &&
    typeof (x as FieldError).message === "string"
  );
}

/** The messages for one field, joined; `undefined` when the field is fine. */
export function messageFor(errors: readonly FieldError[], field: string): string | undefined {
  const hits = errors.filter((e) => e.field === field).map((e) => e.message);
  return hits.length > 0 ? hits.join("; ") : undefined;
}

/** Errors that belong to none of `knownFields`: shown once above the form's button. */
export function otherErrors(errors: readonly FieldError[], knownFields: readonly string[]): FieldError[] {
  return errors.filter((e) => !knownFields.includes(e.field));
}
