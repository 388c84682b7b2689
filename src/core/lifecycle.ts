// The process's life as long-running work sees it. A graceful shutdown (src/server.ts, docs/operations.md
// "Shutdown") first asks everything to stop at its next safe point, waits for it, and only when the grace
// is nearly over cuts what is still streaming; work started in the background registers here so that
// the database is closed only after it has let go of what it held.

export interface Lifecycle {
  /** Aborted when the process starts to stop: start nothing new, let go at the next safe point. */
  readonly stopping: AbortSignal;
  /** Aborted when the grace is nearly over: answers still streaming end now, saying they were cut. */
  readonly cut: AbortSignal;
  /** Registers background work; the shutdown waits for it (up to its deadline). */
  track<T>(work: Promise<T>): Promise<T>;
}

export interface LifecycleControl extends Lifecycle {
  stop(): void;
  cutNow(): void;
  /** Resolves once no registered work is running, or after `ms`; true when none is. */
  settled(ms: number): Promise<boolean>;
}

export function createLifecycle(): LifecycleControl {
  const stopping = new AbortController();
  const cut = new AbortController();
  const running = new Set<Promise<unknown>>();
  return {
    stopping: stopping.signal,
    cut: cut.signal,
    track(work) {
      const entry = work.finally(() => running.delete(entry));
      entry.catch(() => undefined);
      running.add(entry);
      return work;
    },
    stop: () => stopping.abort(),
    cutNow: () => cut.abort(),
    async settled(ms) {
      const deadline = Date.now() + ms;
      while (running.size > 0) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await Promise.race([Promise.allSettled([...running]), new Promise((done) => setTimeout(done, left).unref())]);
      }
      return true;
    },
  };
}
