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

/** Marks the connection `trx` writes on: its listeners run once that work has committed. */
export async function markOutboxWritten(trx: Kysely<Database>): Promise<void> {
  await trx.getExecutor().provideConnection(async (connection) => {
    marked.add(connection);
  });
}

/** `inner`, telling `signal`'s listeners about each commit of a marked connection. */
export function signallingCommits(inner: Driver, signal: CommitSignal): Driver {
  const wake = () => {
    for (const listener of signal.listeners) listener();
  };
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
      // After the handler that committed has moved on: a listener never runs inside a caller's await.
      if (committed && signal.listeners.size > 0) setImmediate(wake);
    },
    destroy: () => inner.destroy(),
  };
}
