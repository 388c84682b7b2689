// The one place a transaction that lost a race is tried again. PostgreSQL aborts one side of a deadlock
// (40P01) or of a serialization conflict (40001) and expects the client to retry the whole transaction
// (PostgreSQL manual, "Serialization Failure Handling"); SQLite answers SQLITE_BUSY when another
// process held the write lock past busy_timeout. Neither says anything about the change itself, so a
// valid change is retried a bounded number of times rather than answered with a 500.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

const RETRYABLE_PG = new Set(['40P01', '40001']);

/** Attempts in all, the first included. */
export const TRANSACTION_ATTEMPTS = 8;
const BASE_DELAY_MS = 5;
const MAX_DELAY_MS = 400;

export function isRetryableConflict(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return RETRYABLE_PG.has(code) || code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_');
}

export interface RetryOptions {
  attempts?: number;
  /** Waits before the next attempt; injectable so a test can count the retries without sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Runs `work` in a transaction, again from the start when the database aborted it for a deadlock or a
 * serialization failure. `work` must therefore be safe to re-run: it reads what it needs inside the
 * transaction and hands mail or webhooks on only after this returns. Full jitter ("Exponential Backoff
 * And Jitter", AWS Architecture Blog) keeps the losers of one race from colliding again in step.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? TRANSACTION_ATTEMPTS;
  const sleep = opts.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      if (attempt >= attempts || !isRetryableConflict(err)) throw err;
      await sleep(Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
    }
  }
}
