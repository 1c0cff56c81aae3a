// The locked view of a signed encounter: it shows exactly the signed version as text (no
// input to type into), each manifest (printed name, the signer's date-time with zone,
// meaning, short content hash), the addenda with author and the "concurrent with
// signature" flag; "Add amendment" (for roles that amend) needs a reason, sends only what
// changed, is signed with the password, and the signed original stays shown.
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EncounterView } from "../../bindings/EncounterView";
import type { LockedEncounter } from "../../bindings/LockedEncounter";
import { renderAs } from "../../testing/render";
import { LockedEncounterView } from "./LockedEncounterView";

afterEach(() => {
  cleanup();
  clearMocks();
});

const EID = "0190f0a0-0000-7000-8000-0000000000e1";
const SIGNER = "0190f0a0-0000-7000-8000-0000000000d1";
const grid = { x: 0, y: 0, w: 4, h: 1 };

const encounter = {
  id: EID,
  patient_id: "0190f0a0-0000-7000-8000-000000000001",
  provider: "dr.osei",
  date: "2026-12-03",
  encounter_type: "operative" as const,
  specialty: "surgery",
  template: { template_id: "0190f0a0-0000-7000-8000-0000000000f1", version: 1, content_hash: "ab" },
  status: "signed" as const,
  fields: { procedure: "Laparoscopic appendectomy" } as Record<string, string | number>,
  notes: { chief_complaint: "", history: "", assessment: "Appendicitis", plan: "" },
};

const view: EncounterView = {
  encounter: { ...encounter, fields: { procedure: "Laparoscopic appendectomy", blood_loss: 400 } },
  template_name: "Operative note",
  template_version: 1,
  pages: [
    {
      id: "main",
      title: "Main",
      sections: [
        {
          id: "op",
          title: "Operation",
          grid: { x: 0, y: 0, w: 12, h: 2 },
          fields: [
            { id: "procedure", label: "Procedure", field_type: { type: "text" }, required: true, grid, value: "Laparoscopic appendectomy" },
            { id: "blood_loss", label: "Blood loss", field_type: { type: "number", unit: "ml", min: 0, max: 5000 }, required: false, grid: { ...grid, x: 4 }, value: 400 },
          ],
        },
      ],
    },
  ],
  missing_required: [],
  unknown_fields: [],
};

const manifest = {
  encounter_id: EID,
  heads: ["aa"],
  content_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  signer_id: SIGNER,
  printed_name: "Dr. Ama Osei",
  signed_at: "2026-12-03T10:05:09.5+01:00",
  meaning: "authorship" as const,
};

const locked: LockedEncounter = {
  signed: encounter,
  signatures: [{ id: "s1", manifest }],
  // A colleague's offline edit the signature had not seen: it changed blood loss.
  addenda: [{ change: "bb", author: "dr.mensah", wall_ms: Date.UTC(2026, 11, 3, 9, 0), timing: "concurrent_with_signature", signed: false }],
  current: { ...encounter, fields: { procedure: "Laparoscopic appendectomy", blood_loss: 400 } },
};

