// `npm run bench:integrations`: issue 12's figures, each beside a floor measured in the same run.
// Import rows/s over HTTP on SQLite (1,000,000 rows: the server's memory at 100,000 and at the end) and
// PostgreSQL, beside raw better-sqlite3 / pg writing the same rows; webhook deliveries/s and the time
// from a change to the receiver's 2xx (webhooks.ts). Not a test; several minutes; every phase bounded.
// BENCH_IMPORT_ROWS, BENCH_IMPORT_PG_ROWS, BENCH_ONLY=sqlite|postgres|webhooks narrow it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/domain/access/api-keys.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { startPostgresCluster } from '../support/postgres-cluster.js';
import { type ImportRun, importOverHttp, type RawRun, rawPgImport, rawSqliteImport } from './import.js';
import { summarizeProfile } from './profile-summary.js';
import { benchWebhooks } from './webhooks.js';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const PG_ROWS = Number(process.env.BENCH_IMPORT_PG_ROWS ?? 100_000);
/** The floor writes this many rows (the first of the service's), so both start on an empty database. */
const FLOOR_ROWS = Math.min(ROWS, 100_000);
const ONLY = process.env.BENCH_ONLY;
/** A directory: the SQLite import's server is CPU-profiled and a summary printed (profile-summary.ts). */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

const children: ChildProcess[] = [];

async function startServer(databaseUrl: string, profile?: string): Promise<{ port: number; pid: number }> {
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  const args = ['--import', 'tsx', script, 'app', databaseUrl, ...(profile ? [profile] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const timer = setTimeout(() => child.kill(), 120_000);
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening (\d+)$/.exec(line);
    if (match) {
      clearTimeout(timer);
      return { port: Number(match[1]), pid: child.pid! };
    }
  }
  throw new Error('the app server did not start');
}

async function stopAndSummarize(profile: string) {
  const child = children.pop()!;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
  console.log(summarizeProfile(profile, 30));
}

async function prepare(url: string, withKey: boolean) {
  const handle = openDatabase(url);
  await migrateToLatest(handle.db);
  const news = await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing' });
  const tips = await createCategory(handle.db, { key: 'tips', name: 'Tips', kind: 'marketing' });
  const key = withKey ? (await createApiKey(handle.db, 'bench', ['recipients:write'])).key : '';
  await handle.close();
  return { categories: { news: news.id, tips: tips.id }, key };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const mb = (n: number) => `${n.toFixed(0)} MB`;

function report(label: string, run: ImportRun, floor: RawRun) {
  const first = run.memory.find((m) => m.atRows === FLOOR_ROWS);
  console.log(`  ${label}: ${fmt(run.rows)} rows in ${run.seconds.toFixed(1)} s = ${fmt(run.rows / run.seconds)} rows/s wall`);
  console.log(`    server CPU ${run.serverCpuSeconds.toFixed(1)} s = ${fmt(run.rows / run.serverCpuSeconds)} rows per server CPU-second`);
  if (first?.seconds) console.log(`    first ${fmt(FLOOR_ROWS)} rows: ${fmt(FLOOR_ROWS / first.seconds)} rows/s wall`);
  console.log(
    `    floor (raw driver, same ${fmt(floor.rows)} rows, no checks): ${fmt(floor.rows / floor.seconds)} rows/s wall, ${fmt(floor.rows / floor.cpuSeconds)} rows per client CPU-second`,
  );
  if (first?.seconds) console.log(`    ratio over the first ${fmt(FLOOR_ROWS)}: ${(floor.seconds / first.seconds).toFixed(2)}×`);
  for (const m of run.memory) {
    console.log(
      `    server memory at ${fmt(m.atRows)} rows: RSS ${mb(m.stat.rssMb)} (anonymous ${mb(m.stat.anonMb)}), peak RSS so far ${mb(m.stat.peakRssMb)}`,
    );
  }
  console.log(`    summary ${JSON.stringify(run.summary)}`);
}

async function sqlite(dir: string) {
  console.log(`import on SQLite: ${fmt(ROWS)} rows over HTTP…`);
  const url = `file:${join(dir, 'svc.db')}`;
  const { key } = await prepare(url, true);
  const profile = PROFILE_DIR ? join(PROFILE_DIR, 'import-sqlite.cpuprofile') : undefined;
  const server = await startServer(url, profile);
  const run = await importOverHttp(server.port, key, server.pid, ROWS, 0, [FLOOR_ROWS]);
  if (profile) await stopAndSummarize(profile);
  const again = profile ? await startServer(url) : server;
  const rerun = await importOverHttp(again.port, key, again.pid, FLOOR_ROWS, 0, []);
  const floorUrl = `file:${join(dir, 'floor.db')}`;
  const floor = rawSqliteImport(floorUrl.slice(5), (await prepare(floorUrl, false)).categories, FLOOR_ROWS);
  report('SQLite', run, floor);
  console.log(`    re-run of the first ${fmt(FLOOR_ROWS)} (all unchanged): ${fmt(rerun.rows / rerun.seconds)} rows/s wall, ${JSON.stringify(rerun.summary)}`);
}

async function postgres() {
  console.log(`import on PostgreSQL: ${fmt(PG_ROWS)} rows over HTTP…`);
  const cluster = await startPostgresCluster();
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('create database svc');
    await admin.query('create database floor');
    await admin.end();
    const svc = cluster.url.replace(/\/postgres$/, '/svc');
    const floorUrl = cluster.url.replace(/\/postgres$/, '/floor');
    const { key } = await prepare(svc, true);
    const server = await startServer(svc);
    const run = await importOverHttp(server.port, key, server.pid, PG_ROWS, 0, [Math.min(FLOOR_ROWS, PG_ROWS)]);
    const floor = await rawPgImport(floorUrl, (await prepare(floorUrl, false)).categories, Math.min(FLOOR_ROWS, PG_ROWS));
    report('PostgreSQL', run, floor);
  } finally {
    for (const c of children.splice(0)) c.kill('SIGTERM');
    cluster.stop();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-bench-integrations-'));
  try {
    if (!ONLY || ONLY === 'sqlite') await sqlite(dir);
    for (const c of children.splice(0)) c.kill('SIGTERM');
    if (!ONLY || ONLY === 'postgres') await postgres();
    if (!ONLY || ONLY === 'webhooks') await benchWebhooks(join(dir, 'webhooks.db'));
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
