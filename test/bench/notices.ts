// Notices benchmark: `npx tsx test/bench/notices.ts` (also called from `npm run bench`).
// (a) per-recipient rendering of `newsletter`: our compile-once substitution beside mjml2html per recipient;
// (b) 1,000 marketing notices end to end (eligibility, render, record, batch calls through the real
//     Resend SDK to a fake Resend on 127.0.0.1), on a temp SQLite database. Bounded in time and count.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import mjml2html from 'mjml';
import { parseConfig } from '../../src/config.js';
import { newId } from '../../src/core/ids.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { linksFor } from '../../src/domain/links/email-links.js';
import { dispatchNotices } from '../../src/domain/notices/dispatch.js';
import { renderEmail } from '../../src/domain/notices/render.js';
import { createResendTransport } from '../../src/domain/notices/resend-transport.js';
import { TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import type { Transport } from '../../src/domain/notices/transport.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { startFakeResend } from '../support/fake-resend.js';
import { TEST_ENV } from '../support/harness.js';
import { concurrentNotices } from './concurrent-notices.js';

const config = parseConfig(TEST_ENV);
const data = { headline: 'What is new', intro: 'Three things shipped <this> month.\nMore soon.', ctaLabel: 'Read more', ctaUrl: 'https://example.com/news' };

/** Runs `fn` up to `max` times or until `budgetMs` is spent; answers ms per run. */
async function timePerRun(max: number, budgetMs: number, fn: (i: number) => unknown): Promise<{ perRun: number; runs: number }> {
  const start = performance.now();
  let runs = 0;
  while (runs < max && performance.now() - start < budgetMs) await fn(runs++);
  return { perRun: (performance.now() - start) / runs, runs };
}

export async function renderBench() {
  const store = createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: config.publicUrl, watch: false });
  const template = await store.get('newsletter');
  const category = { id: newId(), kind: 'marketing' as const };
  const ids = Array.from({ length: 5000 }, () => newId());
  const links = ids.map((id) => linksFor(config, id, category));
  // The same MJML our store compiles, substituted per recipient before compiling: the naive way.
  const read = (f: string) => readFileSync(join(TEMPLATES_DIR, f), 'utf8');
  const source = read('layout.mjml').replace('{{> content}}', read('newsletter.mjml')).replace('{{> footer}}', read('footer-marketing.mjml'));
  const naive = async (i: number) => {
    const l = links[i % links.length]!;
    const values: Record<string, string> = {
      ...data,
      'mp.orgName': config.orgName,
      'mp.orgPostalAddress': config.orgPostalAddress,
      'mp.categoryName': 'News',
      'mp.subject': data.headline,
      'mp.unsubscribeUrl': l.unsubscribeUrl!,
      'mp.preferencesUrl': l.preferencesUrl,
    };
    const mjml = source.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, k: string) => (values[k] ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
    return mjml2html(mjml, { validationLevel: 'skip' });
  };
  await naive(0); // warm-up
  const mjml = await timePerRun(200, 8000, naive);
  for (let i = 0; i < 2000; i++) renderEmail(template, data, { config, categoryName: 'News', links: links[i % links.length]! });
  const ours = await timePerRun(50_000, 3000, (i) => renderEmail(template, data, { config, categoryName: 'News', links: links[i % links.length]! }));
  // Signed as a notice's links are: traced to the notice (and here a broadcast) they go into.
  const broadcastId = newId();
  const noticeIds = ids.map(() => newId());
  const withLinks = await timePerRun(50_000, 3000, (i) =>
    renderEmail(template, data, {
      config,
      categoryName: 'News',
      links: linksFor(config, ids[i % ids.length]!, category, { noticeId: noticeIds[i % ids.length]!, broadcastId }),
    }),
  );
  return { mjml, ours, withLinks };
}

