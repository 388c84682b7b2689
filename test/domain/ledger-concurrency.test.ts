// Several instances writing to one database at once must still leave one unbroken chain: appends are
// serialised (an advisory lock on PostgreSQL, the single writer on SQLite), never forked or failed.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory } from '../../src/domain/categories.js';
import { verifyLedger } from '../../src/domain/ledger.js';
import { makeHarness, TEST_ENV, testDialects, type Harness } from '../support/harness.js';

const INSTANCES = 4;
const WRITES_EACH = 40;

function runWriter(url: string, startAt: number, tag: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'test/support/ledger-writer.ts', url, String(startAt), String(WRITES_EACH), tag],
      { env: { ...process.env, ...TEST_ENV }, timeout: 90_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr }),
    );
  });
}

describe.each(testDialects())('concurrent ledger writers on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
    await createCategory(h.handle.db, { key: 'news', name: 'Newsletter', kind: 'marketing' });
  });
  afterAll(() => h.close());

  it('keeps one verifiable chain when separate instances append at once', { timeout: 120_000 }, async () => {
    const startAt = Date.now() + 6_000;
    const runs = await Promise.all(Array.from({ length: INSTANCES }, (_, i) => runWriter(h.config.databaseUrl, startAt, `i${i}`)));
    for (const r of runs) expect(r, r.out).toMatchObject({ code: 0 });
    const result = await verifyLedger(h.handle.db, { pageSize: 37 });
    expect(result).toMatchObject({ ok: true, events: INSTANCES * WRITES_EACH });
  });
});
