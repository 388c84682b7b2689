// Multi-row writes as SQL text with placeholders, for the paths that write thousands of rows a second
// (imports, the ledger and its outbox). Kysely's builder parsed, froze and compiled every value of a
// multi-row insert: 39% of an import's CPU (docs/performance.md "Import"). Table and column names here
// are constants of the calling repository, never input; every value is a bound parameter.
import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
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

// The statement texts, built once: each is kilobytes, and a text built afresh per statement is also
// hashed afresh by the statement cache's lookup (both were 3–4% of an import, docs/performance.md "Import").
const texts = new Map<string, string>();

function insertText(postgres: boolean, table: string, columns: readonly string[], rows: number, tail: string): string {
  const key = `${postgres ? 'pg' : 'sqlite'} ${table} ${rows} ${tail} ${columns.join(',')}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = `insert into ${table} (${columns.join(', ')}) values ${valuesList(postgres, rows, columns.length)} ${tail}`;
    texts.set(key, text);
  }
  return text;
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
  const out: R[] = [];
  await eachInsert<R>(trx, table, columns, rows, tail, (result) => {
    for (const r of result.rows) out.push(r);
  });
  return out;
}

/** The same, answering how many rows went in (TAIL without `returning`: an `on conflict do nothing`). */
export async function insertRowsCounted(
  trx: Kysely<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  tail = '',
): Promise<number> {
  let inserted = 0;
  await eachInsert(trx, table, columns, rows, tail, (result) => {
    inserted += Number(result.numAffectedRows ?? 0);
  });
  return inserted;
}

async function eachInsert<R>(
  trx: Kysely<Database>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  tail: string,
  took: (result: QueryResult<R>) => void,
): Promise<void> {
  const postgres = isPostgres(trx);
  for (let i = 0, n = 0; i < rows.length; i += n) {
    n = nextRun(rows.length - i);
    const params: SqlValue[] = [];
    for (let r = i; r < i + n; r++) for (const v of rows[r]!) params.push(v);
    took(await trx.executeQuery<R>(CompiledQuery.raw(insertText(postgres, table, columns, n, tail), params)));
  }
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
