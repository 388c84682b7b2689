// Several instances writing to one database at once must still leave one unbroken chain: appends are
// serialised (an advisory lock on PostgreSQL; on SQLite, transactions that begin IMMEDIATE and wait for
// the one writer), never forked and never failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/domain/consent/ledger-verify.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { startScript } from '../support/cli.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const INSTANCES = 4;
const WRITES_EACH = 40;

describe.each(testDialects())('concurrent ledger writers on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
    await createCategory(h.handle.db, { key: 'news', name: 'Newsletter', kind: 'marketing' });
  });
  afterAll(() => h.close());

  it('keeps one verifiable chain when separate instances append at once', { timeout: 120_000 }, async () => {
    const writers = Array.from({ length: INSTANCES }, (_, i) =>
      startScript('test/support/ledger-writer.ts', [h.config.databaseUrl, String(WRITES_EACH), `i${i}`]),
    );
    // A barrier: every instance connected before any appends, so that their appends really overlap.
    await Promise.all(writers.map((w) => w.said('ready')));
    for (const w of writers) w.tell('go');
    const runs = await Promise.all(writers.map((w) => w.done));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs.map((r) => r.stdout)).toEqual(writers.map(() => `ready\n${WRITES_EACH} written\n`));
    const result = await verifyLedger(h.handle.db, { pageSize: 37 });
    expect(result).toMatchObject({ ok: true, events: INSTANCES * WRITES_EACH });
  });
});
