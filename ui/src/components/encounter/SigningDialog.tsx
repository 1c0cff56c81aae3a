// Why: the one place a signature is asked for (21 CFR Part 11 §11.50, §11.200): the
// meaning, the username on the session's first signing, and the password. It learns from
// the shell what to ask (`signing_prompt`), says how many wrong passwords are left, and
// after the third tells the user signing is blocked until an admin clears it. The caller
// says what signing does (sign the encounter, or sign an amendment).
import { useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "../../api";
import type { SignatureMeaning } from "../../bindings/SignatureMeaning";
import type { SigningPrompt } from "../../bindings/SigningPrompt";
import { asCommandError } from "../../logic/commandError";
import { MEANINGS, attemptsNotice, checkSigningInput, signingRefusal } from "../../logic/signing";

interface Props {
  title: string;
  /** Amendments are always signed as authorship; the encounter's own signature asks. */
  askMeaning: boolean;
  /** What the signature covers, as the dialog says it. */
  covers?: string;
  /** Signs; rejects with the shell's CommandError when refused. */
  onSign: (meaning: SignatureMeaning, password: string, username: string | null) => Promise<void>;
  onCancel: () => void;
}

export function SigningDialog({ title, askMeaning, covers = "the record exactly as saved now", onSign, onCancel }: Props) {
  const [prompt, setPrompt] = useState<SigningPrompt | null>(null);
  const [meaning, setMeaning] = useState<SignatureMeaning>("authorship");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  const load = () =>
    api.signingPrompt().then(setPrompt, (e: unknown) => setMessage(asCommandError(e).message));
  useEffect(() => {
    void load();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!prompt || busy) return;
    const missing = checkSigningInput(prompt, { username, password });
    setErrors(missing);
    setMessage(null);
    if (Object.keys(missing).length > 0) return;
    setBusy(true);
    try {
      await onSign(meaning, password, prompt.username_required ? username.trim() : null);
    } catch (err) {
      const refusal = signingRefusal(asCommandError(err));
      setErrors(refusal.fields);
      setMessage(refusal.message);
      setPassword("");
      passwordRef.current?.focus();
      await load();
    } finally {
      setBusy(false);
    }
  }

  const blocked = prompt?.attempts_left === 0;
  const notice = prompt ? attemptsNotice(prompt) : null;
  return (
    <div className="dialog-backdrop">
      <form className="card dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="signing-dialog" onSubmit={(e) => void submit(e)} noValidate>
        <h3>{title}</h3>
        {prompt ? (
          <p className="hint" data-testid="signing-as">
            Signing as <strong>{prompt.printed_name}</strong>. Your signature covers {covers}.
          </p>
        ) : (
          <p className="hint">Loading…</p>
        )}
        {askMeaning ? (
          <fieldset className="plain meanings" disabled={blocked}>
            <legend>Meaning of this signature</legend>
            {MEANINGS.map((m) => (
              <label key={m.meaning} className="radio">
                <input
                  type="radio"
                  name="meaning"
                  value={m.meaning}
                  data-testid={`meaning-${m.meaning}`}
                  checked={meaning === m.meaning}
                  onChange={() => setMeaning(m.meaning)}
                />
                {m.label} <span className="muted">({m.hint})</span>
              </label>
            ))}
          </fieldset>
        ) : null}
        {prompt?.username_required ? (
          <div className={errors.username ? "field field-invalid" : "field"}>
            <label htmlFor="sign-username">Username</label>
            <input
              id="sign-username"
              data-testid="sign-username"
              autoComplete="username"
              autoFocus
              disabled={blocked}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
            {errors.username ? (
              <p className="field-error" role="alert" data-testid="sign-username-error">
                {errors.username}
              </p>
            ) : null}
          </div>
        ) : null}
        <div className={errors.password ? "field field-invalid" : "field"}>
          <label htmlFor="sign-password">Password</label>
          <input
            id="sign-password"
            ref={passwordRef}
            data-testid="sign-password"
            type="password"
            autoComplete="current-password"
            autoFocus={prompt !== null && !prompt.username_required}
            disabled={blocked}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {errors.password ? (
            <p className="field-error" role="alert" data-testid="sign-password-error">
              {errors.password}
            </p>
          ) : null}
        </div>
        {notice ? (
          <p className={blocked ? "form-error" : "hint"} role={blocked ? "alert" : undefined} data-testid="signing-attempts">
            {notice}
          </p>
        ) : null}
        {Object.entries(errors)
          .filter(([k]) => k !== "username" && k !== "password")
          .map(([k, v]) => (
            <p key={k} className="form-error" role="alert" data-testid={`sign-error-${k}`}>
              {v}
            </p>
          ))}
        {message ? (
          <p className="form-error" role="alert" data-testid="signing-error">
            {message}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" data-testid="sign-submit" disabled={!prompt || blocked || busy}>
            {busy ? "Signing…" : "Sign"}
          </button>
          <button type="button" className="secondary" data-testid="sign-cancel" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