async function endToEndBench(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-bench-'));
  const fake = await startFakeResend();
  const handle = openDatabase(`file:${join(dir, 'bench.db')}`);
  try {
    await migrateToLatest(handle.db);
    const category = await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing', consent: 'opt_out' });
    const emails = Array.from({ length: count }, (_, i) => `reader${i}@example.com`);
    for (const email of emails) await upsertRecipient(handle.db, config.hashKey, { email }, { source: 'import', actor: 'bench' });
    const resend = createResendTransport({ apiKey: 're_test_key', baseUrl: fake.url, maxRequestsPerSecond: 1000 });
    let inProvider = 0;
    const transport: Transport = {
      name: 'resend',
      send: async (call) => {
        const t = performance.now();
        try {
          return await resend.send(call);
        } finally {
          inProvider += performance.now() - t;
        }
      },
    };
    const templates = createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: config.publicUrl, watch: false });
    const template = await templates.get('newsletter');
    const started = performance.now();
    const results = await dispatchNotices(
      { db: handle.db, config, runtime: { templates, transport }, actor: 'bench' },
      category,
      template,
      emails.map((email) => ({ email, data })),
    );
    const total = performance.now() - started;
    return {
      total,
      inProvider,
      fakeBusy: fake.busyMs(),
      calls: fake.calls.length,
      sizes: fake.calls.map((c) => c.emails.length),
      sent: results.filter((r) => r.status === 'sent').length,
    };
  } finally {
    await handle.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log('notices: rendering `newsletter` per recipient');
  const r = await renderBench();
  console.log(`  mjml2html per recipient:       ${(r.mjml.perRun * 1000).toFixed(0)} µs (${r.mjml.runs} runs)`);
  console.log(
    `  compiled once, substituted:    ${(r.ours.perRun * 1000).toFixed(1)} µs (${r.ours.runs} runs) → ${(r.mjml.perRun / r.ours.perRun).toFixed(0)}× faster`,
  );
  console.log(`  … including signing its links: ${(r.withLinks.perRun * 1000).toFixed(1)} µs → ${(r.mjml.perRun / r.withLinks.perRun).toFixed(0)}× faster`);

  const count = 1000;
  console.log(`notices: ${count} marketing notices end to end (SQLite, real Resend SDK → fake Resend on 127.0.0.1, pacing off)`);
  const e = await endToEndBench(count);
  console.log(`  ${e.sent} sent in ${e.total.toFixed(0)} ms over ${e.calls} batch calls of ${[...new Set(e.sizes)].join('/')} emails`);
  console.log(`  waiting on the provider calls: ${e.inProvider.toFixed(0)} ms (the fake itself busy ${e.fakeBusy.toFixed(0)} ms)`);
  console.log(
    `  outside the fake (eligibility, render, records, SDK): ${(e.total - e.fakeBusy).toFixed(0)} ms = ${((1 - e.fakeBusy / e.total) * 100).toFixed(0)}% of the time`,
  );
  console.log(`  at Resend's default 2 requests/s the ${e.calls} calls alone take at least ${((e.calls - 1) / 2).toFixed(1)} s`);

  const sizes = (process.env.BENCH_NOTICE_CALLERS ?? '40,1000').split(',').map(Number);
  console.log(`notices: ${sizes.join(' and ')} concurrent single POST /v1/notices (receipts), app in its own process, RESEND_MAX_RPS=2`);
  for (const c of await concurrentNotices(sizes, 2)) {
    const rate = c.sent / c.seconds;
    console.log(
      `  ${String(c.callers).padStart(5)} callers: ${c.sent} sent in ${c.seconds.toFixed(2)} s over ${c.calls} calls = ${rate.toFixed(0)} emails/s   baseline provider ceiling ${c.ceiling} emails/s   ratio ${(rate / c.ceiling).toFixed(2)}× (target ≥ 0.8× at 1,000)`,
    );
    // Below 1000 / ceiling ms a notice, the provider's pace, not the app, sets the figure above.
    console.log(
      `        the app's CPU: ${((c.serverCpuSeconds * 1000) / c.callers).toFixed(2)} ms per notice (the provider's pace allows ${(1000 / c.ceiling).toFixed(1)} ms)`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
