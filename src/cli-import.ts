// `mailprefs import FILE [--dry-run]`: the same import as POST /v1/imports, run against the database
// directly, with a progress bar (rows/s, ETA by bytes read) when stderr is a terminal.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import type { ImportSummary, RowResult } from './domain/imports/import-row.js';
import { importRows } from './domain/imports/run-import.js';
import { importRowsOffThread } from './http/import-rows-off-thread.js';

const isNdjsonFile = (path: string) => /\.(ndjson|jsonl)$/i.test(path);

function bar(done: number, total: number, rows: number, startedMs: number): string {
  const elapsed = Math.max((Date.now() - startedMs) / 1000, 0.001);
  const share = total > 0 ? Math.min(done / total, 1) : 1;
  const width = 30;
  const filled = Math.round(share * width);
  const eta = share > 0 ? (elapsed / share) * (1 - share) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows} rows  ${Math.round(rows / elapsed)} rows/s  ETA ${Math.ceil(eta)}s`;
}

export async function importCommand(db: Kysely<Database>, hashKey: string, path: string, dryRun: boolean): Promise<number> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    console.error(`mailprefs: no file ${path}`);
    return 1;
  }
  const total = statSync(path).size;
  let read = 0;
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  file.on('data', (chunk) => {
    read += chunk.length;
  });
  const body = Readable.toWeb(file) as unknown as ReadableStream<Uint8Array>;
  const rows = importRowsOffThread(body, isNdjsonFile(path) ? 'ndjson' : 'csv');
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let seen = 0;
  let lastDraw = 0;
  let summary: ImportSummary['summary'] | undefined;
  for await (const r of importRows(db, rows, { hashKey, actor: 'cli', dryRun })) {
    if ('summary' in r) {
      summary = r.summary;
      continue;
    }
    seen++;
    const row = r as RowResult;
    if (row.status === 'refused' || row.status === 'invalid') {
      if (tty) process.stderr.write('\r\x1b[K');
      process.stderr.write(`line ${row.line}: ${row.status}: ${row.reason}\n`);
    }
    if (tty && Date.now() - lastDraw > 100) {
      lastDraw = Date.now();
      process.stderr.write(`\r\x1b[K${bar(read, total, seen, started)}`);
    }
  }
  if (tty) process.stderr.write(`\r\x1b[K${bar(total, total, seen, started)}\n`);
  const s = summary!;
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${s.dryRun ? 'dry run: ' : ''}${s.rows} rows in ${seconds.toFixed(1)} s: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged, ${s.refused} refused, ${s.invalid} invalid`,
  );
  return 0;
}
