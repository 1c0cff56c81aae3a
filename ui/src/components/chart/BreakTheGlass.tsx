// Why: a restricted patient's chart opens only for the clinicians caring for them. In an
// emergency anyone else may still open it ("break the glass"), but only after saying why:
// the reason goes into the audit chain, the access lasts a limited time, and the clinic's
// admins see an alert after the next sync. Without a reason nothing opens.
import { useState } from "react";
import { api } from "../../api";
import type { DocId } from "../../bindings/DocId";
import type { GlassAccess } from "../../bindings/GlassAccess";
import { asCommandError } from "../../logic/commandError";

interface Props {
  patientId: DocId;
  message: string;
  onOpened: (access: GlassAccess) => void;
}

export function BreakTheGlass({ patientId, message, onOpened }: Props) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    if (reason.trim() === "") {
      setError("Give the reason you need this chart now.");
      return;
    }
    setBusy(true);
    try {
      onOpened(await api.breakTheGlass(patientId, reason));
    } catch (e) {
      setError(asCommandError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card break-the-glass" aria-label="Restricted record" data-testid="break-the-glass">
      <h2>Restricted record</h2>
      <p>{message}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void open();
        }}
      >
        <label htmlFor="glass-reason">Reason for emergency access</label>
        <textarea id="glass-reason" data-testid="glass-reason" rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        {error ? (
          <p className="form-error" role="alert" data-testid="glass-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="danger" disabled={busy} data-testid="glass-open">
          Break the glass and open the chart
        </button>
      </form>
    </section>
  );
}
