import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('GET /v1/events filters and CSV on %s', (dialect) => {
  let h: Harness;
  let between: string;
  const types = async (query: string) =>
    ((await (await h.request('GET', `/v1/events?${query}`)).json()).data as { type: string; category: string | null }[]).map((e) => `${e.type}:${e.category}`);

  beforeAll(async () => {
    h = await makeHarness(dialect);
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
    await h.request('POST', '/v1/categories', { body: { key: 'tips', name: 'Tips', kind: 'marketing' } });
    await h.request('PUT', '/v1/recipients', { body: { email: 'a@example.com', subscriptions: { news: 'subscribed', tips: 'subscribed' } } });
    await new Promise((r) => setTimeout(r, 5));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await h.request('PUT', '/v1/recipients', { body: { email: 'b@example.com', subscriptions: { news: 'subscribed' }, consent: { source: 'import' } } });
    await h.request('PATCH', '/v1/recipients/a@example.com', { body: { subscriptions: { news: 'unsubscribed' } } });
    await h.request('POST', '/v1/suppressions', { body: { email: 'x@example.com', reason: 'manual', note: '=HYPERLINK("x")' } });
  });
  afterAll(() => h.close());

  it('honours type, category, source, since and until', async () => {
    expect(await types('type=unsubscribed')).toEqual(['unsubscribed:news']);
    expect(await types('type=subscribed,suppressed')).toEqual(['subscribed:news', 'subscribed:tips', 'subscribed:news', 'suppressed:null']);
    expect(await types('category=tips')).toEqual(['subscribed:tips']);
    expect(await types('source=import')).toEqual(['subscribed:news']);
    expect(await types(`until=${encodeURIComponent(between)}`)).toEqual(['subscribed:news', 'subscribed:tips']);
    expect(await types(`since=${encodeURIComponent(between)}&category=news`)).toEqual(['subscribed:news', 'unsubscribed:news']);
    const offset = between.replace('Z', '+00:00');
    expect(await types(`since=${encodeURIComponent(offset)}&type=subscribed`)).toEqual(['subscribed:news']);
    const page = await (await h.request('GET', '/v1/events?type=subscribed&limit=1')).json();
    const rest = await (await h.request('GET', `/v1/events?type=subscribed&after=${page.next}`)).json();
    expect(rest.data.map((e: { category: string }) => e.category)).toEqual(['tips', 'news']);
  });

  it.each([
    ['a bad type', 'type=Drop Table', 'type.0'],
    ['an unknown source', 'source=fax', 'source'],
    ['a date without time', 'since=2026-01-01', 'since'],
    ['a word for until', 'until=tomorrow', 'until'],
    ['a bad category', 'category=%0d%0a', 'category'],
  ])('answers 422 for %s', async (_label, query, path) => {
    const res = await h.request('GET', `/v1/events?${query}`);
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].path).toBe(path);
  });

  it('streams events and suppressions as CSV', async () => {
    const events = await (await h.request('GET', '/v1/events?category=news', { headers: { accept: 'text/csv' } })).text();
    const lines = events.trim().split('\r\n');
    expect(lines[0]).toBe('seq,id,type,recipientId,category,source,at,noticeId,broadcastId');
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['subscribed', 'subscribed', 'unsubscribed']);
    const sup = await h.request('GET', '/v1/suppressions', { headers: { accept: 'text/csv' } });
    expect(sup.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const [head, row] = (await sup.text()).trim().split('\r\n');
    expect(head).toBe('id,email,reason,note,createdAt');
    expect(row).toMatch(/^[0-9a-f-]{36},x@example\.com,manual,"'=HYPERLINK\(""x""\)",/);
  });
});
