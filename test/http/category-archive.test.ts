// Archiving a category through the API (docs/api.md "Categories"): the history stays, eligibility answers
// `category_archived` on the single, batch and NDJSON paths, in notices and in a broadcast's dry run,
// nobody can join it, everyone can leave it, and unarchiving puts everything back as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { dryRunBroadcast } from '../../src/domain/broadcasts/dry-run.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { testDialects } from '../support/harness.js';
import { NEWSLETTER, type NoticeFixture, noticeFixture, RECEIPT } from '../support/notices-fixture.js';

describe.each(testDialects())('archiving a category on %s', (dialect) => {
  let f: NoticeFixture;
  const h = () => f.h;
  const patch = (key: string, body: unknown) => h().request('PATCH', `/v1/categories/${key}`, { body });
  const single = async (email: string, category: string) =>
    (await h().request('GET', `/v1/eligibility?email=${encodeURIComponent(email)}&category=${category}`)).json();
  const lastEvent = async () => (await listEventsAfter(h().handle.db, 0, 100_000)).at(-1)!;

  beforeAll(async () => {
    f = await noticeFixture(dialect);
  });
  afterAll(() => f.close());

  it('archives with PATCH {archived: true}, once, into the ledger with the key as actor, and lists it archived', async () => {
    const before = await listEventsAfter(h().handle.db, 0, 100_000);
    const res = await patch('news', { archived: true });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ key: 'news', archived: true });
    expect(body.archivedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await lastEvent()).toMatchObject({ type: 'category_archived', category_key: 'news', source: 'api', recipient_id: null });
    expect((await lastEvent()).actor).toMatch(/^key:[0-9a-f]{16}$/);
    // Again: nothing changes, no second event.
    expect((await (await patch('news', { archived: true })).json()).archivedAt).toBe(body.archivedAt);
    expect((await listEventsAfter(h().handle.db, 0, 100_000)).length).toBe(before.length + 1);
    const list = (await (await h().request('GET', '/v1/categories')).json()).data;
    expect(list.find((c: { key: string }) => c.key === 'news')).toMatchObject({ archived: true });
    expect(list.find((c: { key: string }) => c.key === 'product')).toMatchObject({ archived: false, archivedAt: null });
  });

  it('keeps every person’s state and history, but answers category_archived on the single, batch and NDJSON paths', async () => {
    const ada = await (await h().request('GET', '/v1/recipients/ada%40example.com')).json();
    expect(ada.subscriptions.news.status).toBe('subscribed');
    expect(ada.eligibility.news).toEqual({ eligible: false, reason: 'category_archived' });
    expect(await single('ada@example.com', 'news')).toMatchObject({ eligible: false, reason: 'category_archived' });
    const batch = await (
      await h().request('POST', '/v1/eligibility', { body: { category: 'news', emails: ['ada@example.com', 'nobody@example.com', 'nope'] } })
    ).json();
    expect(batch.results.map((r: { reason: string }) => r.reason)).toEqual(['category_archived', 'category_archived', 'invalid_email']);
    const stream = await h().app.request('/v1/eligibility', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${h().adminKey}` },
      body: '{"category":"news"}\n"ada@example.com"\n"bob@example.com"\n',
    });
    const lines = (await stream.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.reason)).toEqual(['category_archived', 'category_archived']);
    const events = await (await h().request('GET', '/v1/events?category=news')).json();
    expect(events.data.map((e: { type: string }) => e.type)).toEqual(['subscribed', 'unsubscribed', 'category_archived']);
  });

  it('skips its notices and counts a dry run as category_archived; a new broadcast in it is refused', async () => {
    const sent = await h().request('POST', '/v1/notices', { body: { to: 'ada@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER } });
    expect(await sent.json()).toMatchObject({ status: 'skipped', reason: 'category_archived' });
    const ctx = { db: h().handle.db, config: h().config, runtime: createNoticeRuntime(h().config, h().handle.db), actor: 'test' };
    const dry = await dryRunBroadcast(ctx, { category: 'news', template: 'newsletter', data: NEWSLETTER });
    expect(dry).toEqual({ total: 3, eligible: 0, excluded: { category_archived: 3 } });
    const broadcast = await h().request('POST', '/v1/broadcasts', { body: { category: 'news', template: 'newsletter', data: NEWSLETTER } });
    expect(broadcast.status).toBe(409);
    expect(f.fake.calls.length).toBe(0);
  });

  it('takes no new subscriptions, but lets anyone leave it', async () => {
    const join = await h().request('PUT', '/v1/recipients', { body: { email: 'cy@example.com', subscriptions: { news: 'subscribed' } } });
    expect(join.status).toBe(409);
    expect((await join.json()).detail).toContain('archived');
    // Sending the state someone already has is not a new subscription (a sync replaying its full state).
    expect((await h().request('PUT', '/v1/recipients', { body: { email: 'ada@example.com', subscriptions: { news: 'subscribed' } } })).status).toBe(200);
    const leave = await h().request('PATCH', '/v1/recipients/ada%40example.com', { body: { subscriptions: { news: 'unsubscribed' } } });
    expect(leave.status).toBe(200);
    expect((await leave.json()).subscriptions.news.status).toBe('unsubscribed');
  });

  it('refuses an import row that would subscribe someone, and imports one that leaves it', async () => {
    const body = 'email,subscription:news\neve@example.com,subscribed\nada@example.com,unsubscribed\n';
    const res = await h().request('POST', '/v1/imports', { body, headers: { 'content-type': 'text/csv' } });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ line: 2, status: 'refused' });
    expect(lines[0].reason).toMatch(/^category_archived: /);
    expect(lines[1]).toMatchObject({ line: 3, status: 'unchanged' });
  });

  it('still unsubscribes from a link in old mail, without offering an Undo that could not be kept', async () => {
    await h().request('PATCH', '/v1/categories/news', { body: { archived: false } });
    await h().request('PUT', '/v1/recipients', { body: { email: 'fay@example.com', subscriptions: { news: 'subscribed' } } });
    const { unsubscribeUrl } = await (await h().request('POST', '/v1/links', { body: { recipient: 'fay@example.com', category: 'news' } })).json();
    await h().request('PATCH', '/v1/categories/news', { body: { archived: true } });
    const post = (body: string) =>
      h().app.request(new URL(unsubscribeUrl).pathname, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://prefs.example.test' },
      });
    const page = await post('action=unsubscribe');
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('value="undo"');
    expect((await single('fay@example.com', 'news')).reason).toBe('category_archived');
    const undo = await post('action=undo&previous=subscribed');
    expect(undo.status).toBe(200);
    const fay = await (await h().request('GET', '/v1/recipients/fay%40example.com')).json();
    expect(fay.subscriptions.news.status).toBe('unsubscribed');
  });

  it('hides it from the preference page', async () => {
    const links = await (await h().request('POST', '/v1/links', { body: { recipient: 'bob@example.com', category: 'product' } })).json();
    const page = await (await h().app.request(new URL(links.preferencesUrl).pathname)).text();
    expect(page).toContain('Product updates');
    expect(page).not.toContain('Weekly news');
  });

  it('unarchives with {archived: false}, combined with an edit: eligibility is back as it was', async () => {
    await h().request('PUT', '/v1/recipients', { body: { email: 'dee@example.com', subscriptions: { product: 'subscribed' } } });
    expect((await patch('product', { archived: true, name: 'Product news' })).status).toBe(200);
    expect(await single('dee@example.com', 'product')).toMatchObject({ reason: 'category_archived' });
    const res = await patch('product', { archived: false });
    expect(await res.json()).toMatchObject({ archived: false, archivedAt: null, name: 'Product news' });
    expect(await lastEvent()).toMatchObject({ type: 'category_unarchived', category_key: 'product' });
    expect(await single('dee@example.com', 'product')).toMatchObject({ eligible: true, reason: 'subscribed' });
  });

  it('stops a transactional category too, and starts it again', async () => {
    expect((await patch('receipts', { archived: true })).status).toBe(200);
    const body = { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT };
    expect(await (await h().request('POST', '/v1/notices', { body })).json()).toMatchObject({ status: 'skipped', reason: 'category_archived' });
    expect(await single('ada@example.com', 'receipts')).toMatchObject({ eligible: false, reason: 'category_archived' });
    await patch('receipts', { archived: false });
    expect(await single('ada@example.com', 'receipts')).toMatchObject({ eligible: true, reason: 'transactional' });
  });

  it('archives once when two requests ask at the same moment', async () => {
    const count = async () => (await listEventsAfter(h().handle.db, 0, 100_000)).filter((e) => e.category_key === 'product').length;
    const before = await count();
    const answers = await Promise.all([patch('product', { archived: true }), patch('product', { archived: true }), patch('product', { archived: true })]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await count()) - before).toBe(1);
    await patch('product', { archived: false });
  });

  it.each([
    ['a string', { archived: 'yes' }, 422],
    ['null', { archived: null }, 422],
    ['a number', { archived: 1 }, 422],
  ])('refuses archived as %s with a 4xx', async (_label, body, status) => {
    const res = await patch('news', body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 404 for an unknown or hostile key', async () => {
    expect((await patch('nope', { archived: true })).status).toBe(404);
    expect((await patch('a%00b', { archived: true })).status).toBe(404);
    expect((await patch(encodeURIComponent("x' or 1=1--"), { archived: true })).status).toBe(404);
  });
});
