import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markOutboxWritten, onOutboxCommit } from '../../src/db/commit-signal.js';
import { startJobs } from '../../src/jobs/run-jobs.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

const HOUR = 3_600_000;

/** Resolves once `done()` holds, checking at each turn of the event loop; rejects after `ms`. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((next) => setTimeout(next, 5));
  }
}

// A change committed in this process wakes delivery at once: the job's timer is an hour away here, so
// anything that arrives came from the wake, not from a tick.
describe.each(testDialects())('webhook delivery without waiting for a tick on %s', (dialect) => {
  let h: Harness;
  let rx: Receiver;
  let stopJobs: () => void;

  beforeAll(async () => {
    h = await makeHarness(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    rx = await startReceiver();
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
    await h.request('POST', '/v1/webhook-endpoints', { body: { url: rx.url } });
    stopJobs = startJobs(h.handle.db, h.config, { firstDelayMs: HOUR, intervalMs: HOUR });
  });
  afterAll(async () => {
    stopJobs();
    await rx.close();
    await h.close();
  });

  it('delivers a change as soon as it commits, well inside one tick', async () => {
    const started = performance.now();
    const res = await h.request('PUT', '/v1/recipients', { body: { email: 'now@example.com', subscriptions: { news: 'subscribed' } } });
    expect(res.status).toBe(201);
    await until(() => rx.received.length === 1, 5000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rx.received[0]!.json).toMatchObject({ type: 'consent.changed', data: { email: 'now@example.com', change: 'subscribed' } });
    // Changes in quick succession, some while a run is under way, all arrive, in ledger order.
    for (let i = 0; i < 5; i++)
      await h.request('PATCH', '/v1/recipients/now@example.com', { body: { subscriptions: { news: i % 2 ? 'subscribed' : 'unsubscribed' } } });
    await until(() => rx.received.length === 6, 5000);
    const ids = rx.received.map((r) => Number(r.json.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(6);
  });

  it('is woken by the events of a notice too', async () => {
    await h.request('PUT', '/v1/recipients', { body: { email: 'reader@example.com', subscriptions: { news: 'subscribed' } } });
    const before = rx.received.length;
    const data = { headline: 'Hi', intro: 'Text', ctaLabel: 'Read', ctaUrl: 'https://example.com/' };
    const sent = await (await h.request('POST', '/v1/notices', { body: { to: 'reader@example.com', category: 'news', template: 'newsletter', data } })).json();
    expect(sent.status).toBe('sent');
    // From the answer: the first notice of a process compiles its template, which takes its time.
    const started = performance.now();
    await until(() => rx.received.slice(before).some((r) => r.json.type === 'notice.sent'), 5000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rx.received.slice(before).find((r) => r.json.type === 'notice.sent')!.json.data.noticeId).toBe(sent.id);
  });

  it('signals after the commit only, and not for a transaction rolled back', async () => {
    const db = h.handle.db;
    const seen: boolean[] = [];
    const off = onOutboxCommit(db, () => seen.push(true));
    try {
      await db
        .transaction()
        .execute(async (trx) => {
          await markOutboxWritten(trx);
          throw new Error('rolled back');
        })
        .catch(() => {});
      await new Promise((next) => setImmediate(next));
      expect(seen).toEqual([]);
      let committed = false;
      const visible: boolean[] = [];
      const off2 = onOutboxCommit(db, () => visible.push(committed));
      await db.transaction().execute(async (trx) => {
        await markOutboxWritten(trx);
        await new Promise((next) => setImmediate(next));
        // Not yet: the transaction is still open.
        expect(seen).toEqual([]);
      });
      committed = true;
      await new Promise((next) => setImmediate(next));
      off2();
      expect(seen).toEqual([true]);
      expect(visible).toEqual([true]);
    } finally {
      off();
    }
  });
});
