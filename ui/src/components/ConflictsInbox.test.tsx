// The conflicts inbox shows each open conflict with its record, the field (entry ids left
// out), and every value side by side with author and time; one click keeps a value and
// sends exactly that value for exactly that record and path.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { ConflictItem } from "../bindings/ConflictItem";
import { dateTime } from "../logic/time";
import { ConflictsInbox, fieldName, showValue } from "./ConflictsInbox";
import { renderAs } from "../testing/render";

afterEach(() => {
  cleanup();
  clearMocks();
});

const DOC = "0190f0a0-0000-7000-8000-000000000001";
const ENTRY = "0190f0a0-0000-7000-8000-0000000000b2";
const phone: ConflictItem = {
  doc_id: DOC,
  kind: "patient",
  path: "phone",
  record: "Amara Okafor (MRN-001)",
  patient_id: DOC,
  values: [
    { value: "020 7946 0001", author: "desk.ana", wall_ms: Date.UTC(2026, 10, 22, 9, 5) },
    { value: "020 7946 0002", author: "nurse.kim", wall_ms: Date.UTC(2026, 10, 22, 9, 7) },
  ],
};
const severity: ConflictItem = {
  ...phone,
  path: `allergies.${ENTRY}.severity`,
  values: [
    { value: "mild", author: "dr.ito", wall_ms: 0 },
    { value: "severe", author: "", wall_ms: Date.UTC(2026, 10, 22, 10, 0) },
  ],
};

describe("conflicts inbox", () => {
  it("shows both values side by side with author and time", () => {
    renderAs(<ConflictsInbox conflicts={[phone, severity]} onResolved={() => {}} />);
    const items = screen.getAllByTestId("conflict");
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain("Amara Okafor (MRN-001) · phone");
    const sides = items[0]?.querySelectorAll("[data-testid=conflict-value]") ?? [];
    expect(sides).toHaveLength(2);
    expect(sides[0]?.textContent).toContain("020 7946 0001");
    expect(sides[0]?.textContent).toContain(`desk.ana · ${dateTime(new Date(Date.UTC(2026, 10, 22, 9, 5)).toISOString())}`);
    expect(sides[1]?.textContent).toContain("nurse.kim");
    expect(items[1]?.textContent).toContain("allergies › severity");
    expect(items[1]?.textContent).toContain("time unknown");
    expect(items[1]?.textContent).toContain("unknown author");
    expect(screen.getByText("Conflicts (2)")).toBeTruthy();
  });

  it("keeps the chosen value with one click", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      sent.push({ cmd, args });
      return null;
    });
    let resolved = 0;
    renderAs(<ConflictsInbox conflicts={[phone]} onResolved={() => (resolved += 1)} />);
    fireEvent.click(screen.getByRole("button", { name: "Keep 020 7946 0002 by nurse.kim" }));
    await waitFor(() => expect(resolved).toBe(1));
    expect(sent).toEqual([{ cmd: "resolve_conflict", args: { docId: DOC, path: "phone", chosen: "020 7946 0002" } }]);
  });

  it("says when there is nothing to resolve", () => {
    renderAs(<ConflictsInbox conflicts={[]} onResolved={() => {}} />);
    expect(screen.getByTestId("conflicts-empty").textContent).toBe("No open conflicts.");
  });

  it("shows values as a person reads them", () => {
    expect(showValue(true)).toBe("Yes");
    expect(showValue(["a", "b"])).toBe("a, b");
    expect(showValue("")).toBe("(empty)");
    expect(fieldName("fields.bp_sys")).toBe("fields › bp_sys");
  });
});
