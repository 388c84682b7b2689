import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('GET /v1/recipients on %s', (dialect) => {
  let h: Harness;
  let reader: string;
  const list = async (query: string, headers: Record<string, string> = {}) => h.request('GET', `/v1/recipients${query}`, { key: reader, headers });
  const emails = async (query: string) => ((await (await list(query)).json()).data as { email: string }[]).map((r) => r.email);

  beforeAll(async () => {
    h = await makeHarness(dialect);
    reader = await h.key('eligibility:read');
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
    await h.request('POST', '/v1/categories', { body: { key: 'tips', name: 'Tips', kind: 'marketing' } });
    const people: [string, string | null, Record<string, string>][] = [
      ['ann@example.com', 'u-1', { news: 'subscribed' }],
      ['Anna@Example.org', null, { news: 'unsubscribed', tips: 'subscribed' }],
      ['bob@example.com', 'ann', {}],
      ['a_b%c@example.com', null, { tips: 'subscribed' }],
      ['=cmd@example.com', null, { news: 'subscribed' }],
    ];
    for (const [email, externalId, subscriptions] of people) await h.request('PUT', '/v1/recipients', { body: { email, externalId, subscriptions } });
  });
  afterAll(() => h.close());

  it('pages through everyone in creation order until next is null', async () => {
    const seen: string[] = [];
    let query = '?limit=2';
    for (let i = 0; i < 5; i++) {
      const body = await (await list(query)).json();
      seen.push(...body.data.map((r: { email: string }) => r.email));
      if (body.next === null) break;
      query = `?limit=2&after=${body.next}`;
    }
    expect(seen).toEqual(['ann@example.com', 'Anna@Example.org', 'bob@example.com', 'a_b%c@example.com', '=cmd@example.com']);
    const first = (await (await list('?limit=1')).json()).data[0];
    expect(first).toMatchObject({ email: 'ann@example.com', externalId: 'u-1', subscriptions: { news: { status: 'subscribed', source: 'api' } } });
  });

  it('searches by address prefix (case-insensitive, wildcards literal) or exact external id', async () => {
    expect(await emails('?q=ann')).toEqual(['ann@example.com', 'Anna@Example.org', 'bob@example.com']);
    expect(await emails('?q=ANNA%40')).toEqual(['Anna@Example.org']);
    expect(await emails('?q=u-1')).toEqual(['ann@example.com']);
    expect(await emails('?q=a_')).toEqual(['a_b%c@example.com']);
    expect(await emails('?q=%25')).toEqual([]);
    expect(await emails("?q=' or 1=1 --")).toEqual([]);
  });

  it('narrows to a category, and to a state in it', async () => {
    expect(await emails('?category=news')).toEqual(['ann@example.com', 'Anna@Example.org', '=cmd@example.com']);
    expect(await emails('?category=news&status=subscribed')).toEqual(['ann@example.com', '=cmd@example.com']);
    expect(await emails('?category=tips&status=subscribed&q=a')).toEqual(['Anna@Example.org', 'a_b%c@example.com']);
    expect((await list('?category=nope')).status).toBe(404);
  });

  it('streams CSV with the import columns, quoting and defusing formulas', async () => {
    const res = await list('?category=news', { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('id,email,externalId,locale,marketingOptOut,createdAt,updatedAt,subscription:news,subscription:tips');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},ann@example\.com,u-1,,false,[^,]+,[^,]+,subscribed,$/);
    expect(lines[2]).toMatch(/,Anna@Example\.org,,,false,[^,]+,[^,]+,unsubscribed,subscribed$/);
    expect(lines[3]).toContain(",'=cmd@example.com,");
    expect(lines[4]).toBe('');
  });

  it.each([
    ['a bad cursor', 'after=abc', 'after'],
    ['limit 0', 'limit=0', 'limit'],
    ['limit 5000', 'limit=5000', 'limit'],
    ['an empty q', 'q=', 'q'],
    // NUL anywhere in a query is refused before any route (src/http/json-shape.ts).
    ['NUL in q', 'q=a%00', '(query)'],
    ['CRLF in q', 'q=a%0d%0a', 'q'],
    ['a q of 400 characters', `q=${'a'.repeat(400)}`, 'q'],
    ['a bad category', 'category=NEWS!', 'category'],
    ['an unknown status', 'category=news&status=bounced', 'status'],
    ['a status without category', 'status=subscribed', 'status'],
  ])('answers 422 for %s', async (_label, query, path) => {
    const res = await list(`?${query}`);
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].path).toBe(path);
  });

  it('needs recipients:write or eligibility:read', async () => {
    expect((await list('', {})).status).toBe(200);
    expect((await h.request('GET', '/v1/recipients', { key: await h.key('notices:send') })).status).toBe(403);
    expect((await h.request('GET', '/v1/recipients', { key: null })).status).toBe(401);
  });
});
