// Every eligibility answer needs its category, and eligibility is asked thousands of times a second.
// A category's id and kind never change (docs/api.md "Words"); only its consent mode (opt_in/opt_out) and
// whether it is archived can, by an admin's PATCH or the console, and that is what a stale entry could get wrong. So an instance may remember categories
// it read for at most MAX_CATEGORY_CACHE_TTL_MS: an edit made through this instance is seen at once,
// one made through another instance sharing the database within that bound. Unknown keys are never
// kept (a category created elsewhere is found at once). Consent is never cached: only the category.
import type { Kysely } from 'kysely';
import { createTtlCache, type TtlCache } from '../../core/ttl-cache.js';
import type { Category } from '../../core/vocabulary.js';
import type { Database } from '../../db/schema.js';
import { getCategory } from './categories.js';

export const MAX_CATEGORY_CACHE_TTL_MS = 5000;

export type CategoryCache = TtlCache<Category>;

export function createCategoryCache(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): CategoryCache {
  const ttlMs = Math.min(options.ttlMs ?? MAX_CATEGORY_CACHE_TTL_MS, MAX_CATEGORY_CACHE_TTL_MS);
  return createTtlCache({ ttlMs, maxEntries: options.maxEntries ?? 1000, now: options.now });
}

/** getCategory, answered from the cache while an entry is fresh; 404 as ever for an unknown key (never kept). */
export async function getCategoryCached(db: Kysely<Database>, cache: CategoryCache | undefined, key: string): Promise<Category> {
  if (!cache) return getCategory(db, key);
  return cache.get(key, () => getCategory(db, key));
}

/** After a category changes through this instance: its next read goes to the database. */
export function forgetCategory(cache: CategoryCache | undefined, key: string): void {
  cache?.forget(key);
}
