import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhooks, RETRY_WINDOW_MS } from '../../src/domain/webhooks/deliver.js';
import { purgeOldWebhookDeliveries } from '../../src/domain/webhooks/retention.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createTelemetry } from '../../src/observability/telemetry.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

describe.each(testDialects())('webhook delivery on %s', (dialect) => {
  let h: Harness;
  let rx: Receiver;
  let endpoint: { id: string; secret: string };
  // The clock runs, and tests move it forward past backoffs and the retry window.
  let offset: number;
  const now = () => Date.now() + offset;
  const run = (timeoutMs = 2000) => deliverWebhooks(h.handle.db, { timeoutMs, allowPrivate: true, now: () => new Date(now()) });
  const put = (email: string, subscriptions: Record<string, string>) => h.request('PUT', '/v1/recipients', { body: { email, subscriptions } });
  const deliveries = async () => (await (await h.request('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).json()).data;

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    rx?.close();
    rx = await startReceiver();
    offset = 0;
    if (endpoint) await h.request('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    endpoint = await (await h.request('POST', '/v1/webhook-endpoints', { body: { url: rx.url } })).json();
  });

  it('signs per Standard Webhooks, with the ledger seq as id, category, source and the current address', async () => {
    const res = await put('ada@example.com', { news: 'subscribed' });
    const ada = await res.json();
    expect(await run()).toMatchObject({ delivered: 1, failed: 0 });
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    const verified = new Webhook(endpoint.secret).verify(got.body, got.headers as Record<string, string>) as Received;
    expect(verified).toMatchObject({
      type: 'consent.changed',
      data: { recipientId: ada.id, email: 'ada@example.com', category: 'news', change: 'subscribed', status: 'subscribed', source: 'api' },
    });
    // The id is the ledger seq: a consumer can resume GET /v1/events from it.
    expect(got.headers['webhook-id']).toBe(got.json.id);
    const page = await (await h.request('GET', `/v1/events?after=${Number(got.json.id) - 1}&limit=1`)).json();
    expect(page.data[0]).toMatchObject({ type: 'subscribed', recipientId: ada.id, category: 'news' });
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another secret of 32 bytes.....').toString('base64')}`).verify(got.body, got.headers as Record<string, string>),
    ).toThrow();
    const [d] = await deliveries();
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 204, eventId: got.json.id, type: 'consent.changed' });
    expect(d.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports the time from the change to the 2xx as a histogram for /metrics', async () => {
    const metrics = createMetrics();
    await put('hi@example.com', { news: 'subscribed' });
    const counts = await deliverWebhooks(h.handle.db, { timeoutMs: 2000, allowPrivate: true, telemetry: createTelemetry(silentLogger(), metrics) });
    expect(counts.delivered).toBe(1);
    const text = await metrics.registry.getSingleMetricAsString('mailprefs_webhook_delivery_latency_seconds');
    expect(text).toMatch(/mailprefs_webhook_delivery_latency_seconds_count\{type="consent.changed"\} 1$/m);
  });

  it('purges settled deliveries after the retention period and keeps pending ones', async () => {
    rx.respond = (_r, i) => (i === 0 ? 204 : 500);
    await put('re1@example.com', { news: 'subscribed' });
    await put('re2@example.com', { news: 'subscribed' });
    await run();
    expect((await deliveries()).map((d: { status: string }) => d.status)).toEqual(['pending', 'delivered']);
    expect(await purgeOldWebhookDeliveries(h.handle.db, 90, new Date())).toBe(0);
    expect(await purgeOldWebhookDeliveries(h.handle.db, 90, new Date(Date.now() + 91 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect((await deliveries()).map((d: { status: string }) => d.status)).toEqual(['pending']);
  });

  it('retries after a 500 with backoff, holding later events back so the order stays', async () => {
    rx.respond = (_r, i) => (i === 0 ? 500 : 200);
    await put('bo@example.com', { news: 'subscribed' });
    await h.request('PATCH', '/v1/recipients/bo@example.com', { body: { subscriptions: { news: 'unsubscribed' } } });
    expect(await run()).toMatchObject({ delivered: 0, failed: 1 });
    expect(rx.received).toHaveLength(1);
    expect(await run()).toMatchObject({ delivered: 0, failed: 0 });
    const [, first] = await deliveries();
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    expect(Date.parse(first.nextAttemptAt) - Date.parse(first.lastAttemptAt)).toBe(30_000);
    offset += 30_000;
    expect(await run()).toMatchObject({ delivered: 2 });
    const ids = rx.received.map((r) => r.json.id);
    expect(ids[0]).toBe(ids[1]);
    expect(Number(ids[2])).toBe(Number(ids[1]) + 1);
    expect(rx.received.map((r) => r.json.data.change)).toEqual(['subscribed', 'subscribed', 'unsubscribed']);
  });

  it('counts a timeout as a failure and delivers on the next attempt', async () => {
    rx.respond = (_r, i) => (i === 0 ? 'hang' : 204);
    await put('cy@example.com', { news: 'subscribed' });
    expect(await run(300)).toMatchObject({ failed: 1 });
    expect((await deliveries())[0]).toMatchObject({ status: 'pending', lastError: 'timeout', lastStatus: null });
    offset += 30_000;
    expect(await run(300)).toMatchObject({ delivered: 1 });
  });

  it('disables an endpoint that failed throughout the retry window, and resumes when enabled again', async () => {
    rx.respond = () => 503;
    await put('di@example.com', { news: 'subscribed' });
    const start = now();
    let rounds = 0;
    while (now() - start <= RETRY_WINDOW_MS + 86_400_000 && rounds < 100) {
      await run();
      const [d] = await deliveries();
      if (d.status !== 'pending') break;
      offset += Date.parse(d.nextAttemptAt) - now() + 1;
      rounds++;
    }
    await run();
    const view = await (await h.request('GET', `/v1/webhook-endpoints/${endpoint.id}`)).json();
    expect(view).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const [d] = await deliveries();
    expect(d.status).toBe('failed');
    expect(d.attempts).toBeGreaterThan(8);
    expect(d.attempts).toBeLessThan(30);
    const attempts = rx.received.length;
    await put('di2@example.com', { news: 'subscribed' });
    expect(await run()).toMatchObject({ delivered: 0, failed: 0 });
    expect(rx.received).toHaveLength(attempts);

    rx.respond = () => 200;
    await h.request('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { body: { enabled: true } });
    await put('di3@example.com', { news: 'subscribed' });
    expect(await run()).toMatchObject({ delivered: 1 });
    const retried = await h.request('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${d.id}/retry`);
    expect(retried.status).toBe(202);
    expect((await retried.json()).status).toBe('pending');
    expect(await run()).toMatchObject({ delivered: 1 });
    expect(rx.received.at(-1)!.json.data.email).toBe('di@example.com');
  });

  it('announces suppressions, erasure without the address, and drops the address from a queued event', async () => {
    const res = await put('er@example.com', { news: 'subscribed' });
    const er = await res.json();
    await h.request('POST', '/v1/suppressions', { body: { email: 'zz@example.com', reason: 'manual' } });
    await h.request('DELETE', '/v1/suppressions/zz@example.com');
    await h.request('DELETE', `/v1/recipients/${er.id}`);
    expect(await run()).toMatchObject({ delivered: 4 });
    const [changed, created, deleted, erased] = rx.received.map((r) => r.json);
    expect(changed).toMatchObject({ type: 'consent.changed', data: { recipientId: er.id, email: null, externalId: null } });
    expect(created).toMatchObject({ type: 'suppression.created', data: { email: 'zz@example.com', reason: 'manual', source: 'api' } });
    expect(deleted).toMatchObject({ type: 'suppression.deleted', data: { email: 'zz@example.com', reason: 'manual' } });
    expect(erased!.type).toBe('recipient.erased');
    expect(erased!.data).toEqual({ recipientId: er.id, emailHash: expect.stringMatching(/^[0-9a-f]{64}$/), at: expect.any(String) });
    expect(rx.received.map((r) => r.body).join('')).not.toContain('er@example.com');
  });

  it('announces a notice sent, with its category and template but no address', async () => {
    await h.request('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { body: { events: ['notice.sent', 'notice.failed'] } });
    await put('no@example.com', { news: 'subscribed' });
    const data = { headline: 'Hi', intro: 'Text', ctaLabel: 'Read', ctaUrl: 'https://example.com/' };
    const sent = await (await h.request('POST', '/v1/notices', { body: { to: 'no@example.com', category: 'news', template: 'newsletter', data } })).json();
    expect(sent.status).toBe('sent');
    expect(await run()).toMatchObject({ delivered: 1 });
    expect(rx.received[0]!.json).toMatchObject({ type: 'notice.sent', data: { noticeId: sent.id, category: 'news', template: 'newsletter' } });
    expect(rx.received[0]!.body).not.toContain('no@example.com');
  });

  it('sends only the event types an endpoint asked for', async () => {
    await h.request('PATCH', `/v1/webhook-endpoints/${endpoint.id}`, { body: { events: ['suppression.created'] } });
    await put('fi@example.com', { news: 'subscribed' });
    await h.request('POST', '/v1/suppressions', { body: { email: 'fi@example.com', reason: 'complaint' } });
    expect(await run()).toMatchObject({ delivered: 1 });
    expect(rx.received.map((r) => r.json.type)).toEqual(['suppression.created']);
  });
});

type Received = { type: string; data: Record<string, unknown> };
