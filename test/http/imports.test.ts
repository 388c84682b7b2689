import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

type Line = { line?: number; status?: string; reason?: string; id?: string; summary?: Record<string, number | boolean> };

describe.each(testDialects())('POST /v1/imports on %s', (dialect) => {
  let h: Harness;
  let writer: string;
  const post = async (body: string, type: string, query = '') => {
    const res = await h.request('POST', `/v1/imports${query}`, { body, key: writer, headers: { 'content-type': type } });
    return {
      res,
      lines:
        res.status === 200
          ? ((await res.text())
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l)) as Line[])
          : [],
    };
  };
  const ledgerSize = async () => (await (await h.request('GET', '/v1/events?limit=1000')).json()).data.length;

  beforeAll(async () => {
    h = await makeHarness(dialect);
    writer = await h.key('recipients:write');
    await h.request('POST', '/v1/categories', { body: { key: 'news', name: 'News', kind: 'marketing' } });
    await h.request('POST', '/v1/categories', { body: { key: 'tips', name: 'Tips', kind: 'marketing', doubleOptIn: true } });
    await h.request('POST', '/v1/categories', { body: { key: 'receipts', name: 'Receipts', kind: 'transactional' } });
  });
  afterAll(() => h.close());

  const CSV = [
    '\uFEFFemail,externalId,locale,subscription:news,subscription:tips,consentedAt,consentSource,ip,consentText',
    'ann@example.com,u-1,en,subscribed,,2019-03-04T05:06:07Z,signup form,203.0.113.7,"Yes, send me ""news""\nweekly"',
    '"bob@example.com",,de,unsubscribed,subscribed,,,,',
    'not-an-address,,,subscribed,,,,,',
    'cy@example.com,,,bogus,,,,,',
  ].join('\r\n');

  it('imports CSV with a BOM and quoted fields, keeping historical consent in the ledger', async () => {
    const { res, lines } = await post(CSV, 'text/csv');
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(lines.map((l) => [l.line, l.status])).toEqual([
      [3, 'created'],
      [4, 'created'],
      [5, 'invalid'],
      [6, 'invalid'],
      [undefined, undefined],
    ]);
    expect(lines[2]!.reason).toMatch(/^email: not a valid email address/);
    expect(lines[3]!.reason).toMatch(/^subscriptions\.news: /);
    expect(lines[4]!.summary).toEqual({ rows: 4, created: 2, updated: 0, unchanged: 0, refused: 0, invalid: 2, dryRun: false });

    const ann = await (await h.request('GET', '/v1/recipients/ext:u-1')).json();
    expect(ann).toMatchObject({ email: 'ann@example.com', locale: 'en', subscriptions: { news: { status: 'subscribed', source: 'import' } } });
    const bob = await (await h.request('GET', '/v1/recipients/bob@example.com')).json();
    expect(bob.subscriptions).toMatchObject({ news: { status: 'unsubscribed' }, tips: { status: 'pending' } });
    const [event] = await (await h.request('GET', `/v1/recipients/${ann.id}/events`)).json().then((b) => b.data);
    expect(event).toMatchObject({ type: 'subscribed', source: 'import', ip: '203.0.113.7', category: 'news' });
    expect(event.detail).toMatchObject({
      consentedAt: '2019-03-04T05:06:07Z',
      consentSource: 'signup form',
      text: 'Yes, send me "news"\nweekly',
      imported: true,
    });
  });

  it('is idempotent: the same file again changes nothing', async () => {
    const before = await ledgerSize();
    const { lines } = await post(CSV, 'text/csv');
    expect(lines.at(-1)!.summary).toMatchObject({ created: 0, updated: 0, unchanged: 2, invalid: 2 });
    expect(await ledgerSize()).toBe(before);
  });

  it('reports what a dry run would do and stores nothing', async () => {
    const before = await ledgerSize();
    const { lines } = await post(
      '{"email":"dry@example.com","subscriptions":{"news":"subscribed"}}\n{"email":"ann@example.com","locale":"fr"}\n',
      'application/x-ndjson',
      '?dryRun=true',
    );
    expect(lines.map((l) => l.status ?? 'summary')).toEqual(['created', 'updated', 'summary']);
    expect(lines.at(-1)!.summary).toMatchObject({ dryRun: true, created: 1, updated: 1 });
    expect((await h.request('GET', '/v1/recipients/dry@example.com')).status).toBe(404);
    expect((await (await h.request('GET', '/v1/recipients/ext:u-1')).json()).locale).toBe('en');
    expect(await ledgerSize()).toBe(before);
  });

  it('updates the external id and locale it is given and leaves the rest', async () => {
    const body = '{"email":"bob@example.com","externalId":"u-2","locale":"fr"}\n{"email":"Bob@Example.com","locale":"pt-BR"}\n';
    const { lines } = await post(body, 'application/x-ndjson');
    expect(lines.map((l) => l.status ?? 'summary')).toEqual(['updated', 'updated', 'summary']);
    const bob = await (await h.request('GET', '/v1/recipients/ext:u-2')).json();
    expect(bob).toMatchObject({ email: 'bob@example.com', externalId: 'u-2', locale: 'pt-BR' });
    expect(bob.subscriptions).toMatchObject({ news: { status: 'unsubscribed' }, tips: { status: 'pending' } });
    const ann = await (await h.request('GET', '/v1/recipients/ext:u-1')).json();
    expect(ann).toMatchObject({ email: 'ann@example.com', locale: 'en' });
  });

  it('never revives an erased or suppressed address, refuses refusing transactional mail and a taken external id', async () => {
    const gone = await (await h.request('PUT', '/v1/recipients', { body: { email: 'gone@example.com' } })).json();
    expect((await h.request('DELETE', `/v1/recipients/${gone.id}`)).status).toBe(204);
    await h.request('POST', '/v1/suppressions', { body: { email: 'Blocked@Example.com', reason: 'hard_bounce' } });
    const body = [
      { email: 'gone@example.com', subscriptions: { news: 'subscribed' } },
      { email: 'blocked@example.com' },
      { email: 'dan@example.com', subscriptions: { receipts: 'unsubscribed' } },
      { email: 'eve@example.com', externalId: 'u-1' },
      { email: 'fay@example.com', externalId: 'u-9' },
      { email: 'gil@example.com', externalId: 'u-9' },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n');
    const { lines } = await post(body, 'application/x-ndjson');
    expect(lines.map((l) => [l.status, l.reason])).toEqual([
      ['refused', 'suppressed_erased'],
      ['refused', 'suppressed_hard_bounce'],
      ['refused', 'transactional_refusal: "receipts" cannot be refused'],
      ['refused', 'external_id_taken'],
      ['created', undefined],
      ['refused', 'external_id_taken'],
      [undefined, undefined],
    ]);
    expect((await h.request('GET', '/v1/recipients/gone@example.com')).status).toBe(404);
  });

  it('reports unreadable NDJSON lines and goes on', async () => {
    const long = JSON.stringify({ email: 'long@example.com', consentText: 'x'.repeat(20_000) });
    const body = [
      '{"email":',
      '[1,2]',
      long,
      '{"email":"ok@example.com","ip":"not-an-ip"}',
      '{"email":"nul\\u0000@example.com"}',
      '{"email":"fine@example.com"}',
    ].join('\n');
    const { lines } = await post(body, 'application/x-ndjson');
    expect(lines.map((l) => [l.line, l.status, l.reason?.split(':')[0]])).toEqual([
      [1, 'invalid', 'not valid JSON'],
      [2, 'invalid', 'not a JSON object'],
      [3, 'invalid', 'longer than 16384 characters'],
      [4, 'invalid', 'ip'],
      [5, 'invalid', 'email'],
      [6, 'created', undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it('reads a CSV with a broken quote up to it', async () => {
    const { lines } = await post('email\nhal@example.com\n"ivy@example.com\n', 'text/csv');
    expect(lines[0]).toMatchObject({ line: 2, status: 'created' });
    expect(lines[1]).toMatchObject({ status: 'invalid' });
    expect(lines.at(-1)!.summary).toMatchObject({ created: 1, invalid: 1 });
  });

  it('answers 415 for another type, 422 for a bad dryRun, 403 without recipients:write, 401 without a key', async () => {
    expect((await post('email\n', 'application/json')).res.status).toBe(415);
    expect((await post('email\n', 'text/csv', '?dryRun=yes')).res.status).toBe(422);
    const reader = await h.key('eligibility:read');
    expect((await h.request('POST', '/v1/imports', { body: 'email\n', key: reader, headers: { 'content-type': 'text/csv' } })).status).toBe(403);
    expect((await h.request('POST', '/v1/imports', { body: 'email\n', key: null, headers: { 'content-type': 'text/csv' } })).status).toBe(401);
  });
});
