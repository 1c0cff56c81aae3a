// The forms against a mocked shell (mockIPC): the replica's per-field errors land next to
// the field they belong to, and the payload sent is exactly what was typed.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandError } from "../bindings/CommandError";
import { RegisterPatientForm } from "./RegisterPatientForm";
import { VitalsForm } from "./VitalsForm";

const PID = "0190f0a0-0000-7000-8000-000000000001";

afterEach(() => {
  cleanup();
  clearMocks();
});

function fieldOf(el: HTMLElement): HTMLElement | null {
  return el.closest("[data-field]");
}

describe("register patient form", () => {
  it("shows each refused field's message next to that field (a very long name, a bad MRN)", async () => {
    const long = "A".repeat(201);
    const refusal: CommandError = {
      message: "name: at most 200 characters; mrn: an MRN is 1 to 32 letters, digits or dashes",
      field_errors: [
        { field: "name", message: "a name is at most 200 characters (got 201)" },
        { field: "mrn", message: "an MRN is 1 to 32 letters, digits or dashes" },
      ],
      signed_out: false,
    };
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      throw refusal;
    });
    render(<RegisterPatientForm onRegistered={() => {}} />);
    fireEvent.change(screen.getByTestId("patient-name"), { target: { value: long } });
    fireEvent.change(screen.getByTestId("patient-dob"), { target: { value: "1984-03-07" } });
    fireEvent.change(screen.getByTestId("patient-sex"), { target: { value: "female" } });
    fireEvent.change(screen.getByTestId("patient-mrn"), { target: { value: "no spaces" } });
    fireEvent.click(screen.getByTestId("register-submit"));

    const nameError = await screen.findByTestId("error-name");
    expect(nameError.textContent).toBe("a name is at most 200 characters (got 201)");
    expect(fieldOf(nameError)).toBe(fieldOf(screen.getByTestId("patient-name")));
    const mrnError = screen.getByTestId("error-mrn");
    expect(mrnError.textContent).toContain("letters, digits or dashes");
    expect(fieldOf(mrnError)).toBe(fieldOf(screen.getByTestId("patient-mrn")));
    expect(screen.queryByTestId("error-date_of_birth")).toBeNull();
    expect(calls).toEqual([
      {
        cmd: "register_patient",
        args: { input: { name: long, date_of_birth: "1984-03-07", sex: "female", mrn: "no spaces" } },
      },
    ]);
  });

  it("refuses empty required fields at each field and sends nothing", async () => {
    let called = false;
    mockIPC(() => {
      called = true;
    });
    render(<RegisterPatientForm onRegistered={() => {}} />);
    fireEvent.click(screen.getByTestId("register-submit"));
    expect((await screen.findByTestId("error-name")).textContent).toBe("enter the patient's name");
    expect(screen.getByTestId("error-date_of_birth").textContent).toBe("enter the date of birth");
    expect(screen.getByTestId("error-sex").textContent).toContain("choose");
    expect(fieldOf(screen.getByTestId("error-date_of_birth"))).toBe(fieldOf(screen.getByTestId("patient-dob")));
    expect(called).toBe(false);
  });

  it("refuses a date of birth in the future and sends nothing", async () => {
    let called = false;
    mockIPC(() => {
      called = true;
    });
    const next = new Date();
    next.setFullYear(next.getFullYear() + 1);
    const future = next.toISOString().slice(0, 10);
    render(<RegisterPatientForm onRegistered={() => {}} />);
    fireEvent.change(screen.getByTestId("patient-name"), { target: { value: "Amara Okafor" } });
    fireEvent.change(screen.getByTestId("patient-dob"), { target: { value: future } });
    fireEvent.change(screen.getByTestId("patient-sex"), { target: { value: "female" } });
    fireEvent.click(screen.getByTestId("register-submit"));
    expect((await screen.findByTestId("error-date_of_birth")).textContent).toContain("cannot be in the future");
    expect(screen.queryByTestId("error-name")).toBeNull();
    expect(called).toBe(false);
  });

  it("says an empty MRN was given a provisional one", async () => {
    mockIPC((_cmd, args) => {
      const input = (args as { input: { name: string } }).input;
      return { id: PID, name: input.name, date_of_birth: "1984-03-07", sex: "female", mrn: "P-000123" };
    });
    render(<RegisterPatientForm onRegistered={() => {}} />);
    fireEvent.change(screen.getByTestId("patient-name"), { target: { value: "Amara Okafor" } });
    fireEvent.change(screen.getByTestId("patient-dob"), { target: { value: "1984-03-07" } });
    fireEvent.change(screen.getByTestId("patient-sex"), { target: { value: "female" } });
    fireEvent.click(screen.getByTestId("register-submit"));
    expect((await screen.findByTestId("register-message")).textContent).toBe(
      "Registered Amara Okafor with provisional MRN P-000123",
    );
  });

  it("clears the form and reports the saved patient", async () => {
    mockIPC((cmd, args) => {
      if (cmd !== "register_patient") throw new Error(cmd);
      const input = (args as { input: { name: string; mrn: string } }).input;
      return { id: PID, name: input.name.trim(), date_of_birth: "1984-03-07", sex: "female", mrn: input.mrn };
    });
    let registered = "";
    render(<RegisterPatientForm onRegistered={(p) => (registered = p.name)} />);
    fireEvent.change(screen.getByTestId("patient-name"), { target: { value: " Amara Okafor " } });
    fireEvent.change(screen.getByTestId("patient-dob"), { target: { value: "1984-03-07" } });
    fireEvent.change(screen.getByTestId("patient-sex"), { target: { value: "female" } });
    fireEvent.change(screen.getByTestId("patient-mrn"), { target: { value: "MRN-001" } });
    fireEvent.click(screen.getByTestId("register-submit"));
    expect((await screen.findByTestId("register-message")).textContent).toBe("Registered Amara Okafor");
    expect(registered).toBe("Amara Okafor");
    expect((screen.getByTestId("patient-name") as HTMLInputElement).value).toBe("");
  });

  it("asks for the sex before calling the shell", async () => {
    let called = false;
    mockIPC(() => {
      called = true;
    });
    render(<RegisterPatientForm onRegistered={() => {}} />);
    fireEvent.click(screen.getByTestId("register-submit"));
    expect((await screen.findByTestId("error-sex")).textContent).toContain("choose");
    expect(called).toBe(false);
  });

  it("shows a failure that is not about a field above the button", async () => {
    mockIPC(() => {
      throw "the OS keyring refused the request";
    });
    render(<RegisterPatientForm onRegistered={() => {}} />);
    fireEvent.change(screen.getByTestId("patient-name"), { target: { value: "Ben Tal" } });
    fireEvent.change(screen.getByTestId("patient-dob"), { target: { value: "1990-01-02" } });
    fireEvent.change(screen.getByTestId("patient-sex"), { target: { value: "male" } });
    fireEvent.click(screen.getByTestId("register-submit"));
    expect((await screen.findByTestId("error-form")).textContent).toContain("keyring");
  });
});

