// Why: always visible in the header, so nobody has to wonder whether their charting has
// reached the server. Renders what logic/badge.ts decides.
import type { SyncStatus } from "../bindings/SyncStatus";
import { badgeFor } from "../logic/badge";

export function SyncBadge({ status }: { status: SyncStatus | null }) {
  if (!status) {
    return (
      <span className="badge badge-busy" data-testid="sync-badge" data-state="unknown">
        Starting…
      </span>
    );
  }
  const b = badgeFor(status);
  return (
    <span
      className={`badge badge-${b.tone}`}
      data-testid="sync-badge"
      data-state={status.state}
      data-pending={String(status.pending_changes)}
      title={b.detail}
      role="status"
      aria-live="polite"
    >
      {b.text}
    </span>
  );
}
