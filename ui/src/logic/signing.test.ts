// The signing rules the dialog and the locked view rest on: the username is asked only on
// a session's first signing; refusals land at their field; the attempts left and the
// block are worded; the manifest keeps the signer's own time and zone; an amendment sends
// only what differs, and never without a reason.
import { describe, expect, it } from "vitest";
import type { FieldView } from "../bindings/FieldView";
import type { SigningPrompt } from "../bindings/SigningPrompt";
import { attemptsNotice, checkSigningInput, planAmendment, shortHash, signedAtText, signingRefusal, valueText } from "./signing";

const first: SigningPrompt = { username_required: true, printed_name: "Dr. Ama Osei", attempts_left: 3 };
const later: SigningPrompt = { ...first, username_required: false };

describe("signing input", () => {
  it("asks for the username only on the session's first signing", () => {
    expect(checkSigningInput(first, { username: " ", password: "pw" })).toEqual({
      username: "Enter your username: the first signing in a session asks for it.",
    });
    expect(checkSigningInput(later, { username: "", password: "pw" })).toEqual({});
    expect(Object.keys(checkSigningInput(later, { username: "", password: "" }))).toEqual(["password"]);
  });

  it("puts a refusal at its field, or above the button when it names none", () => {
    expect(
      signingRefusal({ message: "Wrong password. 2 attempts left", field_errors: [{ field: "password", message: "Wrong password. 2 attempts left" }], signed_out: false }),
    ).toEqual({ fields: { password: "Wrong password. 2 attempts left" }, message: null });
    expect(signingRefusal({ message: "signing is blocked", field_errors: [], signed_out: false })).toEqual({ fields: {}, message: "signing is blocked" });
  });

  it("words the attempts left and the block", () => {
    expect(attemptsNotice(first)).toBeNull();
    expect(attemptsNotice({ ...first, attempts_left: 1 })).toBe("1 wrong password left before signing is blocked.");
    expect(attemptsNotice({ ...first, attempts_left: 0 })).toContain("An admin must clear the block");
  });
});

describe("manifest", () => {
  it("shows the signer's own date, time and zone, unconverted", () => {
    expect(signedAtText("2026-12-03T10:05:09.123456+01:00")).toBe("2026-12-03 10:05:09 UTC+01:00");
    expect(signedAtText("2026-12-03T10:05:09Z")).toBe("2026-12-03 10:05:09 UTC");
    expect(signedAtText("2026-12-03T22:00:00-05:30")).toBe("2026-12-03 22:00:00 UTC-05:30");
    expect(signedAtText("yesterday")).toBe("yesterday");
  });

  it("shortens the content hash to 16 hex digits in groups", () => {
    expect(shortHash("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")).toBe("9f86 d081 884c 7d65");
  });

  it("prints stored values without inputs", () => {
    expect(valueText({ type: "number", unit: "ml", min: 0, max: null }, 150)).toBe("150 ml");
    expect(valueText({ type: "checkbox" }, false)).toBe("No");
    expect(valueText({ type: "multi_select", options: ["a", "b"] }, ["a", "b"])).toBe("a, b");
    expect(valueText({ type: "text" }, undefined)).toBe("—");
  });
});

describe("amendment", () => {
  const fields: FieldView[] = [
    { id: "blood_loss", label: "Blood loss", field_type: { type: "number", unit: "ml", min: 0, max: 5000 }, required: false, grid: { x: 0, y: 0, w: 4, h: 1 } },
    { id: "procedure", label: "Procedure", field_type: { type: "text" }, required: true, grid: { x: 4, y: 0, w: 8, h: 1 } },
  ];
  const notes = { chief_complaint: "", history: "", assessment: "Appendicitis", plan: "" };
  const current = { procedure: "Appendectomy" };

  it("needs a reason", () => {
    const plan = planAmendment(" ", fields, current, { blood_loss: "150", procedure: "Appendectomy" }, notes, notes);
    expect(plan).toEqual({ ok: false, fields: { reason: "Say why the signed encounter is amended." }, message: null });
  });

  it("sends only the fields and notes that differ", () => {
    const plan = planAmendment(
      " Blood loss was left out ",
      fields,
      current,
      { blood_loss: "150", procedure: "Appendectomy" },
      notes,
      { ...notes, plan: "Discharge tomorrow" },
    );
    expect(plan).toEqual({
      ok: true,
      input: { reason: "Blood loss was left out", fields: { blood_loss: 150 }, notes: [{ which: "plan", text: "Discharge tomorrow" }] },
    });
  });

  it("refuses a value that does not fit its field, and an amendment that changes nothing", () => {
    const bad = planAmendment("why", fields, current, { blood_loss: "9000", procedure: "Appendectomy" }, notes, notes);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.fields["fields.blood_loss"]).toBe("must be between 0 and 5000 ml (got 9000)");
    const nothing = planAmendment("why", fields, current, { blood_loss: "", procedure: "Appendectomy" }, notes, notes);
    expect(nothing).toEqual({ ok: false, fields: {}, message: "The amendment changes nothing yet: edit a field or a note first." });
  });
});
