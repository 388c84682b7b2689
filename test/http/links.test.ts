import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/domain/links/tokens.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, eventsOf, seededHarness } from '../support/page-fixtures.js';

describe.each(testDialects())('POST /v1/links on %s', (dialect) => {
  let h: Harness;
  let reader: string;
  let annId: string;
  beforeAll(async () => {
    h = await seededHarness(dialect);
    annId = await addRecipient(h, 'ann@example.com', { newsletter: 'subscribed' });
    await h.handle.db.updateTable('recipients').set({ external_id: 'user-42' }).where('id', '=', annId).execute();
    reader = await h.key('eligibility:read');
  });
  afterAll(() => h.close());

  const post = (body: unknown, key?: string) => h.request('POST', '/v1/links', { body, key: key ?? reader });

  it('gives marketing links with RFC 8058 headers, by email, id and external id', async () => {
    for (const recipient of ['Ann@Example.com', annId, 'ext:user-42']) {
      const res = await post({ recipient, category: 'newsletter' });
      expect(res.status).toBe(200);
      const body = await res.json();
      const unsubscribe = new URL(body.unsubscribeUrl);
      expect(unsubscribe.origin).toBe('https://prefs.example.test');
      expect(body.oneClickUrl).toBe(body.unsubscribeUrl);
      expect(body.headers).toEqual({ 'List-Unsubscribe': `<${body.oneClickUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
      const claims = verifyToken(h.config.signingKeys, unsubscribe.pathname.slice(3), 'unsubscribe');
      expect(claims?.subjectId).toBe(annId);
      // A marketing email's preference link is its unsubscribe token under /p/ (docs/api.md "Pages").
      expect(new URL(body.preferencesUrl).pathname).toBe(`/p/${unsubscribe.pathname.slice(3)}`);
      expect(body.preferencesUrl.length).toBeLessThan(200);
    }
  });

  it('gives only a preferences link for a transactional category', async () => {
    const body = await (await post({ recipient: 'ann@example.com', category: 'receipts' })).json();
    expect(Object.keys(body)).toEqual(['preferencesUrl']);
  });

  it('creates an unseen address without consent or event', async () => {
    const res = await post({ recipient: 'new.person@example.org', category: 'newsletter' });
    expect(res.status).toBe(200);
    const row = await h.handle.db
      .selectFrom('recipients')
      .select(['id', 'email'])
      .where('email_normalized', '=', 'new.person@example.org')
      .executeTakeFirstOrThrow();
    expect(verifyToken(h.config.signingKeys, new URL((await res.json()).unsubscribeUrl).pathname.slice(3), 'unsubscribe')?.subjectId).toBe(row.id);
    expect(await eventsOf(h, row.id)).toEqual([]);
    const subs = await h.handle.db.selectFrom('subscriptions').selectAll().where('recipient_id', '=', row.id).execute();
    expect(subs).toEqual([]);
  });

  it('answers 404 for an unknown id, external id or category', async () => {
    expect((await post({ recipient: '018f0000-0000-7000-8000-000000000000', category: 'newsletter' })).status).toBe(404);
    expect((await post({ recipient: 'ext:nobody', category: 'newsletter' })).status).toBe(404);
    const unknownCategory = await post({ recipient: 'someone.else@example.org', category: 'nope' });
    expect(unknownCategory.status).toBe(404);
    expect(
      await h.handle.db.selectFrom('recipients').select('id').where('email_normalized', '=', 'someone.else@example.org').executeTakeFirst(),
    ).toBeUndefined();
  });

  it.each([
    ['malformed JSON', '{"recipient":', 400],
    ['missing category', { recipient: 'a@example.com' }, 422],
    ['bad address', { recipient: 'not@an@address', category: 'newsletter' }, 422],
    ['CRLF in the address', { recipient: 'a@example.com\r\nBcc: b@example.com', category: 'newsletter' }, 422],
    ['injection in category', { recipient: 'a@example.com', category: "x' OR 1=1; DROP TABLE recipients;--" }, 404],
    ['oversized recipient', { recipient: `${'a'.repeat(400)}@example.com`, category: 'newsletter' }, 422],
    ['extra field', { recipient: 'a@example.com', category: 'newsletter', admin: true }, 422],
  ])('rejects %s', async (_label, body, status) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('needs eligibility:read', async () => {
    expect((await post({ recipient: 'ann@example.com', category: 'newsletter' }, 'mp_bad')).status).toBe(401);
    const writer = await h.key('recipients:write');
    expect((await post({ recipient: 'ann@example.com', category: 'newsletter' }, writer)).status).toBe(403);
    expect(
      (await h.request('POST', '/v1/links', { body: 'recipient=a', headers: { 'content-type': 'application/x-www-form-urlencoded' }, key: reader })).status,
    ).toBe(415);
  });
});
