// No address, token, key, secret, IP or user agent ever reaches the log (docs/operations.md "Logs"). A
// broad sample of the HTTP suite's traffic runs through an app whose logger writes into memory, and the
// captured text is searched for every such value the traffic used or was given back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, TEST_ENV, testDialects } from '../support/harness.js';
import { findLeaks, tokensIn } from '../support/leaks.js';
import { captureLogs } from '../support/log-capture.js';
import { NEWSLETTER, RECEIPT } from '../support/notices-fixture.js';
import { type Observed, observedHarness } from '../support/observed.js';

const ADDRESSES = ['Leak.Ann@Example.test', 'leak.bob@example.test', 'leak.new@example.test', 'leak.moved@example.test', 'leak.form@example.test'];
const IPS = ['203.0.113.77', '198.51.100.203'];
const AGENTS = ['SecretAgent/9.9 (leak-check)', 'PageBrowser/7.7 (leak-check)'];
const NOTE = 'called on 2026-12-01 about leak.bob@example.test';

const pathOf = (url: string) => new URL(url).pathname;

/** A form post as a page's own form sends it: urlencoded, same origin. */
function postForm(h: Harness, path: string, fields: Record<string, string | string[]>, headers: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  const init = {
    method: 'POST',
    body: body.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ENV.PUBLIC_URL, ...headers },
  };
  return Promise.resolve(h.app.request(path, init));
}

describe('findLeaks', () => {
  it('catches an address, a token and a key planted in a real log line, in any case or percent-encoded', () => {
    const log = captureLogs();
    log.logger.info({ event: 'request', route: '/v1/recipients/Leak.Ann@Example.test' });
    log.logger.info({ event: 'request', query: encodeURIComponent('leak.bob@example.test') });
    log.logger.warn({ event: 'oops', detail: 'v1.abcdefghijklmnop.qrstuvwx' });
    expect(findLeaks(log.text(), ['leak.ann@example.test', 'leak.bob@example.test', 'v1.abcdefghijklmnop.qrstuvwx', 'mp_0123456789abcdef_x'])).toEqual([
      'leak.ann@example.test',
      'leak.bob@example.test',
      'v1.abcdefghijklmnop.qrstuvwx',
    ]);
  });

  it('refuses a value too short to search for', () => {
    expect(() => findLeaks('', ['u-1'])).toThrow(/too short/);
  });

  it('finds link tokens in mail text', () => {
    expect(tokensIn('see https://x.test/p/AAAABBBBCCCCDDDD.eeee/export and /u/short')).toEqual(['AAAABBBBCCCCDDDD.eeee']);
  });
});

