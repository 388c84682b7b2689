import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { deliverWebhooks } from '../../src/domain/webhooks/deliver.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

describe.each(testDialects())('webhook delivery across restarts and instances on %s', (dialect) => {
  let h: Harness;
  let rx: Receiver;
  const opts = { timeoutMs: 2000, allowPrivate: true };

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    rx = await startReceiver();
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
  });
  afterAll(async () => {
    await rx.close();
    await h.close();
  });

  it('survives a restart, and waits out the lease of a sender that died mid-run', async () => {
    const ep = await (await h.request('POST', '/v1/webhook-endpoints', { body: { url: `${rx.url}?restart` } })).json();
    for (let i = 0; i < 3; i++) await h.request('PUT', '/v1/recipients', { body: { email: `r${i}@example.com`, subscriptions: { news: 'subscribed' } } });
    // A sender that took the lease and then died: its lease has a minute left.
    const until = new Date(Date.now() + 60_000).toISOString();
    await h.handle.db.updateTable('webhook_endpoints').set({ lease_owner: 'dead', lease_until: until }).where('id', '=', ep.id).execute();

    const restarted = openDatabase(h.config.databaseUrl);
    try {
      expect(await deliverWebhooks(restarted.db, opts)).toMatchObject({ delivered: 0 });
      const later = await deliverWebhooks(restarted.db, { ...opts, now: () => new Date(Date.now() + 61_000) });
      expect(later).toMatchObject({ delivered: 3 });
    } finally {
      await restarted.close();
    }
    const got = rx.received.filter((r) => r.json.type === 'consent.changed');
    expect(got.map((r) => r.json.data.email)).toEqual(['r0@example.com', 'r1@example.com', 'r2@example.com']);
    expect((await h.request('DELETE', `/v1/webhook-endpoints/${ep.id}`)).status).toBe(204);
  });

  it('shares the queue between two instances without sending anything twice, each endpoint in order', async () => {
    rx.received.length = 0;
    const endpoints = [];
    for (let i = 0; i < 3; i++) endpoints.push(await (await h.request('POST', '/v1/webhook-endpoints', { body: { url: `${rx.url}?ep=${i}` } })).json());
    for (let i = 0; i < 20; i++) await h.request('PUT', '/v1/recipients', { body: { email: `m${i}@example.com`, subscriptions: { news: 'subscribed' } } });

    const other = openDatabase(h.config.databaseUrl);
    try {
      let total = 0;
      for (let round = 0; round < 50 && total < 60; round++) {
        const [a, b] = await Promise.all([
          deliverWebhooks(h.handle.db, { ...opts, maxPerEndpoint: 7 }),
          deliverWebhooks(other.db, { ...opts, maxPerEndpoint: 7 }),
        ]);
        total += a.delivered + b.delivered;
      }
      expect(total).toBe(60);
    } finally {
      await other.close();
    }
    const byEndpoint = new Map<string, number[]>();
    for (const r of rx.received) {
      const ep = String(r.path);
      byEndpoint.set(ep, [...(byEndpoint.get(ep) ?? []), Number(r.json.id)]);
    }
    expect([...byEndpoint.keys()].sort()).toEqual(['/hook?ep=0', '/hook?ep=1', '/hook?ep=2']);
    for (const ids of byEndpoint.values()) {
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    }
  });
});
