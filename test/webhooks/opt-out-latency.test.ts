// How long opt-outs took to reach webhook endpoints: each 2xx of an opt-out's delivery bumps one daily
// bucket counter in the transaction that records it, and the console's overview reads them back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOverview } from '../../src/domain/console/overview.js';
import { deliverWebhooks } from '../../src/domain/webhooks/deliver.js';
import { addOperator, consoleClient } from '../support/console.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

describe.each(testDialects())('opt-out latency to webhooks on %s', (dialect) => {
  let h: Harness;
  let rx: Receiver;
  let endpointId: string;
  const today = new Date().toISOString().slice(0, 10);
  // Deliveries run on a clock moved ahead of the change by `ahead` ms: the latency the test expects.
  const run = (ahead: number) => deliverWebhooks(h.handle.db, { timeoutMs: 2000, allowPrivate: true, now: () => new Date(Date.now() + ahead) });
  const put = (email: string, body: Record<string, unknown>) => h.request('PUT', '/v1/recipients', { body: { email, ...body } });
  const buckets = async () =>
    (await h.handle.db.selectFrom('daily_stats').selectAll().where('metric', 'like', 'webhook_opt_out_le_%').orderBy('metric').execute()).map((r) => ({
      day: r.day,
      metric: r.metric,
      category: r.category_key,
      count: Number(r.count),
    }));

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
    rx = await startReceiver();
    const created = await h.request('POST', '/v1/webhook-endpoints', { body: { url: rx.url } });
    expect(created.status).toBe(201);
    endpointId = ((await created.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await rx.close();
    await h.close();
  });

  it('counts nothing for a subscription, and an unsubscribe in its bucket once', async () => {
    await put('ada@example.com', { subscriptions: { news: 'subscribed' } });
    expect(await run(0)).toMatchObject({ delivered: 1 });
    expect(await buckets()).toEqual([]);
    await put('ada@example.com', { subscriptions: { news: 'unsubscribed' } });
    expect(await run(90_000)).toMatchObject({ delivered: 1 });
    expect(await run(90_000)).toMatchObject({ delivered: 0 });
    expect(await buckets()).toEqual([{ day: today, metric: 'webhook_opt_out_le_300', category: 'news', count: 1 }]);
    // An operator's replay delivers it again, hours later, and is not counted as a slow opt-out.
    const [latest] = (await (await h.request('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=1`)).json()).data;
    expect((await h.request('POST', `/v1/webhook-endpoints/${endpointId}/deliveries/${latest.id}/retry`)).status).toBe(202);
    expect(await run(5 * 3_600_000)).toMatchObject({ delivered: 1 });
    expect(await buckets()).toEqual([{ day: today, metric: 'webhook_opt_out_le_300', category: 'news', count: 1 }]);
  });

  it('counts a refusal of all marketing after a failed attempt by its time to the 2xx, retries included', async () => {
    const bob = await (await put('bob@example.com', {})).json();
    expect((await h.request('PATCH', `/v1/recipients/${bob.id}`, { body: { marketingOptOut: true } })).status).toBe(200);
    rx.respond = () => 503;
    expect(await run(0)).toMatchObject({ delivered: 0, failed: 1 });
    rx.respond = () => 204;
    expect(await run(2 * 3_600_000)).toMatchObject({ delivered: 1 });
    expect(await buckets()).toContainEqual({ day: today, metric: 'webhook_opt_out_le_21600', category: '', count: 1 });
  });

  it('shows the median and 90th percentile per day on the overview, with its table', async () => {
    for (let i = 0; i < 8; i++) await put(`fast${i}@example.com`, { subscriptions: { news: 'unsubscribed' } });
    expect(await run(1500)).toMatchObject({ delivered: 8 });
    // Ten opt-outs today: 8 within 2 s, one within 5 min, one within 6 h.
    const overview = await loadOverview(h.handle.db, { from: today, to: today });
    expect(overview.days[0]).toMatchObject({ webhookP50: 2, webhookP90: 300 });
    expect(overview.totals.webhookP90).toBe(300);
    // The category's view keeps the category-less refusal and its own unsubscribes.
    expect((await loadOverview(h.handle.db, { from: today, to: today, category: 'news' })).days[0]).toMatchObject({ webhookP50: 2, webhookP90: 300 });

    const op = await addOperator(h, 'viewer');
    const viewer = consoleClient(h);
    await viewer.signIn(op.email);
    const html = await (await viewer.get('/admin?days=7')).text();
    const chart = html.slice(html.indexOf('id="chart-webhooks-caption"'));
    expect(chart).toContain('<title id="chart-webhooks-title">How long opt-outs took to reach webhook endpoints</title>');
    expect(chart).toMatch(new RegExp(`<th scope="row">${today}</th><td class="num">2 sec</td><td class="num">5 min</td>`));
  });
});
