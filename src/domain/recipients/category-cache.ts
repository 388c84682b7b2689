// Every eligibility answer needs its category, and eligibility is asked thousands of times a second.
// A category's id and kind never change (docs/api.md "Words"); only its consent mode (opt_in/opt_out) can, by an
// admin's PATCH, and that is what a stale entry could get wrong. So an instance may remember categories
// it read for at most MAX_CATEGORY_CACHE_TTL_MS: an edit made through this instance is seen at once,
// one made through another instance sharing the database within that bound. Unknown keys are never
// kept (a category created elsewhere is found at once). Consent is never cached: only the category.
import type { Kysely } from 'kysely';
import type { Category } from '../../core/vocabulary.js';
import type { Database } from '../../db/schema.js';
import { getCategory } from './categories.js';

export const MAX_CATEGORY_CACHE_TTL_MS = 5000;

export interface CategoryCache {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly now: () => number;
  readonly entries: Map<string, { category: Category; expiresAt: number }>;
  /** Bumped by every local edit, so a read that began before the edit cannot store what it read. */
  generation: number;
}

export function createCategoryCache(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): CategoryCache {
  const ttlMs = Math.min(options.ttlMs ?? MAX_CATEGORY_CACHE_TTL_MS, MAX_CATEGORY_CACHE_TTL_MS);
  return { ttlMs, maxEntries: options.maxEntries ?? 1000, now: options.now ?? Date.now, entries: new Map(), generation: 0 };
}

/** getCategory, answered from the cache while an entry is fresh; 404 as ever for an unknown key. */
export async function getCategoryCached(db: Kysely<Database>, cache: CategoryCache | undefined, key: string): Promise<Category> {
  if (!cache) return getCategory(db, key);
  const hit = cache.entries.get(key);
  if (hit && hit.expiresAt > cache.now()) return hit.category;
  const generation = cache.generation;
  const category = await getCategory(db, key);
  if (generation === cache.generation) {
    if (!hit && cache.entries.size >= cache.maxEntries) cache.entries.clear();
    cache.entries.set(key, { category, expiresAt: cache.now() + cache.ttlMs });
  }
  return category;
}

/** After a category changes through this instance: its next read goes to the database. */
export function forgetCategory(cache: CategoryCache | undefined, key: string): void {
  if (!cache) return;
  cache.generation++;
  cache.entries.delete(key);
}
