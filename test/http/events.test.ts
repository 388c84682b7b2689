import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry as Entry } from '../../src/domain/consent/ledger-history.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('events on %s', (dialect) => {
  let h: Harness;
  let reader: string;
  const page = async (query: string, key?: string) => h.request('GET', `/v1/events${query}`, { key: key ?? reader });

  beforeAll(async () => {
    h = await makeHarness(dialect);
    reader = await h.key('eligibility:read');
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
    await h.request('POST', '/v1/categories', { body: { key: 'tips', name: 'Tips', kind: 'marketing' } });
  });
  afterAll(() => h.close());

  it('answers an empty ledger with no data and next null', async () => {
    expect(await (await page('')).json()).toEqual({ data: [], next: null });
  });

  it('lists every consent event in order, page by page, until next is null', async () => {
    const a = await (
      await h.request('PUT', '/v1/recipients', { body: { email: 'a@example.com', subscriptions: { news: 'subscribed', tips: 'subscribed' } } })
    ).json();
    const b = await (
      await h.request('PUT', '/v1/recipients', { body: { email: 'b@example.com', subscriptions: { news: 'subscribed' }, consent: { source: 'import' } } })
    ).json();
    await h.request('PATCH', '/v1/recipients/a@example.com', { body: { subscriptions: { news: 'unsubscribed' } } });
    await h.request('POST', '/v1/suppressions', { body: { email: 'stranger@example.com', reason: 'manual' } });

    const seen: Entry[] = [];
    let query = '?limit=2';
    for (let i = 0; i < 10; i++) {
      const res = await page(query);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...body.data);
      if (body.next === null) break;
      expect(typeof body.next).toBe('string');
      query = `?limit=2&after=${encodeURIComponent(body.next)}`;
    }
    expect(seen.map((e) => [e.type, e.recipientId, e.category, e.source])).toEqual([
      ['subscribed', a.id, 'news', 'api'],
      ['subscribed', a.id, 'tips', 'api'],
      ['subscribed', b.id, 'news', 'import'],
      ['unsubscribed', a.id, 'news', 'api'],
      ['suppressed', null, null, 'api'],
    ]);
    expect(Object.keys(seen[0]!).sort()).toEqual(['at', 'category', 'id', 'recipientId', 'source', 'type']);
    expect(new Set(seen.map((e) => e.id)).size).toBe(5);

    const whole = await (await page('?limit=5')).json();
    expect(whole.data.map((e: Entry) => e.id)).toEqual(seen.map((e) => e.id));
    expect(whole.next).toBeNull();
    const rest = await (await page(`?after=${(await (await page('?limit=3')).json()).next}`)).json();
    expect(rest.data.map((e: Entry) => e.id)).toEqual(seen.slice(3).map((e) => e.id));
    expect(await (await page('?after=999999')).json()).toEqual({ data: [], next: null });
  });

  it.each([
    ['a word for a cursor', 'after=abc', 'after'],
    ['a negative cursor', 'after=-1', 'after'],
    ['a fractional cursor', 'after=1.5', 'after'],
    ['an oversized cursor', `after=${'9'.repeat(40)}`, 'after'],
    ['SQL in the cursor', 'after=1%3B%20DROP%20TABLE%20consent_events', 'after'],
    ['CRLF in the cursor', 'after=1%0d%0a', 'after'],
    ['limit 0', 'limit=0', 'limit'],
    ['limit 1001', 'limit=1001', 'limit'],
    ['a word for limit', 'limit=all', 'limit'],
    ['an empty limit', 'limit=', 'limit'],
  ])('answers 422 for %s', async (_label, query, path) => {
    const res = await page(`?${query}`);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).errors[0].path).toBe(path);
  });

  it('accepts recipients:write and eligibility:read, nothing else', async () => {
    expect((await page('', await h.key('recipients:write'))).status).toBe(200);
    expect((await page('', await h.key('notices:send'))).status).toBe(403);
    expect((await page('', await h.key('privacy'))).status).toBe(403);
    expect((await h.request('GET', '/v1/events', { key: null })).status).toBe(401);
  });
});
