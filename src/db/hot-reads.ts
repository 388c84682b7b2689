// The single eligibility lookup is the commonest request of the service. On PostgreSQL it is a named
// prepared statement (parsed and planned once per pooled connection). On a SQLite file it is read
// through a second, read-only connection with its statement prepared once (on first use, after migrating):
// a synchronous bind-and-step, with no query executor, connection lock or promise per request. In WAL
// mode that connection reads the last committed state without waiting on writers; a transaction's own
// reads (a Transaction handle is not registered here) still go through Kysely on the writing connection.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';

export interface FactRow {
  fact: 'r' | 's';
  marketing_opt_out: number | null;
  value: string | null;
}

type HotReader =
  | { kind: 'sqlite'; connection: SQLite.Database; sql: string; factsOfOne?: SQLite.Statement<[string, string, string], FactRow> }
  /** PostgreSQL: the pool's connections prepare the named statement once each, then only bind and execute. */
  | { kind: 'postgres'; pool: pg.Pool; sql: string };

// Per connection, owned by the handle that opened it (database.ts) and gone with it.
const readers = new WeakMap<Kysely<Database>, HotReader>();

export function attachHotReader(db: Kysely<Database>, connection: SQLite.Database, factsOfOneSql: string): void {
  readers.set(db, { kind: 'sqlite', connection, sql: factsOfOneSql });
}

export function attachPostgresHotReader(db: Kysely<Database>, pool: pg.Pool, factsOfOneSql: string): void {
  readers.set(db, { kind: 'postgres', pool, sql: factsOfOneSql });
}

/** The facts of one address from the read connection or named statement, or undefined when `db` has none (:memory:, a transaction). */
export function readFactsOfOne(db: Kysely<Database>, categoryId: string, email: string): FactRow[] | Promise<FactRow[]> | undefined {
  const reader = readers.get(db);
  if (!reader) return undefined;
  if (reader.kind === 'postgres') {
    return reader.pool.query<FactRow>({ name: 'mailprefs-facts-of-one', text: reader.sql, values: [email, categoryId] }).then((r) => r.rows);
  }
  if (!reader.factsOfOne) {
    // Prepared on first use: a new file has no tables until it is migrated.
    try {
      reader.factsOfOne = reader.connection.prepare<[string, string, string], FactRow>(reader.sql);
    } catch {
      return undefined;
    }
  }
  return reader.factsOfOne.all(categoryId, email, email);
}
