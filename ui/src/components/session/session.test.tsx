// Signing in and out of the whole window against a mocked shell: the sign-in screen at
// start (focus, errors, Enter submits), the user in the header, sign-out and the idle
// logoff leaving no patient data in the page, a session the shell ended, and screens
// hidden from roles that may not use them.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../../App";
import type { AppInfo } from "../../bindings/AppInfo";
import type { PatientSummary } from "../../bindings/PatientSummary";
import type { Role } from "../../bindings/Role";
import type { SessionInfo } from "../../bindings/SessionInfo";
import { sessionOf } from "../../testing/sessions";

afterEach(() => {
  cleanup();
  clearMocks();
});

const PID = "0190f0a0-0000-7000-8000-000000000001";
const patient: PatientSummary = {
  id: PID,
  name: "Amara Okafor",
  date_of_birth: "1984-03-07",
  sex: "female",
  mrn: "MRN-001",
  provisional: false,
  active_allergens: [],
  merged: [],
  latest_vitals: null,
  restricted: false,
};

interface Shell {
  calls: string[];
  signedIn: () => SessionInfo | null;
  /** Makes every later record command fail as the shell does after its own idle logoff. */
  endSession: () => void;
}

function shell(opts: { session?: SessionInfo | null; idleSeconds?: number; users?: Record<string, [string, Role]> } = {}): Shell {
  const users = opts.users ?? { "nurse.kim": ["right horse battery", "nurse"] };
  let session: SessionInfo | null = opts.session ?? null;
  let ended = false;
  const calls: string[] = [];
  const info: AppInfo = { clinic_name: "Riverside Clinic", device_name: "Ward 3 desk", idle_limit_seconds: opts.idleSeconds ?? 600, startup_error: null };
  mockIPC((cmd, args) => {
    calls.push(cmd);
    const a = args as Record<string, unknown>;
    if (ended && !["app_info", "status", "sign_in", "sign_out", "report_activity"].includes(cmd)) {
      throw { message: "You were signed out after 10 minutes without activity. Sign in to continue.", field_errors: [], signed_out: true };
    }
    switch (cmd) {
      case "app_info":
        return info;
      case "status":
        return { state: "online", pending_changes: 0, last_sync_at: null, last_error: null };
      case "current_user":
        return session;
      case "sign_in": {
        const username = String(a.username);
        if (username === "") throw { message: "Enter your username.", field_errors: [{ field: "username", message: "Enter your username." }], signed_out: false };
        const u = users[username];
        if (!u || u[0] !== a.password) {
          throw { message: "wrong username or password", field_errors: [], signed_out: false };
        }
        session = sessionOf(u[1], username, "Kim Ade");
        ended = false;
        return session;
      }
      case "sign_out":
        session = null;
        return null;
      case "report_activity":
        return null;
      case "search_patients":
        return { patients: [patient], more: false, total: 1 };
      case "vital_ranges":
        return [];
      case "list_conflicts":
        return [];
      case "patient_details":
        return { ...patient, links: [], allergies: [], medications: [], problems: [] };
      case "vitals_history":
        return [];
      case "list_encounters":
        return [];
      case "list_template_choices":
        return [{ template_id: "t1", name: "Cardiology intake", specialty: "cardiology", visit_type: "new_patient", version: 1 }];
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  });
  return {
    calls,
    signedIn: () => session,
    endSession: () => {
      ended = true;
    },
  };
}

async function signIn(username: string, password: string) {
  fireEvent.change(await screen.findByLabelText("Username"), { target: { value: username } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: password } });
  fireEvent.submit(screen.getByTestId("sign-in-form"));
}

