// The one retry of lost races (src/db/transaction.ts): a deadlock the database really reports is
// retried and the change lands once; other errors and an exhausted budget are not hidden.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction, isRetryableConflict } from '../../src/db/transaction.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe('isRetryableConflict', () => {
  it('knows deadlocks, serialization failures and SQLite busy, nothing else', () => {
    for (const code of ['40P01', '40001', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']) expect(isRetryableConflict({ code })).toBe(true);
    for (const code of ['23505', '22021', 'SQLITE_CONSTRAINT', 40001]) expect(isRetryableConflict({ code })).toBe(false);
    expect(isRetryableConflict(new Error('40P01'))).toBe(false);
    expect(isRetryableConflict(null)).toBe(false);
  });
});

describe.each(testDialects())('inTransaction on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
  });
  afterAll(() => h.close());

  const countRows = async () => Number((await sql<{ n: number }>`select count(*) as n from rate_limits`.execute(h.handle.db)).rows[0]!.n);
  const insertRow = (key: string) => sql`insert into rate_limits (key, hits, window_ends_at) values (${key}, 1, '2100-01-01')`;

  it('rolls back a lost attempt and commits the retry once', async () => {
    const waits: number[] = [];
    let attempts = 0;
    await inTransaction(
      h.handle.db,
      async (trx) => {
        attempts++;
        await insertRow(`retry-${attempts}`).execute(trx);
        if (attempts < 3) throw Object.assign(new Error('deadlock detected'), { code: dialect === 'postgres' ? '40P01' : 'SQLITE_BUSY' });
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(attempts).toBe(3);
    expect(waits).toHaveLength(2);
    expect(await countRows()).toBe(1);
  });

  it('gives up after the budget and rethrows; never retries other errors', async () => {
    let attempts = 0;
    const deadlock = () => {
      attempts++;
      throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    };
    await expect(inTransaction(h.handle.db, async () => deadlock(), { attempts: 4, sleep: async () => {} })).rejects.toMatchObject({ code: '40P01' });
    expect(attempts).toBe(4);
    attempts = 0;
    const other = async () => {
      attempts++;
      throw Object.assign(new Error('duplicate'), { code: '23505' });
    };
    await expect(inTransaction(h.handle.db, other, { sleep: async () => {} })).rejects.toMatchObject({ code: '23505' });
    expect(attempts).toBe(1);
  });
});
