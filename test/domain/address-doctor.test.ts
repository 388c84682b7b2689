// `mailprefs doctor addresses` after the canonical form changed (issue 10): rows written under the old
// rule (NFC + lowercase, Unicode domains kept as typed) are rekeyed, collisions and refusals reported.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../../src/core/ids.js';
import { doctorAddresses } from '../../src/domain/operations/address-doctor.js';
import { addressHash } from '../../src/domain/privacy/address-hash.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const oldKey = (email: string) => email.trim().normalize('NFC').toLowerCase();

describe.each(testDialects())('address doctor on %s', (dialect) => {
  let h: Harness;
  const ids: Record<string, string> = {};
  const keyOf = async (id: string) =>
    (await h.handle.db.selectFrom('recipients').select('email_normalized').where('id', '=', id).executeTakeFirstOrThrow()).email_normalized;

  beforeAll(async () => {
    h = await makeHarness(dialect);
    const at = nowIso();
    const legacy = {
      unicode: 'Jan@Müller.example',
      alabel: 'jan@xn--mller-kva.example',
      solo: 'solo@Bücher.de',
      plain: 'plain@example.com',
      invisible: 'in\u200bvisible@example.com',
    };
    for (const [name, email] of Object.entries(legacy)) {
      ids[name] = newId();
      await h.handle.db
        .insertInto('recipients')
        .values({
          id: ids[name]!,
          email,
          email_normalized: oldKey(email),
          external_id: null,
          locale: null,
          marketing_opt_out: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    const oldHash = createHmac('sha256', h.config.hashKey).update(oldKey('bounce@Bücher.de')).digest('hex');
    await h.handle.db
      .insertInto('suppressions')
      .values({
        id: newId(),
        email: 'bounce@Bücher.de',
        email_normalized: oldKey('bounce@Bücher.de'),
        email_hash: oldHash,
        reason: 'hard_bounce',
        note: null,
        created_at: at,
      })
      .execute();
  });
  afterAll(() => h.close());

  it('reports in a dry run and changes nothing', async () => {
    const report = await doctorAddresses(h.handle.db, h.config.hashKey, { dryRun: true });
    expect(report).toMatchObject({ recipients: 5, rekeyed: 1, suppressionsRekeyed: 1, suppressionCollisions: [] });
    expect(await keyOf(ids.solo!)).toBe('solo@bücher.de');
  });

  it('rekeys what is unambiguous, and reports collisions and refusals without merging', async () => {
    const report = await doctorAddresses(h.handle.db, h.config.hashKey, { dryRun: false });
    expect(report.collisions).toEqual([[ids.unicode, ids.alabel].sort()]);
    expect(report.refused).toEqual([{ id: ids.invisible, reason: expect.stringMatching(/invisible/) }]);
    expect(await keyOf(ids.solo!)).toBe('solo@xn--bcher-kva.de');
    expect(await keyOf(ids.plain!)).toBe('plain@example.com');
    // Both people are still there, each with the key they had.
    expect(await keyOf(ids.unicode!)).toBe('jan@müller.example');
    expect(await keyOf(ids.alabel!)).toBe('jan@xn--mller-kva.example');
    const suppression = await h.handle.db.selectFrom('suppressions').selectAll().executeTakeFirstOrThrow();
    expect(suppression).toMatchObject({ email_normalized: 'bounce@xn--bcher-kva.de', email_hash: addressHash(h.config.hashKey, 'bounce@bücher.de') });
    // The rekeyed suppression now covers every spelling: eligibility sees it through the A-label.
    expect((await h.request('POST', '/v1/categories', { body: { key: 'receipts', name: 'Receipts', kind: 'transactional' } })).status).toBe(201);
    for (const spelling of ['bounce@xn--bcher-kva.de', 'BOUNCE@bücher.de']) {
      const res = await h.request('GET', `/v1/eligibility?email=${encodeURIComponent(spelling)}&category=receipts`);
      expect(await res.json()).toMatchObject({ eligible: false, reason: 'suppressed_bounce' });
    }
  });

  it('is idempotent: a second run rekeys nothing', async () => {
    const report = await doctorAddresses(h.handle.db, h.config.hashKey, { dryRun: false });
    expect(report).toMatchObject({ rekeyed: 0, suppressionsRekeyed: 0 });
    expect(report.collisions).toHaveLength(1);
  });
});
