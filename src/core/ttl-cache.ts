// A small in-memory cache whose entries live at most `ttlMs`, on an injectable clock. It serves the hot
// paths that may answer from a few seconds' old data (verified API keys, categories: docs/performance.md).
// Only what a load found is kept: a load that throws or finds nothing is asked again next time.

export interface TtlCache<V> {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly now: () => number;
  /** The entries themselves, for a test to look into. */
  readonly entries: Map<string, { value: V; expiresAt: number }>;
  /** The fresh entry for `key`, else what `load` finds (kept unless undefined, or forgotten while loading). */
  get<L extends V | undefined>(key: string, load: () => Promise<L>): Promise<V | L>;
  /** Drops `key`; a load under way when this runs does not store what it read (it may predate a local edit). */
  forget(key: string): void;
}

export function createTtlCache<V>(options: { ttlMs: number; maxEntries: number; now?: () => number }): TtlCache<V> {
  const { ttlMs, maxEntries } = options;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: V; expiresAt: number }>();
  // Bumped by every forget: a load that began before it cannot store what it read.
  let generation = 0;
  return {
    ttlMs,
    maxEntries,
    now,
    entries,
    get: async (key, load) => {
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now()) return hit.value;
      entries.delete(key);
      const began = generation;
      const value = await load();
      if (value !== undefined && began === generation) {
        // Full: start over rather than track recency; a refill costs one load per key.
        if (entries.size >= maxEntries) entries.clear();
        entries.set(key, { value, expiresAt: now() + ttlMs });
      }
      return value;
    },
    forget: (key) => {
      generation++;
      entries.delete(key);
    },
  };
}
