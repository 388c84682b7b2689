import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsOfRecipient } from '../../src/db/consent-events.js';
import { findSuppressionsByHash } from '../../src/db/suppressions.js';
import { verifyLedger } from '../../src/domain/consent/ledger-verify.js';
import { checkEligibility } from '../../src/domain/eligibility/check-eligibility.js';
import { addressHash } from '../../src/domain/privacy/address-hash.js';
import { liftErasedSuppression } from '../../src/domain/privacy/erasure.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { addSuppression } from '../../src/domain/recipients/suppressions.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { seedCategories, seedPerson } from '../support/privacy-seed.js';

const enc = encodeURIComponent;

describe.each(testDialects())('privacy API on %s', (dialect) => {
  let h: Harness;
  let privacyKey: string;
  beforeAll(async () => {
    h = await makeHarness(dialect);
    privacyKey = await h.key('privacy');
    await seedCategories(h);
  });
  afterAll(() => h.close());

  const eligibility = async (email: string, key: string) =>
    (await checkEligibility(h.handle.db, h.config.hashKey, await getCategory(h.handle.db, key), [email]))[0];

  it('exports profile, subscriptions with category names, events with IP and user agent, and suppressions', async () => {
    const p = await seedPerson(h, 'export', { suppress: true });
    const res = await h.request('GET', `/v1/recipients/${enc(p.email.toUpperCase())}/export`, { key: privacyKey });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body.recipient).toMatchObject({ id: p.id, email: p.email, externalId: 'crm-export', locale: 'fr-BE', marketingOptOut: false });
    expect(body.subscriptions).toEqual([
      expect.objectContaining({ categoryKey: 'digest', categoryName: 'Weekly digest', kind: 'marketing', status: 'pending', source: 'api' }),
      expect.objectContaining({ categoryKey: 'news', categoryName: 'Newsletter', kind: 'marketing', status: 'subscribed', source: 'api' }),
    ]);
    expect(body.consentEvents.map((e: { type: string }) => e.type)).toEqual(['subscribed', 'pending', 'suppressed']);
    expect(body.consentEvents[0]).toMatchObject({
      category: 'news',
      source: 'api',
      actor: 'key:seed',
      ip: p.ip,
      userAgent: p.userAgent,
      detail: { from: null, to: 'subscribed', text: 'Yes, send me news' },
    });
    expect(body.suppressions).toEqual([expect.objectContaining({ reason: 'manual', email: p.email, note: `asked by phone, ${p.email}` })]);
    expect(Date.parse(body.exportedAt)).not.toBeNaN();

    const byExt = await (await h.request('GET', '/v1/recipients/ext:crm-export/export', { key: privacyKey })).json();
    const byId = await (await h.request('GET', `/v1/recipients/${p.id}/export`)).json();
    expect(byExt.recipient.id).toBe(p.id);
    // Each export before it is part of what is stored about the person (GDPR Art. 15(1)(c)).
    expect(byId.consentEvents.slice(0, 3)).toEqual(body.consentEvents);
    expect(byId.consentEvents.slice(3).map((e: { type: string }) => e.type)).toEqual(['data_exported', 'data_exported']);
  });

  it('records who exported whose data and when, without the data', async () => {
    const p = await seedPerson(h, 'audited', { suppress: true });
    const keyId = privacyKey.split('_')[1];
    const res = await h.request('GET', `/v1/recipients/${enc(p.email)}/export`, { key: privacyKey });
    const body = await res.json();
    const events = await listEventsOfRecipient(h.handle.db, p.id);
    const exported = events.filter((e) => e.type === 'data_exported');
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ recipient_id: p.id, category_key: null, source: 'api', actor: `key:${keyId}`, at: body.exportedAt });
    expect(JSON.parse(exported[0]!.detail!)).toEqual({ parts: ['recipient', 'subscriptions', 'consentEvents', 'suppressions'] });
    // Nothing of the person's own data goes into the ledger, which is kept for ever.
    const stored = JSON.stringify(exported[0]);
    for (const value of [p.email, p.email.toLowerCase(), p.ip, p.userAgent, 'crm-audited', 'fr-BE']) expect(stored).not.toContain(value);
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });

    // A 404 handed nothing out, so it records nothing.
    const exports = async () => (await h.handle.db.selectFrom('consent_events').select('id').where('type', '=', 'data_exported').execute()).length;
    const before = await exports();
    expect((await h.request('GET', `/v1/recipients/${enc('nobody-audited@example.test')}/export`, { key: privacyKey })).status).toBe(404);
    expect(await exports()).toBe(before);
  });

  it('answers 404 for nobody', async () => {
    for (const ref of ['nobody@example.test', 'ext:nobody', '0190f2a0-0000-7000-8000-000000000000']) {
      const res = await h.request('GET', `/v1/recipients/${enc(ref)}/export`, { key: privacyKey });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await h.request('DELETE', `/v1/recipients/${enc(ref)}`, { key: privacyKey })).status).toBe(404);
    }
  });

  it('erases a person end to end and keeps only what stops future mail', async () => {
    const p = await seedPerson(h, 'erase', { suppress: true });
    const other = await seedPerson(h, 'bystander');
    const hash = addressHash(h.config.hashKey, p.email);

    const res = await h.request('DELETE', `/v1/recipients/${p.id}`, { key: privacyKey });
    expect(res.status).toBe(204);

    expect((await h.request('GET', `/v1/recipients/${p.id}/export`, { key: privacyKey })).status).toBe(404);
    const events = await listEventsOfRecipient(h.handle.db, p.id);
    expect(events.length).toBe(4);
    expect(events.every((e) => e.ip === null && e.user_agent === null)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'erased', source: 'erasure', detail: null });
    expect(JSON.stringify(events)).not.toContain(p.email.toLowerCase().split('@')[0]);

    const suppressions = await findSuppressionsByHash(h.handle.db, hash);
    expect(suppressions.map((s) => s.reason).sort()).toEqual(['erased', 'manual']);
    expect(suppressions.every((s) => s.email === null && s.email_normalized === null && s.note === null)).toBe(true);

    // The bystander is untouched.
    const kept = await listEventsOfRecipient(h.handle.db, other.id);
    expect(kept[0]).toMatchObject({ ip: other.ip, user_agent: other.userAgent });
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });

    // What is left to export is the hash-only suppressions, without the address.
    const after = await (await h.request('GET', `/v1/recipients/${enc(p.email)}/export`, { key: privacyKey })).json();
    expect(after).toMatchObject({ recipient: null, subscriptions: [], consentEvents: [] });
    expect(JSON.stringify(after)).not.toContain(p.email);

    expect((await h.request('DELETE', `/v1/recipients/${p.id}`, { key: privacyKey })).status).toBe(404);
    expect((await h.request('DELETE', `/v1/recipients/${enc(p.email)}`, { key: privacyKey })).status).toBe(404);
  });

  it('does not revive marketing when the erased address is imported again; a new double opt-in lifts it', async () => {
    const p = await seedPerson(h, 'returns');
    expect(await eligibility(p.email, 'news')).toEqual({ eligible: true, reason: 'subscribed' });
    expect((await h.request('DELETE', `/v1/recipients/${enc(p.email)}`, { key: privacyKey })).status).toBe(204);
    expect(await eligibility(p.email, 'news')).toEqual({ eligible: false, reason: 'suppressed_erased' });

    const ctx = { source: 'import' as const, actor: 'key:import' };
    await upsertRecipient(h.handle.db, h.config.hashKey, { email: p.email.toLowerCase(), subscriptions: { news: 'subscribed' } }, ctx);
    expect(await eligibility(p.email, 'news')).toEqual({ eligible: false, reason: 'suppressed_erased' });
    expect(await eligibility(p.email, 'receipts')).toEqual({ eligible: true, reason: 'transactional' });

    const lifted = await h.handle.db.transaction().execute((trx) => liftErasedSuppression(trx, h.config.hashKey, p.email));
    expect(lifted).toBe(true);
    expect(await eligibility(p.email, 'news')).toEqual({ eligible: true, reason: 'subscribed' });
    expect(await h.handle.db.transaction().execute((trx) => liftErasedSuppression(trx, h.config.hashKey, p.email))).toBe(false);
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });
  });

  it('keeps a hard bounce standing after erasure and re-import', async () => {
    const p = await seedPerson(h, 'bounced');
    await addSuppression(
      h.handle.db,
      h.config.hashKey,
      { email: p.email, reason: 'hard_bounce', note: `550 5.1.1 <${p.email}> unknown` },
      { source: 'webhook', actor: 'system' },
    );
    expect((await h.request('DELETE', `/v1/recipients/${p.id}`, { key: privacyKey })).status).toBe(204);
    await upsertRecipient(h.handle.db, h.config.hashKey, { email: p.email }, { source: 'import', actor: 'key:import' });
    expect(await eligibility(p.email, 'receipts')).toEqual({ eligible: false, reason: 'suppressed_bounce' });
  });

  it('erases an address known only from a suppression', async () => {
    const email = 'only-suppressed@example.test';
    await addSuppression(h.handle.db, h.config.hashKey, { email, reason: 'complaint' }, { source: 'webhook', actor: 'system' });
    expect((await h.request('DELETE', `/v1/recipients/${enc(email)}`, { key: privacyKey })).status).toBe(204);
    const rows = await findSuppressionsByHash(h.handle.db, addressHash(h.config.hashKey, email));
    expect(rows.map((r) => [r.reason, r.email])).toEqual(
      expect.arrayContaining([
        ['complaint', null],
        ['erased', null],
      ]),
    );
    expect((await h.request('DELETE', `/v1/recipients/${enc(email)}`, { key: privacyKey })).status).toBe(404);
  });

  it.each([
    ['SQL injection', "' OR '1'='1' --", 404],
    ['SQL injection as an address', "x'; DROP TABLE recipients; --@example.test", 404],
    ['SQL injection as an external id', "ext:1' UNION SELECT * FROM api_keys --", 404],
    ['script', '<script>alert(1)</script>', 404],
    ['unicode', 'ünïcødé.名前@exämple.test', 404],
    ['right-to-left and emoji', '\u202e📧@example.test', 404],
    ['huge', 'x'.repeat(20_000), 422],
    ['NUL byte', 'a\u0000b@example.test', 422],
    ['CRLF', 'a\r\nX-Injected: 1@example.test', 422],
  ])('answers a hostile REF (%s) with a 4xx', async (_label, ref, status) => {
    for (const [method, path] of [
      ['GET', `/v1/recipients/${enc(ref)}/export`],
      ['DELETE', `/v1/recipients/${enc(ref)}`],
    ] as const) {
      const res = await h.request(method, path, { key: privacyKey });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.text()).not.toContain('<script>');
    }
  });

  it('answers an undecodable REF with a 4xx and the tables survive every hostile REF', async () => {
    expect((await h.request('GET', '/v1/recipients/%ED%A0%80%ZZ/export', { key: privacyKey })).status).toBeLessThan(500);
    const p = await seedPerson(h, 'survivor');
    expect((await h.request('GET', `/v1/recipients/${p.id}/export`, { key: privacyKey })).status).toBe(200);
  });

  it('needs the privacy scope (or admin)', async () => {
    const p = await seedPerson(h, 'scoped');
    const writer = await h.key('recipients:write', 'eligibility:read');
    for (const [method, path] of [
      ['GET', `/v1/recipients/${p.id}/export`],
      ['DELETE', `/v1/recipients/${p.id}`],
    ] as const) {
      expect((await h.request(method, path, { key: null })).status).toBe(401);
      expect((await h.request(method, path, { key: `mp_0000000000000000_${'a'.repeat(43)}` })).status).toBe(401);
      expect((await h.request(method, path, { key: writer })).status).toBe(403);
    }
    expect((await h.request('GET', `/v1/recipients/${p.id}/export`, { key: privacyKey })).status).toBe(200);
    expect((await h.request('DELETE', `/v1/recipients/${p.id}`)).status).toBe(204);
  });
});
