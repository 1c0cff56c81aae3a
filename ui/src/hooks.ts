// Why: the header badge must follow the sync engine closely without any push channel, so
// the status is polled (about once a second); a failed poll is shown as an error state
// rather than leaving a stale "Online" on screen. Also: the idle logoff's input watch.
import { useEffect, useRef, useState } from "react";
import { api } from "./api";
import type { SyncStatus } from "./bindings/SyncStatus";
import { asCommandError } from "./logic/commandError";
import { ACTIVITY_EVENTS, createIdleWatcher } from "./logic/idle";

export const STATUS_POLL_MS = 1000;

export function useSyncStatus(intervalMs: number = STATUS_POLL_MS): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const s = await api.status();
        if (!stopped) setStatus(s);
      } catch (e) {
        if (!stopped) {
          const message = asCommandError(e).message;
          setStatus((prev) => ({
            state: "error",
            pending_changes: prev?.pending_changes ?? 0,
            last_sync_at: prev?.last_sync_at ?? null,
            last_error: message,
          }));
        }
      }
      if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [intervalMs]);
  return status;
}

/**
 * Signs the user out after `limitMs` without keyboard or mouse input (see logic/idle.ts);
 * input is reported to the shell as it happens (throttled). Inactive while `active` is false.
 */
export function useIdleLogoff(limitMs: number, active: boolean, onIdle: () => void): void {
  const idleRef = useRef(onIdle);
  idleRef.current = onIdle;
  useEffect(() => {
    if (!active || limitMs <= 0) return;
    const watcher = createIdleWatcher({
      limitMs,
      onIdle: () => idleRef.current(),
      onActivity: () => void api.reportActivity().catch(() => undefined),
    });
    const onInput = () => watcher.activity();
    for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, onInput, { passive: true, capture: true });
    return () => {
      watcher.stop();
      for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, onInput, { capture: true });
    };
  }, [limitMs, active]);
}
