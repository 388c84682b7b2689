import { describe, expect, it } from 'vitest';
import { createTtlCache } from '../../src/core/ttl-cache.js';

// The one TTL cache behind the API key and category caches, on a clock the test moves.
function setup(maxEntries = 10) {
  let clock = 1_000;
  const loads: string[] = [];
  const cache = createTtlCache<string>({ ttlMs: 100, maxEntries, now: () => clock });
  const load = (key: string, found = true) => {
    return cache.get(key, async () => {
      loads.push(key);
      return found ? `v-${key}` : undefined;
    });
  };
  return { cache, loads, load, tick: (ms: number) => (clock += ms) };
}

describe('createTtlCache', () => {
  it('answers from memory until ttlMs has passed, then loads again', async () => {
    const { load, loads, tick } = setup();
    expect(await load('a')).toBe('v-a');
    tick(99);
    expect(await load('a')).toBe('v-a');
    expect(loads).toEqual(['a']);
    tick(1);
    expect(await load('a')).toBe('v-a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('keeps nothing for a load that finds nothing or throws', async () => {
    const { cache, load, loads } = setup();
    expect(await load('gone', false)).toBeUndefined();
    expect(await load('gone', false)).toBeUndefined();
    expect(loads).toEqual(['gone', 'gone']);
    await expect(cache.get('bad', () => Promise.reject(new Error('404')))).rejects.toThrow('404');
    expect(cache.entries.size).toBe(0);
  });

  it('forget drops an entry, and a load under way when it ran stores nothing', async () => {
    const { cache, load, loads } = setup();
    await load('a');
    cache.forget('a');
    expect(cache.entries.has('a')).toBe(false);
    let finish!: (v: string) => void;
    const reading = cache.get('a', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.forget('a');
    finish('read before the edit');
    expect(await reading).toBe('read before the edit');
    expect(cache.entries.has('a')).toBe(false);
    expect(await load('a')).toBe('v-a');
    expect(loads).toEqual(['a', 'a']);
  });

  it('never holds more than maxEntries', async () => {
    const { cache, load } = setup(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await load(key);
    expect(cache.entries.size).toBeLessThanOrEqual(3);
    expect(cache.entries.has('e')).toBe(true);
  });
});
