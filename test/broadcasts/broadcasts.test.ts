import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYONE, mailedSince, POLICY, seedAudience } from '../support/broadcast-audience.js';
import { testDialects } from '../support/harness.js';
import { NEWSLETTER, type NoticeFixture, noticeFixture, RECEIPT } from '../support/notices-fixture.js';

describe.each(testDialects())('broadcasts over the API on %s', (dialect) => {
  let f: NoticeFixture;
  let sender: string;
  beforeAll(async () => {
    f = await noticeFixture(dialect);
    await seedAudience(f);
    sender = await f.h.key('notices:send');
  });
  afterAll(() => f.close());
  const post = (body: unknown) => f.h.request('POST', '/v1/broadcasts', { body, key: sender });

  /** Polls the broadcast until it is done or failed (bounded: 15 s). */
  async function settled(id: string) {
    for (let i = 0; i < 300; i++) {
      const view = await (await f.h.request('GET', `/v1/broadcasts/${id}`, { key: sender })).json();
      if (view.status === 'done' || view.status === 'failed') return view;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`broadcast ${id} did not finish`);
  }

  it('announces a policy update to every recipient, those who refused marketing included, but not to a hard bounce', async () => {
    const before = f.fake.calls.length;
    const res = await post({ category: 'policy', template: 'policy-update', data: POLICY });
    expect(res.status).toBe(202);
    const accepted = await res.json();
    expect(accepted).toMatchObject({ category: 'policy', template: 'policy-update', status: 'queued', total: EVERYONE.length, sent: 0 });
    const done = await settled(accepted.id);
    expect(done).toMatchObject({ status: 'done', total: 8, sent: 7, skipped: 1, failed: 0 });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt >= done.startedAt).toBe(true);

    expect(mailedSince(f.fake, before)).toEqual(EVERYONE.filter((e) => e !== 'gone@example.com'));
    const emails = f.fake.calls.slice(before).flatMap((c) => c.emails);
    for (const email of emails) {
      expect(email.subject).toBe('Changes to our Privacy Policy');
      expect(email.html).toContain('We keep tickets 12 months.<br />Nothing else changes.');
      expect(email.headers ?? {}).not.toHaveProperty('List-Unsubscribe');
      expect(email.html).toMatch(/href="https:\/\/prefs\.example\.test\/p\//);
    }
    // Each email's preferences link names its own recipient.
    expect(new Set(emails.map((e) => /\/p\/([^"]+)"/.exec(e.html)![1])).size).toBe(7);
    // Each recipient's notice is on record under the broadcast's key.
    const notices = await f.h.handle.db.selectFrom('notices').select(['idempotency_key', 'status']).where('template', '=', 'policy-update').execute();
    expect(notices.filter((n) => n.idempotency_key?.startsWith(`broadcast:${accepted.id}:`) && n.status === 'sent')).toHaveLength(7);
  });

  it('sends a marketing broadcast to eligible recipients only, with RFC 8058 headers', async () => {
    const before = f.fake.calls.length;
    const news = await settled((await (await post({ category: 'news', template: 'newsletter', data: NEWSLETTER })).json()).id);
    expect(news).toMatchObject({ status: 'done', total: 8, sent: 2, skipped: 6, failed: 0 });
    expect(mailedSince(f.fake, before)).toEqual(['ada@example.com', 'hal@example.com']);
    for (const email of f.fake.calls.slice(before).flatMap((c) => c.emails)) {
      expect(email.headers!['List-Unsubscribe']).toMatch(/^<https:\/\/prefs\.example\.test\/u\/[^>]+>$/);
      expect(email.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    }

    const middle = f.fake.calls.length;
    const product = await settled((await (await post({ category: 'product', template: 'newsletter', data: NEWSLETTER })).json()).id);
    expect(product).toMatchObject({ status: 'done', sent: 5, skipped: 3 });
    expect(mailedSince(f.fake, middle)).toEqual(['ada@example.com', 'bob@example.com', 'eve@example.com', 'finn@example.com', 'hal@example.com']);
  });

  it('announces once per idempotency key, however often or concurrently the request is repeated', async () => {
    const before = f.fake.calls.length;
    const body = { category: 'policy', template: 'policy-update', data: { ...POLICY, policyName: 'Terms' } };
    const headers = { 'Idempotency-Key': 'terms-2027' };
    const answers = await Promise.all([1, 2, 3].map(() => f.h.request('POST', '/v1/broadcasts', { body, key: sender, headers })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    const ids = new Set(await Promise.all(answers.map(async (r) => (await r.json()).id)));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await settled(id);
    const again = await f.h.request('POST', '/v1/broadcasts', { body: { ...body, idempotencyKey: 'terms-2027' }, key: sender });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id, status: 'done', sent: 7 });
    expect(mailedSince(f.fake, before)).toHaveLength(7);

    const clash = await f.h.request('POST', '/v1/broadcasts', { body: { ...body, data: POLICY }, key: sender, headers });
    expect(clash.status).toBe(409);
    const badHeader = await f.h.request('POST', '/v1/broadcasts', { body, key: sender, headers: { 'Idempotency-Key': 'a b' } });
    expect(badHeader.status).toBe(422);
    // Keys belong to the API key that used them.
    const other = await f.h.key('notices:send');
    const elsewhere = await f.h.request('POST', '/v1/broadcasts', { body, key: other, headers });
    expect(elsewhere.status).toBe(202);
    await settled((await elsewhere.json()).id);
  });

  it('carries unicode data through unharmed', async () => {
    const before = f.fake.calls.length;
    const data = { ...POLICY, policyName: 'Política de privacidad 🔒 שלום', summary: '<script>alert(1)</script>\n"quoted" & done' };
    const done = await settled((await (await post({ category: 'policy', template: 'policy-update', data })).json()).id);
    expect(done).toMatchObject({ status: 'done', sent: 7, data });
    const email = f.fake.calls[before]!.emails[0]!;
    expect(email.subject).toBe('Changes to our Política de privacidad 🔒 שלום');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;<br />&quot;quoted&quot; &amp; done');
    expect(email.html).not.toContain('<script>');
  });

  it('lists broadcasts newest first, in pages', async () => {
    const stored = await f.h.handle.db.selectFrom('broadcasts').select(['id', 'created_at']).execute();
    expect(stored.length).toBeGreaterThanOrEqual(5);
    const newestFirst = stored.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id)).map((b) => b.id);
    const seen: string[] = [];
    let path = '/v1/broadcasts?limit=2';
    for (let page = 0; page < 20; page++) {
      const body = await (await f.h.request('GET', path, { key: sender })).json();
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data.map((b: { id: string }) => b.id));
      if (body.next === null) break;
      expect(body.next).toBe(body.data.at(-1).id);
      path = `/v1/broadcasts?limit=2&after=${body.next}`;
    }
    expect(seen).toEqual(newestFirst);
    const first = (await (await f.h.request('GET', '/v1/broadcasts?limit=1', { key: sender })).json()).data[0];
    expect(Object.keys(first).sort()).toEqual([
      'category',
      'createdAt',
      'data',
      'failed',
      'finishedAt',
      'id',
      'sent',
      'skipped',
      'startedAt',
      'status',
      'template',
      'total',
    ]);
  });

  it.each([
    ['an unknown category', { category: 'nope', template: 'policy-update', data: POLICY }, 404, undefined],
    ['an unknown template', { category: 'policy', template: 'nope', data: POLICY }, 422, 'template'],
    ['a template of the wrong kind', { category: 'policy', template: 'newsletter', data: NEWSLETTER }, 422, 'template'],
    ['a marketing category with a transactional template', { category: 'news', template: 'receipt', data: RECEIPT }, 422, 'template'],
    ['a missing data field', { category: 'policy', template: 'policy-update', data: { ...POLICY, policyUrl: undefined } }, 422, 'data.policyUrl'],
    ['no data at all', { category: 'policy', template: 'policy-update' }, 422, 'data.policyName'],
    ['an unknown data field', { category: 'policy', template: 'policy-update', data: { ...POLICY, extra: 'x' } }, 422, 'data.extra'],
    ['a javascript: link', { category: 'policy', template: 'policy-update', data: { ...POLICY, policyUrl: 'javascript:alert(1)' } }, 422, 'data.policyUrl'],
    [
      'CRLF in a subject field',
      { category: 'policy', template: 'policy-update', data: { ...POLICY, policyName: 'P\r\nBcc: x@example.com' } },
      422,
      'data.policyName',
    ],
    ['an object as a data value', { category: 'policy', template: 'policy-update', data: { ...POLICY, summary: { $gt: '' } } }, 422, 'data.summary'],
    ['SQL in the category', { category: "policy'; DROP TABLE broadcasts;--", template: 'policy-update', data: POLICY }, 422, 'category'],
    ['a path as template', { category: 'policy', template: '../../package', data: POLICY }, 422, 'template'],
    ['unicode junk as category', { category: 'ñ\u0000💥', template: 'policy-update', data: POLICY }, 422, 'category'],
    ['an unknown top-level field', { category: 'policy', template: 'policy-update', data: POLICY, to: 'everyone' }, 422, undefined],
    ['a prototype key in data', `{"category":"policy","template":"policy-update","data":{"__proto__":{"policyName":"x"},"constructor":"y"}}`, 422, undefined],
    ['a data string instead of an object', { category: 'policy', template: 'policy-update', data: 'everything' }, 422, 'data'],
    ['an array', [1], 422, undefined],
    ['malformed JSON', '{"category":', 400, undefined],
  ])('refuses %s with a problem, records and sends nothing', async (_label, body, status, path) => {
    const requests = f.fake.requests;
    const count = (await f.h.handle.db.selectFrom('broadcasts').select('id').execute()).length;
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    if (path) expect((await res.json()).errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await f.h.handle.db.selectFrom('broadcasts').select('id').execute()).length).toBe(count);
    expect(f.fake.requests).toBe(requests);
  });

  it('refuses a huge body with 413 and the wrong content type with 415', async () => {
    const huge = await post({ category: 'policy', template: 'policy-update', data: { ...POLICY, summary: 'x'.repeat(3 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const text = await f.h.request('POST', '/v1/broadcasts', {
      key: sender,
      body: 'category=policy',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(415);
  });

  it('answers 404 for an unknown broadcast and 422 for a bad cursor or limit', async () => {
    for (const id of ['does-not-exist', '00000000-0000-7000-8000-000000000000', "1' OR '1'='1", 'a\u0000b', 'x'.repeat(5000)]) {
      expect((await f.h.request('GET', `/v1/broadcasts/${encodeURIComponent(id)}`, { key: sender })).status).toBe(404);
    }
    expect((await f.h.request('GET', '/v1/broadcasts?after=x%27--', { key: sender })).status).toBe(422);
    expect((await f.h.request('GET', '/v1/broadcasts?limit=0', { key: sender })).status).toBe(422);
    expect((await f.h.request('GET', '/v1/broadcasts?limit=5000', { key: sender })).status).toBe(422);
  });

  it('needs notices:send (or admin): 401 without a key, 403 with another scope', async () => {
    const body = { category: 'policy', template: 'policy-update', data: POLICY };
    expect((await f.h.request('POST', '/v1/broadcasts', { key: null, body })).status).toBe(401);
    expect((await f.h.request('GET', '/v1/broadcasts', { key: 'mp_not_a_key' })).status).toBe(401);
    const reader = await f.h.key('eligibility:read', 'recipients:write', 'privacy');
    expect((await f.h.request('POST', '/v1/broadcasts', { key: reader, body })).status).toBe(403);
    expect((await f.h.request('GET', '/v1/broadcasts', { key: reader })).status).toBe(403);
    const admin = await f.h.request('POST', '/v1/broadcasts', { body: { category: 'receipts', template: 'receipt', data: RECEIPT } });
    expect(admin.status).toBe(202);
    expect(await settled((await admin.json()).id)).toMatchObject({ status: 'done', sent: 7 });
  });
});
