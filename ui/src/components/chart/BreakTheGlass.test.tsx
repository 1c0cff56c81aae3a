// Breaking the glass as a covering clinician does it (Tauri IPC mocked): no reason, no
// access and no command sent; with a reason the command carries it and the chart opens;
// a refusal from the replica is shown as it says.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { GlassAccess } from "../../bindings/GlassAccess";
import { BreakTheGlass } from "./BreakTheGlass";

afterEach(() => {
  cleanup();
  clearMocks();
});

const patient = "0190f0a0-0000-7000-8000-0000000000cc";
const access: GlassAccess = { patient_id: patient, granted_at: "2026-12-03T10:00:00Z", expires_at: "2026-12-03T10:30:00Z" };

describe("break the glass", () => {
  it("opens nothing without a reason", () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return access;
    });
    let opened = 0;
    render(<BreakTheGlass patientId={patient} message="This patient's record is restricted" onOpened={() => (opened += 1)} />);
    fireEvent.change(screen.getByTestId("glass-reason"), { target: { value: "   " } });
    fireEvent.click(screen.getByTestId("glass-open"));
    expect(screen.getByTestId("glass-error").textContent).toContain("reason");
    expect(calls).toEqual([]);
    expect(opened).toBe(0);
  });

  it("sends the reason and opens the chart with the access granted", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "break_the_glass") sent.push(args);
      return access;
    });
    const opened: GlassAccess[] = [];
    render(<BreakTheGlass patientId={patient} message="restricted" onOpened={(a) => opened.push(a)} />);
    fireEvent.change(screen.getByTestId("glass-reason"), { target: { value: "Unconscious in the emergency room" } });
    fireEvent.click(screen.getByTestId("glass-open"));
    await waitFor(() => expect(opened).toEqual([access]));
    expect(sent).toEqual([{ patientId: patient, reason: "Unconscious in the emergency room" }]);
  });

  it("shows the replica's refusal", async () => {
    mockIPC(() => {
      throw { message: "patient is not restricted: open the chart as usual", field_errors: [], signed_out: false };
    });
    render(<BreakTheGlass patientId={patient} message="restricted" onOpened={() => {}} />);
    fireEvent.change(screen.getByTestId("glass-reason"), { target: { value: "Emergency" } });
    fireEvent.click(screen.getByTestId("glass-open"));
    expect((await screen.findByTestId("glass-error")).textContent).toContain("not restricted");
  });
});