describe("locked encounter", () => {
  it("shows the signed version as text, with its manifest and flagged addenda", () => {
    renderAs(<LockedEncounterView view={view} locked={locked} vitals={[]} onAmended={() => {}} />, "nurse");
    const signed = screen.getByTestId("signed-version");
    expect(within(signed).queryAllByRole("textbox")).toEqual([]);
    expect(signed.querySelectorAll("input, textarea, select, [contenteditable]")).toHaveLength(0);
    expect(screen.getByTestId("signed-procedure").textContent).toBe("Laparoscopic appendectomy");
    // The concurrent edit is not part of the signed version.
    expect(screen.getByTestId("signed-blood_loss").textContent).toBe("—");
    expect(screen.getByTestId("signed-note-assessment").textContent).toBe("Appendicitis");
    const m = screen.getByTestId("signature-manifest").textContent ?? "";
    for (const part of ["Dr. Ama Osei", "Authorship", "2026-12-03 10:05:09 UTC+01:00", "SHA-256 9f86 d081 884c 7d65"]) expect(m).toContain(part);
    const addendum = screen.getByTestId("addendum").textContent ?? "";
    expect(addendum).toContain("dr.mensah");
    expect(addendum).toContain("concurrent with signature");
    expect(addendum).toContain("not signed yet");
    expect(screen.getByTestId("current-blood_loss").textContent).toBe("400 ml");
    // Nurses read but do not amend.
    expect(screen.queryByTestId("add-amendment")).toBeNull();
  });

  it("adds an amendment with a reason, signed with the password, and keeps the original shown", async () => {
    const sent: { cmd: string; args: unknown }[] = [];
    const amendedLocked: LockedEncounter = {
      ...locked,
      signatures: [...locked.signatures, { id: "s2", manifest: { ...manifest, reason: "Plan was missing", signed_at: "2026-12-03T10:20:00+01:00" } }],
      addenda: [...locked.addenda.map((a) => ({ ...a, signed: true })), { change: "cc", author: "dr.osei", timing: "after_signature", signed: true }],
      current: { ...locked.current, status: "amended", notes: { ...locked.current.notes, plan: "Discharge tomorrow" } },
    };
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      if (cmd === "signing_prompt") return { username_required: false, printed_name: "Dr. Ama Osei", attempts_left: 3 };
      if (cmd === "amend_encounter") return amendedLocked;
      throw new Error(`unexpected ${cmd}`);
    });
    const onAmended = vi.fn();
    renderAs(<LockedEncounterView view={view} locked={locked} vitals={[]} onAmended={onAmended} />, "surgeon");
    fireEvent.click(screen.getByTestId("add-amendment"));
    fireEvent.change(screen.getByTestId("amend-note-plan"), { target: { value: "Discharge tomorrow" } });
    fireEvent.click(screen.getByTestId("amendment-sign"));
    expect(screen.getByTestId("amendment-reason-error").textContent).toContain("Say why");
    expect(screen.queryByTestId("signing-dialog")).toBeNull();
    fireEvent.change(screen.getByTestId("amendment-reason"), { target: { value: "Plan was missing" } });
    fireEvent.click(screen.getByTestId("amendment-sign"));
    await screen.findByTestId("signing-as");
    expect(screen.queryByTestId("sign-username")).toBeNull();
    expect(screen.queryByTestId("meaning-review")).toBeNull();
    fireEvent.change(screen.getByTestId("sign-password"), { target: { value: "pw" } });
    fireEvent.click(screen.getByTestId("sign-submit"));
    await waitFor(() => expect(onAmended).toHaveBeenCalledWith(amendedLocked));
    expect(sent.find((s) => s.cmd === "amend_encounter")?.args).toEqual({
      encounterId: EID,
      amendment: { reason: "Plan was missing", fields: {}, notes: [{ which: "plan", text: "Discharge tomorrow" }] },
      password: "pw",
      username: null,
    });
  });

  it("offers to sign an addendum made concurrently with the signature, by signing the encounter as it stands", async () => {
    const sent: { cmd: string; args: unknown }[] = [];
    const signedAgain: LockedEncounter = { ...locked, addenda: locked.addenda.map((a) => ({ ...a, signed: true })) };
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      if (cmd === "signing_prompt") return { username_required: false, printed_name: "Test surgeon", attempts_left: 3 };
      if (cmd === "sign_encounter") return signedAgain;
      throw new Error(`unexpected ${cmd}`);
    });
    const onAmended = vi.fn();
    renderAs(<LockedEncounterView view={view} locked={locked} vitals={[]} onAmended={onAmended} />, "surgeon");
    expect(screen.getByTestId("countersign").textContent).toBe("Sign the addenda…");
    fireEvent.click(screen.getByTestId("countersign"));
    await screen.findByTestId("signing-as");
    fireEvent.click(screen.getByTestId("meaning-review"));
    fireEvent.change(screen.getByTestId("sign-password"), { target: { value: "pw" } });
    fireEvent.click(screen.getByTestId("sign-submit"));
    await waitFor(() => expect(onAmended).toHaveBeenCalledWith(signedAgain));
    expect(sent.find((s) => s.cmd === "sign_encounter")?.args).toEqual({ encounterId: EID, meaning: "review", password: "pw", username: null });
    // Once every addendum is signed, and the user is not among the signers: co-sign.
    cleanup();
    renderAs(<LockedEncounterView view={view} locked={signedAgain} vitals={[]} onAmended={() => {}} />, "doctor");
    expect(screen.getByTestId("countersign").textContent).toBe("Co-sign…");
  });

  it("lists an amendment with its reason after the signed original", () => {
    const amended: LockedEncounter = {
      ...locked,
      signatures: [...locked.signatures, { id: "s2", manifest: { ...manifest, reason: "Plan was missing" } }],
      addenda: [{ change: "cc", author: "dr.osei", timing: "after_signature", signed: true }],
      current: { ...locked.current, status: "amended", notes: { ...locked.current.notes, plan: "Discharge tomorrow" } },
    };
    renderAs(<LockedEncounterView view={view} locked={amended} vitals={[]} onAmended={() => {}} />, "surgeon");
    const manifests = screen.getAllByTestId("signature-manifest");
    expect(manifests).toHaveLength(2);
    expect(manifests[1]?.textContent).toContain("Reason: Plan was missing");
    expect(screen.getByTestId("signed-note-plan").textContent).toBe("—");
    expect(screen.getByTestId("current-note-plan").textContent).toBe("Discharge tomorrow");
    expect(screen.getByTestId("addendum").textContent).toContain("amendment after signature");
    expect(screen.getByTestId("locked-status").textContent).toBe("amended");
  });
});
