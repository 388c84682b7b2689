import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

interface EventBody {
  type: string;
  category: string | null;
  source: string;
  actor: string;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}

describe.each(testDialects())('recipients on %s', (dialect) => {
  let h: Harness;
  let writer: string;
  let writerId: string;
  const eventsOf = async (ref: string): Promise<EventBody[]> =>
    (await (await h.request('GET', `/v1/recipients/${encodeURIComponent(ref)}/events`)).json()).data;
  const put = (body: unknown, key?: string) => h.request('PUT', '/v1/recipients', { body, ...(key && { key }) });

  beforeAll(async () => {
    h = await makeHarness(dialect);
    writer = await h.key('recipients:write');
    writerId = writer.split('_')[1]!;
    for (const body of [
      { key: 'newsletter', name: 'Newsletter', kind: 'marketing' },
      { key: 'product-updates', name: 'Product updates', kind: 'marketing', consent: 'opt_out' },
      { key: 'digest', name: 'Digest', kind: 'marketing', doubleOptIn: true },
      { key: 'receipts', name: 'Receipts', kind: 'transactional' },
    ]) {
      expect((await h.request('POST', '/v1/categories', { body })).status).toBe(201);
    }
  });
  afterAll(() => h.close());

  describe('happy paths', () => {
    it('creates with 201, updates with 200, matching the address case-insensitively', async () => {
      const created = await put({ email: 'Ann@Example.com', externalId: 'u-1', locale: 'en-GB' }, writer);
      expect(created.status).toBe(201);
      const ann = await created.json();
      expect(ann).toMatchObject({ email: 'Ann@Example.com', externalId: 'u-1', locale: 'en-GB', marketingOptOut: false, subscriptions: {} });
      expect(Object.keys(ann).sort()).toEqual(['createdAt', 'email', 'externalId', 'id', 'locale', 'marketingOptOut', 'subscriptions', 'updatedAt']);

      const again = await put({ email: 'ann@example.com', locale: 'fr' }, writer);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ id: ann.id, email: 'Ann@Example.com', externalId: 'u-1', locale: 'fr' });
    });

    it('records a subscription with its proof: source, actor, ip, user agent and wording', async () => {
      const consent = { source: 'import', ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Test)', text: 'Yes, send me the newsletter (form v3)' };
      const res = await put({ email: 'bob@example.com', subscriptions: { newsletter: 'subscribed' }, consent }, writer);
      expect(res.status).toBe(201);
      expect((await res.json()).subscriptions.newsletter).toMatchObject({ status: 'subscribed', source: 'import' });
      const events = await eventsOf('bob@example.com');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'subscribed',
        category: 'newsletter',
        source: 'import',
        actor: `key:${writerId}`,
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (Test)',
        detail: { from: null, to: 'subscribed', text: consent.text },
      });
    });

    it('writes no event for a PUT that changes nothing', async () => {
      await put({ email: 'carol@example.com', subscriptions: { newsletter: 'subscribed' } });
      const before = await eventsOf('carol@example.com');
      const same = await put({ email: 'CAROL@example.com', subscriptions: { newsletter: 'subscribed' } });
      expect(same.status).toBe(200);
      expect(await eventsOf('carol@example.com')).toEqual(before);
      expect(before).toHaveLength(1);
    });

    it('leaves a double opt-in subscription pending', async () => {
      const res = await put({ email: 'dora@example.com', subscriptions: { digest: 'subscribed' } });
      expect((await res.json()).subscriptions.digest.status).toBe('pending');
      const got = await (await h.request('GET', '/v1/recipients/dora%40example.com')).json();
      expect(got.eligibility.digest).toEqual({ eligible: false, reason: 'pending_confirmation' });
      expect((await eventsOf('dora@example.com'))[0]).toMatchObject({ type: 'pending', category: 'digest', source: 'api' });
    });

    it('reads a recipient by id, address or externalId, with eligibility for every category', async () => {
      const { id } = await (await put({ email: 'eve@example.com', externalId: 'crm/42', subscriptions: { newsletter: 'subscribed' } })).json();
      const reader = await h.key('eligibility:read');
      for (const ref of [id, 'EVE%40example.com', 'eve@example.com', `ext:${encodeURIComponent('crm/42')}`]) {
        const res = await h.request('GET', `/v1/recipients/${ref}`, { key: reader });
        expect(res.status, ref).toBe(200);
        const body = await res.json();
        expect(body.id).toBe(id);
        expect(body.eligibility).toEqual({
          newsletter: { eligible: true, reason: 'subscribed' },
          'product-updates': { eligible: true, reason: 'subscribed' },
          digest: { eligible: false, reason: 'not_subscribed' },
          receipts: { eligible: true, reason: 'transactional' },
        });
      }
    });

    it('reads an address with "+" in it, encoded or not, and never as a space', async () => {
      const { id } = await (await put({ email: 'pat+news@example.com' })).json();
      for (const ref of ['pat%2Bnews%40example.com', 'pat+news@example.com']) {
        expect((await (await h.request('GET', `/v1/recipients/${ref}`)).json()).id, ref).toBe(id);
      }
      expect((await h.request('GET', '/v1/recipients/pat%20news@example.com')).status).toBe(404);
      expect((await h.request('DELETE', '/v1/suppressions/pat%2Bnews%40example.com')).status).toBe(404);
    });

    it('shows suppressions in the eligibility of a recipient', async () => {
      await put({ email: 'fay@example.com', subscriptions: { newsletter: 'subscribed' } });
      await h.request('POST', '/v1/suppressions', { body: { email: 'FAY@example.com', reason: 'manual' } });
      let got = await (await h.request('GET', '/v1/recipients/fay@example.com')).json();
      expect(got.eligibility.newsletter).toEqual({ eligible: false, reason: 'suppressed_manual' });
      expect(got.eligibility.receipts).toEqual({ eligible: true, reason: 'transactional' });
      await h.request('POST', '/v1/suppressions', { body: { email: 'fay@example.com', reason: 'hard_bounce' } });
      got = await (await h.request('GET', '/v1/recipients/fay@example.com')).json();
      expect(got.eligibility.receipts).toEqual({ eligible: false, reason: 'suppressed_bounce' });
    });

    it('patches profile and consent, each consent change with its event', async () => {
      const { id } = await (await put({ email: 'gil@example.com', subscriptions: { newsletter: 'subscribed' } })).json();
      const res = await h.request('PATCH', `/v1/recipients/${id}`, {
        key: writer,
        body: {
          email: 'Gil.New@example.com',
          externalId: 'g-7',
          locale: 'de',
          marketingOptOut: true,
          subscriptions: { newsletter: 'unsubscribed' },
          consent: { userAgent: 'Support desk' },
        },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id,
        email: 'Gil.New@example.com',
        externalId: 'g-7',
        locale: 'de',
        marketingOptOut: true,
        subscriptions: { newsletter: { status: 'unsubscribed' } },
      });
      const events = await eventsOf('ext:g-7');
      expect(events.map((e) => e.type)).toEqual(['subscribed', 'email_changed', 'marketing_opt_out', 'unsubscribed']);
      expect(events.slice(1).every((e) => e.actor === `key:${writerId}` && e.userAgent === 'Support desk')).toBe(true);
      const got = await (await h.request('GET', '/v1/recipients/gil.new@example.com')).json();
      expect(got.eligibility['product-updates']).toEqual({ eligible: false, reason: 'marketing_opt_out' });
      expect((await h.request('GET', '/v1/recipients/gil@example.com')).status).toBe(404);
    });

    it('keeps exactly one recipient under 20 parallel PUTs of a new address', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => put({ email: i % 2 ? 'Race@Example.com' : 'race@example.com', subscriptions: { newsletter: 'subscribed' } })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
      const rows = await h.handle.db.selectFrom('recipients').select('id').where('email_normalized', '=', 'race@example.com').execute();
      expect(rows).toHaveLength(1);
      expect(new Set(await Promise.all(results.map(async (r) => (await r.json()).id)))).toEqual(new Set([rows[0]!.id]));
      expect((await eventsOf('race@example.com')).map((e) => e.type)).toEqual(['subscribed']);
    });

    it('records one event for 20 parallel identical changes to a known recipient', async () => {
      await put({ email: 'known-race@example.com' });
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          h.request('PATCH', '/v1/recipients/known-race@example.com', { body: { marketingOptOut: true, subscriptions: { newsletter: 'subscribed' } } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect((await eventsOf('known-race@example.com')).map((e) => e.type)).toEqual(['marketing_opt_out', 'subscribed']);
    });
  });

  describe('errors', () => {
    it('names an unknown category key with 422 and stores nothing', async () => {
      const res = await put({ email: 'hal@example.com', subscriptions: { nope: 'subscribed' } });
      expect(res.status).toBe(422);
      expect((await res.json()).errors).toEqual([{ path: 'subscriptions.nope', message: 'no category has this key' }]);
      expect((await h.request('GET', '/v1/recipients/hal@example.com')).status).toBe(404);
    });

    it('refuses to unsubscribe from a transactional category with 409, changing nothing', async () => {
      const res = await put({ email: 'ivy@example.com', subscriptions: { newsletter: 'subscribed', receipts: 'unsubscribed' } });
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await h.request('GET', '/v1/recipients/ivy@example.com')).status).toBe(404);
    });

    it('answers 409 when PATCH takes an address or externalId another recipient has', async () => {
      await put({ email: 'jo@example.com', externalId: 'jo' });
      await put({ email: 'kim@example.com', externalId: 'kim' });
      expect((await h.request('PATCH', '/v1/recipients/ext:kim', { body: { email: 'JO@example.com' } })).status).toBe(409);
      expect((await h.request('PATCH', '/v1/recipients/ext:kim', { body: { externalId: 'jo' } })).status).toBe(409);
      expect((await put({ email: 'lee@example.com', externalId: 'jo' })).status).toBe(409);
      expect(await (await h.request('GET', '/v1/recipients/ext:kim')).json()).toMatchObject({ email: 'kim@example.com', externalId: 'kim' });
    });

    it.each(['GET', 'PATCH', 'GET events'])('answers 404 for an unknown REF (%s)', async (what) => {
      for (const ref of ['nobody%40example.com', 'ext:nobody', '0190f0f0-0000-7000-8000-000000000000', 'x%00y', '%0d%0a', 'a'.repeat(5000)]) {
        const res =
          what === 'PATCH'
            ? await h.request('PATCH', `/v1/recipients/${ref}`, { body: { locale: 'en' } })
            : await h.request('GET', `/v1/recipients/${ref}${what === 'GET events' ? '/events' : ''}`);
        expect(res.status, ref).toBe(404);
      }
    });
  });
});
