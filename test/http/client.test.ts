import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type MailprefsClient, MailprefsError } from '../../src/client/index.js';
import { deliverWebhooks } from '../../src/domain/webhooks/deliver.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { NEWSLETTER, RECEIPT } from '../support/notices-fixture.js';
import { type CheckedFetch, checkedFetch } from '../support/openapi-check.js';
import { startReceiver } from '../support/webhook-receiver.js';

// Every call goes through checkedFetch: each answer's status, content type and body are checked against
// GET /openapi.json, and the last test fails if any operation of the document was never driven to a 2xx.

describe.each(testDialects())('mailprefs/client against a live server on %s', (dialect) => {
  let h: Harness;
  let server: ServerType;
  let client: MailprefsClient;
  let checked: CheckedFetch;
  let baseUrl: string;

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((done) => server.once('listening', () => done()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    checked = checkedFetch(await (await fetch(`${baseUrl}/openapi.json`)).json());
    client = createClient({ baseUrl, apiKey: h.adminKey, fetch: checked.fetch });
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await h.close();
  });

  it('drives categories, recipients, events, stats, suppressions, links and the ledger head', async () => {
    const news = await client.categories.create({ key: 'news', name: 'News', kind: 'marketing' });
    expect(news.key).toBe('news');
    expect((await client.categories.update('news', { name: 'Weekly' })).name).toBe('Weekly');
    expect((await client.categories.list()).data).toHaveLength(1);
    const ann = await client.recipients.put({ email: 'ann@example.com', externalId: 'u-1', subscriptions: { news: 'subscribed' } });
    expect((await client.recipients.get('ext:u-1')).eligibility.news).toEqual({ eligible: true, reason: 'subscribed' });
    expect((await client.recipients.patch(ann.id, { locale: 'de' })).locale).toBe('de');
    expect((await client.recipients.list({ q: 'ann' })).data.map((r) => r.id)).toEqual([ann.id]);
    expect((await client.recipients.events(ann.id)).data).toHaveLength(1);
    expect((await client.events.list({ type: 'subscribed' })).data[0]!.recipientId).toBe(ann.id);
    // No change came through this (well-formed, unknown) notice: an empty page, not an error.
    expect(await client.events.list({ noticeId: '00000000-0000-7000-8000-000000000000' })).toEqual({ data: [], next: null });
    const today = new Date().toISOString().slice(0, 10);
    expect((await client.stats({ from: today, to: today })).days[0]!.subscribed).toBe(1);
    await client.suppressions.add({ email: 'x@example.com', reason: 'manual' });
    expect((await client.suppressions.list()).data).toHaveLength(1);
    await client.suppressions.lift('x@example.com');
    expect(await client.links({ recipient: ann.id, category: 'news' })).toHaveProperty('oneClickUrl');
    expect((await client.ledgerHead()).seq).toBeGreaterThan(0);
    expect(await client.recipients.export(ann.id)).toBeTypeOf('object');
    await client.recipients.erase(ann.id);
  });

  it('checks eligibility one, many and streamed as an async iterator', async () => {
    await client.recipients.put({ email: 'bo@example.com', subscriptions: { news: 'subscribed' } });
    expect(await client.eligibility.check('bo@example.com', 'news')).toMatchObject({ eligible: true });
    expect((await client.eligibility.checkMany('news', ['bo@example.com', 'zz@example.com'])).results.map((r) => r.reason)).toEqual([
      'subscribed',
      'unknown_recipient',
    ]);
    async function* addresses() {
      for (let i = 0; i < 50; i++) yield i === 7 ? 'bo@example.com' : `n${i}@example.com`;
    }
    const streamed = [];
    for await (const r of client.eligibility.stream('news', addresses())) streamed.push(r);
    expect(streamed).toHaveLength(50);
    expect(streamed[7]).toMatchObject({ email: 'bo@example.com', eligible: true });
  });

  it('imports and manages webhook endpoints', async () => {
    const results = [];
    for await (const r of client.imports.run('email,subscription:news\ncy@example.com,subscribed\n', 'text/csv')) results.push(r);
    expect(results.at(-1)).toMatchObject({ summary: { created: 1 } });
    const ep = await client.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', events: ['consent.changed'] });
    expect(ep.secret).toMatch(/^whsec_/);
    expect((await client.webhookEndpoints.update(ep.id, { enabled: false })).enabled).toBe(false);
    expect((await client.webhookEndpoints.get(ep.id)).disabledReason).toBe('manual');
    expect((await client.webhookEndpoints.list()).data).toHaveLength(1);
    expect((await client.webhookEndpoints.rotateSecret(ep.id)).secret).not.toBe(ep.secret);
    expect((await client.webhookEndpoints.deliveries(ep.id)).data).toEqual([]);
    await client.webhookEndpoints.delete(ep.id);
  });

  it('throws problem+json answers as a typed MailprefsError', async () => {
    const err = await client.recipients.get('nobody@example.com').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailprefsError);
    expect((err as MailprefsError).status).toBe(404);
    expect((err as MailprefsError).problem?.title).toBeTruthy();
    const invalid = (await client.categories.create({ key: 'BAD KEY', name: 'x', kind: 'marketing' }).catch((e: unknown) => e)) as MailprefsError;
    expect(invalid.status).toBe(422);
    expect(invalid.problem?.errors?.[0]?.path).toBe('key');
    const anonymous = createClient({ baseUrl, apiKey: 'nope', fetch: checked.fetch });
    expect(((await anonymous.categories.list().catch((e: unknown) => e)) as MailprefsError).status).toBe(401);
  });

  it('sends notices, lists and reads them, and previews templates', async () => {
    await client.categories.create({ key: 'receipts', name: 'Receipts', kind: 'transactional' });
    await client.recipients.put({ email: 'ada@example.com', subscriptions: { news: 'subscribed' } });
    await client.recipients.put({ email: 'bob@example.com', subscriptions: { news: 'unsubscribed' } });
    const templates = (await client.templates.list()).data;
    expect(templates.map((t) => t.name)).toContain('newsletter');
    const preview = await client.templates.preview('newsletter', NEWSLETTER);
    expect(preview.headers['List-Unsubscribe']).toMatch(/^<https:/);
    const sent = await client.notices.send({ to: 'ada@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER });
    expect(sent).toMatchObject({ status: 'sent' });
    const skipped = await client.notices.send({ to: 'bob@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER });
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    const batch = await client.notices.batch({
      category: 'receipts',
      template: 'receipt',
      recipients: [{ to: 'ada@example.com', data: RECEIPT }, { to: 'not an address' }],
    });
    expect(batch.results.map((r) => r.status)).toEqual(['sent', 'rejected']);
    const view = await client.notices.get(sent.id);
    expect(view.events.map((e) => e.type)).toEqual(['queued', 'sent']);
    expect((await client.notices.list({ status: 'skipped' })).data.map((n) => n.id)).toEqual([skipped.id]);
  });

  it('creates, lists and reads a broadcast', async () => {
    const created = await client.broadcasts.create({ category: 'news', template: 'newsletter', data: NEWSLETTER, idempotencyKey: 'client-test' });
    expect(created).toMatchObject({ category: 'news', status: 'queued' });
    expect((await client.broadcasts.list()).data.map((b) => b.id)).toContain(created.id);
    // Bounded wait for the background walk (15 s at most).
    let view = await client.broadcasts.get(created.id);
    for (let i = 0; i < 300 && view.status !== 'done' && view.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      view = await client.broadcasts.get(created.id);
    }
    expect(view).toMatchObject({ status: 'done', failed: 0, unsubscribes: 0 });
    // The same key answers the first broadcast again (200, not a second one).
    expect((await client.broadcasts.create({ category: 'news', template: 'newsletter', data: NEWSLETTER, idempotencyKey: 'client-test' })).id).toBe(created.id);
  });

  it('retries a webhook delivery that failed', async () => {
    const rx = await startReceiver();
    try {
      rx.respond = () => 500;
      const ep = await client.webhookEndpoints.create({ url: rx.url, events: ['consent.changed'] });
      await client.recipients.put({ email: 'dee@example.com', subscriptions: { news: 'subscribed' } });
      await deliverWebhooks(h.handle.db, { timeoutMs: 2000, allowPrivate: true });
      const [failed] = (await client.webhookEndpoints.deliveries(ep.id)).data;
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 });
      const retried = await client.webhookEndpoints.retry(ep.id, failed!.id);
      expect(retried.status).toBe('pending');
      rx.respond = () => 204;
      await deliverWebhooks(h.handle.db, { timeoutMs: 2000, allowPrivate: true });
      expect((await client.webhookEndpoints.deliveries(ep.id, { status: 'delivered' })).data).toHaveLength(1);
      await client.webhookEndpoints.delete(ep.id);
    } finally {
      await rx.close();
    }
  });

  // Runs last: the tests above drive the routes (vitest runs a file's tests in order).
  it('has driven every operation of the OpenAPI document to a 2xx, each answer matching its schema', () => {
    const operations = checked.operations();
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.filter((op) => !checked.exercised.has(op))).toEqual([]);
  });
});
