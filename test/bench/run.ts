// `npm run bench`: each figure beside a baseline measured in the same run, and their ratio.
// Not a test: nothing here asserts a time. Every phase is bounded in time; the whole run takes ~1–2 min.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseSigningKeys } from '../../src/config.js';
import { ELIGIBILITY_CHUNK } from '../../src/domain/eligibility/check-eligibility.js';
import { signToken } from '../../src/domain/links/tokens.js';
import { type Measured, ndjsonOverHttp, ndjsonStreamed, rawLookup, sampleRss } from './bulk.js';
import { load } from './load.js';
import { rawPgLookup, rawPgSingle, seedPostgres } from './postgres.js';
import { addressOf, BENCH_ENV, benchId, seedDatabase } from './seed.js';

const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 1_000_000);
const CONNECTIONS = 64;
const LOAD_SECONDS = 3;
const ROUNDS = 2;
const CLICK_CONNECTIONS = 16;
// The 10M-line stream stops writing after this long (the machine decides how far it gets).
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);

const children: ChildProcess[] = [];
const pids = new Map<number, number>();

async function startServer(mode: 'app' | 'bare' | 'bare-write', databaseUrl: string): Promise<number> {
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, mode, databaseUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  child.on('exit', (code, signal) => code !== 0 && signal !== 'SIGTERM' && console.error(`the ${mode} server exited (${code ?? signal})`));
  const timer = setTimeout(() => child.kill(), 120_000); // tsx compiles at start: slow on a loaded machine
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^listening (\d+)$/.exec(line);
    if (match) {
      clearTimeout(timer);
      pids.set(Number(match[1]), child.pid!);
      return Number(match[1]);
    }
  }
  throw new Error(`the ${mode} server did not start`);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const rate = (m: Measured) => m.count / m.seconds;
const best = (a: Measured | undefined, b: Measured) => (a && a.seconds <= b.seconds ? a : b);
function row(label: string, value: number, unit: string, baseline: number, target?: number) {
  const ratio = `${(value / baseline).toFixed(2)}×${target ? ` (target ≥ ${target}×)` : ''}`;
  console.log(`  ${label.padEnd(44)} ${fmt(value).padStart(10)} ${unit}   baseline ${fmt(baseline).padStart(10)} ${unit}   ratio ${ratio}`);
}

