import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

// Hostile input and scopes on the recipients API: every bad request is a 4xx that stores nothing.
describe.each(testDialects())('recipients security on %s', (dialect) => {
  let h: Harness;
  const put = (body: unknown, key?: string) => h.request('PUT', '/v1/recipients', { body, ...(key && { key }) });
  const eventsOf = async (ref: string) => (await (await h.request('GET', `/v1/recipients/${encodeURIComponent(ref)}/events`)).json()).data;

  beforeAll(async () => {
    h = await makeHarness(dialect);
    expect((await h.request('POST', '/v1/categories', { body: { key: 'newsletter', name: 'Newsletter', kind: 'marketing' } })).status).toBe(201);
  });
  afterAll(() => h.close());

  describe('hostile input', () => {
    it.each([
      ['zw\u200bsp@example.com', /invisible/],
      ['rlo\u202e@example.com', /bidirectional/],
      ['bad\ufffd@example.com', /UTF-8/],
      ['dot.@example.com', /dot/],
      ['num@example.123', /top-level/],
      ['ip@[127.0.0.1]', /IP address/],
    ])('refuses %j with a 422 naming the field and saying why', async (email, why) => {
      const res = await put({ email });
      expect(res.status).toBe(422);
      const body = await res.json();
      expect(body.errors).toEqual([{ path: 'email', message: expect.stringMatching(why) }]);
    });
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
      const res = await put({
        email: 'Zoë.Ünïcødé@exämple.com',
        externalId,
        locale: 'zh-Hant-TW',
        consent: { userAgent: '<img src=x onerror=alert(1)>', text },
        subscriptions: { newsletter: 'subscribed' },
      });
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
      expect((await h.request('PUT', '/v1/recipients', { key: `mp_0000000000000000_${'a'.repeat(43)}`, body: { email: 'x@example.com' } })).status).toBe(401);
      const reader = await h.key('eligibility:read');
      const sender = await h.key('notices:send');
      expect((await h.request('GET', '/v1/recipients/sc@example.com', { key: reader })).status).toBe(200);
      expect((await h.request('GET', '/v1/recipients/sc@example.com/events', { key: reader })).status).toBe(200);
      expect((await put({ email: 'sc@example.com' }, reader)).status).toBe(403);
      expect((await h.request('PATCH', '/v1/recipients/sc@example.com', { key: reader, body: { locale: 'en' } })).status).toBe(403);
      for (const [method, path] of [
        ['GET', '/v1/recipients/sc@example.com'],
        ['GET', '/v1/recipients/sc@example.com/events'],
        ['PUT', '/v1/recipients'],
      ] as const) {
        expect((await h.request(method, path, { key: sender, body: method === 'PUT' ? { email: 'sc@example.com' } : undefined })).status).toBe(403);
      }
    });
  });
});
