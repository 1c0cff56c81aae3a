// The admin's alerts screen (Tauri IPC mocked): nothing is fetched before the password is
// typed; the alerts are listed with who, what and the reason; a refused password is shown
// and nothing is listed.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertView } from "../../bindings/AlertView";
import { AlertsScreen } from "./AlertsScreen";

afterEach(() => {
  cleanup();
  clearMocks();
});

const alert: AlertView = {
  at: "2026-12-03T10:15:00.123Z",
  user: "dr.mensah",
  what: "patient.break_the_glass",
  record_id: "0190f0a0-0000-7000-8000-0000000000cc",
  patient: "Amara Okafor (MRN-1)",
  reason: "Unconscious in the emergency room",
};

describe("alerts", () => {
  it("asks for the password before fetching, then lists who broke the glass and why", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "admin_alerts_list") sent.push(args);
      return [alert];
    });
    render(<AlertsScreen />);
    expect((screen.getByTestId("alerts-load") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("alerts-password"), { target: { value: "admin pass" } });
    fireEvent.click(screen.getByTestId("alerts-load"));
    const row = await screen.findByTestId("alert-row");
    expect(row.textContent).toContain("dr.mensah");
    expect(row.textContent).toContain("Broke the glass");
    expect(row.textContent).toContain("Unconscious in the emergency room");
    expect(row.textContent).toContain("Amara Okafor (MRN-1)");
    expect(row.textContent).toContain("2026-12-03 10:15:00");
    expect(sent).toEqual([{ password: "admin pass" }]);
    expect((screen.getByTestId("alerts-password") as HTMLInputElement).value).toBe("");
  });

  it("shows a refused password and lists nothing", async () => {
    mockIPC(() => {
      throw { message: "wrong username or password", field_errors: [{ field: "password", message: "wrong username or password" }], signed_out: false };
    });
    render(<AlertsScreen />);
    fireEvent.change(screen.getByTestId("alerts-password"), { target: { value: "nope" } });
    fireEvent.click(screen.getByTestId("alerts-load"));
    await waitFor(() => expect(screen.getByTestId("alerts-error").textContent).toContain("wrong username or password"));
    expect(screen.queryByTestId("alerts-table")).toBeNull();
  });
});
