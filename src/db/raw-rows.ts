// Multi-row writes as SQL text with placeholders, for the paths that write thousands of rows a second
// (imports, the ledger and its outbox). Kysely's builder parsed, froze and compiled every value of a
// multi-row insert: 39% of an import's CPU (docs/performance.md "Import"). Table and column names here
// are constants of the calling repository, never input; every value is a bound parameter.
import { CompiledQuery, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

/** Rows per statement: one prepared shape on SQLite (its statement cache keeps it), few round trips on PostgreSQL. */
export const ROWS_PER_STATEMENT = 100;

export type SqlValue = string | number | null;

function valuesList(postgres: boolean, rows: number, columns: number): string {
  const tuples: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const slots: string[] = [];
    for (let c = 0; c < columns; c++) slots.push(postgres ? `$${++n}` : '?');
    tuples.push(`(${slots.join(', ')})`);
  }
  return tuples.join(', ');
}

/** How many rows the next statement takes: full runs, then the rest in powers of two (64, 32 … 1). */
function nextRun(left: number): number {
  if (left >= ROWS_PER_STATEMENT) return ROWS_PER_STATEMENT;
  return 2 ** Math.floor(Math.log2(left));
}

/**
 * `insert into TABLE (COLUMNS) values (…), (…) TAIL` in the caller's transaction; TAIL is a fixed
 * clause (`on conflict … returning id`). The rows each statement returned, in order. A batch's rest
 * goes in runs of a power of two, so one table has at most eight statement shapes: SQLite's statement
 * cache (database.ts) keeps them and is not flushed by a shape per remainder.
 */
export async function insertRows<R = Record<string, unknown>>(
  trx: Kysely<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  tail = '',
): Promise<R[]> {
  const postgres = isPostgres(trx);
  const out: R[] = [];
  for (let i = 0, n = 0; i < rows.length; i += n) {
    n = nextRun(rows.length - i);
    const part = rows.slice(i, i + n);
    const text = `insert into ${table} (${columns.join(', ')}) values ${valuesList(postgres, part.length, columns.length)} ${tail}`;
    const params: SqlValue[] = [];
    for (const row of part) for (const v of row) params.push(v);
    const result = await trx.executeQuery<R>(CompiledQuery.raw(text, params));
    for (const r of result.rows) out.push(r);
  }
  return out;
}

/**
 * A query whose one list parameter is bound as a whole: a JSON array read by `json_each` on SQLite, a
 * `text[]` on PostgreSQL (as the eligibility lookups do, eligibility-facts.ts). `sql` is given per
 * dialect and names the list `LIST` (a one-column table of `value`).
 */
export async function selectByList<R>(trx: Kysely<Database>, sql: string, list: readonly string[]): Promise<R[]> {
  if (list.length === 0) return [];
  const postgres = isPostgres(trx);
  const text = sql.replace('LIST', postgres ? 'unnest($1::text[]) as j(value)' : 'json_each(?) as j');
  const result = await trx.executeQuery<R>(CompiledQuery.raw(text, [postgres ? list : JSON.stringify(list)]));
  return result.rows;
}
