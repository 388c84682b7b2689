// Archiving from the console at the HTTP level: admins only, CSRF on both forms, the ledger names the
// operator, a transactional category needs the admin's confirmation, and the preference page follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { createCategoryCache } from '../../src/domain/recipients/category-cache.js';
import { addOperator, type ConsoleClient, consoleClient } from '../support/console.js';
import type { Harness } from '../support/harness.js';
import { makeHarness, testDialects } from '../support/harness.js';
import { addRecipient, CATEGORIES } from '../support/page-fixtures.js';

describe.each(testDialects())('archiving categories in the console on %s', (dialect) => {
  let h: Harness;
  const as: Record<'viewer' | 'editor' | 'admin', ConsoleClient & { id: string }> = {} as never;
  const lastEvent = async () => (await listEventsAfter(h.handle.db, 0, 100_000)).at(-1)!;
  const archived = async (key: string) => (await getCategory(h.handle.db, key)).archived;

  beforeAll(async () => {
    // A cache whose entries never expire by themselves: only the archive's forgetting can refresh it.
    h = await makeHarness(dialect, { TRUSTED_PROXY_HOPS: '1' }, { categoryCache: createCategoryCache({ now: () => 0 }) });
    for (const body of CATEGORIES) expect((await h.request('POST', '/v1/categories', { body })).status).toBe(201);
    for (const [i, role] of (['viewer', 'editor', 'admin'] as const).entries()) {
      const op = await addOperator(h, role);
      const client = consoleClient(h, { ip: `192.0.2.${i + 30}` });
      expect((await client.signIn(op.email)).status).toBe(303);
      as[role] = Object.assign(client, { id: op.id });
    }
  });
  afterAll(() => h.close());

  it('lets an admin archive and unarchive, each in the ledger with the operator as actor', async () => {
    await addRecipient(h, 'ivy@example.com', { newsletter: 'subscribed' });
    const reason = async () => (await (await h.request('GET', '/v1/eligibility?email=ivy%40example.com&category=newsletter')).json()).reason;
    // Read once, so this instance holds the category in its cache: the archive must make it forget.
    expect(await reason()).toBe('subscribed');
    const edit = await (await as.admin.get('/admin/categories/newsletter')).text();
    expect(edit).toContain('action="/admin/categories/newsletter/archive"');
    const res = await as.admin.post('/admin/categories/newsletter/archive');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/categories?done=archived');
    expect(await archived('newsletter')).toBe(true);
    expect(await reason()).toBe('category_archived');
    expect(await lastEvent()).toMatchObject({ type: 'category_archived', actor: `operator:${as.admin.id}`, source: 'console', ip: '192.0.2.32' });
    const list = await (await as.viewer.get('/admin/categories?done=archived')).text();
    expect(list).toContain('Archived.');
    expect(list).toContain('<span class="badge warn">archived</span>');
    const page = await (await as.admin.get('/admin/categories/newsletter')).text();
    expect(page).toContain('action="/admin/categories/newsletter/unarchive"');

    expect((await as.admin.post('/admin/categories/newsletter/unarchive')).headers.get('location')).toBe('/admin/categories?done=unarchived');
    expect(await archived('newsletter')).toBe(false);
    expect(await reason()).toBe('subscribed');
    expect(await lastEvent()).toMatchObject({ type: 'category_unarchived', actor: `operator:${as.admin.id}` });
  });

  it('leaves an archived category out of the broadcast form and the record-consent choices', async () => {
    await as.admin.post('/admin/categories/offers/archive');
    const form = await (await as.editor.get('/admin/broadcasts')).text();
    expect(form).not.toContain('<option value="offers"');
    expect(form).toContain('<option value="newsletter"');
    await as.admin.post('/admin/categories/offers/unarchive');
  });

  it("marks archived categories in the overview's filter and lists them after those in use", async () => {
    await as.admin.post('/admin/categories/newsletter/archive');
    const overview = await (await as.viewer.get('/admin?category=newsletter')).text();
    const options = [...overview.matchAll(/<option value="([a-z]*)"( selected="")?>([^<]*)<\/option>/g)].map((m) => [m[1], m[3]]);
    const inSelect = options.filter(([value]) => ['', ...CATEGORIES.map((k) => k.key)].includes(value!));
    expect(inSelect).toEqual([
      ['', 'All categories'],
      ['offers', 'Offers'],
      ['events', 'Events'],
      ['receipts', 'Receipts'],
      ['newsletter', 'Weekly newsletter (archived)'],
    ]);
    // Still the one chosen: its history is charted like any other's.
    expect(overview).toContain('<option value="newsletter" selected="">Weekly newsletter (archived)</option>');
    const de = await (await h.app.request('/admin', { headers: { cookie: as.viewer.cookie!, 'accept-language': 'de' } })).text();
    expect(de).toContain('>Weekly newsletter (archiviert)</option>');
    await as.admin.post('/admin/categories/newsletter/unarchive');
    expect(await (await as.viewer.get('/admin')).text()).toContain('<option value="newsletter">Weekly newsletter</option>');
  });

  it('asks the admin to confirm before a transactional category stops sending', async () => {
    const page = await (await as.admin.get('/admin/categories/receipts')).text();
    expect(page).toContain('id="archive-confirm"');
    const refused = await as.admin.post('/admin/categories/receipts/archive');
    expect(refused.status).toBe(422);
    expect(await archived('receipts')).toBe(false);
    expect((await as.admin.post('/admin/categories/receipts/archive', { confirm: 'yes' })).status).toBe(303);
    expect(await archived('receipts')).toBe(true);
    await as.admin.post('/admin/categories/receipts/unarchive');
  });

  it('refuses viewers and editors (403), a missing or wrong CSRF token and a cross-site post', async () => {
    const before = (await listEventsAfter(h.handle.db, 0, 100_000)).length;
    for (const role of ['viewer', 'editor'] as const) {
      await as[role].get('/admin/categories');
      expect((await as[role].post('/admin/categories/newsletter/archive')).status, role).toBe(403);
    }
    expect((await as.admin.post('/admin/categories/newsletter/archive', {}, { csrf: null })).status).toBe(403);
    expect((await as.admin.post('/admin/categories/newsletter/archive', {}, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await as.admin.post('/admin/categories/newsletter/archive', {}, { origin: 'https://evil.example', site: 'cross-site' })).status).toBe(403);
    expect(await archived('newsletter')).toBe(false);
    expect((await listEventsAfter(h.handle.db, 0, 100_000)).length).toBe(before);
  });

  it('answers hostile keys with a 4xx page, never a 500', async () => {
    for (const key of ['nope', 'a%00b', '%3Cscript%3E', 'x'.repeat(300)]) {
      const res = await as.admin.post(`/admin/categories/${key}/archive`);
      expect([404, 422], key).toContain(res.status);
      expect(await res.text()).not.toContain('<script>');
    }
  });
});
