// `npm run bench:console`: the console's overview and recipient search at 1M recipients and 5M ledger
// events, on SQLite and PostgreSQL, beside a baseline measured in the same run (GET /healthz: one query
// and the app's own overhead). Seeded with bulk INSERT … SELECT from a generated series (seconds, not the
// domain's one event per change); the daily counters are what those events would have bumped.
// Not a test: nothing asserts a time. Every measuring loop is bounded in count and time.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createOperator, setPasswordWithLink } from '../../src/domain/console/operators.js';
import { loadOverview } from '../../src/domain/console/overview.js';
import { searchRecipients } from '../../src/domain/console/recipients.js';
import { signIn } from '../../src/domain/console/sessions.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { readDailyCounters } from '../../src/domain/stats/daily-stats.js';
import setupPostgres from '../support/postgres-cluster.js';
import { seedConsoleScale } from './console-seed.js';
import { BENCH_ENV } from './seed.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const DIALECTS = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const PASSWORD = 'bench operator password';

async function timeIt(label: string, run: () => Promise<unknown>): Promise<{ label: string; median: number; p95: number; n: number }> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  const until = performance.now() + 8_000;
  while (times.length < 40 && performance.now() < until) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { label, median: times[Math.floor(times.length / 2)]!, p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!, n: times.length };
}

async function benchDialect(dialect: string, url: string) {
  const t0 = performance.now();
  const handle = openDatabase(url);
  await migrateToLatest(handle.db);
  for (const key of ['newsletter', 'offers', 'events', 'product']) await createCategory(handle.db, { key, name: key, kind: 'marketing' });
  await seedConsoleScale(handle, RECIPIENTS, EVENTS);
  console.log(
    `${dialect}: seeded ${RECIPIENTS.toLocaleString('en')} recipients and ${EVENTS.toLocaleString('en')} ledger events in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );

  const config = parseConfig({ ...BENCH_ENV, DATABASE_URL: url, PUBLIC_URL: 'https://prefs.example.test' });
  const app = createApp({ config, db: handle.db });
  const { link } = await createOperator(handle.db, config.publicUrl, { email: 'bench@ops.example', role: 'viewer' });
  await setPasswordWithLink(handle.db, link.split('/').pop()!, PASSWORD);
  const { token } = await signIn(handle.db, config.hashKey, { email: 'bench@ops.example', password: PASSWORD, client: 'bench' });
  const page = async (path: string) => {
    const res = await app.request(path, { headers: { cookie: `__Host-mailprefs_console=${token}` } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    await res.text();
  };
  console.log(
    `  load average before timing ${dialect}: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const today = new Date().toISOString().slice(0, 10);
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const target = Math.floor(RECIPIENTS * 0.654321);
  const results = [
    await timeIt('baseline: GET /healthz', async () => (await app.request('/healthz')).text()),
    await timeIt('overview data, 30 days, all categories', () => loadOverview(handle.db, { from: daysAgo(29), to: today })),
    // What the overview read before it asked the database to sum: every counter row of the year.
    await timeIt('365 days of counters read row by row (before)', () => readDailyCounters(handle.db, { from: daysAgo(364), to: today })),
    await timeIt('overview data, 365 days, all categories', () => loadOverview(handle.db, { from: daysAgo(364), to: today })),
    await timeIt('overview data, 90 days, one category', () => loadOverview(handle.db, { from: daysAgo(89), to: today, category: 'newsletter' })),
    await timeIt('GET /admin (30 days, whole page)', () => page('/admin')),
    await timeIt('GET /admin?days=365 (whole page)', () => page('/admin?days=365')),
    await timeIt('search: exact address', () => searchRecipients(handle.db, `user${target}@example.com`)),
    await timeIt('search: address prefix (25 of ~11k)', () => searchRecipients(handle.db, `user${String(target).slice(0, 3)}`)),
    await timeIt('search: external id', () => searchRecipients(handle.db, `crm-${target}`)),
    await timeIt('GET /admin/recipients?q=… (whole page)', () => page(`/admin/recipients?q=user${target}`)),
  ];
  const base = results[0]!.median;
  console.log(
    `  load average after ${dialect}: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const r of results) {
    console.log(
      `  ${dialect.padEnd(8)} ${r.label.padEnd(46)} median ${r.median.toFixed(2).padStart(8)} ms   p95 ${r.p95.toFixed(2).padStart(8)} ms   ×baseline ${(r.median / base).toFixed(1).padStart(6)}   (n=${r.n})`,
    );
  }
  await handle.close();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-console-bench-'));
  if (DIALECTS.includes('sqlite')) await benchDialect('sqlite', `file:${dir}/bench.db`);
  if (DIALECTS.includes('postgres')) {
    let pgUrl = '';
    const stop = await setupPostgres({
      provide: (_key: string, value: string) => {
        pgUrl = value;
      },
    } as unknown as TestProject);
    try {
      await benchDialect('postgres', pgUrl);
    } finally {
      stop?.();
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

await main();
