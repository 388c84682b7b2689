// The single eligibility lookup is the commonest request of the service. On a SQLite file it is read
// through a second, read-only connection with its statement prepared once (when the connection opens):
// a synchronous bind-and-step, with no query executor, connection lock or promise per request. In WAL
// mode that connection reads the last committed state without waiting on writers; a transaction's own
// reads (a Transaction handle is not registered here) still go through Kysely on the writing connection.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface FactRow {
  fact: 'r' | 's';
  marketing_opt_out: number | null;
  value: string | null;
}

interface HotReader {
  connection: SQLite.Database;
  sql: string;
  factsOfOne?: SQLite.Statement<[string, string, string], FactRow>;
}

// Per connection, owned by the handle that opened it (database.ts) and gone with it.
const readers = new WeakMap<Kysely<Database>, HotReader>();

export function attachHotReader(db: Kysely<Database>, connection: SQLite.Database, factsOfOneSql: string): void {
  readers.set(db, { connection, sql: factsOfOneSql });
}

/** The facts of one address from the read connection, or undefined when `db` has none (PostgreSQL, :memory:, a transaction). */
export function readFactsOfOne(db: Kysely<Database>, categoryId: string, email: string): FactRow[] | undefined {
  const reader = readers.get(db);
  if (!reader) return undefined;
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