describe("record vitals form", () => {
  it("sends only the filled inputs and shows the range error next to temperature", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      const refusal: CommandError = {
        message: "temperature_c: temperature must be between 30 and 45 °C (got 47)",
        field_errors: [{ field: "temperature_c", message: "temperature must be between 30 and 45 °C (got 47)" }],
        signed_out: false,
      };
      throw refusal;
    });
    render(<VitalsForm patientId={PID} onRecorded={() => {}} />);
    fireEvent.change(screen.getByTestId("vitals-temperature_c"), { target: { value: "47" } });
    fireEvent.change(screen.getByTestId("vitals-heart_rate_per_min"), { target: { value: "72" } });
    fireEvent.click(screen.getByTestId("vitals-submit"));

    const err = await screen.findByTestId("error-temperature_c");
    expect(err.textContent).toBe("temperature must be between 30 and 45 °C (got 47)");
    expect(fieldOf(err)).toBe(fieldOf(screen.getByTestId("vitals-temperature_c")));
    expect(screen.queryByTestId("error-heart_rate_per_min")).toBeNull();
    expect(sent).toEqual([
      { cmd: "record_vitals", args: { input: { patient_id: PID, temperature_c: 47, heart_rate_per_min: 72 } } },
    ]);
    // What was typed stays, so the nurse corrects one value instead of retyping all.
    expect((screen.getByTestId("vitals-heart_rate_per_min") as HTMLInputElement).value).toBe("72");
  });

  it("shows the replica's 'at least one value' message for an empty form", async () => {
    mockIPC(() => {
      throw { message: "vitals: enter at least one vital sign", field_errors: [{ field: "vitals", message: "enter at least one vital sign" }], signed_out: false };
    });
    render(<VitalsForm patientId={PID} onRecorded={() => {}} />);
    fireEvent.click(screen.getByTestId("vitals-submit"));
    expect((await screen.findByTestId("error-vitals")).textContent).toBe("enter at least one vital sign");
  });

  it("clears the inputs after a save", async () => {
    mockIPC((_cmd, args) => ({
      id: "0190f0a0-0000-7000-8000-0000000000aa",
      patient_id: PID,
      taken_at: "2026-11-22T10:42:00Z",
      taken_by: "nurse.kim",
      status: "final",
      observations: [{ field: "spo2_percent", loinc: "59408-5", ucum: "%", value: (args as { input: { spo2_percent: number } }).input.spo2_percent }],
    }));
    let recorded = 0;
    render(<VitalsForm patientId={PID} onRecorded={() => (recorded += 1)} />);
    fireEvent.change(screen.getByTestId("vitals-spo2_percent"), { target: { value: "97" } });
    fireEvent.click(screen.getByTestId("vitals-submit"));
    await waitFor(() => expect(recorded).toBe(1));
    expect((screen.getByTestId("vitals-spo2_percent") as HTMLInputElement).value).toBe("");
  });
});

