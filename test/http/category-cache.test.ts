import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createCategoryCache, forgetCategory, getCategoryCached, MAX_CATEGORY_CACHE_TTL_MS } from '../../src/domain/recipients/category-cache.js';
import { seedEveryReason } from '../support/eligibility-seed.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

// Two instances on one database: `h.app` remembers categories (with a clock the test moves), `other` does not.
describe.each(testDialects())('the category cache of eligibility on %s', (dialect) => {
  let h: Harness;
  let other: ReturnType<typeof createApp>;
  let clock = 0;
  const cache = createCategoryCache({ ttlMs: 60_000, maxEntries: 3, now: () => clock });
  const reasonOf = async (app: ReturnType<typeof createApp>, email: string, category: string) => {
    const res = await app.request(`/v1/eligibility?email=${encodeURIComponent(email)}&category=${category}`, {
      headers: { authorization: `Bearer ${h.adminKey}` },
    });
    return res.status === 200 ? ((await res.json()) as { reason: string }).reason : res.status;
  };
  const patch = (app: ReturnType<typeof createApp>, key: string, body: unknown) =>
    app.request(`/v1/categories/${key}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    h = await makeHarness(dialect, {}, { categoryCache: cache });
    await seedEveryReason(h);
    other = createApp({ config: h.config, db: h.handle.db });
  });
  afterAll(() => h.close());

  it('never keeps a category longer than five seconds', () => {
    expect(cache.ttlMs).toBe(MAX_CATEGORY_CACHE_TTL_MS);
    expect(MAX_CATEGORY_CACHE_TTL_MS).toBeLessThanOrEqual(5000);
  });

  it('sees a consent-mode edit made through the same instance at once', async () => {
    expect(await reasonOf(h.app, 'known@example.com', 'news')).toBe('not_subscribed');
    expect((await patch(h.app, 'news', { consent: 'opt_out' })).status).toBe(200);
    expect(await reasonOf(h.app, 'known@example.com', 'news')).toBe('subscribed');
    expect((await patch(h.app, 'news', { consent: 'opt_in' })).status).toBe(200);
    expect(await reasonOf(h.app, 'known@example.com', 'news')).toBe('not_subscribed');
  });

  it('sees an archive and an unarchive made through the same instance at once', async () => {
    expect(await reasonOf(h.app, 'nobody@example.com', 'receipts')).toBe('transactional');
    expect((await patch(h.app, 'receipts', { archived: true })).status).toBe(200);
    expect(await reasonOf(h.app, 'nobody@example.com', 'receipts')).toBe('category_archived');
    expect((await patch(h.app, 'receipts', { archived: false })).status).toBe(200);
    expect(await reasonOf(h.app, 'nobody@example.com', 'receipts')).toBe('transactional');
  });

  it('sees an edit made through another instance once its entry expires, never later', async () => {
    expect(await reasonOf(h.app, 'known@example.com', 'digest')).toBe('subscribed');
    expect((await patch(other, 'digest', { consent: 'opt_in' })).status).toBe(200);
    expect(await reasonOf(other, 'known@example.com', 'digest')).toBe('not_subscribed');
    clock += MAX_CATEGORY_CACHE_TTL_MS - 1;
    expect(await reasonOf(h.app, 'known@example.com', 'digest')).toBe('subscribed');
    clock += 1;
    expect(await reasonOf(h.app, 'known@example.com', 'digest')).toBe('not_subscribed');
  });

  it('caches no consent: a refusal through another instance is honoured at once', async () => {
    expect(await reasonOf(h.app, 'sub@example.com', 'news')).toBe('subscribed');
    const res = await other.request('/v1/recipients', {
      method: 'PUT',
      headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'sub@example.com', subscriptions: { news: 'unsubscribed' } }),
    });
    expect(res.status).toBe(200);
    expect(await reasonOf(h.app, 'sub@example.com', 'news')).toBe('unsubscribed');
    expect(await reasonOf(h.app, 'SUB@example.com', 'news')).toBe('unsubscribed');
  });

  it('keeps no unknown key: a category created elsewhere is found at once', async () => {
    expect(await reasonOf(h.app, 'known@example.com', 'late')).toBe(404);
    const created = await other.request('/v1/categories', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'late', name: 'Late', kind: 'marketing', consent: 'opt_out' }),
    });
    expect(created.status).toBe(201);
    expect(await reasonOf(h.app, 'known@example.com', 'late')).toBe('subscribed');
    expect(cache.entries.has(`x' or 1=1 --`)).toBe(false);
    expect(await reasonOf(h.app, 'known@example.com', `x'%20or%201%3D1%20--`)).toBe(404);
    expect([...cache.entries.keys()].some((k) => k.includes('or 1=1'))).toBe(false);
  });

  it('does not store what a read in flight during an edit saw, and stays bounded', async () => {
    cache.entries.clear();
    const reading = getCategoryCached(h.handle.db, cache, 'receipts');
    forgetCategory(cache, 'receipts');
    expect((await reading).kind).toBe('transactional');
    expect(cache.entries.has('receipts')).toBe(false);
    for (const key of ['news', 'digest', 'confirmed', 'receipts', 'late']) await getCategoryCached(h.handle.db, cache, key);
    expect(cache.entries.size).toBeLessThanOrEqual(3);
  });
});
