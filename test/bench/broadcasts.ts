// Broadcasts benchmark: `node --expose-gc --import tsx test/bench/broadcasts.ts [COUNT] [DATABASE_URL]`. A policy-update
// broadcast to COUNT recipients (default 10,000), walked in pages of 500 through the real Resend SDK to a
// fake Resend on 127.0.0.1 (pacing off), on a temp SQLite database or the PostgreSQL database given
// (which it fills and leaves: give it an empty one). Then a marketing broadcast to an opt-in category
// where one recipient in ten subscribed. Reports the time per page and the peak heap, which must stay
// flat however many recipients there are (pages, not everyone, are in memory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config.js';
import { newId, nowIso } from '../../src/core/ids.js';
import { findBroadcast } from '../../src/db/broadcasts.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createBroadcast } from '../../src/domain/broadcasts/broadcasts.js';
import { walkBroadcast } from '../../src/domain/broadcasts/walk-broadcast.js';
import { createResendTransport } from '../../src/domain/notices/resend-transport.js';
import { TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { POLICY } from '../support/broadcast-audience.js';
import { startFakeResend } from '../support/fake-resend.js';
import { TEST_ENV } from '../support/harness.js';
import { NEWSLETTER } from '../support/notices-fixture.js';

const count = Math.min(200_000, Number(process.argv[2] ?? 10_000));
const dir = mkdtempSync(join(tmpdir(), 'mailprefs-bench-'));
const url = process.argv[3] ?? `file:${join(dir, 'bench.db')}`;
const config = parseConfig({ ...TEST_ENV, DATABASE_URL: url });
const handle = openDatabase(url);
const fake = await startFakeResend();
try {
  await migrateToLatest(handle.db);
  const news = await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing' });
  await createCategory(handle.db, { key: 'policy', name: 'Policy changes', kind: 'transactional' });
  // Seeded in bulk rows (the consent ledger is beside the point here).
  const at = nowIso();
  for (let i = 0; i < count; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({
      id: newId(),
      email: `r${i + j}@example.com`,
      email_normalized: `r${i + j}@example.com`,
      external_id: null,
      locale: null,
      marketing_opt_out: 0,
      created_at: at,
      updated_at: at,
    }));
    await handle.db.insertInto('recipients').values(rows).execute();
    const subscribed = rows
      .filter((_, j) => (i + j) % 10 === 0)
      .map((r) => ({ recipient_id: r.id, category_id: news.id, status: 'subscribed' as const, source: 'import' as const, updated_at: at }));
    await handle.db.insertInto('subscriptions').values(subscribed).execute();
  }
  const runtime = {
    templates: createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: config.publicUrl, watch: false }),
    transport: createResendTransport({ apiKey: 're_test_key', baseUrl: fake.url, maxRequestsPerSecond: 1000 }),
  };
  const ctx = { db: handle.db, config, runtime, actor: 'bench' };
  const kinds = [
    ['policy', 'policy-update', POLICY],
    ['news', 'newsletter', NEWSLETTER],
  ] as const;
  // BENCH_BROADCAST_ONLY=policy: only the broadcast to everyone (the memory figure of docs/performance.md).
  for (const [category, template, data] of kinds.filter(([k]) => !process.env.BENCH_BROADCAST_ONLY || k === process.env.BENCH_BROADCAST_ONLY)) {
    const { broadcast } = await createBroadcast(ctx, { category, template, data });
    let peakHeap = 0;
    let peakRss = 0;
    let calls = 0;
    // The fake keeps every email it is sent; dropped here so the heap measured is the walker's.
    const sampler = setInterval(() => {
      calls += fake.calls.splice(0).length;
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
    }, 20);
    const started = performance.now();
    const outcome = await walkBroadcast(ctx, broadcast.id);
    const ms = performance.now() - started;
    clearInterval(sampler);
    calls += fake.calls.splice(0).length;
    // With --expose-gc: what is still held once the walk is over (a leak would grow with COUNT).
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const retained = process.memoryUsage().heapUsed;
    const row = (await findBroadcast(handle.db, broadcast.id))!;
    const pages = Math.ceil(count / 500);
    console.log(
      `${handle.dialect}: ${category} broadcast to ${count} recipients: ${outcome}, ${row.sent} sent, ${row.skipped} skipped in ${(ms / 1000).toFixed(1)} s`,
    );
    console.log(
      `  ${pages} pages: ${(ms / pages).toFixed(0)} ms a page, ${(row.sent / (ms / 1000)).toFixed(0)} emails/s; ${calls} provider calls; peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MB, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB${gc ? `, ${(retained / 2 ** 20).toFixed(0)} MB after GC` : ''}`,
    );
  }
  console.log(`  at Resend's default 2 requests/s, 100 emails a call: at most 200 emails/s whatever the database does`);
} finally {
  await handle.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
}
