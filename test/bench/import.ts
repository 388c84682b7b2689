// `npx tsx test/bench/import.ts [ROWS] [DATABASE_URL]`: import rows/s through the CSV reader and the
// import verb, on a fresh SQLite file (or the PostgreSQL URL given), beside a baseline measured in the
// same run: one upsertRecipient per row (what PUT /v1/recipients does), on a sample. Peak RSS shows
// whether memory stays flat. On a shared machine wall time depends on the load: the CPU time this
// process used is reported too. Not a test; bounded by ROWS (default 200,000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { importRows } from '../../src/domain/imports/run-import.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { csvImportRows } from '../../src/http/import-rows.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const BASELINE_ROWS = Math.min(Number(process.env.BASELINE ?? 2_000), ROWS);
const HASH_KEY = 'bench-hash-key-0123456789abcdef0123456789';

function* csvLines(n: number, from = 0): Generator<string> {
  yield 'email,externalId,subscription:news,subscription:tips,consentedAt,consentSource\n';
  for (let i = from; i < from + n; i++) yield `person${i}@example.com,u-${i},subscribed,${i % 3 === 0 ? 'unsubscribed' : ''},2020-01-01T00:00:00Z,legacy\n`;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-bench-import-'));
  const url = process.argv[3] ?? `file:${join(dir, 'bench.db')}`;
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle.db);
    await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing' });
    await createCategory(handle.db, { key: 'tips', name: 'Tips', kind: 'marketing' });

    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const body = Readable.toWeb(Readable.from(csvLines(ROWS))) as unknown as ReadableStream<Uint8Array>;
    const t = performance.now();
    const cpu = process.cpuUsage();
    let last: unknown;
    for await (const r of importRows(handle.db, csvImportRows(body), { hashKey: HASH_KEY, actor: 'bench', dryRun: false })) last = r;
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    clearInterval(sampler);

    const t2 = performance.now();
    const cpu2 = process.cpuUsage();
    for (let i = 0; i < BASELINE_ROWS; i++) {
      await upsertRecipient(
        handle.db,
        HASH_KEY,
        { email: `base${i}@example.com`, externalId: `b-${i}`, subscriptions: { news: 'subscribed' } },
        { source: 'import', actor: 'bench' },
      );
    }
    const baseSeconds = (performance.now() - t2) / 1000;
    const used2 = process.cpuUsage(cpu2);
    const baseCpu = (used2.user + used2.system) / 1e6;

    console.log(
      `import on ${handle.dialect}: ${ROWS.toLocaleString('en')} rows in ${seconds.toFixed(1)} s = ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s (wall), ${Math.round(ROWS / cpuSeconds).toLocaleString('en')} rows per CPU-second`,
    );
    console.log(
      `  baseline (one upsertRecipient per row, ${BASELINE_ROWS} rows): ${Math.round(BASELINE_ROWS / baseSeconds).toLocaleString('en')} rows/s (wall), ${Math.round(BASELINE_ROWS / baseCpu).toLocaleString('en')} rows per CPU-second`,
    );
    console.log(`  peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB; ${JSON.stringify(last)}`);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
