// Why: encounter charting has no save button. Each edit is queued per field and written
// after a short quiet period (AUTOSAVE_DELAY_MS), or at once when the field loses focus,
// the window is hidden or closed, or the form goes away. Continuous typing never pauses
// for the quiet period, so an edit waits at most AUTOSAVE_MAX_WAIT_MS before it is written
// anyway. Writes go out one at a time in the order they were made, so a later value never
// lands before an earlier one. If the app is killed, what is lost is what was typed in the
// last AUTOSAVE_DELAY_MS after a pause, or in the last AUTOSAVE_MAX_WAIT_MS of typing
// without one.

/** The quiet period before an edit is written. */
export const AUTOSAVE_DELAY_MS = 300;
/** The longest an edit waits while typing goes on without a pause. */
export const AUTOSAVE_MAX_WAIT_MS = 1_000;

export interface Autosave<V> {
  /** Queues `value` for `key`, replacing a queued value not yet written. */
  schedule(key: string, value: V): void;
  /** Drops a queued value (e.g. the input became invalid). */
  cancel(key: string): void;
  /** Writes everything queued now; resolves when every write has finished. */
  flush(): Promise<void>;
  /** Keys with an edit not yet written. */
  pending(): string[];
}

export function createAutosave<V>(
  save: (key: string, value: V) => Promise<void>,
  delayMs: number = AUTOSAVE_DELAY_MS,
  /** Told how many keys wait to be written whenever that changes (for "Saving…"). */
  onPending: (count: number) => void = () => undefined,
  maxWaitMs: number = AUTOSAVE_MAX_WAIT_MS,
): Autosave<V> {
  const queued = new Map<string, V>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the oldest edit not yet written was queued.
  let oldest: number | null = null;
  let chain: Promise<void> = Promise.resolve();

  const drain = (): Promise<void> => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = [...queued.entries()];
    queued.clear();
    oldest = null;
    if (batch.length > 0) onPending(0);
    for (const [key, value] of batch) {
      // A failed write is reported by `save` itself; the chain goes on.
      chain = chain.then(() => save(key, value)).catch(() => undefined);
    }
    return chain;
  };

  return {
    schedule(key, value) {
      queued.set(key, value);
      onPending(queued.size);
      const now = Date.now();
      oldest ??= now;
      if (timer !== undefined) clearTimeout(timer);
      const wait = Math.max(0, Math.min(delayMs, oldest + maxWaitMs - now));
      timer = setTimeout(() => void drain(), wait);
    },
    cancel(key) {
      if (queued.delete(key)) onPending(queued.size);
    },
    flush: drain,
    pending: () => [...queued.keys()],
  };
}
