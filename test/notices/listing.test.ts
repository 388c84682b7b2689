// GET /v1/notices: what was sent, skipped and failed, narrowed by status, category and broadcast, paged
// by cursor, with the reason and the provider's last answer for what failed (docs/api.md "Notices").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLICY } from '../support/broadcast-audience.js';
import { testDialects } from '../support/harness.js';
import { NEWSLETTER, type NoticeFixture, noticeFixture, RECEIPT } from '../support/notices-fixture.js';

interface Listed {
  id: string;
  to: string;
  category: string;
  status: string;
  reason?: string;
  error?: string;
  broadcast: string | null;
}

describe.each(testDialects())('listing notices on %s', (dialect) => {
  let f: NoticeFixture;
  let sender: string;
  let broadcastId: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    f = await noticeFixture(dialect);
    sender = await f.h.key('notices:send');
    const post = async (name: string, body: unknown) => {
      ids[name] = ((await (await f.h.request('POST', '/v1/notices', { body, key: sender })).json()) as { id: string }).id;
    };
    await post('sent', { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT });
    await post('skipped', { to: 'bob@example.com', category: 'news', template: 'newsletter', data: NEWSLETTER });
    f.fake.failNext(422);
    await post('failed', { to: 'cy@example.com', category: 'receipts', template: 'receipt', data: RECEIPT });
    const created = await f.h.request('POST', '/v1/broadcasts', { body: { category: 'receipts', template: 'policy-update', data: POLICY }, key: sender });
    broadcastId = ((await created.json()) as { id: string }).id;
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const b = (await (await f.h.request('GET', `/v1/broadcasts/${broadcastId}`, { key: sender })).json()) as { status: string };
      if (b.status === 'done') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => f.close());

  const list = async (query = '') => {
    const res = await f.h.request('GET', `/v1/notices${query}`, { key: sender });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { data: Listed[]; next: string | null };
  };

  it('lists every notice oldest first, and pages through them by cursor exactly once', async () => {
    const all = await list('?limit=1000');
    expect(all.next).toBeNull();
    expect(all.data.map((n) => n.id)).toEqual([...all.data.map((n) => n.id)].sort());
    const seen: string[] = [];
    let after = '';
    for (let pages = 0; pages < 50; pages++) {
      const page = await list(`?limit=2${after && `&after=${after}`}`);
      seen.push(...page.data.map((n) => n.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(all.data.map((n) => n.id));
  });

  it('shows what failed and why', async () => {
    const failed = await list('?status=failed');
    expect(failed.data.map((n) => n.id)).toEqual([ids.failed]);
    expect(failed.data[0]).toMatchObject({ to: 'cy@example.com', status: 'failed', reason: 'provider_rejected', broadcast: null });
    expect(failed.data[0]!.error).toMatch(/scripted failure/);
  });

  it('narrows by category and by broadcast', async () => {
    const news = await list('?category=news');
    expect(news.data.map((n) => [n.id, n.status, n.reason])).toEqual([[ids.skipped, 'skipped', 'unsubscribed']]);
    const walked = await list(`?broadcast=${broadcastId}&limit=1000`);
    expect(walked.data.length).toBeGreaterThan(2);
    expect(walked.data.every((n) => n.broadcast === broadcastId && n.category === 'receipts')).toBe(true);
    expect(walked.data.map((n) => n.id)).not.toContain(ids.sent);
    expect((await list(`?broadcast=${broadcastId}&status=failed`)).data).toEqual([]);
    expect((await list('?broadcast=0190f0f0-0000-7000-8000-000000000000')).data).toEqual([]);
  });

  it.each([
    ['?status=lost', 422],
    ['?category=NEWS%0A', 422],
    ['?broadcast=1%27%20OR%201%3D1', 422],
    ['?after=x', 422],
    ['?after=%00', 422],
    ['?limit=0', 422],
    ['?limit=1001', 422],
  ])('refuses %s with a problem', async (query, status) => {
    const res = await f.h.request('GET', `/v1/notices${query}`, { key: sender });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('needs the notices:send scope', async () => {
    expect((await f.h.request('GET', '/v1/notices', { key: null })).status).toBe(401);
    expect((await f.h.request('GET', '/v1/notices', { key: await f.h.key('eligibility:read') })).status).toBe(403);
  });
});
