import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhooks } from '../../src/domain/webhooks/deliver.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

// One batch (one read, one write) carries several deliveries of an endpoint: a failure in its middle
// must still hold back everything after it, and what went out before it must be recorded as delivered.
describe.each(testDialects())('webhook batches on %s', (dialect) => {
  let h: Harness;
  let rx: Receiver;
  let offset = 0;
  const run = () => deliverWebhooks(h.handle.db, { timeoutMs: 2000, allowPrivate: true, now: () => new Date(Date.now() + offset) });

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    rx = await startReceiver();
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
  });
  afterAll(async () => {
    await rx.close();
    await h.close();
  });

  it('stops the batch at a failure in its middle and sends the rest only after it succeeds', async () => {
    const ep = await (await h.request('POST', '/v1/webhook-endpoints', { body: { url: rx.url } })).json();
    for (let i = 0; i < 5; i++) await h.request('PUT', '/v1/recipients', { body: { email: `b${i}@example.com`, subscriptions: { news: 'subscribed' } } });
    // The third request fails: the first two are delivered, the last two wait behind the third.
    rx.respond = (_r, i) => (i === 2 ? 500 : 204);
    expect(await run()).toMatchObject({ delivered: 2, failed: 1 });
    const emails = () => rx.received.map((r) => r.json.data.email);
    expect(emails()).toEqual(['b0@example.com', 'b1@example.com', 'b2@example.com']);

    const listed = (await (await h.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`)).json()).data;
    expect(listed.map((d: { status: string; attempts: number }) => [d.status, d.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 1],
      ['delivered', 1],
      ['delivered', 1],
    ]);
    expect(listed[2]).toMatchObject({ lastStatus: 500, lastError: 'HTTP 500' });
    expect(listed[3]).toMatchObject({ lastStatus: 204, lastError: null });
    expect(listed[3].latencyMs).toBeGreaterThanOrEqual(0);

    // Before its backoff has passed, nothing goes out; after it, the failed one first, then the rest.
    expect(await run()).toMatchObject({ delivered: 0, failed: 0 });
    expect(rx.received).toHaveLength(3);
    offset += 30_000;
    expect(await run()).toMatchObject({ delivered: 3, failed: 0 });
    expect(emails()).toEqual(['b0@example.com', 'b1@example.com', 'b2@example.com', 'b2@example.com', 'b3@example.com', 'b4@example.com']);
    const ids = rx.received.map((r) => Number(r.json.id));
    expect(ids.slice(3)).toEqual([ids[2], ids[2]! + 1, ids[2]! + 2]);
    const after = (await (await h.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`)).json()).data;
    expect(after.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
    expect(after[2].attempts).toBe(2);
  });

  it('reads the endpoint again within a second: one disabled mid-batch gets nothing more', async () => {
    for (const old of (await (await h.request('GET', '/v1/webhook-endpoints')).json()).data) await h.request('DELETE', `/v1/webhook-endpoints/${old.id}`);
    rx.received.length = 0;
    const ep = await (await h.request('POST', '/v1/webhook-endpoints', { body: { url: `${rx.url}?mid` } })).json();
    for (let i = 0; i < 3; i++) await h.request('PUT', '/v1/recipients', { body: { email: `m${i}@example.com`, subscriptions: { news: 'subscribed' } } });
    // While the first POST is answered, the endpoint is disabled and the sender's clock passes a second.
    rx.respond = async (_r, i) => {
      if (i === 0) {
        offset += 1500;
        expect((await h.request('PATCH', `/v1/webhook-endpoints/${ep.id}`, { body: { enabled: false } })).status).toBe(200);
      }
      return 204;
    };
    expect(await run()).toMatchObject({ delivered: 1, failed: 0 });
    expect(rx.received.map((r) => r.json.data.email)).toEqual(['m0@example.com']);
    const statuses = (await (await h.request('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`)).json()).data.map((d: { status: string }) => d.status);
    expect(statuses).toEqual(['pending', 'pending', 'delivered']);
  });
});
