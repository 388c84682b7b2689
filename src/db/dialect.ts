import { type Kysely, PostgresAdapter } from 'kysely';

/** True when the handle (or transaction) talks to PostgreSQL. Lets repositories stay dialect-neutral. */
// biome-ignore lint/suspicious/noExplicitAny: any schema: migrations run on Kysely<any> and call this too.
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Parameters per statement we allow ourselves; SQLite's limit is 32,766, PostgreSQL's 65,535. */
export const MAX_PARAMS = 30_000;
