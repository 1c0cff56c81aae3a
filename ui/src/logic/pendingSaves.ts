// Why: before the window signs a user out (by hand or after the idle limit) every edit
// still waiting in an autosave queue must reach the replica as that user; after sign-out
// the shell would refuse it. Forms with queued edits register their flush here.

type Flush = () => Promise<unknown>;

const flushes = new Set<Flush>();

/** Registers `flush`; call the returned function when the form goes away. */
export function registerPendingSaves(flush: Flush): () => void {
  flushes.add(flush);
  return () => {
    flushes.delete(flush);
  };
}

/** Writes every queued edit of every open form; resolves when all have finished. */
export async function flushPendingSaves(): Promise<void> {
  await Promise.allSettled([...flushes].map((f) => f()));
}
