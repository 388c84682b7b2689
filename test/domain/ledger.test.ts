// The consent ledger proves itself: `mailprefs ledger verify` passes an intact chain and names the first
// event after any edit, deletion or reordering made directly in the database.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { runCli } from '../support/cli.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { seedCategories, seedPerson } from '../support/privacy-seed.js';

describe.each(testDialects())('consent ledger on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness(dialect);
    await seedCategories(h);
    for (const tag of ['one', 'two', 'three']) await seedPerson(h, tag, { suppress: true });
  });
  afterEach(() => h.close());

  const verify = (...extra: string[]) => runCli(['ledger', 'verify', ...extra], h.config.databaseUrl);
  const idAt = async (seq: number) => (await listEventsAfter(h.handle.db, seq - 1, 1))[0]!.id;
  const exec = (query: ReturnType<typeof sql>) => query.execute(h.handle.db);

  it('verifies an intact ledger, whose head the API gives for anchoring', async () => {
    const ok = await verify();
    expect(ok.stdout).toMatch(/ledger intact: 9 events; head seq 9 hash [0-9a-f]{64}/);
    expect(ok.code).toBe(0);

    const privacyKey = await h.key('privacy');
    const head = await (await h.request('GET', '/v1/ledger/head', { key: privacyKey })).json();
    const last = (await listEventsAfter(h.handle.db, 8, 1))[0]!;
    expect(head).toEqual({ seq: 9, hash: last.hash, at: last.at });
    expect((await verify('--anchor', `${head.seq}:${head.hash}`)).code).toBe(0);
  });

  it('names the event whose content was edited', async () => {
    const id = await idAt(4);
    await exec(sql`update consent_events set category_key = 'receipts' where seq = 4`);
    const res = await verify();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`ledger broken at event seq 4 (id ${id}): its content does not match its hash`);
  });

  it('names the event whose recorded consent wording was edited', async () => {
    const id = await idAt(2);
    await exec(sql`update consent_events set detail = replace(detail, 'Yes', 'No') where seq = 2`);
    const res = await verify();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`seq 2 (id ${id})`);
  });

  it('names the event after a deleted one', async () => {
    const id = await idAt(4);
    await exec(sql`delete from consent_events where seq = 3`);
    const res = await verify();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`ledger broken at event seq 4 (id ${id}): expected seq 3`);
  });

  it('names the first event of two whose seqs were swapped', async () => {
    const sixth = await idAt(6);
    await exec(sql`update consent_events set seq = -1 where seq = 5`);
    await exec(sql`update consent_events set seq = 5 where seq = 6`);
    await exec(sql`update consent_events set seq = 6 where seq = -1`);
    const res = await verify();
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`ledger broken at event seq 5 (id ${sixth}): prev_hash is not the hash of the event before it`);
  });

  it('needs the anchor to see events cut off the end', async () => {
    const head = await (await h.request('GET', '/v1/ledger/head')).json();
    await exec(sql`delete from consent_events where seq >= 8`);
    expect((await verify()).code).toBe(0);
    const res = await verify('--anchor', `${head.seq}:${head.hash}`);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('ledger broken at event seq 8: the anchored head is seq 9');
  });

  it('keeps verifying when IP and user agent are erased (they are outside the hash)', async () => {
    await exec(sql`update consent_events set ip = null, user_agent = 'changed'`);
    expect((await verify()).code).toBe(0);
  });

  it('rejects a malformed anchor as a usage error', async () => {
    const res = await verify('--anchor', "9:' or 1=1 --");
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--anchor is SEQ:HASH');
  });

  it('gives the head to admin and privacy keys only', async () => {
    expect((await h.request('GET', '/v1/ledger/head')).status).toBe(200);
    expect((await h.request('GET', '/v1/ledger/head', { key: await h.key('recipients:write', 'eligibility:read', 'notices:send') })).status).toBe(403);
    expect((await h.request('GET', '/v1/ledger/head', { key: null })).status).toBe(401);
  });
});
