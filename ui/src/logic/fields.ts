// Why: an encounter form is rendered from data (the pinned template version), so the
// rules that turn what a clinician typed into a FieldValue, and the messages shown at the
// field when it does not fit, live here as pure functions the form and the tests share.
// The numbers (min, max, unit, options) come from the template; nothing is restated.
import type { FieldType } from "../bindings/FieldType";
import type { FieldValue } from "../bindings/FieldValue";
import type { GridPos } from "../bindings/GridPos";

/** What an input holds while it is being edited. */
export type Draft = string | boolean | string[];

export type Checked = { ok: true; value: FieldValue } | { ok: false; message: string };

/** How a stored value is shown in its input. */
export function toDraft(type: FieldType, value: FieldValue | undefined): Draft {
  switch (type.type) {
    case "checkbox":
      return value === true;
    case "multi_select":
      return Array.isArray(value) ? value : [];
    case "number":
      return typeof value === "number" ? String(value) : "";
    default:
      return typeof value === "string" ? value : "";
  }
}

function numberRange(min: number | null, max: number | null, unit: string): string | null {
  const u = unit ? ` ${unit}` : "";
  if (min !== null && max !== null) return `between ${min} and ${max}${u}`;
  if (min !== null) return `at least ${min}${u}`;
  if (max !== null) return `at most ${max}${u}`;
  return null;
}

/** The hint shown next to a number field, e.g. "30–45 °C". */
export function rangeHint(type: FieldType): string | null {
  if (type.type !== "number") return null;
  return numberRange(type.min, type.max, type.unit);
}

/** Parses "37,5" or " 37.5 " as 37.5; `null` when the text is not a number. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(",", ".");
  if (t === "" || !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/**
 * Checks a draft against its field: required fields must be filled, numbers must be
 * numbers within the template's range, dates real dates. Returns the value to save or the
 * message to show at the field (the replica checks again; its message wins if it differs).
 */
export function checkDraft(type: FieldType, required: boolean, draft: Draft): Checked {
  switch (type.type) {
    case "checkbox":
      return { ok: true, value: draft === true };
    case "multi_select": {
      const chosen = Array.isArray(draft) ? draft : [];
      if (required && chosen.length === 0) return { ok: false, message: "choose at least one" };
      return { ok: true, value: type.options.filter((o) => chosen.includes(o)) };
    }
    case "number": {
      const text = typeof draft === "string" ? draft : "";
      if (text.trim() === "") return { ok: false, message: required ? "required: enter a number" : "enter a number" };
      const n = parseNumber(text);
      if (n === null) return { ok: false, message: "enter a number" };
      const tooLow = type.min !== null && n < type.min;
      const tooHigh = type.max !== null && n > type.max;
      if (tooLow || tooHigh) {
        return { ok: false, message: `must be ${numberRange(type.min, type.max, type.unit)} (got ${n})` };
      }
      return { ok: true, value: n };
    }
    case "select": {
      const s = typeof draft === "string" ? draft : "";
      if (s === "") return { ok: false, message: required ? "required: choose one" : "choose one" };
      if (!type.options.includes(s)) return { ok: false, message: `"${s}" is not one of: ${type.options.join(", ")}` };
      return { ok: true, value: s };
    }
    case "date": {
      const s = typeof draft === "string" ? draft : "";
      if (s === "") return { ok: false, message: required ? "required: enter a date" : "enter a date" };
      if (!isIsoDate(s)) return { ok: false, message: `"${s}" is not a date; write it as YYYY-MM-DD` };
      return { ok: true, value: s };
    }
    case "vitals_block": {
      const s = typeof draft === "string" ? draft : "";
      if (s === "") return { ok: false, message: required ? "required: choose a vitals set" : "choose a vitals set" };
      return { ok: true, value: s };
    }
    case "text":
    case "long_text": {
      const s = typeof draft === "string" ? draft : "";
      if (required && s.trim() === "") return { ok: false, message: "required" };
      return { ok: true, value: s };
    }
  }
}

/** `YYYY-MM-DD` naming a real calendar day. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Today on this workstation, `YYYY-MM-DD`. */
export function localToday(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** CSS grid placement of a template rectangle (x, y are 0-based; CSS lines are 1-based). */
export function gridArea(pos: GridPos): { gridColumn: string; gridRow: string } {
  return {
    gridColumn: `${pos.x + 1} / span ${Math.max(1, pos.w)}`,
    gridRow: `${pos.y + 1} / span ${Math.max(1, pos.h)}`,
  };
}

/** Whole years between a date of birth and today; `null` if the date cannot be read. */
export function ageInYears(dob: string, today: string = localToday()): number | null {
  if (!isIsoDate(dob) || !isIsoDate(today)) return null;
  const [by, bm, bd] = dob.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age < 0 ? null : age;
}
