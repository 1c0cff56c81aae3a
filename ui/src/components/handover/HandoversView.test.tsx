// Handovers: items nobody has acknowledged are listed with their patient and priority,
// acknowledging sends exactly that item, an item about a restricted patient shows no
// texts and offers no acknowledgement, and an item needs a patient and a situation
// before anything is sent.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { HandoverProjection } from "../../bindings/HandoverProjection";
import { HandoversView } from "./HandoversView";
import { renderAs } from "../../testing/render";

afterEach(() => {
  cleanup();
  clearMocks();
});

const PID = "0190f0a0-0000-7000-8000-000000000001";
const HID = "0190f0a0-0000-7000-8000-0000000000h1";
const item = (id: string, acked: boolean) => ({
  id,
  patient_id: PID,
  priority: "urgent" as const,
  situation: `situation ${id}`,
  background: "",
  assessment: "",
  recommendation: "",
  action_required: "",
  acknowledgements: acked ? [{ user: "nurse.lee", at_ms: 1 }] : [],
  restricted: false,
});
const handover = (ackedB: boolean): HandoverProjection => ({
  id: HID,
  ward: "Ward 3",
  from_shift: { date: "2026-11-22", name: "day" },
  to_shift: { date: "2026-11-22", name: "night" },
  author: "nurse.kim",
  item_count: 2,
  urgent_count: 2,
  unacknowledged: ackedB ? [] : ["b"],
  items: [item("a", true), item("b", ackedB)],
});

function shell(restrictB = false) {
  const sent: { cmd: string; args: unknown }[] = [];
  let acked = false;
  mockIPC((cmd, args) => {
    sent.push({ cmd, args });
    switch (cmd) {
      case "list_handovers": {
        const h = handover(acked);
        const hidden = { ...item("b", acked), situation: "", restricted: true };
        return [restrictB ? { ...h, items: [item("a", true), hidden] } : h];
      }
      case "search_patients":
        return { patients: [{ id: PID, name: "Amara Okafor", mrn: "MRN-1", date_of_birth: "1984-03-07", sex: "female", provisional: false, active_allergens: [], merged: [], latest_vitals: null, restricted: false }], more: false, total: 1 };
      case "acknowledge_handover_item":
        acked = true;
        return handover(true);
      default:
        throw new Error(cmd);
    }
  });
  return sent;
}

describe("handovers", () => {
  it("lists unacknowledged items and acknowledges one with a click", async () => {
    const sent = shell();
    renderAs(<HandoversView refresh={0} onWrote={() => {}} />);
    const waiting = await screen.findByTestId("unacknowledged");
    await waitFor(() => expect(waiting.textContent).toContain("Not yet acknowledged (1)"));
    expect(waiting.textContent).toContain("urgent · Amara Okafor · Ward 3 — situation b");
    fireEvent.click(screen.getByRole("button", { name: "Acknowledge" }));
    await waitFor(() => expect(screen.getByTestId("unacknowledged").textContent).toContain("(0)"));
    expect(sent.find((s) => s.cmd === "acknowledge_handover_item")?.args).toEqual({ handoverId: HID, itemId: "b" });
  });

  it("shows an item about a restricted patient without its texts and without acknowledging", async () => {
    shell(true);
    renderAs(<HandoversView refresh={0} onWrote={() => {}} />);
    const waiting = await screen.findByTestId("unacknowledged");
    await waitFor(() => expect(waiting.textContent).toContain("Not yet acknowledged (1)"));
    expect(waiting.textContent).toContain("urgent · Amara Okafor · Ward 3 — Restricted patient");
    expect(screen.queryByRole("button", { name: "Acknowledge" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: /Ward 3/ }));
    expect((await screen.findByTestId("restricted-item")).textContent).toContain("open their chart");
    expect(screen.getAllByTestId("handover-item")[0]?.textContent).toContain("situation a");
  });

  it("asks for the patient and the situation before adding an item", async () => {
    const sent = shell();
    renderAs(<HandoversView refresh={0} onWrote={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: /Ward 3/ }));
    fireEvent.click(screen.getByRole("button", { name: "Add item" }));
    expect((await screen.findByTestId("error-patient_id")).textContent).toBe("choose the patient");
    expect(screen.getByTestId("error-situation").textContent).toBe("enter the situation");
    expect(sent.some((s) => s.cmd === "add_handover_item")).toBe(false);
  });
});
