// SQLite's WAL checkpoints, moved off the thread that answers requests. By default the connection that
// commits past 1,000 WAL pages copies them into the database file and syncs it, inside that commit: an
// import's writes and a one-click's commit paid for it (docs/performance.md "The import on two threads"). Here a worker
// thread with its own connection runs a PASSIVE checkpoint (it never waits for, or blocks, a reader or
// the writer) a few times a second, so the WAL stays short and commits only append. The request
// thread's own checkpoint stays as a backstop at a larger size, should this thread fall behind or stop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 100;
/** The committing connection checkpoints itself only past this many WAL pages (SQLite's default is 1,000). */
export const BACKSTOP_WAL_PAGES = 10_000;

// Plain JavaScript, evaluated in the worker: no TypeScript loader is needed in tests or from source.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = ' + workerData.synchronous);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: another checkpoint runs; next time */ }
}, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `path` in the background; the caller keeps its connection's backstop. */
export function startWalCheckpointer(path: string, synchronous: 'FULL' | 'NORMAL'): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path, synchronous, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  // It must never keep a process alive, nor take one down: the backstop checkpoints if it is gone.
  worker.unref();
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    stop: async () => {
      // Waited for: unreferenced, the process could end in the wait, before its caller is done.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
