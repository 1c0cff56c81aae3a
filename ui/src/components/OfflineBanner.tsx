// Why: a clinician must know at a glance that the server is out of reach, and that their
// work is still safe on this workstation. Shown under the header whenever sync is offline.
import type { SyncStatus } from "../bindings/SyncStatus";

export function OfflineBanner({ status }: { status: SyncStatus | null }) {
  if (status?.state !== "offline") return null;
  const n = status.pending_changes;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      Offline: the clinic server cannot be reached. Keep working — everything is saved on this workstation
      {n > 0 ? ` (${n} change${n === 1 ? "" : "s"} waiting to send)` : ""} and will sync when the connection returns.
    </div>
  );
}
