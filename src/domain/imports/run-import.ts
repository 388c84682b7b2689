// An import of any length at constant memory: rows are taken from the reader a batch at a time, each
// batch applied in its own transaction, and one result per row handed back as soon as its batch is
// done, then a summary. Re-running the same file changes nothing (every row comes back `unchanged`).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { listCategories } from '../recipients/categories.js';
import { applyImportBatch } from './apply-batch.js';
import type { ImportRow, ImportSummary, ParsedRow, RowResult } from './import-row.js';

export type { ImportSummary, ParsedRow, RowResult };

/** Rows a transaction takes: big enough to amortise the statements, small enough to keep locks short. */
export const IMPORT_BATCH_ROWS = 1000;

export interface ImportOptions {
  hashKey: string;
  /** `key:ID` of the API key, or `cli`. */
  actor: string;
  dryRun: boolean;
}

/** The import a batch at a time: each batch's results (in line order) once it is done, then the summary. */
export async function* importBatches(db: Kysely<Database>, source: AsyncIterable<ParsedRow>, opts: ImportOptions): AsyncGenerator<RowResult[] | ImportSummary> {
  const categories = new Map((await listCategories(db)).map((c) => [c.key, c]));
  const ctx = { hashKey: opts.hashKey, categories, actor: opts.actor, dryRun: opts.dryRun };
  const summary: ImportSummary['summary'] = { rows: 0, created: 0, updated: 0, unchanged: 0, refused: 0, invalid: 0, dryRun: opts.dryRun };
  let batch: ImportRow[] = [];
  let unreadable: RowResult[] = [];
  const flush = async () => {
    const done = [...unreadable, ...(batch.length ? await applyImportBatch(db, ctx, batch) : [])].sort((a, b) => a.line - b.line);
    batch = [];
    unreadable = [];
    for (const r of done) {
      summary.rows++;
      summary[r.status]++;
    }
    return done;
  };
  for await (const parsed of source) {
    if (parsed.ok) batch.push(parsed.row);
    else unreadable.push({ line: parsed.line, status: 'invalid', reason: parsed.reason });
    if (batch.length + unreadable.length >= IMPORT_BATCH_ROWS) yield await flush();
  }
  const last = await flush();
  if (last.length) yield last;
  yield { summary };
}

/** The same, one result at a time. */
export async function* importRows(db: Kysely<Database>, source: AsyncIterable<ParsedRow>, opts: ImportOptions): AsyncGenerator<RowResult | ImportSummary> {
  for await (const part of importBatches(db, source, opts)) {
    if (Array.isArray(part)) yield* part;
    else yield part;
  }
}
