// The vitals history keeps a set entered in error, marked for striking through with its
// reason; marking a set asks for a reason first and then sends exactly that set and reason.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { VitalsProjection } from "../bindings/VitalsProjection";
import { trendPoints } from "../logic/trend";
import { VitalsHistory } from "./VitalsHistory";

afterEach(() => {
  cleanup();
  clearMocks();
});

const PID = "0190f0a0-0000-7000-8000-000000000001";
const set = (id: string, at: string, t: number, status: VitalsProjection["status"], reason?: string): VitalsProjection => ({
  id,
  patient_id: PID,
  taken_at: at,
  taken_by: "nurse.kim",
  status,
  observations: [{ field: "temperature_c", loinc: "8310-5", ucum: "Cel", value: t }],
  ...(reason ? { entered_in_error_reason: reason } : {}),
});
const sets = [
  set("0190f0a0-0000-7000-8000-0000000000a2", "2026-11-22T10:00:00Z", 38.1, "entered-in-error", "wrong patient"),
  set("0190f0a0-0000-7000-8000-0000000000a1", "2026-11-22T08:00:00Z", 36.9, "final"),
];

describe("vitals history", () => {
  it("keeps a set entered in error, struck through with its reason", () => {
    render(<VitalsHistory sets={sets} onChanged={() => {}} />);
    const rows = screen.getAllByTestId("vitals-history-row");
    expect(rows[0]?.className).toBe("entered-in-error");
    expect(rows[0]?.textContent).toContain("T 38.1 °C (entered in error) — wrong patient");
    expect(rows[1]?.className).toBe("final");
    expect(screen.getAllByRole("button", { name: "Entered in error…" })).toHaveLength(1);
  });

  it("asks for a reason, then marks the set", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      return sets[1];
    });
    let changed = 0;
    render(<VitalsHistory sets={sets} onChanged={() => (changed += 1)} />);
    fireEvent.click(screen.getByRole("button", { name: "Entered in error…" }));
    fireEvent.click(screen.getByRole("button", { name: "Mark entered in error" }));
    expect(screen.getByRole("alert").textContent).toBe("enter why this set is in error");
    fireEvent.change(screen.getByLabelText("Why is this set in error?"), { target: { value: "wrong arm" } });
    fireEvent.click(screen.getByRole("button", { name: "Mark entered in error" }));
    await waitFor(() => expect(changed).toBe(1));
    expect(sent).toEqual([{ cmd: "mark_vitals_entered_in_error", args: { vitalsId: sets[1]?.id, reason: "wrong arm" } }]);
  });

  it("plots only valid sets, oldest first", () => {
    const more = [...sets, set("0190f0a0-0000-7000-8000-0000000000a0", "2026-11-21T08:00:00Z", 37.2, "final")];
    expect(trendPoints(more, "temperature_c").map((p) => p.value)).toEqual([37.2, 36.9]);
    expect(trendPoints(more, "spo2_percent")).toEqual([]);
  });
});
