// Verifying an API key reads the database on every request, and eligibility is asked thousands of times
// a second. A server may remember keys it verified for a few seconds: a revoked key then keeps working
// for at most `ttlMs` more on an instance that saw it, so revocation takes effect within seconds everywhere.
import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createTtlCache, type TtlCache } from '../../core/ttl-cache.js';
import type { Database } from '../../db/schema.js';
import { type VerifiedKey, verifyApiKey } from './api-keys.js';

export const MAX_KEY_CACHE_TTL_MS = 5000;

/** By SHA-256 of the presented key, so a memory dump shows no usable key. */
export type ApiKeyCache = TtlCache<VerifiedKey>;

export function createApiKeyCache(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): ApiKeyCache {
  const ttlMs = Math.min(options.ttlMs ?? MAX_KEY_CACHE_TTL_MS, MAX_KEY_CACHE_TTL_MS);
  return createTtlCache({ ttlMs, maxEntries: options.maxEntries ?? 10_000, now: options.now });
}

/** verifyApiKey, answered from the cache while a successful verification is fresh. Failures are never kept. */
export async function verifyApiKeyCached(db: Kysely<Database>, cache: ApiKeyCache | undefined, presented: string): Promise<VerifiedKey | undefined> {
  if (!cache) return verifyApiKey(db, presented);
  const id = hash('sha256', presented, 'base64');
  return cache.get(id, () => verifyApiKey(db, presented));
}
