import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELIGIBLE_REASONS, EXPECTED, seedEveryReason } from '../support/eligibility-seed.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const get = (h: Harness, email: string, category: string, key?: string | null) =>
  h.request('GET', `/v1/eligibility?email=${encodeURIComponent(email)}&category=${encodeURIComponent(category)}`, { key });

describe.each(testDialects())('eligibility API on %s', (dialect) => {
  let h: Harness;
  let reader: string;
  beforeAll(async () => {
    h = await makeHarness(dialect);
    await seedEveryReason(h);
    reader = await h.key('eligibility:read');
  });
  afterAll(() => h.close());

  it.each(EXPECTED)('GET answers %s / %s: %s', async (email, category, reason) => {
    const res = await get(h, email, category, reader);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ email, category, eligible: ELIGIBLE_REASONS.has(reason), reason });
  });

  it('answers every reason in bulk, in input order, duplicates and spellings kept', async () => {
    for (const category of ['news', 'digest', 'confirmed', 'receipts']) {
      const cases = EXPECTED.filter((e) => e[1] === category);
      const emails = [...cases.map((e) => e[0]), ...cases.map((e) => e[0].toUpperCase()).reverse(), cases[0]![0]];
      const res = await h.request('POST', '/v1/eligibility', { body: { category, emails }, key: reader });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.category).toBe(category);
      const reasons = [...cases.map((e) => e[2]), ...cases.map((e) => e[2]).reverse(), cases[0]![2]];
      expect(body.results).toEqual(emails.map((email, i) => ({ email, eligible: ELIGIBLE_REASONS.has(reasons[i]!), reason: reasons[i] })));
    }
  });

  it('answers invalid_email in place without failing the batch', async () => {
    const emails = ['sub@example.com', 'not-an-email', 'a@b.c\r\nBcc: x@evil.test', '', ' ', `${'x'.repeat(300)}@example.com`, 'sub@example.com'];
    const res = await h.request('POST', '/v1/eligibility', { body: { category: 'news', emails }, key: reader });
    expect(res.status).toBe(200);
    const reasons = (await res.json()).results.map((r: { reason: string }) => r.reason);
    expect(reasons).toEqual(['subscribed', 'invalid_email', 'invalid_email', 'invalid_email', 'invalid_email', 'invalid_email', 'subscribed']);
  });

  it('decides 10,000 addresses in one request and refuses 10,001', async () => {
    const emails = Array.from({ length: 10_000 }, (_, i) => (i % 1000 === 7 ? 'SUB@example.com' : `bulk-${i}@example.com`));
    const res = await h.request('POST', '/v1/eligibility', { body: { category: 'news', emails }, key: reader });
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results).toHaveLength(10_000);
    results.forEach((r: { email: string; reason: string }, i: number) => {
      expect(r.email).toBe(emails[i]);
      expect(r.reason).toBe(i % 1000 === 7 ? 'subscribed' : 'unknown_recipient');
    });
    const tooMany = await h.request('POST', '/v1/eligibility', { body: { category: 'news', emails: [...emails, 'one@more.test'] }, key: reader });
    expect(tooMany.status).toBe(422);
    expect((await tooMany.json()).detail).toMatch(/at most 10,000 addresses/);
  });

  it('answers 404 for an unknown category, on GET and POST', async () => {
    expect((await get(h, 'sub@example.com', 'nope', reader)).status).toBe(404);
    expect((await get(h, 'sub@example.com', "news' OR '1'='1", reader)).status).toBe(404);
    const res = await h.request('POST', '/v1/eligibility', { body: { category: 'nope', emails: ['sub@example.com'] }, key: reader });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    ['no @', 'not-an-email'],
    ['CRLF', 'sub@example.com\r\nBcc: victim@example.com'],
    ['a space', 'sub @example.com'],
    ['too long', `${'x'.repeat(250)}@example.com`],
    ['huge', 'x'.repeat(5000)],
    ['empty', ''],
  ])('GET answers 422 for an address with %s', async (_label, email) => {
    const res = await get(h, email, 'news', reader);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('GET answers 422 without email or category', async () => {
    expect((await h.request('GET', '/v1/eligibility?category=news', { key: reader })).status).toBe(422);
    expect((await h.request('GET', '/v1/eligibility?email=sub%40example.com', { key: reader })).status).toBe(422);
  });

  it('treats injection strings and markup as data', async () => {
    const hostile = ["x'or'1'='1@example.com", 'robert");drop@example.com', '<script>alert(1)</script>@x.test', 'ünïcödé@exämple.com'];
    const res = await h.request('POST', '/v1/eligibility', { body: { category: 'news', emails: hostile }, key: reader });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await res.json()).results.map((r: { email: string }) => r.email)).toEqual(hostile);
    expect((await get(h, hostile[0]!, 'news', reader)).status).toBe(200);
    expect((await get(h, 'sub@example.com', 'news', reader)).status).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"category":', 400],
    ['an array body', ['sub@example.com'], 422],
    ['no emails', { category: 'news' }, 422],
    ['emails not an array', { category: 'news', emails: 'sub@example.com' }, 422],
    ['a number among emails', { category: 'news', emails: ['sub@example.com', 42] }, 422],
    ['null among emails', { category: 'news', emails: [null] }, 422],
    ['a category that is not a string', { category: { $ne: 1 }, emails: [] }, 422],
    ['an unknown field', { category: 'news', emails: [], extra: 1 }, 422],
    ['a huge string', { category: 'news', emails: ['x'.repeat(100_000)] }, 422],
    ['a huge category', { category: 'x'.repeat(10_000), emails: [] }, 422],
  ])('POST rejects %s with a 4xx', async (_label, body, status) => {
    const res = await h.request('POST', '/v1/eligibility', { body, key: reader });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 415 for a form body and 413 for an oversized JSON body', async () => {
    const form = await h.request('POST', '/v1/eligibility', {
      body: 'category=news',
      key: reader,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const big = JSON.stringify({ category: 'news', emails: Array.from({ length: 9000 }, (_, i) => `${'y'.repeat(300)}${i}@example.com`) });
    expect((await h.request('POST', '/v1/eligibility', { body: big, key: reader })).status).toBe(413);
  });

  it('needs eligibility:read (or admin)', async () => {
    expect((await get(h, 'sub@example.com', 'news', null)).status).toBe(401);
    expect((await get(h, 'sub@example.com', 'news', `mp_0000000000000000_${'a'.repeat(43)}`)).status).toBe(401);
    const writer = await h.key('recipients:write', 'notices:send');
    expect((await get(h, 'sub@example.com', 'news', writer)).status).toBe(403);
    const post = await h.request('POST', '/v1/eligibility', { body: { category: 'news', emails: [] }, key: writer });
    expect(post.status).toBe(403);
    expect((await get(h, 'sub@example.com', 'news', h.adminKey)).status).toBe(200);
  });
});
