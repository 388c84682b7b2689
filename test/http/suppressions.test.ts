import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSuppression } from '../../src/db/suppressions.js';
import { addressHash } from '../../src/domain/privacy/address-hash.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('suppressions on %s', (dialect) => {
  let h: Harness;
  const adminId = () => h.adminKey.split('_')[1]!;
  const eventsOf = async (ref: string) => (await (await h.request('GET', `/v1/recipients/${ref}/events`)).json()).data as Array<Record<string, unknown>>;

  beforeAll(async () => {
    h = await makeHarness(dialect);
    await h.request('POST', '/v1/categories', { body: { key: 'newsletter', name: 'Newsletter', kind: 'marketing', consent: 'opt_out' } });
  });
  afterAll(() => h.close());

  describe('happy paths', () => {
    it('adds with 201, answers 200 when already there, and lifts with 204, each change an event', async () => {
      await h.request('PUT', '/v1/recipients', { body: { email: 'ann@example.com' } });
      const created = await h.request('POST', '/v1/suppressions', { body: { email: 'Ann@Example.com', reason: 'complaint', note: 'Reported via FBL' } });
      expect(created.status).toBe(201);
      const first = await created.json();
      expect(first).toMatchObject({ email: 'Ann@Example.com', reason: 'complaint', note: 'Reported via FBL' });
      const again = await h.request('POST', '/v1/suppressions', { body: { email: 'ann@example.com', reason: 'complaint' } });
      expect(again.status).toBe(200);
      expect((await again.json()).id).toBe(first.id);

      let got = await (await h.request('GET', '/v1/recipients/ann@example.com')).json();
      expect(got.eligibility.newsletter).toEqual({ eligible: false, reason: 'suppressed_complaint' });

      expect((await h.request('DELETE', '/v1/suppressions/ANN%40example.com')).status).toBe(204);
      got = await (await h.request('GET', '/v1/recipients/ann@example.com')).json();
      expect(got.eligibility.newsletter).toEqual({ eligible: true, reason: 'subscribed' });
      expect((await h.request('DELETE', '/v1/suppressions/ann%40example.com')).status).toBe(404);

      const events = await eventsOf('ann@example.com');
      expect(events.map((e) => [e.type, e.source, e.actor, e.detail])).toEqual([
        ['suppressed', 'api', `key:${adminId()}`, { reason: 'complaint' }],
        ['unsuppressed', 'api', `key:${adminId()}`, { reason: 'complaint' }],
      ]);
    });

    it('pages through suppressions with a cursor until next is null', async () => {
      const emails = Array.from({ length: 5 }, (_, i) => `page${i}@example.com`);
      for (const email of emails) expect((await h.request('POST', '/v1/suppressions', { body: { email, reason: 'manual' } })).status).toBe(201);
      const reader = await h.key('eligibility:read');
      const seen: string[] = [];
      let after = '';
      for (let page = 0; page < 10; page++) {
        const res = await h.request('GET', `/v1/suppressions?limit=2${after && `&after=${after}`}`, { key: reader });
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body.data.length).toBeLessThanOrEqual(2);
        seen.push(...body.data.map((s: { email: string }) => s.email));
        if (body.next === null) break;
        after = body.next;
      }
      expect(seen.filter((e) => e.startsWith('page'))).toEqual(emails);
      const all = await (await h.request('GET', '/v1/suppressions?limit=1000')).json();
      expect(all.next).toBeNull();
      const exact = await (await h.request('GET', `/v1/suppressions?limit=${all.data.length}`)).json();
      expect(exact.next).toBeNull();
    });
  });

  it('lifts once under 10 parallel DELETEs: one 204, the rest 404', async () => {
    await h.request('POST', '/v1/suppressions', { body: { email: 'race@example.com', reason: 'manual' } });
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => h.request('DELETE', '/v1/suppressions/race@example.com')))).map((r) => r.status);
    expect(statuses.sort()).toEqual([204, ...Array(9).fill(404)]);
  });

  describe('errors', () => {
    it('refuses to lift an erased suppression with 409', async () => {
      const email = 'erased@example.com';
      await insertSuppression(h.handle.db, {
        id: '0190f0f0-0000-7000-8000-0000000000e1',
        email: null,
        email_normalized: null,
        email_hash: addressHash(h.config.hashKey, email),
        reason: 'erased',
        note: null,
        created_at: new Date().toISOString(),
      });
      const res = await h.request('DELETE', `/v1/suppressions/${encodeURIComponent('Erased@Example.com')}`);
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    });

    it('lifts the other reasons of an erased address but keeps the erasure', async () => {
      const email = 'erased@example.com';
      expect((await h.request('POST', '/v1/suppressions', { body: { email, reason: 'manual' } })).status).toBe(201);
      expect((await h.request('DELETE', `/v1/suppressions/${email}`)).status).toBe(204);
      expect((await h.request('DELETE', `/v1/suppressions/${email}`)).status).toBe(409);
    });

    it.each([
      ['malformed JSON', '{"email"', 400],
      ['the erased reason', { email: 'x@example.com', reason: 'erased' }, 422],
      ['an unknown reason', { email: 'x@example.com', reason: 'spam' }, 422],
      ['a missing reason', { email: 'x@example.com' }, 422],
      ['an invalid email', { email: 'x', reason: 'manual' }, 422],
      ['CRLF in the email', { email: 'x@example.com\r\nBcc: y@example.com', reason: 'manual' }, 422],
      ['SQL in the email', { email: "'; DELETE FROM suppressions;--", reason: 'manual' }, 422],
      ['a huge note', { email: 'x@example.com', reason: 'manual', note: 'n'.repeat(2001) }, 422],
      ['NUL in the note', { email: 'x@example.com', reason: 'manual', note: 'a\u0000b' }, 422],
      ['a wrongly typed note', { email: 'x@example.com', reason: 'manual', note: 7 }, 422],
      ['an unknown field', { email: 'x@example.com', reason: 'manual', expires: 'never' }, 422],
    ])('rejects %s with a 4xx and stores nothing', async (_label, body, status) => {
      const res = await h.request('POST', '/v1/suppressions', { body });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const all = await (await h.request('GET', '/v1/suppressions?limit=1000')).json();
      expect(all.data.some((s: { email: string | null }) => s.email?.startsWith('x@'))).toBe(false);
    });

    it('keeps HTML and unicode in notes as data', async () => {
      const note = '<script>alert(1)</script>\nrenvoyé — 退回';
      const res = await h.request('POST', '/v1/suppressions', { body: { email: 'Zoë@exämple.com', reason: 'hard_bounce', note } });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ email: 'Zoë@exämple.com', note });
    });

    it.each([
      ['a bad email', 'not-an-email', 422],
      ['CRLF', 'a%0d%0a@example.com', 422],
      ['NUL', 'a%00@example.com', 422],
      ['an unknown address', 'never@example.com', 404],
    ])('answers DELETE with %s: %s', async (_label, path, status) => {
      expect((await h.request('DELETE', `/v1/suppressions/${path}`)).status).toBe(status);
    });

    it.each([
      ['a non-UUID cursor', 'after=1%27%20OR%201%3D1'],
      ['limit 0', 'limit=0'],
      ['limit 1001', 'limit=1001'],
      ['a negative limit', 'limit=-1'],
      ['a fractional limit', 'limit=1.5'],
      ['a word for limit', 'limit=ten'],
    ])('answers 422 for %s', async (_label, query) => {
      const res = await h.request('GET', `/v1/suppressions?${query}`);
      expect(res.status).toBe(422);
      expect((await res.json()).errors[0].path).toMatch(/^(after|limit)$/);
    });
  });

  describe('scopes', () => {
    it('lets eligibility:read list, and only admin change', async () => {
      const reader = await h.key('eligibility:read');
      const writer = await h.key('recipients:write');
      expect((await h.request('GET', '/v1/suppressions', { key: null })).status).toBe(401);
      expect((await h.request('GET', '/v1/suppressions', { key: writer })).status).toBe(403);
      expect((await h.request('POST', '/v1/suppressions', { key: reader, body: { email: 'y@example.com', reason: 'manual' } })).status).toBe(403);
      expect((await h.request('DELETE', '/v1/suppressions/page0@example.com', { key: reader })).status).toBe(403);
      expect((await h.request('DELETE', '/v1/suppressions/page0@example.com', { key: null })).status).toBe(401);
    });
  });
});
