// Why: HIPAA automatic logoff. After `limitMs` without keyboard or mouse input the window
// saves what is pending and signs the user out, leaving no patient data on screen. Input
// is also reported to the shell (at most every `reportEveryMs`), which ends the session
// itself if the window ever stops doing so (src-tauri/src/session.rs). Timers and the
// clock are injectable so the logic is tested without waiting.

export interface IdleOptions {
  limitMs: number;
  /** Called once when the limit passes without input. */
  onIdle: () => void;
  /** Called on input, at most once per `reportEveryMs` (the first input reports at once). */
  onActivity?: () => void;
  reportEveryMs?: number;
  now?: () => number;
}

export interface IdleWatcher {
  /** The user typed, clicked or moved the mouse. */
  activity(): void;
  /** Stops watching (sign-out, unmount). */
  stop(): void;
}

/** How often input is reported to the shell: a quarter of the limit, 1 s to 30 s. */
export function reportInterval(limitMs: number): number {
  return Math.min(30_000, Math.max(1_000, Math.floor(limitMs / 4)));
}

export function createIdleWatcher(opts: IdleOptions): IdleWatcher {
  const now = opts.now ?? (() => Date.now());
  const reportEvery = opts.reportEveryMs ?? reportInterval(opts.limitMs);
  let lastInput = now();
  let lastReport = -Infinity;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const arm = (delay: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, delay));
  };
  function check() {
    timer = undefined;
    if (stopped) return;
    const idleFor = now() - lastInput;
    if (idleFor >= opts.limitMs) {
      stopped = true;
      opts.onIdle();
    } else {
      arm(opts.limitMs - idleFor);
    }
  }
  arm(opts.limitMs);

  return {
    activity() {
      if (stopped) return;
      const t = now();
      lastInput = t;
      if (t - lastReport >= reportEvery) {
        lastReport = t;
        opts.onActivity?.();
      }
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The DOM events that count as someone using the window. */
export const ACTIVITY_EVENTS = ["keydown", "pointerdown", "mousedown", "mousemove", "wheel", "touchstart"] as const;

/** What the sign-in screen says after an automatic logoff. */
export function idleNotice(limitSeconds: number): string {
  const minutes = Math.floor(limitSeconds / 60);
  const amount =
    limitSeconds % 60 === 0 && minutes > 0
      ? `${minutes} minute${minutes === 1 ? "" : "s"}`
      : `${limitSeconds} second${limitSeconds === 1 ? "" : "s"}`;
  return `You were signed out after ${amount} without activity. Sign in to continue.`;
}
