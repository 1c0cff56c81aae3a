// Why: the alerts admins must see (someone broke the glass to open a restricted chart, or
// a user's signing was blocked after wrong passwords) come from every workstation's audit
// chain and are gathered on the server. The admin types their password again to look: the
// server checks it and that they are an admin; nothing is cached on this workstation.
import { useState } from "react";
import { api } from "../../api";
import type { AlertView } from "../../bindings/AlertView";
import { asCommandError } from "../../logic/commandError";

const WHAT: Record<string, string> = {
  "patient.break_the_glass": "Broke the glass",
  "signature.blocked": "Signing blocked after wrong passwords",
};

export function AlertsScreen() {
  const [password, setPassword] = useState("");
  const [alerts, setAlerts] = useState<AlertView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    setBusy(true);
    try {
      setAlerts(await api.adminAlerts(password));
      setError(null);
      setPassword("");
    } catch (e) {
      setError(asCommandError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="layout single">
      <section className="card" aria-label="Alerts" data-testid="alerts">
        <h2>Alerts</h2>
        <p className="hint">Break-the-glass accesses and blocked signing, from every workstation of the clinic, newest first.</p>
        <form
          className="row wrap"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <label htmlFor="alerts-password">Your password</label>
          <input id="alerts-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="alerts-password" />
          <button type="submit" className="primary" disabled={busy || password === ""} data-testid="alerts-load">
            {alerts === null ? "Show alerts" : "Refresh"}
          </button>
        </form>
        {error ? (
          <p className="form-error" role="alert" data-testid="alerts-error">
            {error}
          </p>
        ) : null}
        {alerts === null ? null : alerts.length === 0 ? (
          <p className="empty" data-testid="alerts-empty">
            No alerts.
          </p>
        ) : (
          <table className="alerts-table" data-testid="alerts-table">
            <thead>
              <tr>
                <th>When (UTC)</th>
                <th>Who</th>
                <th>What</th>
                <th>Patient</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={`${a.at}:${a.user}:${a.what}:${a.record_id ?? ""}`} data-testid="alert-row">
                  <td>{a.at.replace("T", " ").slice(0, 19)}</td>
                  <td>{a.user}</td>
                  <td>{WHAT[a.what] ?? a.what}</td>
                  <td className={a.patient ? undefined : "small"}>{a.patient ?? a.record_id ?? "—"}</td>
                  <td>{a.reason ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
