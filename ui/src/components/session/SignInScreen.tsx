// Why: the first thing on a shared workstation, and what is left after sign-out or the
// idle logoff. Labelled fields, Enter submits, the username field has focus at start and
// the password field after a refusal (cleared), and the shell's message (wrong password,
// lockout wait, no users yet) is read out as an alert.
import { useRef, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { SessionInfo } from "../../bindings/SessionInfo";
import { asCommandError, messageFor } from "../../logic/commandError";

interface Props {
  clinicName: string | null;
  /** Why the previous session ended (e.g. the idle logoff), shown above the form. */
  notice: string | null;
  onSignedIn: (session: SessionInfo) => void;
}

export function SignInScreen({ clinicName, notice, onSignedIn }: Props) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ username?: string | undefined; password?: string | undefined }>({});
  const [busy, setBusy] = useState(false);
  const userRef = useRef<HTMLInputElement>(null);
  const passRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const session = await api.signIn(username, password);
      setPassword("");
      onSignedIn(session);
    } catch (err) {
      const ce = asCommandError(err);
      const u = messageFor(ce.field_errors, "username");
      const p = messageFor(ce.field_errors, "password");
      setFieldErrors({ username: u, password: p });
      setError(u || p ? null : ce.message);
      setPassword("");
      // Back to the field to fix: the username when it is missing, else the password.
      (u ? userRef : passRef).current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in-page">
      <form className="card sign-in" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title" data-testid="sign-in-form" noValidate>
        <h2 id="sign-in-title">Sign in{clinicName ? ` to ${clinicName}` : ""}</h2>
        {notice ? (
          <p className="notice" role="status" data-testid="sign-in-notice">
            {notice}
          </p>
        ) : null}
        <div className={fieldErrors.username ? "field field-invalid" : "field"}>
          <label htmlFor="sign-in-username">Username</label>
          <input
            id="sign-in-username"
            ref={userRef}
            // Focused as the element mounts (React does this in the commit itself), so a
            // user typing at once never loses keystrokes to a late effect.
            autoFocus
            data-testid="sign-in-username"
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            value={username}
            aria-invalid={fieldErrors.username ? true : undefined}
            aria-describedby={fieldErrors.username ? "sign-in-username-error" : undefined}
            onChange={(e) => setUsername(e.target.value)}
          />
          {fieldErrors.username ? (
            <p className="field-error" id="sign-in-username-error" role="alert">
              {fieldErrors.username}
            </p>
          ) : null}
        </div>
        <div className={fieldErrors.password ? "field field-invalid" : "field"}>
          <label htmlFor="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            ref={passRef}
            data-testid="sign-in-password"
            type="password"
            autoComplete="current-password"
            value={password}
            aria-invalid={fieldErrors.password ? true : undefined}
            aria-describedby={fieldErrors.password ? "sign-in-password-error" : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
          {fieldErrors.password ? (
            <p className="field-error" id="sign-in-password-error" role="alert">
              {fieldErrors.password}
            </p>
          ) : null}
        </div>
        {error ? (
          <p className="form-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy} data-testid="sign-in-submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="hint">Works without the network too, for every user this workstation learned of at its last sync.</p>
      </form>
    </main>
  );
}
