// GET /metrics (docs/operations.md "Metrics"): every series after traffic, the metrics:read scope, and the
// separate unauthenticated listener of METRICS_PORT.
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertBroadcast } from '../../src/db/broadcasts.js';
import { createMetricsListener } from '../../src/http/metrics.js';
import { testDialects } from '../support/harness.js';
import { NEWSLETTER, RECEIPT } from '../support/notices-fixture.js';
import { type Observed, observedHarness } from '../support/observed.js';
import { freePort } from '../support/postgres-cluster.js';

const SERIES = [
  'mailprefs_http_requests_total',
  'mailprefs_http_request_duration_seconds',
  'mailprefs_eligibility_decisions_total',
  'mailprefs_consent_changes_total',
  'mailprefs_notices_total',
  'mailprefs_provider_call_duration_seconds',
  'mailprefs_provider_errors_total',
  'mailprefs_notices_queued',
  'mailprefs_broadcasts_running',
  'mailprefs_ledger_head_sequence',
];

/** The value of one sample line, `name{labels} value`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(testDialects())('metrics on %s', (dialect) => {
  let o: Observed;
  let scraper: string;
  const scrape = async (key = scraper) => {
    const res = await o.h.request('GET', '/metrics', { key });
    expect(res.status).toBe(200);
    return res.text();
  };
  beforeAll(async () => {
    o = await observedHarness(dialect);
    scraper = await o.h.key('metrics:read');
  });
  afterAll(() => o.close());

  it('answers 401 without a valid key and 403 for a key without metrics:read; admin implies it', async () => {
    expect((await o.h.request('GET', '/metrics', { key: null })).status).toBe(401);
    expect((await o.h.request('GET', '/metrics', { key: `mp_0123456789abcdef_${'A'.repeat(43)}` })).status).toBe(401);
    const forbidden = await o.h.request('GET', '/metrics', { key: await o.h.key('eligibility:read', 'notices:send', 'privacy') });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toBe('application/problem+json');
    expect((await o.h.request('GET', '/metrics', { key: o.h.adminKey })).status).toBe(200);
    const res = await o.h.request('GET', '/metrics', { key: scraper });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('has every series after traffic, each counting what happened', async () => {
    const before = await scrape();
    const headBefore = sample(before, 'mailprefs_ledger_head_sequence')!;
    expect(headBefore).toBeGreaterThan(0); // the fixture's recipients
    const sender = await o.h.key('notices:send');
    const writer = await o.h.key('recipients:write');
    await o.h.request('PUT', '/v1/recipients', { key: writer, body: { email: 'metrics.one@example.test', subscriptions: { news: 'subscribed' } } });
    await o.h.request('PUT', '/v1/recipients', { key: writer, body: { email: 'metrics.one@example.test', subscriptions: { news: 'unsubscribed' } } });
    await o.h.request('POST', '/v1/eligibility', { key: o.h.adminKey, body: { category: 'news', emails: ['ada@example.com', 'bob@example.com', 'x'] } });
    expect(
      (await o.h.request('POST', '/v1/notices', { key: sender, body: { to: 'ada@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER } }))
        .status,
    ).toBe(202);
    expect(
      (await o.h.request('POST', '/v1/notices', { key: sender, body: { to: 'bob@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER } }))
        .status,
    ).toBe(200);
    o.fake.failNext(503);
    expect(
      (await o.h.request('POST', '/v1/notices', { key: sender, body: { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT } }))
        .status,
    ).toBe(202);
    o.fake.failNext(422);
    await o.h.request('POST', '/v1/notices', { key: sender, body: { to: 'cy@example.com', category: 'receipts', template: 'receipt', data: RECEIPT } });
    // A broadcast some instance is walking (nothing walks it here: no jobs run in tests).
    const now = new Date().toISOString();
    await insertBroadcast(o.h.handle.db, {
      id: '00000000-0000-4000-8000-0000000000b1',
      category_key: 'news',
      template: 'newsletter',
      data: JSON.stringify(NEWSLETTER),
      idempotency_key: null,
      request_hash: 'x',
      status: 'running',
      actor: 'system',
      cursor: null,
      last_recipient_id: null,
      total: 0,
      sent: 0,
      skipped: 0,
      failed: 0,
      lease_owner: null,
      lease_until: null,
      error: null,
      created_at: now,
      started_at: now,
      finished_at: null,
      updated_at: now,
    });

    const text = await scrape();
    for (const series of SERIES) expect(text, series).toContain(`# TYPE ${series} `);
    expect(text).toMatch(/^mailprefs_http_requests_total\{method="PUT",route="\/v1\/recipients",status="(200|201)"\} \d+$/m);
    expect(text).toMatch(/^mailprefs_http_request_duration_seconds_count\{method="POST",route="\/v1\/notices"\} 4$/m);
    expect(sample(text, 'mailprefs_eligibility_decisions_total{reason="invalid_email"}')).toBe(1);
    expect(sample(text, 'mailprefs_eligibility_decisions_total{reason="unsubscribed"}')).toBe(2); // the batch and the skipped notice
    expect(sample(text, 'mailprefs_consent_changes_total{type="unsubscribed",source="api"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'mailprefs_notices_total{status="sent"}')).toBe(1);
    expect(sample(text, 'mailprefs_notices_total{status="skipped"}')).toBe(1);
    expect(sample(text, 'mailprefs_notices_total{status="queued"}')).toBe(1);
    expect(sample(text, 'mailprefs_notices_total{status="failed"}')).toBe(1);
    expect(sample(text, 'mailprefs_provider_errors_total{provider="resend",outcome="retryable"}')).toBe(1);
    expect(sample(text, 'mailprefs_provider_errors_total{provider="resend",outcome="rejected"}')).toBe(1);
    expect(sample(text, 'mailprefs_provider_call_duration_seconds_count{provider="resend",outcome="ok"}')).toBe(1);
    expect(sample(text, 'mailprefs_notices_queued')).toBe(1);
    expect(sample(text, 'mailprefs_broadcasts_running')).toBe(1);
    expect(sample(text, 'mailprefs_ledger_head_sequence')).toBe(headBefore + 2);
    // Paths hold tokens and addresses: only patterns are labels.
    expect(text).not.toContain('@');
  });

  it('counts each ledger event once across scrapes', async () => {
    const first = sample(await scrape(), 'mailprefs_consent_changes_total{type="subscribed",source="api"}') ?? 0;
    expect(sample(await scrape(), 'mailprefs_consent_changes_total{type="subscribed",source="api"}') ?? 0).toBe(first);
    const writer = await o.h.key('recipients:write');
    await o.h.request('PUT', '/v1/recipients', { key: writer, body: { email: 'metrics.two@example.test', subscriptions: { news: 'subscribed' } } });
    const [a, b] = await Promise.all([scrape(), scrape()]);
    const after = Math.max(...[a, b].map((t) => sample(t, 'mailprefs_consent_changes_total{type="subscribed",source="api"}')!));
    expect(after).toBe(first + 1);
  });

  it('serves /metrics without a key, and nothing else, on the separate listener', async () => {
    const port = await freePort();
    const server = serve({ fetch: createMetricsListener(o.metrics, o.h.handle.db).fetch, port, hostname: '127.0.0.1' });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE mailprefs_ledger_head_sequence gauge');
      expect((await fetch(`http://127.0.0.1:${port}/v1/categories`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
