// Broadcasts from the console: preview, dry run counted by exclusion reason, send with progress, cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { getBroadcast } from '../../src/domain/broadcasts/broadcasts.js';
import { walkBroadcast } from '../../src/domain/broadcasts/walk-broadcast.js';
import { startBroadcastAsOperator } from '../../src/domain/console/broadcasts.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { addOperator, type ConsoleClient, consoleClient } from '../support/console.js';
import { seedConsoleDemo } from '../support/console-demo.js';
import { type Harness, testDialects } from '../support/harness.js';
import { seededHarness } from '../support/page-fixtures.js';

const DATA = JSON.stringify({ headline: 'Winter menu', intro: 'Soups are back.', ctaUrl: 'https://example.com/menu', ctaLabel: 'See the menu' });

describe.each(testDialects())('console broadcasts on %s', (dialect) => {
  let h: Harness;
  let ids: { ada: string; bob: string; lena: string };
  let editor: ConsoleClient;
  let viewer: ConsoleClient;
  let editorId: string;

  beforeAll(async () => {
    h = await seededHarness(dialect, { TRUSTED_PROXY_HOPS: '1' });
    ids = await seedConsoleDemo(h);
    const e = await addOperator(h, 'editor');
    editorId = e.id;
    editor = consoleClient(h, { ip: '192.0.2.50' });
    await editor.signIn(e.email);
    const v = await addOperator(h, 'viewer');
    viewer = consoleClient(h, { ip: '192.0.2.51' });
    await viewer.signIn(v.email);
  });
  afterAll(() => h.close());

  it('previews the template with the data typed, escaped', async () => {
    await editor.get('/admin/broadcasts');
    const data = JSON.stringify({ ...JSON.parse(DATA), headline: '<img src=x onerror=alert(1)>' });
    const res = await editor.post('/admin/broadcasts', { category: 'newsletter', template: 'newsletter', data, intent: 'preview' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    expect((await editor.post('/admin/broadcasts', { category: 'newsletter', template: 'newsletter', data: '[1]', intent: 'preview' })).status).toBe(422);
    expect((await editor.post('/admin/broadcasts', { category: 'newsletter', template: 'newsletter', data: '{', intent: 'preview' })).status).toBe(422);
    expect((await editor.post('/admin/broadcasts', { category: 'newsletter', template: 'nope', data: DATA, intent: 'preview' })).status).toBe(422);
  });

  it('answers the live preview as JSON text, only to an editor with the CSRF token', async () => {
    await editor.get('/admin/broadcasts');
    const data = JSON.stringify({ ...JSON.parse(DATA), headline: '<script>alert(1)</script>' });
    const res = await editor.post('/admin/broadcasts/preview', { template: 'newsletter', data });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as { subject: string; text: string; html: string };
    expect(Object.keys(body).sort()).toEqual(['html', 'subject', 'text']);
    expect(body.text).toContain('<script>alert(1)</script>');
    // The template escapes the data in the HTML version.
    expect(body.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body.html).not.toContain('<script>');
    const crlf = JSON.stringify({ ...JSON.parse(DATA), headline: 'Hi\r\nBcc: x@evil.example' });
    for (const bad of ['{', '[1]', '"text"', '{"headline":1}', crlf]) {
      expect((await editor.post('/admin/broadcasts/preview', { template: 'newsletter', data: bad })).status, bad).toBe(422);
    }
    expect((await editor.post('/admin/broadcasts/preview', { template: 'nope\u0000', data: DATA })).status).toBe(422);
    expect((await editor.post('/admin/broadcasts/preview', { template: 'newsletter', data: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await editor.post('/admin/broadcasts/preview', { template: 'newsletter', data: DATA }, { csrf: null })).status).toBe(403);
    expect(
      (await editor.post('/admin/broadcasts/preview', { template: 'newsletter', data: DATA }, { origin: 'https://evil.example', site: 'cross-site' })).status,
    ).toBe(403);
    await viewer.get('/admin/broadcasts');
    expect((await viewer.post('/admin/broadcasts/preview', { template: 'newsletter', data: DATA })).status).toBe(403);
    // The form page carries the script and the (hidden) card it fills; a viewer's has neither.
    const page = await (await editor.get('/admin/broadcasts')).text();
    expect(page).toContain('/assets/console.js');
    expect(page).toMatch(/<section class="card" id="preview-card"[^>]* hidden="" data-preview-url="\/admin\/broadcasts\/preview"/);
    expect(await (await viewer.get('/admin/broadcasts')).text()).not.toContain('preview-card');
  });

  it('counts a dry run by exclusion reason without sending anything', async () => {
    await editor.post(`/admin/recipients/${ids.bob}/unsubscribe`, { category: 'newsletter' });
    const before = (await h.handle.db.selectFrom('notices').select('id').execute()).length;
    const res = await editor.post('/admin/broadcasts', { category: 'newsletter', template: 'newsletter', data: DATA, intent: 'dry-run' });
    const html = await res.text();
    // ada and carol are subscribed; lena unsubscribed by one-click, bob just now.
    expect(html).toContain('2 of 4 recipients would be sent this.');
    expect(html).toMatch(/<code>unsubscribed<\/code><\/th><td class="num">2<\/td>/);
    expect((await h.handle.db.selectFrom('notices').select('id').execute()).length).toBe(before);
  });

  it('sends, shows progress that refreshes itself, and records the operator', async () => {
    const res = await editor.post('/admin/broadcasts', { category: 'newsletter', template: 'newsletter', data: DATA, intent: 'send' });
    expect(res.status).toBe(303);
    const id = /\/admin\/broadcasts\/([0-9a-f-]{36})\?done=queued$/.exec(res.headers.get('location')!)![1]!;
    const events = await listEventsAfter(h.handle.db, 0, 100_000);
    expect(events.at(-1)).toMatchObject({ type: 'broadcast_created', actor: `operator:${editorId}`, category_key: 'newsletter' });
    // The walk runs in the background; finishing it here (a second walker finds it taken or done) keeps the test exact.
    await walkBroadcast({ db: h.handle.db, config: h.config, runtime: createNoticeRuntime(h.config, h.handle.db), actor: 'test' }, id);
    for (let i = 0; i < 200 && (await getBroadcast({ db: h.handle.db }, id)).status !== 'done'; i++) await new Promise((r) => setTimeout(r, 25));
    const page = await (await viewer.get(`/admin/broadcasts/${id}`)).text();
    expect(page).toContain('>done<');
    expect(page).toContain('<span data-field="done">4</span> / 4');
    expect(page).not.toContain('/assets/console.js');
    expect(page).not.toContain('/cancel');
  });

  it('cancels a queued broadcast, which no walker then takes; viewers cannot', async () => {
    const ctx = { db: h.handle.db, config: h.config, runtime: createNoticeRuntime(h.config, h.handle.db), actor: 'x' };
    const b = await startBroadcastAsOperator(
      ctx,
      { category: 'newsletter', template: 'newsletter', data: JSON.parse(DATA) },
      { source: 'console', actor: `operator:${editorId}` },
    );
    const page = await (await editor.get(`/admin/broadcasts/${b.id}`)).text();
    expect(page).toContain('/assets/console.js');
    expect((await viewer.post(`/admin/broadcasts/${b.id}/cancel`)).status).toBe(403);
    const res = await editor.post(`/admin/broadcasts/${b.id}/cancel`);
    expect(res.status).toBe(303);
    expect(await getBroadcast({ db: h.handle.db }, b.id)).toMatchObject({ status: 'failed', error: `cancelled by operator:${editorId}` });
    expect(await walkBroadcast(ctx, b.id)).toBe('busy');
    expect(await (await editor.get(`/admin/broadcasts/${b.id}`)).text()).toContain('cancelled');
    expect((await editor.post(`/admin/broadcasts/${b.id}/cancel`)).status).toBe(409);
    expect((await listEventsAfter(h.handle.db, 0, 100_000)).at(-1)).toMatchObject({ type: 'broadcast_cancelled' });
    expect((await editor.get('/admin/broadcasts/not-a-uuid')).status).toBe(404);
  });
});
