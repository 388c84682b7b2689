import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type MailprefsClient, MailprefsError } from '../../src/client/index.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('mailprefs/client against a live server on %s', (dialect) => {
  let h: Harness;
  let server: ServerType;
  let client: MailprefsClient;

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((done) => server.once('listening', () => done()));
    client = createClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: h.adminKey });
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
    const anonymous = createClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'nope' });
    expect(((await anonymous.categories.list().catch((e: unknown) => e)) as MailprefsError).status).toBe(401);
  });
});