describe("vitals range validation as typed", () => {
  const ranges = [
    { field: "temperature_c", label: "temperature", unit: "°C", min: 30, min_exclusive: false, max: 45, range_text: "between 30 and 45 °C" },
    { field: "weight_kg", label: "weight", unit: "kg", min: 0, min_exclusive: true, max: 700, range_text: "greater than 0 kg and at most 700 kg" },
  ];

  it("shows the range message next to the field as it is typed, and sends nothing", async () => {
    let called = false;
    mockIPC(() => {
      called = true;
    });
    render(<VitalsForm patientId={PID} onRecorded={() => {}} ranges={ranges} />);
    fireEvent.change(screen.getByTestId("vitals-temperature_c"), { target: { value: "47" } });
    const err = screen.getByTestId("error-temperature_c");
    expect(err.textContent).toBe("temperature must be between 30 and 45 °C (got 47)");
    expect(fieldOf(err)).toBe(fieldOf(screen.getByTestId("vitals-temperature_c")));
    fireEvent.change(screen.getByTestId("vitals-weight_kg"), { target: { value: "0" } });
    expect(screen.getByTestId("error-weight_kg").textContent).toBe("weight must be greater than 0 kg and at most 700 kg (got 0)");
    fireEvent.click(screen.getByTestId("vitals-submit"));
    expect(called).toBe(false);
    fireEvent.change(screen.getByTestId("vitals-temperature_c"), { target: { value: "37.2" } });
    expect(screen.queryByTestId("error-temperature_c")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("error-weight_kg")).toBeTruthy());
  });
});

describe("editing after a refusal", () => {
  it("retires the error of the field being corrected and keeps the others", async () => {
    mockIPC(() => {
      throw {
        message: "two fields refused",
        field_errors: [
          { field: "temperature_c", message: "temperature must be between 30 and 45 °C (got 47)" },
          { field: "spo2_percent", message: "SpO2 must be between 70 and 100 % (got 101)" },
        ],
      };
    });
    render(<VitalsForm patientId={PID} onRecorded={() => {}} />);
    fireEvent.change(screen.getByTestId("vitals-temperature_c"), { target: { value: "47" } });
    fireEvent.change(screen.getByTestId("vitals-spo2_percent"), { target: { value: "101" } });
    fireEvent.click(screen.getByTestId("vitals-submit"));
    await screen.findByTestId("error-temperature_c");
    fireEvent.change(screen.getByTestId("vitals-temperature_c"), { target: { value: "37" } });
    expect(screen.queryByTestId("error-temperature_c")).toBeNull();
    expect(screen.getByTestId("error-spo2_percent").textContent).toContain("70 and 100");
  });
});
