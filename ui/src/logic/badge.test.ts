// The badge is the only sign of whether charting has left the workstation: every state
// must read correctly at a glance.
import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../bindings/SyncStatus";
import { badgeFor } from "./badge";

// 10:42 local time, whatever the machine's zone.
const at1042 = new Date(2026, 10, 22, 10, 42, 5).toISOString();

function status(over: Partial<SyncStatus>): SyncStatus {
  return { state: "online", pending_changes: 0, last_sync_at: null, last_error: null, ...over };
}

describe("sync badge", () => {
  it("online and caught up shows the last sync time in green", () => {
    const b = badgeFor(status({ state: "online", last_sync_at: at1042 }));
    expect(b.text).toBe("Online · synced 10:42");
    expect(b.tone).toBe("ok");
  });

  it("online before the first sync says just Online", () => {
    expect(badgeFor(status({ state: "online" })).text).toBe("Online");
  });

  it("online with changes still to send counts them", () => {
    const b = badgeFor(status({ state: "online", pending_changes: 2, last_sync_at: at1042 }));
    expect(b.text).toBe("Online · 2 waiting");
    expect(b.tone).not.toBe("ok");
  });

  it("offline counts what waits and is amber", () => {
    const b = badgeFor(status({ state: "offline", pending_changes: 3, last_sync_at: at1042 }));
    expect(b.text).toBe("Offline · 3 waiting");
    expect(b.tone).toBe("warn");
    expect(b.detail).toContain("10:42");
  });

  it("offline with nothing waiting still says so", () => {
    expect(badgeFor(status({ state: "offline" })).text).toBe("Offline · 0 waiting");
  });

  it("syncing", () => {
    expect(badgeFor(status({ state: "syncing" })).text).toBe("Syncing…");
    expect(badgeFor(status({ state: "syncing", pending_changes: 4 })).text).toBe("Syncing… · 4 waiting");
  });

  it("not enrolled is red and explains how to enroll", () => {
    const b = badgeFor(
      status({ state: "not_enrolled", last_error: "run `outpost enroll --server URL --code CODE`" }),
    );
    expect(b.text).toBe("Not enrolled");
    expect(b.tone).toBe("bad");
    expect(b.detail).toContain("outpost enroll");
  });

  it("error is red and keeps the reason for the tooltip", () => {
    const b = badgeFor(status({ state: "error", pending_changes: 1, last_error: "device revoked" }));
    expect(b.text).toBe("Sync error · 1 waiting");
    expect(b.tone).toBe("bad");
    expect(b.detail).toBe("device revoked");
  });
});
