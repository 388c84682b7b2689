// What /healthz and /readyz report about this instance's dependencies (docs/operations.md "Health").
import type { Kysely } from 'kysely';
import { databaseAnswers, pendingMigrations } from '../../db/health.js';
import type { Database } from '../../db/schema.js';

export { databaseAnswers };

export type Readiness =
  | { ready: true }
  | { ready: false; reason: 'database_unreachable' }
  /** The schema is older than the code: serving now would fail on the first missing column. */
  | { ready: false; reason: 'migrations_pending'; pending: string[] };

/** Ready when the database answers and has applied every migration in `expected` (by default the code's own list). */
export async function checkReadiness(db: Kysely<Database>, expected?: readonly string[]): Promise<Readiness> {
  if (!(await databaseAnswers(db))) return { ready: false, reason: 'database_unreachable' };
  let pending: string[];
  try {
    pending = await pendingMigrations(db, expected);
  } catch {
    return { ready: false, reason: 'database_unreachable' };
  }
  return pending.length === 0 ? { ready: true } : { ready: false, reason: 'migrations_pending', pending };
}
