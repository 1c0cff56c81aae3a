// Why: the one window of the workstation. Nobody sees a record before signing in: the
// window starts at the sign-in screen and returns to it on sign-out, after the idle limit
// (edits waiting to be saved are written first), or when the shell says the session
// ended. Everything about patients lives in <Workspace>, keyed by the session, so signing
// out or switching user unmounts it and leaves none of the previous user's data in
// memory or on screen. The header (clinic, sync badge, bootstrap progress, offline
// banner) is always there, and stays on screen while a chart scrolls (<Masthead>).
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { api, onSignedOut } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { SyncStatus } from "./bindings/SyncStatus";
import { BootstrapBar } from "./components/BootstrapBar";
import { Masthead } from "./components/Masthead";
import { OfflineBanner } from "./components/OfflineBanner";
import { SignInScreen } from "./components/session/SignInScreen";
import { SyncBadge } from "./components/SyncBadge";
import { Workspace } from "./components/Workspace";
import { useIdleLogoff, useSyncStatus } from "./hooks";
import { asCommandError } from "./logic/commandError";
import { idleNotice } from "./logic/idle";
import { flushPendingSaves } from "./logic/pendingSaves";
import { roleName } from "./logic/permissions";

/** The longest sign-out waits for pending edits before clearing the screen anyway. */
const FLUSH_LIMIT_MS = 5_000;

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const status = useSyncStatus();
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // Counts sessions, so signing the same user in again still starts a fresh workspace.
  const [generation, setGeneration] = useState(0);
  const ending = useRef(false);

  useEffect(() => {
    api.appInfo().then(setInfo, (e: unknown) => setInfoError(asCommandError(e).message));
  }, []);
  const ready = info !== null && info.startup_error === null;

  useEffect(() => {
    if (!ready) return;
    api.currentUser().then(
      (s) => {
        setSession(s);
        setChecked(true);
      },
      (e: unknown) => {
        setNotice(asCommandError(e).message);
        setChecked(true);
      },
    );
  }, [ready]);

  const clear = useCallback((why: string | null) => {
    setSession(null);
    setNotice(why);
    setGeneration((g) => g + 1);
  }, []);

  // The shell refused a command because the session is over (its own idle enforcement).
  useEffect(() => {
    onSignedOut((message) => clear(message));
    return () => onSignedOut(null);
  }, [clear]);

  const signOut = useCallback(
    async (why: string | null) => {
      if (ending.current) return;
      ending.current = true;
      try {
        // Edits still queued are written as this user before the session ends.
        await Promise.race([flushPendingSaves(), new Promise((r) => setTimeout(r, FLUSH_LIMIT_MS))]);
        await api.signOut().catch(() => undefined);
      } finally {
        clear(why);
        ending.current = false;
      }
    },
    [clear],
  );

  const idleSeconds = info?.idle_limit_seconds ?? 0;
  useIdleLogoff(idleSeconds * 1000, session !== null, () => void signOut(idleNotice(idleSeconds)));

  const startupError = infoError ?? info?.startup_error ?? null;
  const header = (nav: ReactNode) => (
    <Masthead>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ✚
          </span>
          <span className="app-name">Outpost</span>
          <span className="clinic" data-testid="clinic-name" title={info?.device_name ?? undefined}>
            {info?.clinic_name ?? ""}
          </span>
        </div>
        {nav}
        <div className="who">
          {info?.device_name ? (
            <span className="device" data-testid="device-name">
              {info.device_name}
            </span>
          ) : null}
          {session ? (
            <>
              <span data-testid="signed-in-user" title={session.user.username}>
                {session.user.full_name} · {roleName(session.user.role)}
                {session.online ? "" : " (offline sign-in)"}
              </span>
              <button type="button" className="secondary" data-testid="sign-out" onClick={() => void signOut(null)}>
                Sign out
              </button>
            </>
          ) : null}
          <SyncBadge status={status} />
        </div>
      </header>
      <BootstrapBar status={status} />
      <OfflineBanner status={status} />
    </Masthead>
  );

  if (startupError || !ready || !checked || !session) {
    return (
      <div className="app">
        {header(null)}
        {startupError ? (
          <main className="startup-error card" role="alert" data-testid="startup-error">
            <h2>This workstation cannot open its records</h2>
            <p>{startupError}</p>
          </main>
        ) : !ready || !checked ? (
          <main className="layout">
            <p className="hint">Opening records…</p>
          </main>
        ) : (
          <SignInScreen
            clinicName={info?.clinic_name ?? null}
            notice={notice}
            onSignedIn={(s) => {
              setNotice(null);
              setGeneration((g) => g + 1);
              setSession(s);
            }}
          />
        )}
      </div>
    );
  }
  return (
    <Workspace
      key={`${session.user.id}/${generation}`}
      session={session}
      lastSync={(status as SyncStatus | null)?.last_sync_at ?? null}
      header={header}
    />
  );
}
