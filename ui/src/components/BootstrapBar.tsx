// Why: a new workstation first downloads the clinic's records, which can take minutes;
// a progress bar shows it is working and how far it has come (documents of the total).
import type { SyncStatus } from "../bindings/SyncStatus";

export function BootstrapBar({ status }: { status: SyncStatus | null }) {
  const b = status?.bootstrap;
  if (!b || b.finished) return null;
  const total = Math.max(b.total_documents, 0);
  const done = Math.min(b.done_documents, total);
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  return (
    <div className="bootstrap" data-testid="bootstrap-progress">
      <label htmlFor="bootstrap-bar">
        Downloading this clinic's records to this workstation: {done.toLocaleString()} of {total.toLocaleString()} ({percent}%)
      </label>
      <progress id="bootstrap-bar" max={total || 1} value={done} />
    </div>
  );
}
