// The multi-row writes behind imports and the ledger (src/db/raw-rows.ts), on both dialects: every row
// goes in once, in order, whatever the count (full runs and a power-of-two rest); values are bound, so
// SQL in them is stored as text; a conflict clause and RETURNING work across runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, insertRowsCounted, selectByList } from '../../src/db/raw-rows.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const HOSTILE = ["'); drop table rate_limits; --", 'a"b\\c', '😀 ünïcode', '$1 ? :x @y'];

describe.each(testDialects())('raw multi-row writes on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
  });
  afterAll(() => h.close());

  it('inserts every row once and in order, returning what each statement returned', async () => {
    const keys = Array.from({ length: 163 }, (_, i) => `${HOSTILE[i % HOSTILE.length]}#${i}`);
    const rows = keys.map((k, i) => [k, i, '2030-01-01T00:00:00.000Z']);
    const returned = await insertRows<{ key: string }>(h.handle.db, 'rate_limits', ['key', 'hits', 'window_ends_at'], rows, 'returning key');
    expect(returned.map((r) => r.key)).toEqual(keys);
    const stored = await h.handle.db.selectFrom('rate_limits').select(['key', 'hits']).where('key', 'like', '%#%').execute();
    expect(stored).toHaveLength(163);
    expect(new Map(stored.map((r) => [r.key, Number(r.hits)])).get(keys[101]!)).toBe(101);

    const again = await insertRows(h.handle.db, 'rate_limits', ['key', 'hits', 'window_ends_at'], rows.slice(0, 7), 'on conflict do nothing returning key');
    expect(again).toEqual([]);
    expect(await insertRows(h.handle.db, 'rate_limits', ['key', 'hits', 'window_ends_at'], [])).toEqual([]);
  });

  it('counts the rows that went in, across runs, leaving out those a conflict skipped', async () => {
    const rows = Array.from({ length: 137 }, (_, i) => [`counted#${i}`, i, '2030-01-01T00:00:00.000Z']);
    const columns = ['key', 'hits', 'window_ends_at'];
    expect(await insertRowsCounted(h.handle.db, 'rate_limits', columns, rows.slice(0, 40), 'on conflict do nothing')).toBe(40);
    // 40 of these are there already: 97 go in, over full runs and a power-of-two rest.
    expect(await insertRowsCounted(h.handle.db, 'rate_limits', columns, rows, 'on conflict do nothing')).toBe(97);
    expect(await insertRowsCounted(h.handle.db, 'rate_limits', columns, [])).toBe(0);
  });

  it('binds a list as one parameter, hostile text included', async () => {
    const found = await selectByList<{ key: string }>(h.handle.db, 'select x.key from LIST join rate_limits x on x.key = j.value', [
      `${HOSTILE[0]}#0`,
      `${HOSTILE[1]}#1`,
      'absent',
      `${HOSTILE[2]}#2`,
    ]);
    expect(found.map((r) => r.key).sort()).toEqual([`${HOSTILE[0]}#0`, `${HOSTILE[1]}#1`, `${HOSTILE[2]}#2`].sort());
    expect(await selectByList(h.handle.db, 'select x.key from LIST join rate_limits x on x.key = j.value', [])).toEqual([]);
  });
});
