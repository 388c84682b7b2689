import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyCache, MAX_KEY_CACHE_TTL_MS } from '../../src/domain/access/api-key-cache.js';
import { createApiKey, revokeKey } from '../../src/domain/access/api-keys.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('the cache of verified API keys on %s', (dialect) => {
  let h: Harness;
  let clock = 0;
  const cache = createApiKeyCache({ ttlMs: 60_000, maxEntries: 3, now: () => clock });
  const list = (key: string) => h.request('GET', '/v1/categories', { key });

  beforeAll(async () => {
    h = await makeHarness(dialect, {}, { apiKeyCache: cache });
  });
  afterAll(() => h.close());

  it('never keeps a key longer than five seconds', () => {
    expect(cache.ttlMs).toBe(MAX_KEY_CACHE_TTL_MS);
    expect(MAX_KEY_CACHE_TTL_MS).toBeLessThanOrEqual(5000);
  });

  it('keeps honouring a revoked key until its entry expires, then refuses it', async () => {
    const { id, key } = await createApiKey(h.handle.db, 'cached', ['admin']);
    expect((await list(key)).status).toBe(200);
    await revokeKey(h.handle.db, id);
    clock += MAX_KEY_CACHE_TTL_MS - 1;
    expect((await list(key)).status).toBe(200);
    clock += 1;
    expect((await list(key)).status).toBe(401);
    expect((await list(key)).status).toBe(401);
  });

  it('does not let a cached key vouch for another secret with the same id', async () => {
    const { key } = await createApiKey(h.handle.db, 'cached', ['admin']);
    expect((await list(key)).status).toBe(200);
    const forged = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect((await list(forged)).status).toBe(401);
  });

  it('keeps no failures, stores no key in clear, and stays bounded', async () => {
    const { key } = await createApiKey(h.handle.db, 'later', ['admin']);
    const keys = [...cache.entries.keys()];
    expect(keys.some((k) => k.includes(key) || key.includes(k))).toBe(false);
    for (let i = 0; i < 5; i++) expect((await list((await createApiKey(h.handle.db, `k${i}`, ['admin'])).key)).status).toBe(200);
    expect(cache.entries.size).toBeLessThanOrEqual(3);
    cache.entries.clear();
    expect((await list(`mp_0000000000000000_${'a'.repeat(43)}`)).status).toBe(401);
    expect((await list(`${key.slice(0, -2)}zz`)).status).toBe(401);
    expect(cache.entries.size).toBe(0);
  });
});
