// Every console screen and action at the HTTP level, by role: what each may read and change, that each
// change goes through the domain verbs with `operator:ID` in the ledger, and hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { addOperator, type ConsoleClient, consoleClient } from '../support/console.js';
import { seedConsoleDemo } from '../support/console-demo.js';
import type { Harness } from '../support/harness.js';
import { testDialects } from '../support/harness.js';
import { seededHarness } from '../support/page-fixtures.js';

describe.each(testDialects())('console screens on %s', (dialect) => {
  let h: Harness;
  let ids: { ada: string; bob: string; lena: string };
  const as: Record<'viewer' | 'editor' | 'admin', ConsoleClient & { id: string }> = {} as never;
  const lastEvent = async () => (await listEventsAfter(h.handle.db, 0, 100_000)).at(-1)!;

  beforeAll(async () => {
    h = await seededHarness(dialect, { TRUSTED_PROXY_HOPS: '1', WEBHOOK_ALLOW_PRIVATE: 'true' });
    ids = await seedConsoleDemo(h);
    for (const [i, role] of (['viewer', 'editor', 'admin'] as const).entries()) {
      const op = await addOperator(h, role);
      const client = consoleClient(h, { ip: `192.0.2.${i + 10}` });
      expect((await client.signIn(op.email)).status).toBe(303);
      as[role] = Object.assign(client, { id: op.id });
    }
  });
  afterAll(() => h.close());

  it('shows every screen to every role', async () => {
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      for (const path of [
        '/admin',
        '/admin?days=7&category=newsletter',
        '/admin/recipients',
        `/admin/recipients/${ids.ada}`,
        '/admin/categories',
        '/admin/suppressions',
        '/admin/notices?status=failed',
        '/admin/keys',
        '/admin/ledger',
      ]) {
        const res = await as[role].get(path);
        expect(res.status, `${role} ${path}`).toBe(200);
      }
    }
    const overview = await (await as.viewer.get('/admin')).text();
    expect(overview).toContain('<svg');
    expect(overview).toContain('<table>');
    const failed = await (await as.viewer.get('/admin/notices?status=failed')).text();
    expect(failed).toContain('provider_rejected');
    expect(failed).not.toContain('<span class="badge">delivered</span>');
  });

  it('shows a person with eligibility, the timeline with seq, hash, wording, IP and user agent, and their notices', async () => {
    const html = await (await as.viewer.get(`/admin/recipients/${ids.ada}`)).text();
    const events = (await listEventsAfter(h.handle.db, 0, 1000)).filter((e) => e.recipient_id === ids.ada);
    for (const e of events) {
      expect(html).toContain(e.hash);
      expect(html).toContain(`>${e.seq}<`);
    }
    expect(html).toContain('Sign-up form v3: “Send me the weekly newsletter.”');
    expect(html).toContain('198.51.100.23');
    expect(html).toContain('Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Safari/604.1');
    expect(html).toContain('unsubscribe_page');
    expect(html).toContain('not_subscribed');
    expect(html).toContain('provider_rejected');
    // A viewer sees no action forms.
    expect(html).not.toContain('/unsubscribe"');
    expect(await (await as.editor.get(`/admin/recipients/${ids.ada}`)).text()).toContain(`/admin/recipients/${ids.ada}/unsubscribe`);
  });

  it('finds people by address prefix and by external id, and survives hostile queries', async () => {
    expect(await (await as.viewer.get('/admin/recipients?q=ADA@')).text()).toContain(`/admin/recipients/${ids.ada}`);
    const byExternal = await (await as.viewer.get('/admin/recipients?q=crm-1002')).text();
    expect(byExternal).toContain(`/admin/recipients/${ids.bob}`);
    expect(byExternal).not.toContain(ids.ada);
    for (const q of ['%00', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', `${'x'.repeat(5000)}`, "'%20or%201%3D1--", '%E0%A4%A']) {
      const res = await as.viewer.get(`/admin/recipients?q=${q}`);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain('<script>alert(1)</script>');
    }
    expect((await as.viewer.get('/admin/recipients/not-an-id')).status).toBe(404);
    expect((await as.viewer.get('/admin/recipients/01939b1c-0000-7000-8000-000000000000')).status).toBe(404);
  });

  it('refuses every change to a viewer, and configuration to an editor', async () => {
    const v = as.viewer;
    await v.get('/admin');
    for (const [path, fields] of [
      [`/admin/recipients/${ids.bob}/unsubscribe`, { category: 'newsletter' }],
      [`/admin/recipients/${ids.bob}/suppress`, {}],
      [`/admin/recipients/${ids.bob}/erase`, { confirm: 'bob@example.com' }],
      ['/admin/suppressions', { email: 'x@example.com', reason: 'manual' }],
      ['/admin/categories', { key: 'viewer-made', name: 'No', kind: 'marketing' }],
      ['/admin/keys', { name: 'no', scope: 'admin' }],
    ] as const) {
      expect((await v.post(path, fields)).status, path).toBe(403);
    }
    expect((await v.post(`/admin/recipients/${ids.bob}/export`)).status).toBe(403);
    expect((await v.get(`/admin/recipients/${ids.bob}/export`)).status).toBe(403);
    await as.editor.get('/admin');
    expect((await as.editor.post('/admin/categories', { key: 'editor-made', name: 'No', kind: 'marketing' })).status).toBe(403);
    expect((await as.editor.post('/admin/keys', { name: 'no', scope: 'admin' })).status).toBe(403);
    expect((await as.editor.get('/admin/categories/newsletter')).status).toBe(403);
  });

  it('lets an editor unsubscribe, refuse all marketing and suppress, each in the ledger as operator:ID', async () => {
    const e = as.editor;
    await e.get(`/admin/recipients/${ids.bob}`);
    const res = await e.post(`/admin/recipients/${ids.bob}/unsubscribe`, { category: 'newsletter' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/admin/recipients/${ids.bob}?done=unsubscribed`);
    expect(await lastEvent()).toMatchObject({
      type: 'unsubscribed',
      category_key: 'newsletter',
      source: 'console',
      actor: `operator:${e.id}`,
      ip: '192.0.2.11',
    });
    expect((await e.post(`/admin/recipients/${ids.bob}/opt-out`)).status).toBe(303);
    expect(await lastEvent()).toMatchObject({ type: 'marketing_opt_out', actor: `operator:${e.id}` });
    expect((await e.post(`/admin/recipients/${ids.bob}/suppress`, { note: 'asked by phone' })).status).toBe(303);
    expect(await lastEvent()).toMatchObject({ type: 'suppressed', actor: `operator:${e.id}` });
    expect((await e.post(`/admin/recipients/${ids.bob}/unsubscribe`, { category: 'receipts' })).status).toBe(409);
    expect((await e.post(`/admin/recipients/${ids.bob}/unsubscribe`, { category: 'nope' })).status).toBe(404);
  });

  it('records consent with evidence, never over a refusal without the acknowledgement', async () => {
    const e = as.editor;
    const path = `/admin/recipients/${ids.ada}/consent`;
    expect((await e.post(path, { category: 'offers', evidence: 'short' })).status).toBe(422);
    // ada unsubscribed from offers herself: recording consent needs the explicit acknowledgement.
    const refused = await e.post(path, { category: 'offers', evidence: 'Signed paper form, 30 Nov, ticket 4711' });
    expect(refused.status).toBe(409);
    expect((await lastEvent()).type).not.toBe('subscribed');
    const ok = await e.post(path, { category: 'offers', evidence: 'Signed paper form, 30 Nov, ticket 4711', acknowledge: 'yes' });
    expect(ok.headers.get('location')).toBe(`/admin/recipients/${ids.ada}?done=consent`);
    const event = await lastEvent();
    expect(event).toMatchObject({ type: 'subscribed', category_key: 'offers', source: 'console', actor: `operator:${e.id}` });
    expect(JSON.parse(event.detail!)).toMatchObject({ text: 'Signed paper form, 30 Nov, ticket 4711' });
    // A double opt-in category waits for the person's own confirmation.
    const pending = await e.post(path, { category: 'events', evidence: 'Asked at the spring fair stand' });
    expect(pending.headers.get('location')).toBe(`/admin/recipients/${ids.ada}?done=pending`);
    expect((await e.post(path, { category: 'receipts', evidence: 'Transactional needs none' })).status).toBe(422);
  });

  it("exports only by a POST with the CSRF token from our own origin; a GET goes to the person's page", async () => {
    const e = as.editor;
    await e.get(`/admin/recipients/${ids.bob}`);
    const link = await e.get(`/admin/recipients/${ids.bob}/export`);
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe(`/admin/recipients/${ids.bob}#export`);
    expect(link.headers.get('content-disposition')).toBeNull();
    for (const [why, opts] of [
      ['no token', { csrf: null }],
      ['a wrong token', { csrf: 'A'.repeat(43) }],
      ['another site', { origin: 'https://evil.example', site: 'cross-site' }],
    ] as const) {
      const res = await e.post(`/admin/recipients/${ids.bob}/export`, {}, opts);
      expect(res.status, why).toBe(403);
      expect(res.headers.get('content-disposition'), why).toBeNull();
      expect(await res.text(), why).not.toContain('bob@example.com');
    }
    const page = await (await e.get(`/admin/recipients/${ids.bob}`)).text();
    expect(page).toMatch(/<form method="post" action="\/admin\/recipients\/[0-9a-f-]{36}\/export" id="export"><input type="hidden" name="_csrf"/);
  });

  it('exports a person as JSON and erases only with the typed address', async () => {
    const e = as.editor;
    await e.get(`/admin/recipients/${ids.bob}`);
    const exported = await e.post(`/admin/recipients/${ids.bob}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    expect((await exported.json()) as { recipient: { email: string } }).toMatchObject({ recipient: { email: 'bob@example.com' } });
    const audit = await lastEvent();
    expect(audit).toMatchObject({ type: 'data_exported', recipient_id: ids.bob, source: 'console', actor: `operator:${e.id}`, ip: '192.0.2.11' });
    expect(audit.detail).not.toContain('bob');
    expect(JSON.parse(audit.detail!).parts).toContain('recipient');
    const timeline = await (await e.get(`/admin/recipients/${ids.bob}`)).text();
    expect(timeline).toContain(audit.hash);
    expect(timeline).toMatch(/<th scope="row">data_exported<\/th>/);
    await e.get(`/admin/recipients/${ids.bob}`);
    expect((await e.post(`/admin/recipients/${ids.bob}/erase`, { confirm: 'bob@example.org' })).status).toBe(422);
    expect((await e.get(`/admin/recipients/${ids.bob}`)).status).toBe(200);
    const erased = await e.post(`/admin/recipients/${ids.bob}/erase`, { confirm: ' BOB@example.com ' });
    expect(erased.headers.get('location')).toBe('/admin/recipients?done=erased');
    expect(await lastEvent()).toMatchObject({ type: 'erased', actor: `operator:${e.id}` });
    expect((await e.get(`/admin/recipients/${ids.bob}`)).status).toBe(404);
  });

  it('adds and lifts suppressions, and never lifts an erased one', async () => {
    const e = as.editor;
    await e.get('/admin/suppressions');
    expect((await e.post('/admin/suppressions', { email: 'spam-trap@example.com', reason: 'manual', note: '<b>trap</b>' })).status).toBe(303);
    const listed = await (await e.get('/admin/suppressions')).text();
    expect(listed).toContain('spam-trap@example.com');
    expect(listed).toContain('&lt;b&gt;trap&lt;/b&gt;');
    expect(listed).toContain('Erased at their request');
    expect((await e.post('/admin/suppressions/lift', { email: 'spam-trap@example.com' })).status).toBe(303);
    expect(await lastEvent()).toMatchObject({ type: 'unsuppressed', actor: `operator:${e.id}` });
    // bob was erased after a manual suppression: lifting removes the manual one and keeps the erasure.
    expect((await e.post('/admin/suppressions/lift', { email: 'bob@example.com' })).status).toBe(303);
    expect((await e.post('/admin/suppressions/lift', { email: 'bob@example.com' })).status).toBe(409);
    expect((await e.post('/admin/suppressions', { email: 'not an address', reason: 'manual' })).status).toBe(422);
    expect((await e.post('/admin/suppressions', { email: 'x@example.com', reason: 'erased' })).status).toBe(422);
  });

  it('lets an admin create and edit categories and create and revoke keys, each in the ledger', async () => {
    const a = as.admin;
    await a.get('/admin/categories');
    expect((await a.post('/admin/categories', { key: 'tips', name: 'Tips & <tricks>', kind: 'marketing', consent: 'opt_out' })).status).toBe(303);
    expect(await lastEvent()).toMatchObject({ type: 'category_created', category_key: 'tips', source: 'console', actor: `operator:${a.id}` });
    expect(await (await a.get('/admin/categories')).text()).toContain('Tips &amp; &lt;tricks&gt;');
    expect((await a.post('/admin/categories', { key: 'tips', name: 'Again', kind: 'marketing' })).status).toBe(409);
    expect((await a.post('/admin/categories', { key: 'Bad Key', name: 'x', kind: 'marketing' })).status).toBe(422);
    expect((await a.post('/admin/categories/tips', { name: 'Tips', doubleOptIn: 'yes' })).status).toBe(303);
    expect(await lastEvent()).toMatchObject({ type: 'category_changed', category_key: 'tips' });
    expect((await h.request('GET', '/v1/categories')).ok).toBe(true);

    await a.get('/admin/keys');
    const created = await a.post('/admin/keys', { name: 'CRM', scope: 'eligibility:read' });
    expect(created.status).toBe(201);
    const key = /value="(mp_[0-9a-f]{16}_[A-Za-z0-9_-]{43})"/.exec(await created.text())![1]!;
    expect((await h.request('GET', '/v1/suppressions', { key })).status).toBe(200);
    expect(await lastEvent()).toMatchObject({ type: 'api_key_created', actor: `operator:${a.id}` });
    // The secret is what follows `mp_ID_`; it may itself contain `_`.
    expect((await lastEvent()).detail).not.toContain(key.slice('mp_'.length + 17));
    expect(await (await a.get('/admin/keys')).text()).not.toContain(key);
    const id = key.slice(3, 19);
    expect((await a.post(`/admin/keys/${id}/revoke`)).status).toBe(303);
    expect((await h.request('GET', '/v1/suppressions', { key })).status).toBe(401);
    expect((await a.post('/admin/keys', { name: 'none' })).status).toBe(422);
  });

  it('lets an admin add a webhook endpoint (secret shown once) and turn it off; others only read', async () => {
    const a = as.admin;
    await a.get('/admin/webhooks');
    const created = await a.post('/admin/webhooks', { url: 'http://127.0.0.1:9/hook', description: '<CRM>' });
    expect(created.status).toBe(201);
    const html = await created.text();
    const secret = /value="(whsec_[^"]+)"/.exec(html)![1]!;
    expect(html).toContain('&lt;CRM&gt;');
    expect(await lastEvent()).toMatchObject({ type: 'webhook_endpoint_created', actor: `operator:${a.id}` });
    expect((await lastEvent()).detail).not.toContain(secret);
    const list = await (await as.viewer.get('/admin/webhooks')).text();
    expect(list).not.toContain(secret);
    const id = /\/admin\/webhooks\/([0-9a-f-]{36})"/.exec(list)![1]!;
    expect((await as.viewer.get(`/admin/webhooks/${id}`)).status).toBe(200);
    expect((await as.editor.post('/admin/webhooks', { url: 'http://127.0.0.1:9/x' })).status).toBe(403);
    expect((await a.post(`/admin/webhooks/${id}/disable`)).status).toBe(303);
    expect(await lastEvent()).toMatchObject({ type: 'webhook_endpoint_changed' });
    expect(await (await a.get(`/admin/webhooks/${id}`)).text()).toContain('Turn on');
    expect((await a.post('/admin/webhooks', { url: 'ftp://nope' })).status).toBe(422);
    expect((await a.get('/admin/webhooks/nope')).status).toBe(404);
  });

  it('verifies the ledger now, with and without an anchor', async () => {
    const v = as.viewer;
    const page = await (await v.get('/admin/ledger')).text();
    const anchor = /id="anchor" type="text" readonly="" value="(\d+:[0-9a-f]{64})"/.exec(page)?.[1] ?? /value="(\d+:[0-9a-f]{64})"/.exec(page)![1]!;
    const ok = await v.post('/admin/ledger/verify', { anchor });
    expect(await ok.text()).toMatch(/Intact: all \d+ events verify/);
    const wrong = await v.post('/admin/ledger/verify', { anchor: `${anchor.split(':')[0]}:${'0'.repeat(64)}` });
    expect(await wrong.text()).toContain('Broken at event');
    expect((await v.post('/admin/ledger/verify', { anchor: 'garbage' })).status).toBe(422);
  });

  it('speaks German and Chinese from Accept-Language', async () => {
    const de = await h.app.request('/admin', { headers: { cookie: as.viewer.cookie!, 'accept-language': 'de-DE,de;q=0.9' } });
    expect(await de.text()).toContain('Übersicht');
    const zh = await h.app.request('/admin', { headers: { cookie: as.viewer.cookie!, 'accept-language': 'zh-CN' } });
    const html = await zh.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('概览');
  });
});
