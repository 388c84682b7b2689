import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { verifyToken } from '../../src/domain/links/tokens.js';
import { LINK_LIMIT_PER_ADDRESS, LINK_LIMIT_PER_IP } from '../../src/domain/self-service/request-preferences-link.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, ORIGIN, recordingMail, seededHarness } from '../support/page-fixtures.js';

describe.each(testDialects())('GET/POST /p (fresh link) on %s', (dialect) => {
  let h: Harness;
  const mail = recordingMail();
  let annId: string;
  beforeAll(async () => {
    h = await seededHarness(dialect, {}, mail.mail);
    annId = await addRecipient(h, 'ann@example.com');
  });
  afterAll(() => h.close());

  let nextIp = 1;
  /** Each call comes from its own client IP unless one is given, so only the limit under test bites. */
  function ask(email: string, opts: { ip?: string; app?: ReturnType<typeof createApp>; headers?: Record<string, string> } = {}) {
    const ip = opts.ip ?? `198.51.100.${nextIp++}`;
    const env = { incoming: { socket: { remoteAddress: ip } } };
    return (opts.app ?? h.app).request(
      '/p',
      {
        method: 'POST',
        body: new URLSearchParams({ email }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...opts.headers },
      },
      env,
    );
  }

  it('shows a labelled form', async () => {
    const res = await h.app.request('/p');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<label for="email">Email address</label>');
    expect(html).toMatch(/<input id="email" name="email" type="email"/);
  });

  it('answers the same for a known and an unknown address, and mails only the known one', async () => {
    const before = mail.sent.length;
    const known = await ask('ANN@example.com');
    const unknown = await ask('nobody@example.com');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(await known.text()).toBe(await unknown.text());
    // The mail is queued and sent after the page answers (docs/privacy.md): wait for the queue, not a clock.
    await h.mailQueue.idle();
    expect(mail.sent.slice(before)).toHaveLength(1);
    await h.mailQueue.idle();
    const sent = mail.sent.at(-1)!;
    expect(sent).toMatchObject({ kind: 'link', recipientId: annId });
    expect(verifyToken(h.config.signingKeys, new URL(sent.url).pathname.slice(3), 'preferences')?.subjectId).toBe(annId);
  });

  it('finds a Unicode address by the A-label a browser sends, and refuses look-alikes (issue 10)', async () => {
    const janId = await addRecipient(h, 'jan@müller.example');
    const before = mail.sent.length;
    expect((await ask('jan@xn--mller-kva.example')).status).toBe(200);
    expect((await ask('JAN@ｍüｌｌｅｒ.example')).status).toBe(200);
    await h.mailQueue.idle();
    expect(mail.sent.slice(before).map((m) => m.recipientId)).toEqual([janId, janId]);
    for (const lookalike of ['jan\u200b@müller.example', 'jan@mü\u00adller.example', 'jan\u202e@müller.example', 'jan\ufffd@müller.example']) {
      expect((await ask(lookalike)).status, lookalike).toBe(422);
    }
    // The same mailbox cannot be stored twice.
    const res = await h.request('PUT', '/v1/recipients', { body: { email: 'Jan@XN--MLLER-KVA.example' } });
    expect((await res.json()).id).toBe(janId);
  });

  it('rejects an invalid address with a 422 page, escaping what was typed', async () => {
    for (const email of ['', 'not-an-address', 'a@b.c\r\nBcc: x@y.z', '"><script>alert(1)</script>@x.io', `${'a'.repeat(300)}@example.com`]) {
      const res = await ask(email);
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain('Please enter a valid email address');
      expect(html).not.toContain('<script>alert(1)</script>');
    }
  });

  it('limits per address, the same for known and unknown addresses, with Retry-After', async () => {
    for (const email of ['ann@example.com', 'ghost@example.com']) {
      for (let i = 0; i < LINK_LIMIT_PER_ADDRESS.max - (email === 'ann@example.com' ? 1 : 0); i++) expect((await ask(email)).status).toBe(200);
      const limited = await ask(email);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(LINK_LIMIT_PER_ADDRESS.windowSeconds);
      expect(await limited.text()).toContain('Too many requests');
    }
  });

  it('limits per client IP, shared by several instances on one database', async () => {
    const second = createApp({ config: h.config, db: h.handle.db, systemMail: mail.mail });
    const ip = '203.0.113.77';
    for (let i = 0; i < LINK_LIMIT_PER_IP.max; i++) {
      expect((await ask(`person${i}@example.net`, { ip, app: i % 2 ? second : h.app })).status).toBe(200);
    }
    expect((await ask('one.more@example.net', { ip, app: second })).status).toBe(429);
    expect((await ask('one.more@example.net', { ip: '203.0.113.78' })).status).toBe(200);
    const keys = await h.handle.db.selectFrom('rate_limits').select('key').execute();
    expect(keys.some((k) => k.key.includes('203.0.113') || k.key.includes('example'))).toBe(false);
  });

  it('holds the limit under a concurrent burst (one atomic upsert per hit)', async () => {
    const statuses = await Promise.all(Array.from({ length: 12 }, () => ask('burst@example.com')));
    expect(statuses.filter((r) => r.status === 200)).toHaveLength(LINK_LIMIT_PER_ADDRESS.max);
    expect(statuses.filter((r) => r.status === 429)).toHaveLength(12 - LINK_LIMIT_PER_ADDRESS.max);
  });

  it('behind TRUSTED_PROXY_HOPS proxies, limits by the forwarded client address, not a spoofed one', async () => {
    const proxied = createApp({ config: { ...h.config, trustedProxyHops: 1 }, db: h.handle.db, systemMail: mail.mail });
    const via = (spoof: string, client: string) =>
      ask(`proxied${spoof}@example.com`, { app: proxied, ip: '10.0.0.1', headers: { 'x-forwarded-for': `${spoof}, ${client}` } });
    for (let i = 0; i < LINK_LIMIT_PER_IP.max; i++) expect((await via(`198.18.0.${i}`, '192.0.2.50')).status).toBe(200);
    expect((await via('198.18.1.1', '192.0.2.50')).status).toBe(429);
    expect((await via('198.18.1.1', '192.0.2.51')).status).toBe(200);
  });

  it('refuses a cross-site post and a non-form body', async () => {
    expect((await ask('ann@example.com', { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    const json = await h.app.request('/p', {
      method: 'POST',
      body: '{"email":"ann@example.com"}',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
    });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
