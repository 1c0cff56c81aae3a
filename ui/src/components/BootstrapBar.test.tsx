// The bootstrap bar: shown with documents done of the total while a new workstation
// bootstraps, and gone once it has finished or when the workstation never bootstrapped.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { SyncStatus } from "../bindings/SyncStatus";
import { BootstrapBar } from "./BootstrapBar";

afterEach(cleanup);

const base: SyncStatus = { state: "syncing", pending_changes: 0, last_sync_at: null, last_error: null };

describe("bootstrap progress", () => {
  it("shows how far the download has come", () => {
    render(<BootstrapBar status={{ ...base, bootstrap: { done_documents: 250, total_documents: 1000, done_bytes: 1, total_bytes: 4, finished: false } }} />);
    expect(screen.getByTestId("bootstrap-progress").textContent).toContain("250 of 1,000 (25%)");
    const bar = screen.getByRole("progressbar") as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([250, 1000]);
  });

  it("is gone when finished or never started", () => {
    render(<BootstrapBar status={{ ...base, bootstrap: { done_documents: 9, total_documents: 9, done_bytes: 1, total_bytes: 1, finished: true } }} />);
    render(<BootstrapBar status={base} />);
    expect(screen.queryByTestId("bootstrap-progress")).toBeNull();
  });
});
