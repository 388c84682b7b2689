import { type Kysely, sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { Database } from './schema.js';

/** True when the database answers a trivial query. */
export async function databaseAnswers(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** Every migration this code expects, in order (migrations/index.ts). */
export const EXPECTED_MIGRATIONS: readonly string[] = Object.keys(migrations);

/**
 * The expected migrations this database has not applied, in order; all of them before the first run
 * (Kysely's own `kysely_migration` table does not exist yet). Throws when the database does not answer.
 */
export async function pendingMigrations(db: Kysely<Database>, expected: readonly string[] = EXPECTED_MIGRATIONS): Promise<string[]> {
  let applied: Set<string>;
  try {
    // Kysely's bookkeeping table, outside our schema types: read with a plain statement.
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    applied = new Set(rows.map((r) => r.name));
  } catch (err) {
    if (!(await databaseAnswers(db))) throw err;
    applied = new Set();
  }
  return expected.filter((name) => !applied.has(name));
}
