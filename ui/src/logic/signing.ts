// Why: the rules of the signing screens as pure functions the dialog, the locked view and
// the tests share: what the signing dialog must have before it asks the shell (the
// username only on a session's first signing), how a refusal is shown (at the field, with
// the attempts left, or as "blocked"), how a manifest is printed (the signer's own date,
// time and UTC offset, not re-zoned; the content hash in short form), and what an
// amendment sends (only what differs from the encounter as it stands).
import type { AddendumTiming } from "../bindings/AddendumTiming";
import type { AmendmentInput } from "../bindings/AmendmentInput";
import type { CommandError } from "../bindings/CommandError";
import type { FieldValue } from "../bindings/FieldValue";
import type { FieldView } from "../bindings/FieldView";
import type { NoteKind } from "../bindings/NoteKind";
import type { NoteTexts } from "../bindings/NoteTexts";
import type { SignatureMeaning } from "../bindings/SignatureMeaning";
import type { SigningPrompt } from "../bindings/SigningPrompt";
import { checkDraft, type Draft } from "./fields";

export const MEANINGS: readonly { meaning: SignatureMeaning; label: string; hint: string }[] = [
  { meaning: "authorship", label: "Authorship", hint: "I wrote this record" },
  { meaning: "review", label: "Review", hint: "I reviewed this record" },
  { meaning: "approval", label: "Approval", hint: "I approve this record" },
];

export function meaningLabel(m: SignatureMeaning): string {
  return MEANINGS.find((x) => x.meaning === m)?.label ?? m;
}

export const NOTE_LABELS: readonly { kind: NoteKind; label: string }[] = [
  { kind: "chief_complaint", label: "Chief complaint" },
  { kind: "history", label: "History" },
  { kind: "assessment", label: "Assessment" },
  { kind: "plan", label: "Plan" },
];

export interface SigningInput {
  username: string;
  password: string;
}

/** Per-field messages for what is missing; empty when the dialog may ask the shell. */
export function checkSigningInput(prompt: SigningPrompt, input: SigningInput): Record<string, string> {
  const errors: Record<string, string> = {};
  if (prompt.username_required && input.username.trim() === "") {
    errors.username = "Enter your username: the first signing in a session asks for it.";
  }
  if (input.password === "") errors.password = "Enter your password to sign.";
  return errors;
}

/** What the dialog shows after the shell refused: messages per field, or one above the button. */
export interface SigningRefusal {
  fields: Record<string, string>;
  message: string | null;
}

export function signingRefusal(e: CommandError): SigningRefusal {
  const fields: Record<string, string> = {};
  for (const f of e.field_errors) fields[f.field] = fields[f.field] ? `${fields[f.field]}; ${f.message}` : f.message;
  return { fields, message: e.field_errors.length > 0 ? null : e.message };
}

/** The line under the password: how many wrong passwords are left, or that signing is blocked. */
export function attemptsNotice(prompt: SigningPrompt): string | null {
  if (prompt.attempts_left === 0) {
    return "Signing is blocked for you after 3 wrong signing passwords. An admin must clear the block before you can sign.";
  }
  if (prompt.attempts_left < 3) {
    const n = prompt.attempts_left;
    return `${n} wrong password${n === 1 ? "" : "s"} left before signing is blocked.`;
  }
  return null;
}

/**
 * The signer's date and time as signed, with its UTC offset: "2026-12-03 10:05:09 UTC+01:00".
 * Shown as written in the manifest (the signer's wall clock), never converted.
 */
export function signedAtText(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return iso;
  const zone = m[3] === "Z" || m[3] === "+00:00" || m[3] === "-00:00" ? "UTC" : `UTC${m[3]}`;
  return `${m[1]} ${m[2]} ${zone}`;
}

/** The content SHA-256 as shown: its first 16 hex digits in groups of four. */
export function shortHash(sha256: string): string {
  return (sha256.slice(0, 16).match(/.{1,4}/g) ?? []).join(" ");
}

export function timingLabel(t: AddendumTiming): string {
  return t === "concurrent_with_signature" ? "concurrent with signature" : "amendment after signature";
}

/** A stored value as the locked view prints it (no input). */
export function valueText(type: FieldView["field_type"], value: FieldValue | undefined): string {
  if (value === undefined) return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.length > 0 ? value.join(", ") : "—";
  if (typeof value === "number") return type.type === "number" && type.unit ? `${value} ${type.unit}` : String(value);
  return value === "" ? "—" : value;
}

export type AmendmentPlan = { ok: true; input: AmendmentInput } | { ok: false; fields: Record<string, string>; message: string | null };

/**
 * What an amendment sends: the reason, and each field and note whose draft differs from
 * the encounter as it stands. Refused (with messages) without a reason, with a draft
 * that does not fit its field, or when nothing changed.
 */
export function planAmendment(
  reason: string,
  fields: readonly FieldView[],
  current: Record<string, FieldValue | undefined>,
  drafts: Record<string, Draft>,
  currentNotes: NoteTexts,
  notes: NoteTexts,
): AmendmentPlan {
  const errors: Record<string, string> = {};
  if (reason.trim() === "") errors.reason = "Say why the signed encounter is amended.";
  const changed: Record<string, FieldValue> = {};
  for (const f of fields) {
    const draft = drafts[f.id];
    if (draft === undefined) continue;
    const checked = checkDraft(f.field_type, f.required, draft);
    const before = current[f.id];
    if (!checked.ok) {
      // An untouched empty optional field is not an error: it is simply not amended.
      if (before === undefined && (draft === "" || (Array.isArray(draft) && draft.length === 0))) continue;
      errors[`fields.${f.id}`] = checked.message;
      continue;
    }
    if (!sameValue(before, checked.value)) changed[f.id] = checked.value;
  }
  const noteEdits = NOTE_LABELS.filter(({ kind }) => notes[kind] !== currentNotes[kind]).map(({ kind }) => ({
    which: kind,
    text: notes[kind],
  }));
  if (Object.keys(errors).length > 0) return { ok: false, fields: errors, message: null };
  if (Object.keys(changed).length === 0 && noteEdits.length === 0) {
    return { ok: false, fields: {}, message: "The amendment changes nothing yet: edit a field or a note first." };
  }
  return { ok: true, input: { reason: reason.trim(), fields: changed, notes: noteEdits } };
}

function sameValue(a: FieldValue | undefined, b: FieldValue): boolean {
  if (a === undefined) return b === false || (Array.isArray(b) && b.length === 0) || b === "";
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
