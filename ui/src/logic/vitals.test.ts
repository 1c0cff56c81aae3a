// What the nurse typed must reach the replica exactly: blank inputs are absent (never 0),
// and the one-line summary reads like a chart.
import { describe, expect, it } from "vitest";
import type { VitalsSet } from "../bindings/VitalsSet";
import { toNewVitals, vitalsSummary } from "./vitals";

const PID = "0190f0a0-0000-7000-8000-000000000001";

function set(values: Record<string, number>, status: VitalsSet["status"] = "final"): VitalsSet {
  return {
    id: "0190f0a0-0000-7000-8000-0000000000aa",
    patient_id: PID,
    taken_at: "2026-11-22T10:42:00Z",
    taken_by: "nurse.kim",
    status,
    observations: Object.entries(values).map(([field, value]) => ({ field, loinc: "x", ucum: "x", value })),
  };
}

describe("toNewVitals", () => {
  it("omits empty and blank inputs instead of sending 0", () => {
    const r = toNewVitals(PID, { temperature_c: "36.8", heart_rate_per_min: "", spo2_percent: "   " });
    expect(r).toEqual({ ok: true, value: { patient_id: PID, temperature_c: 36.8 } });
    if (r.ok) {
      expect("heart_rate_per_min" in r.value).toBe(false);
      expect("spo2_percent" in r.value).toBe(false);
      expect("weight_kg" in r.value).toBe(false);
    }
  });

  it("keeps a typed zero (the replica refuses it with the range)", () => {
    const r = toNewVitals(PID, { weight_kg: "0" });
    expect(r).toEqual({ ok: true, value: { patient_id: PID, weight_kg: 0 } });
  });

  it("accepts a decimal comma", () => {
    const r = toNewVitals(PID, { temperature_c: "37,2" });
    expect(r.ok && r.value.temperature_c).toBe(37.2);
  });

  it("names the field whose text is not a number", () => {
    const r = toNewVitals(PID, { temperature_c: "warm", heart_rate_per_min: "72" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.field)).toEqual(["temperature_c"]);
  });

  it("sends nothing but the patient when the form is empty (the replica asks for a value)", () => {
    expect(toNewVitals(PID, {})).toEqual({ ok: true, value: { patient_id: PID } });
  });
});

describe("vitalsSummary", () => {
  it("formats a full set in chart order with units", () => {
    const s = set({
      weight_kg: 70.5,
      height_cm: 172,
      temperature_c: 36.8,
      systolic_mmhg: 120,
      diastolic_mmhg: 80,
      heart_rate_per_min: 72,
      respiratory_rate_per_min: 14,
      spo2_percent: 98,
    });
    expect(vitalsSummary(s)).toBe("T 36.8 °C · BP 120/80 · HR 72 · RR 14 · SpO₂ 98 % · Wt 70.5 kg · Ht 172 cm");
  });

  it("shows only what was measured", () => {
    expect(vitalsSummary(set({ heart_rate_per_min: 88 }))).toBe("HR 88");
  });

  it("says when there are no vitals", () => {
    expect(vitalsSummary(null)).toBe("no vitals yet");
    expect(vitalsSummary(undefined)).toBe("no vitals yet");
  });

  it("marks a set entered in error", () => {
    expect(vitalsSummary(set({ temperature_c: 36.1 }, "entered-in-error"))).toBe("T 36.1 °C (entered in error)");
  });
});
