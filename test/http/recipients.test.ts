import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, testDialects, type Harness } from '../support/harness.js';

interface EventBody {
  type: string;
  category: string | null;
  source: string;
  actor: string;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}

describe.each(testDialects())('recipients on %s', (dialect) => {
  let h: Harness;
  let writer: string;
  let writerId: string;
  const eventsOf = async (ref: string): Promise<EventBody[]> => (await (await h.request('GET', `/v1/recipients/${encodeURIComponent(ref)}/events`)).json()).data;
  const put = (body: unknown, key?: string) => h.request('PUT', '/v1/recipients', { body, ...(key && { key }) });

  beforeAll(async () => {
    h = await makeHarness(dialect);
    writer = await h.key('recipients:write');
    writerId = writer.split('_')[1]!;
    for (const body of [
      { key: 'newsletter', name: 'Newsletter', kind: 'marketing' },
      { key: 'product-updates', name: 'Product updates', kind: 'marketing', consent: 'opt_out' },
      { key: 'digest', name: 'Digest', kind: 'marketing', doubleOptIn: true },
      { key: 'receipts', name: 'Receipts', kind: 'transactional' },
    ]) {
      expect((await h.request('POST', '/v1/categories', { body })).status).toBe(201);
    }
  });
  afterAll(() => h.close());

  describe('happy paths', () => {
    it('creates with 201, updates with 200, matching the address case-insensitively', async () => {
      const created = await put({ email: 'Ann@Example.com', externalId: 'u-1', locale: 'en-GB' }, writer);
      expect(created.status).toBe(201);
      const ann = await created.json();
      expect(ann).toMatchObject({ email: 'Ann@Example.com', externalId: 'u-1', locale: 'en-GB', marketingOptOut: false, subscriptions: {} });
      expect(Object.keys(ann).sort()).toEqual(['createdAt', 'email', 'externalId', 'id', 'locale', 'marketingOptOut', 'subscriptions', 'updatedAt']);

      const again = await put({ email: 'ann@example.com', locale: 'fr' }, writer);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ id: ann.id, email: 'Ann@Example.com', externalId: 'u-1', locale: 'fr' });
    });

    it('records a subscription with its proof: source, actor, ip, user agent and wording', async () => {
      const consent = { source: 'import', ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Test)', text: 'Yes, send me the newsletter (form v3)' };
      const res = await put({ email: 'bob@example.com', subscriptions: { newsletter: 'subscribed' }, consent }, writer);
      expect(res.status).toBe(201);
      expect((await res.json()).subscriptions.newsletter).toMatchObject({ status: 'subscribed', source: 'import' });
      const events = await eventsOf('bob@example.com');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'subscribed', category: 'newsletter', source: 'import', actor: `key:${writerId}`,
        ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Test)', detail: { from: null, to: 'subscribed', text: consent.text },
      });
    });

    it('writes no event for a PUT that changes nothing', async () => {
      await put({ email: 'carol@example.com', subscriptions: { newsletter: 'subscribed' } });
      const before = await eventsOf('carol@example.com');
      const same = await put({ email: 'CAROL@example.com', subscriptions: { newsletter: 'subscribed' } });
      expect(same.status).toBe(200);
      expect(await eventsOf('carol@example.com')).toEqual(before);
      expect(before).toHaveLength(1);
    });

    it('leaves a double opt-in subscription pending', async () => {
      const res = await put({ email: 'dora@example.com', subscriptions: { digest: 'subscribed' } });
      expect((await res.json()).subscriptions.digest.status).toBe('pending');
      const got = await (await h.request('GET', '/v1/recipients/dora%40example.com')).json();
      expect(got.eligibility.digest).toEqual({ eligible: false, reason: 'pending_confirmation' });
      expect((await eventsOf('dora@example.com'))[0]).toMatchObject({ type: 'pending', category: 'digest', source: 'api' });
    });

    it('reads a recipient by id, address or externalId, with eligibility for every category', async () => {
      const { id } = await (await put({ email: 'eve@example.com', externalId: 'crm/42', subscriptions: { newsletter: 'subscribed' } })).json();
      const reader = await h.key('eligibility:read');
      for (const ref of [id, 'EVE%40example.com', 'eve@example.com', `ext:${encodeURIComponent('crm/42')}`]) {
        const res = await h.request('GET', `/v1/recipients/${ref}`, { key: reader });
        expect(res.status, ref).toBe(200);
        const body = await res.json();
        expect(body.id).toBe(id);
        expect(body.eligibility).toEqual({
          newsletter: { eligible: true, reason: 'subscribed' },
          'product-updates': { eligible: true, reason: 'subscribed' },
          digest: { eligible: false, reason: 'not_subscribed' },
          receipts: { eligible: true, reason: 'transactional' },
        });
      }
    });

    it('shows suppressions in the eligibility of a recipient', async () => {
      await put({ email: 'fay@example.com', subscriptions: { newsletter: 'subscribed' } });
      await h.request('POST', '/v1/suppressions', { body: { email: 'FAY@example.com', reason: 'manual' } });
      let got = await (await h.request('GET', '/v1/recipients/fay@example.com')).json();
      expect(got.eligibility.newsletter).toEqual({ eligible: false, reason: 'suppressed_manual' });
      expect(got.eligibility.receipts).toEqual({ eligible: true, reason: 'transactional' });
      await h.request('POST', '/v1/suppressions', { body: { email: 'fay@example.com', reason: 'hard_bounce' } });
      got = await (await h.request('GET', '/v1/recipients/fay@example.com')).json();
      expect(got.eligibility.receipts).toEqual({ eligible: false, reason: 'suppressed_bounce' });
    });

    it('patches profile and consent, each consent change with its event', async () => {
      const { id } = await (await put({ email: 'gil@example.com', subscriptions: { newsletter: 'subscribed' } })).json();
      const res = await h.request('PATCH', `/v1/recipients/${id}`, {
        key: writer,
        body: { email: 'Gil.New@example.com', externalId: 'g-7', locale: 'de', marketingOptOut: true, subscriptions: { newsletter: 'unsubscribed' }, consent: { userAgent: 'Support desk' } },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id, email: 'Gil.New@example.com', externalId: 'g-7', locale: 'de', marketingOptOut: true, subscriptions: { newsletter: { status: 'unsubscribed' } } });
      const events = await eventsOf('ext:g-7');
      expect(events.map((e) => e.type)).toEqual(['subscribed', 'marketing_opt_out', 'unsubscribed']);
      expect(events.slice(1).every((e) => e.actor === `key:${writerId}` && e.userAgent === 'Support desk')).toBe(true);
      const got = await (await h.request('GET', '/v1/recipients/gil.new@example.com')).json();
      expect(got.eligibility['product-updates']).toEqual({ eligible: false, reason: 'marketing_opt_out' });
      expect((await h.request('GET', '/v1/recipients/gil@example.com')).status).toBe(404);
    });

    it('keeps exactly one recipient under 20 parallel PUTs of a new address', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => put({ email: i % 2 ? 'Race@Example.com' : 'race@example.com', subscriptions: { newsletter: 'subscribed' } })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
      const rows = await h.handle.db.selectFrom('recipients').select('id').where('email_normalized', '=', 'race@example.com').execute();
      expect(rows).toHaveLength(1);
      expect(new Set(await Promise.all(results.map(async (r) => (await r.json()).id)))).toEqual(new Set([rows[0]!.id]));
      expect((await eventsOf('race@example.com')).map((e) => e.type)).toEqual(['subscribed']);
    });

    it('records one event for 20 parallel identical changes to a known recipient', async () => {
      await put({ email: 'known-race@example.com' });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => h.request('PATCH', '/v1/recipients/known-race@example.com', { body: { marketingOptOut: true, subscriptions: { newsletter: 'subscribed' } } })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect((await eventsOf('known-race@example.com')).map((e) => e.type)).toEqual(['marketing_opt_out', 'subscribed']);
    });
  });

  describe('errors', () => {
    it('names an unknown category key with 422 and stores nothing', async () => {
      const res = await put({ email: 'hal@example.com', subscriptions: { nope: 'subscribed' } });
      expect(res.status).toBe(422);
      expect((await res.json()).errors).toEqual([{ path: 'subscriptions.nope', message: 'no category has this key' }]);
      expect((await h.request('GET', '/v1/recipients/hal@example.com')).status).toBe(404);
    });

    it('refuses to unsubscribe from a transactional category with 409, changing nothing', async () => {
      const res = await put({ email: 'ivy@example.com', subscriptions: { newsletter: 'subscribed', receipts: 'unsubscribed' } });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await h.request('GET', '/v1/recipients/ivy@example.com')).status).toBe(404);
    });

    it('answers 409 when PATCH takes an address or externalId another recipient has', async () => {
      await put({ email: 'jo@example.com', externalId: 'jo' });
      await put({ email: 'kim@example.com', externalId: 'kim' });
      expect((await h.request('PATCH', '/v1/recipients/ext:kim', { body: { email: 'JO@example.com' } })).status).toBe(409);
      expect((await h.request('PATCH', '/v1/recipients/ext:kim', { body: { externalId: 'jo' } })).status).toBe(409);
      expect((await put({ email: 'lee@example.com', externalId: 'jo' })).status).toBe(409);
      expect(await (await h.request('GET', '/v1/recipients/ext:kim')).json()).toMatchObject({ email: 'kim@example.com', externalId: 'kim' });
    });

    it.each(['GET', 'PATCH', 'GET events'])('answers 404 for an unknown REF (%s)', async (what) => {
      for (const ref of ['nobody%40example.com', 'ext:nobody', '0190f0f0-0000-7000-8000-000000000000', 'x%00y', '%0d%0a', 'a'.repeat(5000)]) {
        const res = what === 'PATCH'
          ? await h.request('PATCH', `/v1/recipients/${ref}`, { body: { locale: 'en' } })
          : await h.request('GET', `/v1/recipients/${ref}${what === 'GET events' ? '/events' : ''}`);
        expect(res.status, ref).toBe(404);
      }
    });
  });

  describe('hostile input', () => {
    const big = 'x'.repeat(100_000);
    it.each([
      ['malformed JSON', '{"email":', 400],
      ['an array body', [{ email: 'a@example.com' }], 422],
      ['a missing email', { locale: 'en' }, 422],
      ['an email of the wrong type', { email: 42 }, 422],
      ['an invalid email', { email: 'not-an-email' }, 422],
      ['CRLF in the email', { email: 'a@example.com\r\nBcc: b@example.com' }, 422],
      ['SQL in the email', { email: "x' OR 1=1; DROP TABLE recipients;--@example.com" }, 422],
      ['a huge email', { email: `${big}@example.com` }, 422],
      ['a huge externalId', { email: 'm@example.com', externalId: 'x'.repeat(256) }, 422],
      ['NUL in externalId', { email: 'm@example.com', externalId: 'a\u0000b' }, 422],
      ['CRLF in externalId', { email: 'm@example.com', externalId: 'a\r\nb' }, 422],
      ['a lone surrogate', { email: 'm@example.com', externalId: 'a\ud800b' }, 422],
      ['a bad locale', { email: 'm@example.com', locale: 'en_US<script>' }, 422],
      ['a too long locale', { email: 'm@example.com', locale: `en-${'abcdefgh-'.repeat(4)}x` }, 422],
      ['a bad subscription value', { email: 'm@example.com', subscriptions: { newsletter: 'yes' } }, 422],
      ['subscriptions as an array', { email: 'm@example.com', subscriptions: ['newsletter'] }, 422],
      ['a hostile category key', { email: 'm@example.com', subscriptions: { "x'; DROP TABLE categories;--": 'subscribed' } }, 422],
      ['a __proto__ key', '{"email":"m@example.com","subscriptions":{"__proto__":"subscribed"}}', 422],
      ['a source API callers may not use', { email: 'm@example.com', consent: { source: 'one_click' } }, 422],
      ['an ip that is no address', { email: 'm@example.com', consent: { ip: '1.2.3.4\r\nX-Evil: 1' } }, 422],
      ['CRLF in the user agent', { email: 'm@example.com', consent: { userAgent: 'UA\r\nSet-Cookie: x' } }, 422],
      ['a huge user agent', { email: 'm@example.com', consent: { userAgent: 'u'.repeat(513) } }, 422],
      ['a huge consent text', { email: 'm@example.com', consent: { text: 't'.repeat(5001) } }, 422],
      ['NUL in the consent text', { email: 'm@example.com', consent: { text: 'a\u0000' } }, 422],
      ['an unknown field', { email: 'm@example.com', admin: true }, 422],
    ])('rejects %s with a 4xx and stores nothing', async (_label, body, status) => {
      const res = await put(body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await h.request('GET', '/v1/recipients/m@example.com')).status).toBe(404);
    });

    it('keeps SQL, HTML and unicode as data', async () => {
      const externalId = "1'); DROP TABLE recipients;--";
      const text = '<script>alert(1)</script>\r\nI agree — 同意します 👍';
      const res = await put({ email: 'Zoë.Ünïcødé@exämple.com', externalId, locale: 'zh-Hant-TW', consent: { userAgent: '<img src=x onerror=alert(1)>', text }, subscriptions: { newsletter: 'subscribed' } });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ email: 'Zoë.Ünïcødé@exämple.com', externalId });
      const got = await h.request('GET', `/v1/recipients/ext:${encodeURIComponent(externalId)}`);
      expect((await got.json()).email).toBe('Zoë.Ünïcødé@exämple.com');
      const [event] = await eventsOf('zoë.ünïcødé@exämple.com');
      expect(event).toMatchObject({ userAgent: '<img src=x onerror=alert(1)>', detail: { text } });
    });

    it('answers 415 for a non-JSON body and 413 for an oversized one', async () => {
      const form = await h.request('PUT', '/v1/recipients', { body: 'email=a@example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(form.status).toBe(415);
      const huge = JSON.stringify({ email: 'n@example.com', consent: { text: 'x'.repeat(3 * 1024 * 1024) } });
      expect((await put(huge)).status).toBe(413);
    });
  });

  describe('scopes', () => {
    it('answers 401 without a valid key and 403 without the scope', async () => {
      await put({ email: 'sc@example.com' });
      expect((await h.request('GET', '/v1/recipients/sc@example.com', { key: null })).status).toBe(401);
      expect((await h.request('PUT', '/v1/recipients', { key: 'mp_0000000000000000_' + 'a'.repeat(43), body: { email: 'x@example.com' } })).status).toBe(401);
      const reader = await h.key('eligibility:read');
      const sender = await h.key('notices:send');
      expect((await h.request('GET', '/v1/recipients/sc@example.com', { key: reader })).status).toBe(200);
      expect((await h.request('GET', '/v1/recipients/sc@example.com/events', { key: reader })).status).toBe(200);
      expect((await put({ email: 'sc@example.com' }, reader)).status).toBe(403);
      expect((await h.request('PATCH', '/v1/recipients/sc@example.com', { key: reader, body: { locale: 'en' } })).status).toBe(403);
      for (const [method, path] of [['GET', '/v1/recipients/sc@example.com'], ['GET', '/v1/recipients/sc@example.com/events'], ['PUT', '/v1/recipients']] as const) {
        expect((await h.request(method, path, { key: sender, body: method === 'PUT' ? { email: 'sc@example.com' } : undefined })).status).toBe(403);
      }
    });
  });
});
