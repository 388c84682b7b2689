import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSuppression } from '../../src/domain/recipients/suppressions.js';
import { makeHarness, testDialects } from '../support/harness.js';
import { NEWSLETTER, type NoticeFixture, noticeFixture, RECEIPT, RESEND_ENV, seed } from '../support/notices-fixture.js';

describe.each(testDialects())('sending notices on %s', (dialect) => {
  let f: NoticeFixture;
  let sender: string;
  beforeAll(async () => {
    f = await noticeFixture(dialect);
    sender = await f.h.key('notices:send');
  });
  afterAll(() => f.close());
  const post = (body: unknown, headers: Record<string, string> = {}) => f.h.request('POST', '/v1/notices', { body, key: sender, headers });

  it('sends marketing mail with RFC 8058 headers, HTML and text parts and the footer', async () => {
    const before = f.fake.calls.length;
    const res = await post({ to: 'ADA@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'sent', providerId: expect.stringMatching(/^fake-/) });
    const call = f.fake.calls[before]!;
    expect(call.path).toBe('/emails');
    expect(call.idempotencyKey).toBe(`notice-${body.id}`);
    const email = call.emails[0]!;
    expect(email.to).toEqual(['ADA@example.com']);
    expect(email.subject).toBe('Hello <friends>');
    expect(email.headers!['List-Unsubscribe']).toMatch(/^<https:\/\/prefs\.example\.test\/u\/[^>]+>$/);
    expect(email.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = email.headers!['List-Unsubscribe']!.slice(1, -1);
    expect(email.html).toContain(`href="${unsubscribe}"`);
    expect(email.html).toContain('Hello &lt;friends&gt;');
    expect(email.html).toContain('Line one<br />Line two');
    expect(email.text).toContain(`Unsubscribe: ${unsubscribe}`);
    expect(email.text).toMatch(/Manage preferences: https:\/\/prefs\.example\.test\/p\//);
    expect(email.text).toContain('Acme Test Ltd, 1 Test Street, Testville');

    const view = await (await f.h.request('GET', `/v1/notices/${body.id}`, { key: sender })).json();
    expect(view).toMatchObject({ id: body.id, to: 'ADA@example.com', category: 'news', template: 'newsletter', status: 'sent' });
    expect(view.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sent']);
  });

  it('sends transactional mail with a preferences link and no unsubscribe headers, even to an opted-out or new address', async () => {
    for (const to of ['cy@example.com', 'ext:u-1', 'newcomer@example.com']) {
      const before = f.fake.calls.length;
      const res = await post({ to, category: 'receipts', template: 'receipt', data: RECEIPT });
      expect(res.status).toBe(202);
      const email = f.fake.calls[before]!.emails[0]!;
      expect(email.headers ?? {}).not.toHaveProperty('List-Unsubscribe');
      expect(email.html).toMatch(/href="https:\/\/prefs\.example\.test\/p\//);
      expect(email.html).not.toContain('/u/');
    }
    expect(f.fake.calls.at(-2)!.emails[0]!.to).toEqual(['ada@example.com']);
  });

  it.each([
    ['bob@example.com', 'news', 'unsubscribed'],
    ['cy@example.com', 'news', 'marketing_opt_out'],
    ['stranger@example.com', 'news', 'unknown_recipient'],
    ['dora@example.com', 'news', 'suppressed_manual'],
  ])('skips %s for %s: %s, and sends nothing', async (to, category, reason) => {
    await addSuppression(f.h.handle.db, f.h.config.hashKey, { email: 'dora@example.com', reason: 'manual' }, { source: 'api', actor: 'test' });
    const before = f.fake.requests;
    const res = await post({ to, category, template: 'newsletter', data: NEWSLETTER });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'skipped', reason });
    expect(f.fake.requests).toBe(before);
  });

  it('skips a hard-bounced address even for transactional mail', async () => {
    await addSuppression(f.h.handle.db, f.h.config.hashKey, { email: 'gone@example.com', reason: 'hard_bounce' }, { source: 'api', actor: 'test' });
    const res = await post({ to: 'gone@example.com', category: 'receipts', template: 'receipt', data: RECEIPT });
    expect(await res.json()).toMatchObject({ status: 'skipped', reason: 'suppressed_bounce' });
  });

  it('returns the first answer for a repeated idempotency key and sends nothing more', async () => {
    const first = await (await post({ to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT, idempotencyKey: 'order-A-1' })).json();
    const before = f.fake.requests;
    const again = await post({ to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT }, { 'Idempotency-Key': 'order-A-1' });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(first);
    expect(f.fake.requests).toBe(before);
    const clash = await post({ to: 'bob@example.com', category: 'receipts', template: 'receipt', data: RECEIPT, idempotencyKey: 'order-A-1' });
    expect(clash.status).toBe(409);
    // Keys belong to the API key that used them.
    const other = await f.h.key('notices:send');
    const elsewhere = await f.h.request('POST', '/v1/notices', {
      key: other,
      body: { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT, idempotencyKey: 'order-A-1' },
    });
    expect(elsewhere.status).toBe(202);
    expect((await elsewhere.json()).id).not.toBe(first.id);
  });

  it('also keeps the first answer of a skipped notice', async () => {
    const first = await (await post({ to: 'bob@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER, idempotencyKey: 'skip-1' })).json();
    const again = await (await post({ to: 'bob@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER, idempotencyKey: 'skip-1' })).json();
    expect(again).toEqual(first);
  });

  it('answers 422 naming a missing or mistyped field', async () => {
    const res = await post({ to: 'ada@example.com', category: 'receipts', template: 'receipt', data: { orderNumber: 7, amount: '1', date: 'd' } });
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['data.orderNumber', 'data.items']));
  });

  it('answers 422 for an unknown template or one of the wrong kind, 404 for an unknown category or recipient', async () => {
    expect((await post({ to: 'ada@example.com', category: 'news', template: 'nope', data: {} })).status).toBe(422);
    const wrongKind = await post({ to: 'ada@example.com', category: 'receipts', template: 'newsletter', data: NEWSLETTER });
    expect(wrongKind.status).toBe(422);
    expect((await wrongKind.json()).errors[0].path).toBe('template');
    expect((await post({ to: 'ada@example.com', category: 'nope', template: 'receipt', data: RECEIPT })).status).toBe(404);
    expect((await post({ to: 'ext:nobody', category: 'receipts', template: 'receipt', data: RECEIPT })).status).toBe(404);
    expect((await f.h.request('GET', '/v1/notices/does-not-exist', { key: sender })).status).toBe(404);
  });

  it.each([
    ['malformed JSON', '{"to":', 400],
    ['an array', [1], 422],
    ['SQL in the address', { to: "x'); DROP TABLE notices;--@example.com", category: 'receipts', template: 'receipt', data: RECEIPT }, 422],
    ['CRLF in the address', { to: 'a@example.com\r\nBcc: b@example.com', category: 'receipts', template: 'receipt', data: RECEIPT }, 422],
    [
      'CRLF in a subject field',
      { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: { ...RECEIPT, orderNumber: 'A\r\nBcc: x@example.com' } },
      422,
    ],
    ['a javascript: link', { to: 'ada@example.com', category: 'news', template: 'newsletter', data: { ...NEWSLETTER, ctaUrl: 'javascript:alert(1)' } }, 422],
    ['a path as template', { to: 'ada@example.com', category: 'receipts', template: '../../package', data: {} }, 422],
    ['a huge field', { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: { ...RECEIPT, items: 'x'.repeat(100_000) } }, 422],
    ['an object as data value', { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: { ...RECEIPT, items: { $gt: '' } } }, 422],
    ['unicode junk as category', { to: 'ada@example.com', category: 'ñ\u0000💥', template: 'receipt', data: RECEIPT }, 422],
    ['a bad idempotency key', { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT, idempotencyKey: 'a b\r\n' }, 422],
  ])('rejects %s with a 4xx and sends nothing', async (_label, body, status) => {
    const before = f.fake.requests;
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(f.fake.requests).toBe(before);
  });

  it('needs the notices:send scope', async () => {
    expect((await f.h.request('POST', '/v1/notices', { key: null, body: {} })).status).toBe(401);
    const reader = await f.h.key('eligibility:read');
    expect((await f.h.request('POST', '/v1/notices', { key: reader, body: {} })).status).toBe(403);
    expect((await f.h.request('GET', '/v1/templates', { key: reader })).status).toBe(403);
  });

  it('sends a batch in provider calls of at most 100, with per-item results', async () => {
    const before = f.fake.calls.length;
    const recipients = [
      ...Array.from({ length: 230 }, (_, i) => ({ to: `batch${i}@example.com`, data: RECEIPT })),
      { to: 'not-an-address', data: RECEIPT },
      { to: 'batch-x@example.com', data: { ...RECEIPT, amount: 5 } },
      { to: 'gone@example.com', data: RECEIPT },
    ];
    const res = await f.h.request('POST', '/v1/notices/batch', { key: sender, body: { category: 'receipts', template: 'receipt', recipients } });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results).toHaveLength(233);
    expect(results.slice(0, 230).every((r: { status: string }) => r.status === 'sent')).toBe(true);
    expect(results[230]).toMatchObject({ index: 230, status: 'rejected', errors: [{ path: 'recipients.230.to' }] });
    expect(results[231]).toMatchObject({ index: 231, status: 'rejected', errors: [{ path: 'recipients.231.data.amount' }] });
    expect(results[232]).toMatchObject({ index: 232, status: 'skipped', reason: 'suppressed_bounce' });
    const calls = f.fake.calls.slice(before);
    // Calls run side by side, so they may arrive in any order.
    expect(calls.map((c) => c.emails.length).sort((a, b) => b - a)).toEqual([100, 100, 30]);
    expect(calls.every((c) => c.path === '/emails/batch' && c.idempotencyKey?.startsWith('batch-'))).toBe(true);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(3);
    const sentTo = calls.flatMap((c) => c.emails.map((e) => e.to[0]));
    expect(sentTo.sort()).toEqual(
      recipients
        .slice(0, 230)
        .map((r) => r.to)
        .sort(),
    );
    expect(new Set(results.slice(0, 230).map((r: { providerId: string }) => r.providerId)).size).toBe(230);
  });

  it('refuses a batch over 1,000', async () => {
    const recipients = Array.from({ length: 1001 }, (_, i) => ({ to: `x${i}@example.com` }));
    const res = await f.h.request('POST', '/v1/notices/batch', { key: sender, body: { category: 'receipts', template: 'receipt', recipients } });
    expect(res.status).toBe(422);
  });

  it('lists templates and previews them', async () => {
    const list = await (await f.h.request('GET', '/v1/templates', { key: sender })).json();
    expect(list.data.map((t: { name: string }) => t.name)).toEqual([
      'confirm-identity',
      'confirm-subscription',
      'email-change',
      'newsletter',
      'policy-update',
      'preferences-link',
      'receipt',
    ]);
    expect(list.data.find((t: { name: string }) => t.name === 'receipt')).toMatchObject({
      kind: 'transactional',
      fields: expect.arrayContaining([{ name: 'orderNumber', type: 'line', required: true, maxLength: 64 }]),
    });
    const preview = await f.h.request('POST', '/v1/templates/newsletter/preview', { key: sender, body: { data: { ...NEWSLETTER, headline: '<b>Hi</b>' } } });
    expect(preview.status).toBe(200);
    const p = await preview.json();
    expect(p.subject).toBe('<b>Hi</b>');
    expect(p.html).toContain('&lt;b&gt;Hi&lt;/b&gt;');
    expect(p.text).toContain('Unsubscribe: https://prefs.example.test/u/');
    const example = await (await f.h.request('POST', '/v1/templates/receipt/preview', { key: sender, body: {} })).json();
    expect(example.subject).toBe('Your receipt for order A-1042');
    expect((await f.h.request('POST', '/v1/templates/nope/preview', { key: sender, body: {} })).status).toBe(404);
    expect((await f.h.request('POST', '/v1/templates/receipt/preview', { key: sender, body: { data: { orderNumber: 1 } } })).status).toBe(422);
  });
});

describe.each(testDialects())('the default runtime on %s', (dialect) => {
  it('sends through Resend at RESEND_BASE_URL when RESEND_API_KEY is set', async () => {
    const { startFakeResend } = await import('../support/fake-resend.js');
    const fake = await startFakeResend();
    const h = await makeHarness(dialect, { ...RESEND_ENV, RESEND_BASE_URL: fake.url });
    try {
      await seed(h);
      const res = await h.request('POST', '/v1/notices', { body: { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT } });
      expect(res.status).toBe(202);
      expect(fake.calls).toHaveLength(1);
    } finally {
      await h.close();
      await fake.close();
    }
  });
});
