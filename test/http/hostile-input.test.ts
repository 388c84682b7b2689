// Input that once reached a 500: `data` nested thousands deep (hashed before it was validated), NUL in
// a key, id or webhook field (PostgreSQL 22021), a category name with a line separator (accepted, then
// refused by every template that shows it). Each is now a 4xx at the edge, alike on both dialects.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEPTH } from '../../src/http/json-shape.js';
import { POLICY } from '../support/broadcast-audience.js';
import { testDialects } from '../support/harness.js';
import { type NoticeFixture, noticeFixture, RECEIPT } from '../support/notices-fixture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/** `{"a":{"a":…}}` `depth` levels deep, as text: building it as an object and stringifying would recurse. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;

describe.each(testDialects())('hostile input on %s', (dialect) => {
  let f: NoticeFixture;
  let recipientId: string;
  beforeAll(async () => {
    f = await noticeFixture(dialect, { RESEND_WEBHOOK_SECRET: SECRET });
    recipientId = ((await (await f.h.request('GET', '/v1/recipients/ada@example.com')).json()) as { id: string }).id;
  });
  afterAll(() => f.close());

  const expectProblem = async (res: Response, status: number) => {
    expect(res.status, await res.clone().text()).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  };

  it.each([
    ['/v1/notices', (d: string) => `{"to":"ada@example.com","category":"receipts","template":"receipt","data":${d}}`],
    ['/v1/notices/batch', (d: string) => `{"category":"receipts","template":"receipt","recipients":[{"to":"ada@example.com","data":${d}}]}`],
    ['/v1/broadcasts', (d: string) => `{"category":"receipts","template":"receipt","data":${d}}`],
  ])('POST %s with data nested 5,000 deep is a 422 naming the field', async (path, body) => {
    const res = await f.h.request('POST', path, { body: body(nested(5000)) });
    await expectProblem(res, 422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toMatch(/^(data|recipients)/);
  });

  it('accepts data nested within the limit (the check refuses depth, not objects)', async () => {
    const body = `{"to":"ada@example.com","category":"receipts","template":"receipt","data":${JSON.stringify(RECEIPT).slice(0, -1)},"extra":${nested(MAX_DEPTH - 3)}}}`;
    const res = await f.h.request('POST', '/v1/notices', { body });
    // The receipt template refuses the unknown field by name: validation ran, nothing crashed.
    expect([422]).toContain(res.status);
    expect(await res.text()).not.toMatch(/nested deeper/);
  });

  it.each([
    ['GET', '/v1/notices/abc%00def', 404],
    ['GET', `/v1/notices/${'0'.repeat(8)}-0000-7000-8000-00000000%00`, 404],
    ['PATCH', '/v1/categories/news%00', 404],
    ['GET', '/v1/recipients/ada%00@example.com', 404],
    ['GET', '/v1/broadcasts/x%00', 404],
    ['DELETE', '/v1/suppressions/a%00@example.com', 422],
  ])('%s %s (NUL in the path) is a %i', async (method, path, status) => {
    await expectProblem(await f.h.request(method, path, method === 'PATCH' ? { body: { name: 'x' } } : {}), status);
  });

  it.each([
    ['GET', '/v1/events?after=%00'],
    ['GET', '/v1/notices?status=failed%00'],
    ['GET', '/v1/suppressions?after=a%00'],
  ])('%s %s (NUL in the query) is a 422', async (method, path) => {
    await expectProblem(await f.h.request(method, path), 422);
  });

  it.each([
    ['POST', '/v1/categories', { key: 'nul', name: 'News\u0000', kind: 'marketing' }],
    ['POST', '/v1/categories', { key: 'nul', name: 'News', description: 'a\u0000b', kind: 'marketing' }],
    ['POST', '/v1/eligibility', { category: 'news\u0000', emails: ['ada@example.com'] }],
    ['POST', '/v1/links', { recipient: 'ada@example.com', category: 'news\u0000' }],
    ['PATCH', '/v1/recipients/ada@example.com', { subscriptions: { 'news\u0000': 'subscribed' } }],
    ['PATCH', '/v1/recipients/ada@example.com', { externalId: 'u\u0000' }],
    ['POST', '/v1/notices', { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: { ...RECEIPT, orderNumber: 'A\u00001' } }],
    ['POST', '/v1/broadcasts', { category: 'receipts', template: 'policy-update', data: { ...POLICY, summary: 'x\u0000' } }],
    ['POST', '/v1/suppressions', { email: 'someone@example.com', reason: 'manual', note: 'n\u0000' }],
  ])('%s %s with NUL in a body field is a 422', async (method, path, body) => {
    await expectProblem(await f.h.request(method, path, { body }), 422);
  });

  it('a webhook with NUL in its fields is a 422 and changes nothing', async () => {
    const signer = new Webhook(SECRET);
    for (const data of [
      { email_id: 'id\u0000', to: ['ada@example.com'] },
      { email_id: 'x', to: ['ada\u0000@example.com'] },
    ]) {
      const body = JSON.stringify({ type: 'email.delivered', created_at: new Date().toISOString(), data });
      const id = `msg_${randomBytes(6).toString('hex')}`;
      const at = new Date();
      const res = await f.h.request('POST', '/webhooks/resend', {
        key: null,
        body,
        headers: { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signer.sign(id, at, body) },
      });
      await expectProblem(res, 422);
    }
  });

  it.each(['\u2028', '\u2029', '\r', '\t'])('a category name with %j is refused at creation and on edit', async (ch) => {
    await expectProblem(
      await f.h.request('POST', '/v1/categories', { body: { key: 'sep', name: `News${ch}letter`, kind: 'marketing', doubleOptIn: true } }),
      422,
    );
    await expectProblem(await f.h.request('PATCH', '/v1/categories/news', { body: { name: `News${ch}letter` } }), 422);
  });

  it('a category name the API accepts is one the confirmation mail accepts: double opt-in mails it', async () => {
    const name = `${'Ünïcødé 新闻 ‏עברית‏ 🎉 '.repeat(8)}`.trim().slice(0, 200);
    await f.h.request('POST', '/v1/categories', { body: { key: 'doi', name, kind: 'marketing', doubleOptIn: true } }).then((r) => expect(r.status).toBe(201));
    const res = await f.h.request('PATCH', `/v1/recipients/${recipientId}`, { body: { subscriptions: { doi: 'subscribed' } } });
    expect(res.status).toBe(200);
    const mailed = async () => (await f.h.handle.db.selectFrom('notices').select('template').where('template', '=', 'confirm-subscription').execute()).length;
    const until = Date.now() + 10_000;
    while ((await mailed()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await mailed()).toBe(1);
  });
});
