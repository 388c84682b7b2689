// Webhook figures for integrations.ts, on a SQLite file with a receiver on 127.0.0.1 in this process:
// (1) deliveries/s draining a backlog (one endpoint, then four), beside plain node:http POSTs of the
// same bodies one at a time per endpoint (the order rule allows no more); (2) the time from a change to
// the receiver's 2xx with the server's own jobs (delivery woken by each commit, and its one-second
// timer), changes arriving at a steady rate.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { importRows } from '../../src/domain/imports/run-import.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { deliverWebhooks } from '../../src/domain/webhooks/deliver.js';
import { createWebhookEndpoint, removeWebhookEndpoint } from '../../src/domain/webhooks/endpoints.js';
import { csvImportRows } from '../../src/http/import-rows.js';
import { startJobs } from '../../src/jobs/run-jobs.js';
import { BENCH_ENV } from './seed.js';

const BACKLOG = Number(process.env.BENCH_WEBHOOK_BACKLOG ?? 2_000);
const STEADY_PER_SECOND = Number(process.env.BENCH_WEBHOOK_RATE ?? 50);
const STEADY_SECONDS = 10;

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

function receiver() {
  const latencies: number[] = [];
  let received = 0;
  let bodyBytes = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received++;
      bodyBytes = body.length;
      // `timestamp` is the change's time (the ledger event's `at`): arrival minus it is change → endpoint.
      const at = (JSON.parse(body) as { timestamp?: string }).timestamp;
      if (at) latencies.push(Date.now() - Date.parse(at));
      res.writeHead(204).end();
    });
  });
  return { server, latencies, count: () => received, bodyBytes: () => bodyBytes };
}

/** Plain POSTs, one in flight per endpoint: the floor of what any sender keeping per-endpoint order gets. */
async function rawPosts(port: number, bodies: number, endpoints: number, size: number): Promise<number> {
  const body = 'x'.repeat(Math.max(2, size - 2));
  const one = () =>
    new Promise<void>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/raw', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', done);
      });
      req.on('error', fail);
      req.end(JSON.stringify(body));
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: endpoints }, async () => {
      for (let i = 0; i < bodies; i++) await one();
    }),
  );
  return (bodies * endpoints) / ((performance.now() - started) / 1000);
}

export async function benchWebhooks(path: string): Promise<void> {
  console.log(`webhooks on SQLite: a backlog of ${fmt(BACKLOG)} changes, then ${STEADY_PER_SECOND} changes/s for ${STEADY_SECONDS} s…`);
  const handle = openDatabase(`file:${path}`);
  const { db } = handle;
  const rx = receiver();
  await new Promise<void>((done) => rx.server.listen(0, '127.0.0.1', done));
  const port = (rx.server.address() as AddressInfo).port;
  try {
    await migrateToLatest(db);
    await createCategory(db, { key: 'news', name: 'News', kind: 'marketing' });
    // Untimed: the first thousand POSTs of a process run node's HTTP code cold (a floor measured first
    // came out at a third of one measured after the service), and that would favour whichever ran second.
    await rawPosts(port, 1000, 1, 300);
    const opts = { timeoutMs: 10_000, allowPrivate: true, maxPerEndpoint: 100_000 };
    let from = 0;
    for (const endpoints of [1, 4]) {
      const ids = [];
      for (let e = 0; e < endpoints; e++) ids.push((await createWebhookEndpoint(db, { url: `http://127.0.0.1:${port}/hook/${e}` }, true)).id);
      const csv = ['email,subscription:news', ...Array.from({ length: BACKLOG }, (_, i) => `hook${from + i}@example.com,subscribed`)].join('\n');
      from += BACKLOG;
      const body = new Blob([csv]).stream() as ReadableStream<Uint8Array>;
      for await (const _ of importRows(db, csvImportRows(body), { hashKey: BENCH_ENV.HASH_KEY, actor: 'bench', dryRun: false })) void _;
      // The floor is measured before and after the service, which is compared with their mean: the
      // shared machine's load drifts within a run (node's HTTP code is warmed up first, below).
      const floorBefore = await rawPosts(port, BACKLOG, endpoints, rx.bodyBytes() || 300);
      const before = rx.count();
      const started = performance.now();
      while (rx.count() - before < BACKLOG * endpoints) {
        const counts = await deliverWebhooks(db, opts);
        if (counts.delivered === 0) break;
      }
      const delivered = rx.count() - before;
      const service = delivered / ((performance.now() - started) / 1000);
      const floorAfter = await rawPosts(port, BACKLOG, endpoints, rx.bodyBytes());
      const floor = (floorBefore + floorAfter) / 2;
      console.log(
        `  ${endpoints} endpoint(s): ${fmt(service)} deliveries/s (${fmt(delivered)} of ${fmt(BACKLOG * endpoints)})   floor: plain POSTs of ${rx.bodyBytes()} bytes, one in flight per endpoint, ${fmt(floor)}/s (${fmt(floorBefore)} before, ${fmt(floorAfter)} after)   ratio ${(service / floor).toFixed(2)}×`,
      );
      for (const id of ids) await removeWebhookEndpoint(db, id);
    }

    // Time to endpoint: the server's jobs (woken at each commit, else every second), single changes (as PUT /v1/recipients makes them) at a steady rate.
    await createWebhookEndpoint(db, { url: `http://127.0.0.1:${port}/hook/steady` }, true);
    rx.latencies.length = 0;
    const config = parseConfig({ ...BENCH_ENV, DATABASE_URL: `file:${path}`, WEBHOOK_ALLOW_PRIVATE: 'true' });
    const stop = startJobs(db, config, { firstDelayMs: 0 });
    const total = STEADY_PER_SECOND * STEADY_SECONDS;
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / STEADY_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      // Fifty people, each turning the category off, then on again, so every call is a change.
      const status = Math.floor(i / 50) % 2 === 0 ? 'unsubscribed' : 'subscribed';
      await upsertRecipient(db, BENCH_ENV.HASH_KEY, { email: `hook${i % 50}@example.com`, subscriptions: { news: status } }, { source: 'api', actor: 'bench' });
    }
    const deadline = performance.now() + 30_000;
    while (rx.latencies.length < total && performance.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    stop();
    const sorted = [...rx.latencies].sort((a, b) => a - b);
    console.log(
      `  time from change to the receiver, ${fmt(sorted.length)} of ${fmt(total)} changes (woken at commit, job every 1 s): p50 ${fmt(quantile(sorted, 0.5))} ms, p90 ${fmt(quantile(sorted, 0.9))} ms, p99 ${fmt(quantile(sorted, 0.99))} ms, max ${fmt(sorted.at(-1) ?? Number.NaN)} ms`,
    );
  } finally {
    rx.server.closeAllConnections();
    rx.server.close();
    await handle.close();
  }
}