describe.each(testDialects())('log privacy on %s', (dialect) => {
  let o: Observed;
  const given: string[] = [...ADDRESSES, ...IPS, ...AGENTS, NOTE, TEST_ENV.HASH_KEY, 're_test_key'];
  beforeAll(async () => {
    o = await observedHarness(dialect, { TRUSTED_PROXY_HOPS: '1' });
    for (const entry of TEST_ENV.SIGNING_KEYS.split(',')) given.push(entry.slice(entry.indexOf(':') + 1));
  });
  afterAll(() => o.close());

  it('runs the traffic, and the log holds none of what it carried', async () => {
    const { h, fake } = o;
    const writer = await h.key('recipients:write');
    const reader = await h.key('eligibility:read');
    const sender = await h.key('notices:send');
    const keys = [h.adminKey, writer, reader, sender];
    const expectStatus = async (res: Response | Promise<Response>, status: number) => {
      const r = await res;
      expect(r.status, `${r.url} ${await r.clone().text()}`).toBe(status);
      return r;
    };
    const [ann, bob, fresh, moved, formAddress] = ADDRESSES as [string, string, string, string, string];
    const browser = { 'user-agent': AGENTS[1]!, 'x-forwarded-for': IPS[1]! };

    await expectStatus(h.request('POST', '/v1/categories', { body: { key: 'events', name: 'Events', kind: 'marketing', doubleOptIn: true } }), 201);
    const consent = { source: 'import', ip: IPS[0], userAgent: AGENTS[0], text: 'Yes please' };
    await expectStatus(
      h.request('PUT', '/v1/recipients', { key: writer, body: { email: ann, subscriptions: { news: 'subscribed', events: 'subscribed' }, consent } }),
      201,
    );
    await expectStatus(h.request('PUT', '/v1/recipients', { key: writer, body: { email: bob, subscriptions: { news: 'subscribed' } } }), 201);
    await expectStatus(h.request('GET', `/v1/recipients/${encodeURIComponent(ann)}`, { key: writer }), 200);
    await expectStatus(h.request('GET', `/v1/recipients/${encodeURIComponent(ann)}/events`, { key: writer }), 200);
    await expectStatus(h.request('PATCH', `/v1/recipients/${encodeURIComponent(bob)}`, { key: writer, body: { locale: 'de' } }), 200);

    await expectStatus(h.request('GET', `/v1/eligibility?category=news&email=${encodeURIComponent(ann)}`, { key: reader }), 200);
    await expectStatus(h.request('POST', '/v1/eligibility', { key: reader, body: { category: 'news', emails: [ann, bob, fresh, 'not an address'] } }), 200);
    const ndjson = [JSON.stringify({ category: 'news' }), JSON.stringify(ann), JSON.stringify({ email: bob }), '{broken', ''].join('\n');
    const streamed = await h.app.request('/v1/eligibility', {
      method: 'POST',
      body: ndjson,
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${reader}` },
    });
    expect(streamed.status).toBe(200);
    await streamed.text();

    const links = await (await expectStatus(h.request('POST', '/v1/links', { key: reader, body: { recipient: ann, category: 'news' } }), 200)).json();
    const linkUrls = [links.preferencesUrl, links.unsubscribeUrl, links.oneClickUrl] as string[];

    // Notices: sent, skipped, refused by the provider, and mail whose links carry more tokens.
    await expectStatus(h.request('POST', '/v1/notices', { key: sender, body: { to: ann, category: 'news', template: 'newsletter', data: NEWSLETTER } }), 202);
    await expectStatus(h.request('POST', '/v1/notices', { key: sender, body: { to: fresh, category: 'news', template: 'newsletter', data: NEWSLETTER } }), 200);
    fake.failNext(422);
    await h.request('POST', '/v1/notices', { key: sender, body: { to: bob, category: 'receipts', template: 'receipt', data: RECEIPT } });

    // Pages: the unsubscribe page and one-click, the preference page and its form, /p, export, email change.
    const unsubscribe = pathOf(links.unsubscribeUrl);
    await expectStatus(h.app.request(unsubscribe, { headers: browser }), 200);
    await expectStatus(postForm(h, unsubscribe, { action: 'unsubscribe' }, browser), 200);
    await expectStatus(
      h.app.request(pathOf(links.oneClickUrl), {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...browser },
      }),
      200,
    );
    const prefs = pathOf(links.preferencesUrl);
    await expectStatus(h.app.request(prefs, { headers: browser }), 200);
    await expectStatus(postForm(h, prefs, { action: 'save', shown: ['news', 'product'], subscribe: ['news'] }, browser), 200);
    await expectStatus(h.app.request('/p', { headers: browser }), 200);
    await expectStatus(postForm(h, '/p', { email: formAddress }, browser), 200);
    await expectStatus(postForm(h, '/p', { email: ann }, browser), 200);
    await expectStatus(h.app.request(`${prefs}/export`, { headers: browser }), 200);
    // The data rights need the step-up first (docs/privacy.md); its mail and the verified link carry tokens too.
    await expectStatus(postForm(h, `${prefs}/email`, { action: 'step_up' }, browser), 200);
    const verified = await (await expectStatus(h.request('POST', '/v1/links', { body: { recipient: ann, category: 'news', verified: true } }), 200)).json();
    linkUrls.push(verified.preferencesUrl);
    await expectStatus(postForm(h, `${pathOf(verified.preferencesUrl)}/email`, { email: moved }, browser), 200);

    // Suppressions, privacy export and erasure over the API.
    await expectStatus(h.request('POST', '/v1/suppressions', { body: { email: bob, reason: 'manual', note: NOTE } }), 201);
    await expectStatus(h.request('DELETE', `/v1/suppressions/${encodeURIComponent(bob)}`), 204);
    await expectStatus(h.request('GET', `/v1/recipients/${encodeURIComponent(bob)}/export`), 200);
    await expectStatus(h.request('DELETE', `/v1/recipients/${encodeURIComponent(bob)}`), 204);

    // Bad keys, wrong scopes, a hostile request id, and 404s with tokens and addresses in the path.
    const wrongKey = `mp_0123456789abcdef_${'A'.repeat(43)}`;
    await expectStatus(h.request('GET', '/v1/categories', { key: wrongKey }), 401);
    await expectStatus(h.request('GET', '/v1/categories', { key: 'not-a-key-but-a-secret' }), 401);
    await expectStatus(h.request('GET', '/v1/categories', { key: null }), 401);
    await expectStatus(h.request('GET', '/metrics', { key: reader }), 403);
    await expectStatus(h.request('GET', '/v1/categories', { headers: { 'x-request-id': ann } }), 200);
    await expectStatus(h.request('GET', '/v1/categories', { headers: { 'x-request-id': h.adminKey } }), 200);
    const token = pathOf(links.preferencesUrl).split('/')[2]!;
    await expectStatus(h.app.request(`/nowhere/${token}`), 404);
    await expectStatus(h.app.request(`/v1/recipients/${encodeURIComponent(ann)}/nothing/${token}`), 404);
    await expectStatus(h.app.request(`/u/${token}x`, { headers: browser }), 404);
    await expectStatus(h.app.request(`/c/${token}`, { headers: browser }), 404);
    await expectStatus(h.request('GET', '/metrics'), 200);

    const mail = fake.calls.flatMap((call) => call.emails.flatMap((e) => [e.html, e.text, ...Object.values(e.headers ?? {})])).join('\n');
    const tokens = [...linkUrls.flatMap((u) => tokensIn(u)), ...tokensIn(mail)];
    expect(tokens.length).toBeGreaterThan(5);
    const secrets = [...given, ...keys, ...keys.map((k) => k.split('_').slice(2).join('_')), wrongKey, 'not-a-key-but-a-secret', ...tokens];

    const text = o.log.text();
    const entries = o.log.entries();
    // The traffic was logged (a test of an empty log would prove nothing) ...
    expect(entries.filter((e) => e.event === 'request').length).toBeGreaterThanOrEqual(38);
    expect(entries.some((e) => e.event === 'provider_call' && e.outcome === 'rejected')).toBe(true);
    expect(entries.some((e) => e.route === '/u/:token')).toBe(true);
    // ... and holds none of it.
    expect(findLeaks(text, secrets)).toEqual([]);
    expect(text).not.toContain('@');
    for (const e of entries.filter((e) => e.event === 'request')) expect(String(e.route)).toMatch(/^(unmatched|\/[A-Za-z0-9/:._-]*)$/);
  });
});