async function main() {
  console.log(`seeding ${fmt(RECIPIENTS)} recipients into a SQLite file…`);
  const t = performance.now();
  const seeded = await seedDatabase(RECIPIENTS);
  console.log(`  seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const path = seeded.url.replace(/^file:/, '');
  try {
    // (a) Best of ROUNDS for each side, alternating, so both see the same (shared, noisy) machine.
    console.log('(a) bulk: raw lookups and NDJSON over HTTP…');
    const appPort = await startServer('app', seeded.url);
    let inList: Measured | undefined;
    let jsonEach: Measured | undefined;
    let http: Measured | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      inList = best(inList, rawLookup(path, seeded.categoryId, seeded.emails, 'in-list'));
      jsonEach = best(jsonEach, rawLookup(path, seeded.categoryId, seeded.emails, 'json_each'));
      const h = await ndjsonOverHttp(appPort, seeded.key, 'news', seeded.emails, 120_000);
      if (h.count !== RECIPIENTS || h.eligible !== inList.eligible || jsonEach.eligible !== inList.eligible) {
        throw new Error(`NDJSON answered ${h.count} lines, ${h.eligible} eligible; raw found ${inList.eligible} eligible`);
      }
      http = best(http, h);
    }

    // Memory: the server's peak resident set while it answers 1M lines, then up to 10M (bounded in time).
    const memory: { lines: number; sent: number; seconds: number; peakRssMb: number; peakAnonMb: number }[] = [];
    for (const lines of [RECIPIENTS, 10 * RECIPIENTS]) {
      const stop = sampleRss(pids.get(appPort)!);
      const m = await ndjsonStreamed(appPort, seeded.key, 'news', seeded.emails, lines, MEMORY_SECONDS * 1000);
      memory.push({ lines: m.count, sent: m.sent, seconds: m.seconds, ...stop() });
    }

    // (b) The same requests against a bare Hono handler and mailprefs, each in its own process.
    console.log(`(b) single GET, ${CONNECTIONS} keep-alive connections, ${LOAD_SECONDS} s each…`);
    const requests = Array.from(
      { length: 1000 },
      (_, i) =>
        `GET /v1/eligibility?email=${encodeURIComponent(seeded.emails[(i * 7919) % RECIPIENTS]!)}&category=news HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${seeded.key}\r\n\r\n`,
    );
    const barePort = await startServer('bare', seeded.url);
    const rates = { bare: 0, app: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, port] of [
        ['bare', barePort],
        ['app', appPort],
      ] as const) {
        await load(port, requests, CONNECTIONS, 0.5); // warm-up
        const result = await load(port, requests, CONNECTIONS, LOAD_SECONDS);
        if (result.failures > 0) throw new Error(`${result.failures} requests to ${name} did not answer 200`);
        rates[name] = Math.max(rates[name], result.requests / result.seconds);
      }
    }

    // (c) RFC 8058 one-click: each request unsubscribes a different subscribed recipient (a real change
    // and its ledger event), beside a bare Hono handler making one committed SQLite write per request.
    console.log(`(c) one-click POST /u/TOKEN, ${CLICK_CONNECTIONS} keep-alive connections, ${LOAD_SECONDS} s each…`);
    const keys = parseSigningKeys(BENCH_ENV.SIGNING_KEYS);
    const clicks = Array.from({ length: Math.floor(RECIPIENTS / 4) }, (_, k) => {
      const token = signToken(keys, { purpose: 'unsubscribe', subjectId: benchId(k * 4), categoryId: seeded.categoryId });
      return `POST /u/${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26\r\n\r\nList-Unsubscribe=One-Click`;
    });
    const bareWritePort = await startServer('bare-write', `file:${join(seeded.dir, 'bare-write.db')}`);
    const clickRates = { bare: 0, app: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, port] of [
        ['bare', bareWritePort],
        ['app', appPort],
      ] as const) {
        const result = await load(port, clicks, CLICK_CONNECTIONS, LOAD_SECONDS);
        if (result.failures > 0) throw new Error(`${result.failures} one-click requests to ${name} did not answer 200`);
        clickRates[name] = Math.max(clickRates[name], result.requests / result.seconds);
      }
    }

    console.log(`\nmailprefs benchmark: ${fmt(RECIPIENTS)} recipients in SQLite, best of ${ROUNDS}, ${new Date().toISOString()}`);
    console.log(`(a) bulk eligibility, chunks of ${ELIGIBILITY_CHUNK} (target also ≥ 300,000 addr/s)`);
    row('NDJSON over HTTP vs raw IN-list lookup', rate(http!), 'addr/s', rate(inList!), 0.5);
    row('NDJSON over HTTP vs raw json_each lookup', rate(http!), 'addr/s', rate(jsonEach!));
    for (const m of memory) {
      console.log(
        `  memory: ${fmt(m.lines)} NDJSON lines answered (${fmt(m.sent)} sent) in ${m.seconds.toFixed(1)} s: server peak RSS ${m.peakRssMb.toFixed(0)} MB, of it anonymous (heap, buffers) ${m.peakAnonMb.toFixed(0)} MB; the rest is the SQLite file map`,
      );
    }
    console.log(`(b) single GET /v1/eligibility, ${CONNECTIONS} keep-alive connections`);
    row('mailprefs vs bare Hono handler', rates.app, 'req/s', rates.bare, 0.7);
    console.log(`(c) one-click POST /u/TOKEN, ${CLICK_CONNECTIONS} keep-alive connections (each a real unsubscribe)`);
    row('mailprefs vs bare Hono + one SQLite write', clickRates.app, 'req/s', clickRates.bare, 0.5);
  } finally {
    for (const child of children) child.kill();
    rmSync(seeded.dir, { recursive: true, force: true });
  }
}

// (d) PostgreSQL: the bulk and single figures on a throwaway cluster, beside raw `pg` in the same run.
async function postgresPart() {
  const n = Number(process.env.BENCH_PG_RECIPIENTS ?? RECIPIENTS);
  console.log(`\n(d) PostgreSQL: seeding ${fmt(n)} recipients into a throwaway cluster…`);
  const t = performance.now();
  const seeded = await seedPostgres(n);
  console.log(`  seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const emails = Array.from({ length: n }, (_, i) => addressOf(i));
  try {
    const port = await startServer('app', seeded.url);
    let any: Measured | undefined;
    let unnest: Measured | undefined;
    let http: Measured | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      any = best(any, await rawPgLookup(seeded.url, seeded.categoryId, emails, 'any'));
      unnest = best(unnest, await rawPgLookup(seeded.url, seeded.categoryId, emails, 'unnest'));
      const h = await ndjsonOverHttp(port, seeded.key, 'news', emails, 240_000);
      if (h.count !== n || h.eligible !== any.eligible || unnest.eligible !== any.eligible) {
        throw new Error(`PostgreSQL NDJSON answered ${h.count} lines, ${h.eligible} eligible; raw found ${any.eligible} eligible`);
      }
      http = best(http, h);
    }
    const requests = Array.from(
      { length: 1000 },
      (_, i) =>
        `GET /v1/eligibility?email=${encodeURIComponent(emails[(i * 7919) % n]!)}&category=news HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${seeded.key}\r\n\r\n`,
    );
    const rates = { raw: 0, app: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      rates.raw = Math.max(rates.raw, await rawPgSingle(seeded.url, seeded.categoryId, emails, CONNECTIONS, LOAD_SECONDS));
      await load(port, requests, CONNECTIONS, 0.5);
      const result = await load(port, requests, CONNECTIONS, LOAD_SECONDS);
      if (result.failures > 0) throw new Error(`${result.failures} PostgreSQL requests did not answer 200`);
      rates.app = Math.max(rates.app, result.requests / result.seconds);
    }
    console.log(`\nmailprefs on PostgreSQL: ${fmt(n)} recipients, best of ${ROUNDS}`);
    row('NDJSON over HTTP vs raw pg = ANY($1)', rate(http!), 'addr/s', rate(any!), 0.5);
    row('NDJSON over HTTP vs raw pg unnest($1) join', rate(http!), 'addr/s', rate(unnest!), 0.5);
    row('single GET vs raw pg single lookup (pool of 10)', rates.app, 'req/s', rates.raw, 0.5);
  } finally {
    for (const child of children.splice(0)) child.kill();
    seeded.stop();
  }
}

const watchdog = setTimeout(() => {
  console.error('benchmark exceeded 12 minutes; stopping');
  for (const child of children) child.kill();
  process.exit(1);
}, 12 * 60_000);
watchdog.unref();

// Eligibility first, then notices (render beside mjml2html; 1,000 notices end to end to a fake Resend).
main()
  .then(async () => {
    if (process.exitCode) return;
    if (process.env.BENCH_POSTGRES !== '0') await postgresPart();
    console.log('\nnotices benchmark…');
    const notices = await import('./notices.js');
    await notices.main();
    // The notices bench leaves database handles of its own behind; nothing else is running now.
    process.exit(0);
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
