import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDailyStats } from '../../src/db/daily-stats.js';
import { testDialects } from '../support/harness.js';
import { NEWSLETTER, type NoticeFixture, noticeFixture } from '../support/notices-fixture.js';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

describe.each(testDialects())('GET /v1/stats on %s', (dialect) => {
  let f: NoticeFixture;
  let reader: string;
  const stats = async (query: string, key?: string) => f.h.request('GET', `/v1/stats?${query}`, { key: key ?? reader });
  const dayOf = async (query: string) => {
    const body = await (await stats(query)).json();
    return body.days.find((d: { date: string }) => d.date === today());
  };

  beforeAll(async () => {
    f = await noticeFixture(dialect);
    reader = await f.h.key('eligibility:read');
  });
  afterAll(() => f.close());

  it('counts each change of the day, by category and source, in the transaction of the change', async () => {
    // The fixture subscribed ada to news and unsubscribed bob (api), and opted cy out of marketing.
    const before = await dayOf(`from=${today()}&to=${today()}&category=news`);
    expect(before).toMatchObject({ subscribed: 1, unsubscribed: 1, unsubscribedBySource: { api: 1 }, marketingOptOuts: 1 });

    await f.h.request('PATCH', '/v1/recipients/ada@example.com', { body: { subscriptions: { news: 'unsubscribed', product: 'unsubscribed' } } });
    await f.h.request('POST', '/v1/suppressions', { body: { email: 'zed@example.com', reason: 'complaint' } });
    const sent = await f.h.request('POST', '/v1/notices', {
      body: { to: 'bob@example.com', category: 'product', template: 'newsletter', data: NEWSLETTER },
      key: await f.h.key('notices:send'),
    });
    expect(sent.status).toBe(202);

    const news = await dayOf(`from=${daysAgo(2)}&to=${today()}&category=news`);
    expect(news).toMatchObject({ subscribed: 1, unsubscribed: 2, unsubscribedBySource: { api: 2 }, suppressed: 1, noticesSent: 0 });
    const product = await dayOf(`from=${today()}&to=${today()}&category=product`);
    expect(product).toMatchObject({ subscribed: 0, unsubscribed: 1, noticesSent: 1, suppressed: 1, marketingOptOuts: 1 });
    const all = await dayOf(`from=${today()}&to=${today()}`);
    expect(all).toMatchObject({ subscribed: 1, unsubscribed: 3, noticesSent: 1, suppressed: 1 });
  });

  it('answers every day of the range, zero-filled, oldest first', async () => {
    await countDailyStats(f.h.handle.db, [
      { at: `${daysAgo(3)}T10:00:00.000Z`, metric: 'unsubscribed', categoryKey: 'news', source: 'one_click' },
      { at: `${daysAgo(3)}T11:00:00.000Z`, metric: 'unsubscribed', categoryKey: 'news', source: 'one_click' },
    ]);
    const body = await (await stats(`from=${daysAgo(4)}&to=${daysAgo(2)}&category=news`)).json();
    expect(body.category).toBe('news');
    expect(body.days.map((d: { date: string }) => d.date)).toEqual([daysAgo(4), daysAgo(3), daysAgo(2)]);
    expect(body.days[0].unsubscribed).toBe(0);
    expect(body.days[1]).toMatchObject({ unsubscribed: 2, unsubscribedBySource: { one_click: 2 } });
  });

  it.each([
    ['no from', `to=2026-01-01`, 'from'],
    ['a word for from', `from=yesterday&to=2026-01-01`, 'from'],
    ['an impossible date', `from=2026-02-30&to=2026-03-01`, 'from'],
    ['to before from', `from=2026-02-02&to=2026-02-01`, 'to'],
    ['more than a year', `from=2024-01-01&to=2026-01-01`, 'to'],
    ['SQL in the category', `from=2026-01-01&to=2026-01-02&category=news'%20or%201=1`, 'category'],
    ['CRLF in to', `from=2026-01-01&to=2026-01-02%0d%0a`, 'to'],
  ])('answers 422 for %s', async (_label, query, path) => {
    const res = await stats(query);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).errors[0].path).toBe(path);
  });

  it('answers 404 for an unknown category, 401 without a key, 403 for other scopes', async () => {
    expect((await stats(`from=${today()}&to=${today()}&category=nope`)).status).toBe(404);
    expect((await f.h.request('GET', `/v1/stats?from=${today()}&to=${today()}`, { key: null })).status).toBe(401);
    expect((await stats(`from=${today()}&to=${today()}`, await f.h.key('privacy'))).status).toBe(403);
  });
});
