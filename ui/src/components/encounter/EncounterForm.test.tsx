// The encounter form is rendered from template JSON: every field type gets its labelled
// input on the template's grid, numbers are checked against the template's range at the
// field, values pre-filled by auto-populate are shown and marked, valid edits are saved
// without a button (and flushed on leaving the field), and invalid ones are never sent.
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { EncounterView } from "../../bindings/EncounterView";
import type { FieldView } from "../../bindings/FieldView";
import type { VitalsProjection } from "../../bindings/VitalsProjection";
import { AUTOSAVE_DELAY_MS } from "../../logic/autosave";
import { EncounterForm } from "./EncounterForm";

afterEach(() => {
  cleanup();
  clearMocks();
});

const PID = "0190f0a0-0000-7000-8000-000000000001";
const EID = "0190f0a0-0000-7000-8000-0000000000e1";
const VID = "0190f0a0-0000-7000-8000-0000000000aa";

const at = (x: number, y: number, w = 3, h = 1) => ({ x, y, w, h });
function field(id: string, field_type: FieldView["field_type"], extra: Partial<FieldView> = {}): FieldView {
  return { id, label: id.replace("_", " "), field_type, required: false, grid: at(0, 0), ...extra };
}

/** Template JSON as the replica answers it: one field of every type. */
function view(values: Record<string, FieldView["value"]> = {}): EncounterView {
  const fields: FieldView[] = [
    field("complaint", { type: "text" }, { required: true, grid: at(0, 0, 6) }),
    field("exam", { type: "long_text" }, { grid: at(6, 0, 6, 2) }),
    field("bp_sys", { type: "number", unit: "mmHg", min: 50, max: 250 }, { required: true, grid: at(0, 1) }),
    field("rhythm", { type: "select", options: ["sinus", "afib"] }, { grid: at(3, 1) }),
    field("symptoms", { type: "multi_select", options: ["chest pain", "dyspnoea", "syncope"] }, { grid: at(0, 2, 6) }),
    field("smoker", { type: "checkbox" }, { grid: at(6, 2) }),
    field("next_visit", { type: "date" }, { grid: at(9, 2) }),
    field("vitals", { type: "vitals_block" }, { grid: at(0, 3, 12) }),
  ].map((f) => (values[f.id] === undefined ? f : { ...f, value: values[f.id] as NonNullable<FieldView["value"]> }));
  return {
    encounter: {
      id: EID,
      patient_id: PID,
      provider: "dr.ito",
      date: "2026-11-22",
      encounter_type: "new_patient",
      specialty: "cardiology",
      template: { template_id: "0190f0a0-0000-7000-8000-0000000000t1", version: 2, content_hash: "ab" },
      status: "draft",
      fields: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as EncounterView["encounter"]["fields"],
      notes: { chief_complaint: "", history: "", assessment: "", plan: "" },
    },
    template_name: "Cardiology intake",
    template_version: 2,
    pages: [{ id: "p1", title: "Intake", sections: [{ id: "main", title: "Findings", grid: at(0, 0, 12, 4), fields }] }],
    missing_required: [],
    unknown_fields: [],
  };
}

const vitals: VitalsProjection[] = [
  {
    id: VID,
    patient_id: PID,
    taken_at: "2026-11-22T08:00:00Z",
    taken_by: "nurse.kim",
    status: "final",
    observations: [{ field: "systolic_mmhg", loinc: "8480-6", ucum: "mm[Hg]", value: 132 }],
  },
];

function saves() {
  const sent: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    sent.push({ cmd, args });
    return view().encounter;
  });
  return sent;
}

