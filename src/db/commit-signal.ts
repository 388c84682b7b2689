// Tells this process when rows it wrote to the webhook outbox have committed, so delivery can start at
// once instead of at its next tick (docs/performance.md "Webhook delivery"). The outbox marks the
// connection it wrote on; the driver, which alone sees every commit and rollback, calls the listeners
// once that connection is handed back after a commit (or at once, for a write outside a transaction).
// Only a hint: a wake that finds nothing due costs one read, and a missed one waits for the tick.
import type { DatabaseConnection, Driver, Kysely, TransactionSettings } from 'kysely';
import type { Database } from './schema.js';

export interface CommitSignal {
  readonly listeners: Set<() => void>;
}

// Keyed by the objects themselves and gone with them: a connection's mark lasts until it is handed back.
const marked = new WeakSet<DatabaseConnection>();
const signals = new WeakMap<Kysely<Database>, CommitSignal>();

export const createCommitSignal = (): CommitSignal => ({ listeners: new Set() });

export function attachCommitSignal(db: Kysely<Database>, signal: CommitSignal): void {
  signals.set(db, signal);
}

/** Calls `listener` after each commit that wrote to the outbox through `db`; returns the unsubscribe. */
export function onOutboxCommit(db: Kysely<Database>, listener: () => void): () => void {
  const signal = signals.get(db);
  if (!signal) return () => {};
  signal.listeners.add(listener);
  return () => signal.listeners.delete(listener);
}

/** Marks the connection `trx` writes on: its listeners run once that work has committed. A write
 * through the handle itself (no transaction) has committed already: its listeners run at once. */
export async function markOutboxWritten(trx: Kysely<Database>): Promise<void> {
  const committed = trx.isTransaction ? undefined : signals.get(trx);
  if (committed) return wakeSoon(committed);
  await trx.getExecutor().provideConnection(async (connection) => {
    marked.add(connection);
  });
}

// After the caller that committed has moved on: a listener never runs inside a caller's await.
function wakeSoon(signal: CommitSignal): void {
  if (signal.listeners.size === 0) return;
  setImmediate(() => {
    for (const listener of signal.listeners) listener();
  });
}

/** `inner`, telling `signal`'s listeners about each commit of a marked connection. */
export function signallingCommits(inner: Driver, signal: CommitSignal): Driver {
  return {
    init: () => inner.init(),
    acquireConnection: () => inner.acquireConnection(),
    beginTransaction: (c: DatabaseConnection, settings: TransactionSettings) => inner.beginTransaction(c, settings),
    commitTransaction: (c: DatabaseConnection) => inner.commitTransaction(c),
    rollbackTransaction: async (c: DatabaseConnection) => {
      marked.delete(c);
      await inner.rollbackTransaction(c);
    },
    ...(inner.savepoint && { savepoint: inner.savepoint.bind(inner) }),
    ...(inner.rollbackToSavepoint && { rollbackToSavepoint: inner.rollbackToSavepoint.bind(inner) }),
    ...(inner.releaseSavepoint && { releaseSavepoint: inner.releaseSavepoint.bind(inner) }),
    releaseConnection: async (c: DatabaseConnection) => {
      const committed = marked.delete(c);
      await inner.releaseConnection(c);
      if (committed) wakeSoon(signal);
    },
    destroy: () => inner.destroy(),
  };
}