describe("sign-in", () => {
  it("starts at the sign-in screen with the username focused and no records asked for", async () => {
    const s = shell();
    render(<App />);
    const user = await screen.findByLabelText("Username");
    // Regression (CI): focus came from a passive effect that could run after the field
    // appeared; the field now mounts focused, in the same commit that shows it.
    expect(document.activeElement).toBe(user);
    expect(screen.getByLabelText("Password").getAttribute("type")).toBe("password");
    // Enter in either field submits: both sit in the form with its submit button.
    expect(screen.getByTestId("sign-in-form").contains(screen.getByTestId("sign-in-submit"))).toBe(true);
    expect(screen.getByTestId("sign-in-submit").getAttribute("type")).toBe("submit");
    expect(s.calls).not.toContain("search_patients");
    expect(screen.queryByTestId("patient-search")).toBeNull();
  });

  it("shows a refusal, clears the password and puts the focus back on it", async () => {
    shell();
    render(<App />);
    await signIn("nurse.kim", "wrong");
    expect((await screen.findByTestId("sign-in-error")).textContent).toBe("wrong username or password");
    const password = screen.getByLabelText("Password") as HTMLInputElement;
    expect(password.value).toBe("");
    expect(document.activeElement).toBe(password);
  });

  it("shows a missing username at the field", async () => {
    shell();
    render(<App />);
    await signIn("", "x");
    expect((await screen.findByText("Enter your username.")).closest(".field")?.querySelector("input")?.id).toBe("sign-in-username");
    expect(document.activeElement).toBe(screen.getByLabelText("Username"));
  });

  it("names the user and role in the header once signed in, and sign-out leaves no patient data", async () => {
    const s = shell();
    render(<App />);
    await signIn("nurse.kim", "right horse battery");
    expect((await screen.findByTestId("signed-in-user")).textContent).toBe("Kim Ade · Nurse");
    fireEvent.click((await screen.findAllByTestId("patient-row-name"))[0] as HTMLElement);
    expect((await screen.findByTestId("banner-name")).textContent).toBe("Amara Okafor");

    fireEvent.click(screen.getByTestId("sign-out"));
    await screen.findByTestId("sign-in-form");
    expect(s.calls).toContain("sign_out");
    expect(s.signedIn()).toBeNull();
    expect(document.body.textContent).not.toContain("Amara Okafor");
    expect(document.body.textContent).not.toContain("MRN-001");
    expect(screen.queryByTestId("signed-in-user")).toBeNull();
  });

  it("a new sign-in starts from a fresh workspace: no patient left open from before", async () => {
    shell({ users: { "nurse.kim": ["pw one", "nurse"], "dr.ade": ["pw two", "doctor"] } });
    render(<App />);
    await signIn("nurse.kim", "pw one");
    fireEvent.click((await screen.findAllByTestId("patient-row-name"))[0] as HTMLElement);
    await screen.findByTestId("banner-name");
    fireEvent.click(screen.getByTestId("sign-out"));
    await signIn("dr.ade", "pw two");
    await screen.findAllByTestId("patient-row");
    expect(screen.queryByTestId("banner-name")).toBeNull();
    expect(screen.getByText(/Find or register a patient/)).toBeTruthy();
  });

  it("signs out by itself after the idle limit and says why", async () => {
    const s = shell({ session: sessionOf("nurse", "nurse.kim", "Kim Ade"), idleSeconds: 1 });
    render(<App />);
    fireEvent.click((await screen.findAllByTestId("patient-row-name"))[0] as HTMLElement);
    await screen.findByTestId("banner-name");
    const notice = await screen.findByTestId("sign-in-notice", {}, { timeout: 4000 });
    expect(notice.textContent).toBe("You were signed out after 1 second without activity. Sign in to continue.");
    expect(s.calls).toContain("sign_out");
    expect(document.body.textContent).not.toContain("Amara Okafor");
  });

  it("returns to the sign-in screen when the shell has ended the session", async () => {
    const s = shell({ session: sessionOf("nurse", "nurse.kim", "Kim Ade") });
    render(<App />);
    await screen.findAllByTestId("patient-row");
    s.endSession();
    fireEvent.change(screen.getByTestId("patient-search"), { target: { value: "am" } });
    expect((await screen.findByTestId("sign-in-notice")).textContent).toContain("without activity");
    expect(document.body.textContent).not.toContain("Amara Okafor");
  });
});

describe("role gating", () => {
  async function openChart() {
    fireEvent.click((await screen.findAllByTestId("patient-row-name"))[0] as HTMLElement);
    await screen.findByTestId("banner-name");
  }

  it("an admin sees no vitals, no handovers and no registration", async () => {
    shell({ session: sessionOf("admin") });
    render(<App />);
    await openChart();
    expect(screen.queryByTestId("tab-vitals")).toBeNull();
    expect(screen.queryByTestId("tab-encounters")).toBeNull();
    expect(screen.queryByTestId("nav-handovers")).toBeNull();
    expect(screen.queryByTestId("register-form")).toBeNull();
    // Lists are shown, but read only.
    expect(screen.queryByTestId("allergies-add")).toBeNull();
    // The template designer and the clinic's alerts are the admin's.
    expect(screen.getByTestId("nav-templates")).toBeTruthy();
    expect(screen.getByTestId("nav-alerts")).toBeTruthy();
  });

  it("a nurse records vitals but is not offered to start an encounter; a doctor is", async () => {
    shell({ session: sessionOf("nurse") });
    render(<App />);
    await openChart();
    expect(await screen.findByTestId("vitals-form")).toBeTruthy();
    fireEvent.click(screen.getByTestId("tab-encounters"));
    await screen.findByTestId("encounters");
    expect(screen.queryByTestId("template-chooser")).toBeNull();
    expect(screen.queryByTestId("nav-templates")).toBeNull();
    cleanup();
    clearMocks();

    shell({ session: sessionOf("doctor") });
    render(<App />);
    await openChart();
    fireEvent.click(screen.getByTestId("tab-encounters"));
    expect(await screen.findByTestId("template-chooser")).toBeTruthy();
    expect(screen.getByTestId("nav-handovers")).toBeTruthy();
    // Clinicians chart on templates; they do not open the designer or the alerts.
    expect(screen.queryByTestId("nav-templates")).toBeNull();
    expect(screen.queryByTestId("nav-alerts")).toBeNull();
  });
});
