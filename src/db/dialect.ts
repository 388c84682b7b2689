import { PostgresAdapter, type Kysely } from 'kysely';

/** True when the handle (or transaction) talks to PostgreSQL. Lets repositories stay dialect-neutral. */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Parameters per statement we allow ourselves; SQLite's limit is 32,766, PostgreSQL's 65,535. */
export const MAX_PARAMS = 30_000;