describe("encounter form from template JSON", () => {
  it("renders every field type with its label, on the template's grid", () => {
    saves();
    render(<EncounterForm view={view()} autoFilled={new Set()} vitals={vitals} />);
    expect(screen.getByLabelText(/^complaint/)).toBeInstanceOf(HTMLInputElement);
    expect(screen.getByLabelText(/exam/)).toBeInstanceOf(HTMLTextAreaElement);
    const bp = screen.getByLabelText(/bp sys/) as HTMLInputElement;
    expect(bp.getAttribute("inputmode")).toBe("decimal");
    expect(bp.closest("[data-field]")?.textContent).toContain("mmHg");
    expect(bp.closest("[data-field]")?.textContent).toContain("between 50 and 250 mmHg");
    expect((screen.getByLabelText(/rhythm/) as HTMLSelectElement).options).toHaveLength(3);
    expect(screen.getByLabelText("syncope")).toBeInstanceOf(HTMLInputElement);
    expect((screen.getByLabelText(/smoker/) as HTMLInputElement).type).toBe("checkbox");
    expect((screen.getByLabelText(/next visit/) as HTMLInputElement).type).toBe("date");
    const block = screen.getByLabelText(/^vitals/) as HTMLSelectElement;
    expect([...block.options].map((o) => o.textContent)).toContain("2026-11-22 " + new Date("2026-11-22T08:00:00Z").toTimeString().slice(0, 5) + " · BP 132/–");
    // Placement: x=6,w=6 / y=0,h=2 → CSS lines 7 and 1.
    const cell = screen.getByLabelText(/exam/).closest(".grid-cell") as HTMLElement;
    expect(cell.style.gridColumn).toBe("7 / span 6");
    expect(cell.style.gridRow).toBe("1 / span 2");
    expect(screen.getByText(/\(required\)/, { selector: "label[for=enc-complaint] *" })).toBeTruthy();
    expect(screen.getByLabelText("History")).toBeInstanceOf(HTMLTextAreaElement);
    expect(screen.getByTestId("save-state").textContent).toBe("All changes saved");
  });

  it("shows stored values in their inputs", () => {
    saves();
    render(
      <EncounterForm
        view={view({ complaint: "chest pain", bp_sys: 140, rhythm: "afib", symptoms: ["syncope"], smoker: true, next_visit: "2026-12-01", vitals: VID })}
        autoFilled={new Set()}
        vitals={vitals}
      />,
    );
    expect((screen.getByLabelText(/^complaint/) as HTMLInputElement).value).toBe("chest pain");
    expect((screen.getByLabelText(/bp sys/) as HTMLInputElement).value).toBe("140");
    expect((screen.getByLabelText(/rhythm/) as HTMLSelectElement).value).toBe("afib");
    expect((screen.getByLabelText("syncope") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("dyspnoea") as HTMLInputElement).checked).toBe(false);
    expect((screen.getByLabelText(/smoker/) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText(/next visit/) as HTMLInputElement).value).toBe("2026-12-01");
    expect((screen.getByLabelText(/^vitals/) as HTMLSelectElement).value).toBe(VID);
  });

  it("marks auto-populated values until they are edited", () => {
    saves();
    render(<EncounterForm view={view({ bp_sys: 132, rhythm: "sinus" })} autoFilled={new Set(["bp_sys", "rhythm"])} vitals={vitals} />);
    expect((screen.getByLabelText(/bp sys/) as HTMLInputElement).value).toBe("132");
    expect(screen.getByTestId("autofilled-bp_sys").textContent).toContain("last values");
    expect(screen.getByTestId("autofilled-rhythm")).toBeTruthy();
    expect(screen.queryByTestId("autofilled-complaint")).toBeNull();
    fireEvent.change(screen.getByLabelText(/bp sys/), { target: { value: "128" } });
    expect(screen.queryByTestId("autofilled-bp_sys")).toBeNull();
    expect(screen.getByTestId("autofilled-rhythm")).toBeTruthy();
  });

  it("gives the range message at a number field and never sends the value", async () => {
    const sent = saves();
    render(<EncounterForm view={view()} autoFilled={new Set()} vitals={vitals} />);
    const bp = screen.getByLabelText(/bp sys/);
    fireEvent.change(bp, { target: { value: "300" } });
    const err = screen.getByTestId("error-bp_sys");
    expect(err.textContent).toBe("must be between 50 and 250 mmHg (got 300)");
    expect(err.closest("[data-field]")).toBe(bp.closest("[data-field]"));
    fireEvent.change(bp, { target: { value: "abc" } });
    expect(screen.getByTestId("error-bp_sys").textContent).toBe("enter a number");
    fireEvent.change(bp, { target: { value: "" } });
    expect(screen.getByTestId("error-bp_sys").textContent).toBe("required: enter a number");
    fireEvent.blur(bp);
    await new Promise((r) => setTimeout(r, AUTOSAVE_DELAY_MS + 50));
    expect(sent).toEqual([]);
    expect(screen.getByTestId("save-state").textContent).toContain("not saved");
  });

  it("saves valid edits without a button, one field at a time, and at once on leaving the field", async () => {
    const sent = saves();
    render(<EncounterForm view={view()} autoFilled={new Set()} vitals={vitals} />);
    fireEvent.change(screen.getByLabelText(/bp sys/), { target: { value: "13" } });
    fireEvent.change(screen.getByLabelText(/bp sys/), { target: { value: "132" } });
    fireEvent.click(screen.getByLabelText("dyspnoea"));
    fireEvent.click(screen.getByLabelText("chest pain"));
    fireEvent.click(screen.getByLabelText(/smoker/));
    await act(async () => {
      fireEvent.blur(screen.getByLabelText(/smoker/));
    });
    await waitFor(() => expect(sent).toHaveLength(3));
    expect(sent.map((s) => s.args)).toEqual([
      { encounterId: EID, values: { bp_sys: 132 } },
      { encounterId: EID, values: { symptoms: ["chest pain", "dyspnoea"] } },
      { encounterId: EID, values: { smoker: true } },
    ]);
    fireEvent.change(screen.getByLabelText("Plan"), { target: { value: "echo in 2 weeks" } });
    await waitFor(() => expect(sent).toHaveLength(4), { timeout: AUTOSAVE_DELAY_MS + 500 });
    expect(sent[3]).toEqual({ cmd: "edit_encounter_note", args: { encounterId: EID, which: "plan", text: "echo in 2 weeks" } });
    await waitFor(() => expect(screen.getByTestId("save-state").textContent).toBe("All changes saved"));
  });

  it("shows the replica's refusal of a very long text at that field", async () => {
    mockIPC(() => {
      throw { message: "fields.complaint: at most 500 characters (got 501)", field_errors: [{ field: "fields.complaint", message: "at most 500 characters (got 501)" }] };
    });
    render(<EncounterForm view={view()} autoFilled={new Set()} vitals={vitals} />);
    const input = screen.getByLabelText(/^complaint/);
    fireEvent.change(input, { target: { value: "x".repeat(501) } });
    fireEvent.blur(input);
    const err = await screen.findByTestId("error-complaint");
    expect(err.textContent).toBe("at most 500 characters (got 501)");
    expect(err.closest("[data-field]")).toBe(input.closest("[data-field]"));
  });

  it("is read only for a role that reads encounters but does not chart them", async () => {
    const sent: string[] = [];
    mockIPC((cmd) => {
      sent.push(cmd);
      return null;
    });
    render(<EncounterForm view={view({ bp_sys: 132 })} autoFilled={new Set()} vitals={vitals} readOnly />);
    expect(screen.getByTestId("encounter-read-only").textContent).toContain("Read only");
    const bp = screen.getByTestId("field-bp_sys") as HTMLInputElement;
    expect(bp.value).toBe("132");
    expect(bp.matches(":disabled")).toBe(true);
    expect((screen.getByTestId("note-plan") as HTMLTextAreaElement).matches(":disabled")).toBe(true);
    await new Promise((r) => setTimeout(r, AUTOSAVE_DELAY_MS + 50));
    expect(sent).toEqual([]);
  });
});
