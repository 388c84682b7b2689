import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

describe.each(testDialects())('categories on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
  });
  afterAll(() => h.close());

  it('creates, lists and edits a category', async () => {
    const created = await h.request('POST', '/v1/categories', { body: { key: 'newsletter', name: 'Newsletter', kind: 'marketing' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ key: 'newsletter', kind: 'marketing', consent: 'opt_in', doubleOptIn: false });

    const patched = await h.request('PATCH', '/v1/categories/newsletter', { body: { name: 'Weekly news', consent: 'opt_out' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ key: 'newsletter', name: 'Weekly news', consent: 'opt_out' });

    const list = await (await h.request('GET', '/v1/categories')).json();
    expect(list.data.map((c: { key: string }) => c.key)).toEqual(['newsletter']);
  });

  it('answers 409 for a key that exists', async () => {
    await h.request('POST', '/v1/categories', { body: { key: 'receipts', name: 'Receipts', kind: 'transactional' } });
    const again = await h.request('POST', '/v1/categories', { body: { key: 'receipts', name: 'Again', kind: 'marketing' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses to change key or kind', async () => {
    const res = await h.request('PATCH', '/v1/categories/receipts', { body: { kind: 'marketing' } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].path).toBe('(body)');
  });

  it('refuses a consent mode or double opt-in on a transactional category', async () => {
    const res = await h.request('PATCH', '/v1/categories/receipts', { body: { consent: 'opt_in' } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].path).toBe('consent');
    expect((await h.request('PATCH', '/v1/categories/receipts', { body: { doubleOptIn: true } })).status).toBe(422);
    expect((await h.request('PATCH', '/v1/categories/receipts', { body: { name: 'Your receipts' } })).status).toBe(200);
  });

  it('answers 404 for an unknown category', async () => {
    expect((await h.request('PATCH', '/v1/categories/nope', { body: { name: 'x' } })).status).toBe(404);
  });

  it.each([
    ['malformed JSON', '{"key":', 400],
    ['wrong types', { key: 'ok', name: 42, kind: 'marketing' }, 422],
    ['bad key', { key: 'Robert"); DROP TABLE categories;--', name: 'x', kind: 'marketing' }, 422],
    ['unknown kind', { key: 'k', name: 'x', kind: 'spam' }, 422],
    ['huge name', { key: 'k', name: 'x'.repeat(10_000), kind: 'marketing' }, 422],
    ['array body', [1, 2], 422],
    ['NUL in name', { key: 'nul', name: 'a\u0000b', kind: 'marketing' }, 422],
    ['CRLF in name', { key: 'crlf', name: 'a\r\nBcc: x@y.z', kind: 'marketing' }, 422],
    ['NUL in description', { key: 'nuld', name: 'ok', description: 'a\u0000b', kind: 'marketing' }, 422],
  ])('rejects %s with a 4xx', async (_label, body, status) => {
    const res = await h.request('POST', '/v1/categories', { body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keeps HTML in names as data', async () => {
    const res = await h.request('POST', '/v1/categories', { body: { key: 'xss', name: '<script>alert(1)</script>', kind: 'marketing' } });
    expect(res.status).toBe(201);
    expect((await res.json()).name).toBe('<script>alert(1)</script>');
  });

  it('answers 415 for a non-JSON body and 413 for an oversized one', async () => {
    expect((await h.request('POST', '/v1/categories', { body: 'key=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    const big = JSON.stringify({ key: 'big', name: 'x', kind: 'marketing', description: 'x'.repeat(3 * 1024 * 1024) });
    expect((await h.request('POST', '/v1/categories', { body: big })).status).toBe(413);
  });

  it('requires an admin key', async () => {
    expect((await h.request('GET', '/v1/categories', { key: null })).status).toBe(401);
    expect((await h.request('GET', '/v1/categories', { key: `mp_0000000000000000_${'a'.repeat(43)}` })).status).toBe(401);
    const reader = await h.key('eligibility:read');
    expect((await h.request('GET', '/v1/categories', { key: reader })).status).toBe(403);
  });
});
