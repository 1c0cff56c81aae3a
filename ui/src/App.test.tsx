// The whole window against a mocked shell, with a nurse signed in: the header badge
// follows `status`, the search list shows each patient's latest vitals, the chart banner
// names the patient, and a replica that cannot open explains itself.
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "./App";
import type { AppInfo } from "./bindings/AppInfo";
import type { PatientSummary } from "./bindings/PatientSummary";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { SyncStatus } from "./bindings/SyncStatus";
import { sessionOf } from "./testing/sessions";

afterEach(() => {
  cleanup();
  clearMocks();
});

const PID = "0190f0a0-0000-7000-8000-000000000001";
const info: AppInfo = { clinic_name: "Riverside Clinic", device_name: "Ward 3 desk", idle_limit_seconds: 600, startup_error: null };
const patients: PatientSummary[] = [
  {
    id: PID,
    name: "Amara Okafor",
    date_of_birth: "1984-03-07",
    sex: "female",
    mrn: "MRN-001",
    provisional: false,
    active_allergens: [],
    merged: [],
    restricted: false,
    latest_vitals: {
      id: "0190f0a0-0000-7000-8000-0000000000aa",
      patient_id: PID,
      taken_at: "2026-11-22T10:42:00Z",
      taken_by: "nurse.kim",
      status: "final",
      observations: [
        { field: "temperature_c", loinc: "8310-5", ucum: "Cel", value: 36.8 },
        { field: "systolic_mmhg", loinc: "8480-6", ucum: "mm[Hg]", value: 120 },
        { field: "diastolic_mmhg", loinc: "8462-4", ucum: "mm[Hg]", value: 80 },
      ],
    },
  },
  { id: "0190f0a0-0000-7000-8000-000000000002", name: "Ben Tal", date_of_birth: "1990-01-02", sex: "male", mrn: "MRN-002", provisional: false, active_allergens: [], merged: [], latest_vitals: null, restricted: false },
];

function shell(
  statuses: SyncStatus[],
  appInfo: AppInfo = info,
  session: SessionInfo | null = sessionOf("nurse", "nurse.kim", "Kim Ade"),
  listed: PatientSummary[] = patients,
) {
  let n = 0;
  const calls: string[] = [];
  mockIPC((cmd, args) => {
    calls.push(cmd);
    switch (cmd) {
      case "app_info":
        return appInfo;
      case "current_user":
        return session;
      case "status":
        return statuses[Math.min(n++, statuses.length - 1)];
      case "search_patients": {
        const q = (args as { query: string }).query.toLowerCase();
        const hits = listed.filter((p) => q === "" || p.name.toLowerCase().split(" ").some((w) => w.startsWith(q)));
        return { patients: hits, more: false, total: listed.length };
      }
      case "vital_ranges":
        return [{ field: "temperature_c", label: "temperature", unit: "°C", min: 30, min_exclusive: false, max: 45, range_text: "between 30 and 45 °C" }];
      case "list_conflicts":
        return [];
      case "patient_details": {
        const p = patients.find((x) => x.id === (args as { patientId: string }).patientId);
        return p ? { ...p, links: [], allergies: [], medications: [], problems: [], active_allergens: ["Penicillin"] } : null;
      }
      case "vitals_history":
        return (args as { patientId: string }).patientId === PID && patients[0]?.latest_vitals ? [patients[0].latest_vitals] : [];
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
  return calls;
}

describe("app", () => {
  it("shows the clinic, the badge from status, and each patient's latest vitals", async () => {
    shell([{ state: "offline", pending_changes: 3, last_sync_at: null, last_error: null }]);
    render(<App />);
    expect((await screen.findByTestId("clinic-name")).textContent).toBe("Riverside Clinic");
    await waitFor(() => expect(screen.getByTestId("sync-badge").textContent).toBe("Offline · 3 waiting"));
    const rows = await screen.findAllByTestId("patient-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("Amara Okafor");
    expect(rows[0]?.textContent).toContain("T 36.8 °C · BP 120/80");
    expect(rows[1]?.textContent).toContain("no vitals yet");
  });

  it("lists a restricted patient whose chart is closed without vitals, saying why", async () => {
    const closed: PatientSummary = {
      id: "0190f0a0-0000-7000-8000-000000000003",
      name: "Cara Venn",
      date_of_birth: "1970-05-06",
      sex: "female",
      mrn: "MRN-003",
      provisional: false,
      active_allergens: [],
      merged: [],
      latest_vitals: null,
      restricted: true,
    };
    shell([{ state: "online", pending_changes: 0, last_sync_at: null, last_error: null }], info, undefined, [...patients, closed]);
    render(<App />);
    const rows = await screen.findAllByTestId("patient-row");
    expect(rows).toHaveLength(3);
    expect(rows[2]?.textContent).toContain("Cara Venn");
    expect(rows[2]?.textContent).toContain("restricted");
    expect(rows[2]?.textContent).not.toContain("no vitals yet");
    expect(rows[0]?.textContent).not.toContain("restricted");
  });

  it("polls status so the badge follows the sync engine", async () => {
    shell([
      { state: "syncing", pending_changes: 1, last_sync_at: null, last_error: null },
      { state: "online", pending_changes: 0, last_sync_at: new Date(2026, 10, 22, 9, 5).toISOString(), last_error: null },
    ]);
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("sync-badge").textContent).toBe("Syncing… · 1 waiting"));
    await waitFor(() => expect(screen.getByTestId("sync-badge").textContent).toBe("Online · synced 09:05"), {
      timeout: 3000,
    });
  });

  it("selecting a patient opens the vitals form and history", async () => {
    const calls = shell([{ state: "online", pending_changes: 0, last_sync_at: null, last_error: null }]);
    render(<App />);
    const rows = await screen.findAllByTestId("patient-row");
    fireEvent.click(rows[0] as HTMLElement);
    expect(await screen.findByTestId("vitals-form")).toBeTruthy();
    const history = await screen.findAllByTestId("vitals-history-row");
    expect(history[0]?.textContent).toContain("T 36.8 °C");
    expect(history[0]?.textContent).toContain("nurse.kim");
    expect(calls).toContain("vitals_history");
    // The banner names the patient and their allergies whatever tab is open.
    expect(screen.getByTestId("banner-allergies").textContent).toBe("Allergies: Penicillin");
    expect(screen.getByTestId("banner-mrn").textContent).toBe("MRN MRN-001");
  });

  it("searches as the user types and opens a result with the keyboard", async () => {
    shell([{ state: "online", pending_changes: 0, last_sync_at: null, last_error: null }]);
    render(<App />);
    await screen.findAllByTestId("patient-row");
    const search = screen.getByTestId("patient-search");
    fireEvent.change(search, { target: { value: "ben" } });
    await waitFor(() => expect(screen.getAllByTestId("patient-row")).toHaveLength(1));
    expect(screen.getByTestId("patient-row-name").textContent).toBe("Ben Tal");
    fireEvent.keyDown(search, { key: "Enter" });
    expect((await screen.findByTestId("banner-name")).textContent).toBe("Ben Tal");
  });

  it("shows the offline banner while sync is offline", async () => {
    shell([{ state: "offline", pending_changes: 2, last_sync_at: null, last_error: null }]);
    render(<App />);
    expect((await screen.findByTestId("offline-banner")).textContent).toContain("2 changes waiting");
  });

  it("explains a replica that cannot be opened instead of showing empty screens", async () => {
    shell([{ state: "error", pending_changes: 0, last_sync_at: null, last_error: "no OS keyring" }], {
      ...info,
      clinic_name: null,
      startup_error: "no OS keyring is reachable: start and unlock a Secret Service such as gnome-keyring (see README), then retry",
    });
    render(<App />);
    expect((await screen.findByTestId("startup-error")).textContent).toContain("unlock a Secret Service");
    expect(screen.queryByTestId("register-form")).toBeNull();
    await waitFor(() => expect(screen.getByTestId("sync-badge").textContent).toBe("Sync error"));
  });
});
