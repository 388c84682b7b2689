import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSigningKeys } from '../../src/config.js';
import { newId } from '../../src/core/ids.js';
import { confirmUrlFor } from '../../src/domain/links/email-links.js';
import { signToken } from '../../src/domain/links/tokens.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, linksFor, ORIGIN, pathOf, postForm, seededHarness, stateOf } from '../support/page-fixtures.js';

const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

describe.each(testDialects())('recipient pages against hostile input on %s', (dialect) => {
  let h: Harness;
  let id: string;
  let unsub: string;
  let prefs: string;
  beforeAll(async () => {
    h = await seededHarness(dialect, { ORG_NAME: `Evil & Co ${XSS}` });
    await h.request('POST', '/v1/categories', { body: { key: 'xss', name: XSS, description: `"><b>${XSS}`, kind: 'marketing', consent: 'opt_out' } });
    id = await addRecipient(h, 'victim@example.com', { newsletter: 'subscribed' });
    const links = await linksFor(h, 'victim@example.com', 'xss');
    unsub = pathOf(links.unsubscribeUrl!);
    prefs = pathOf(links.preferencesUrl);
  });
  afterAll(() => h.close());

  it('escapes category names, descriptions and the organisation name everywhere', async () => {
    for (const path of [unsub, prefs, '/p', '/u/bad']) {
      const html = await (await h.app.request(path)).text();
      expect(html).not.toMatch(/<script>|<img src=x|<b>/);
      expect(html).toContain('&lt;script&gt;');
    }
    const done = await (await postForm(h, unsub, { action: 'unsubscribe' })).text();
    expect(done).not.toContain('<script>');
  });

  it('sets strict headers on every page', async () => {
    for (const path of [unsub, prefs, '/p', '/u/bad', '/c/bad']) {
      const res = await h.app.request(path);
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).not.toMatch(/<script|https?:\/\/(?!prefs\.example\.test)/);
    }
    const css = await h.app.request('/assets/pages.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('sets the same strict headers on every error page, 413 included', async () => {
    const big = 'x'.repeat(70 * 1024);
    const cases: [string, RequestInit, number][] = [
      [
        unsub,
        {
          method: 'POST',
          body: `action=unsubscribe&pad=${big}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length + 22) },
        },
        413,
      ],
      [prefs, { method: 'POST', body: `pad=${big}`, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN } }, 413],
      [unsub, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } }, 415],
      [unsub, { method: 'POST', body: '--b\r\nnope', headers: { 'content-type': 'multipart/form-data; boundary=b' } }, 400],
      [prefs, { method: 'POST', body: 'action=save', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } }, 403],
      ['/u/bad', { method: 'GET' }, 404],
    ];
    for (const [path, init, status] of cases) {
      const res = await h.app.request(path, init);
      expect(res.status, `${init.method} ${path}`).toBe(status);
      expect(res.headers.get('content-security-policy'), `${status}`).toMatch(/^default-src 'none'/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type'), `${init.method} ${path} ${status}`).toMatch(/^text\/html/);
    }
  });

  it('answers every kind of invalid link with the same 404 page offering /p, never another page', async () => {
    const newsletterId = (await h.handle.db.selectFrom('categories').select('id').where('key', '=', 'newsletter').executeTakeFirstOrThrow()).id;
    const retired = signToken(parseSigningKeys('old:retired-secret-0123456789abcdef0123'), { purpose: 'preferences', subjectId: id });
    const good = prefs.slice(3);
    const flipped = good.slice(0, -2) + (good.at(-2) === 'A' ? 'B' : 'A') + good.at(-1);
    const bad = [
      `/p/${flipped}`,
      `/p/${good.slice(0, -5)}`,
      `/p/${retired}`,
      `/p/${signToken(h.config.signingKeys, { purpose: 'preferences', subjectId: newId() })}`,
      // A token of another purpose (a marketing email's unsubscribe token is also its /p link, by design).
      `/p/${signToken(h.config.signingKeys, { purpose: 'confirm', subjectId: id, categoryId: newsletterId })}`,
      `/u/${signToken(h.config.signingKeys, { purpose: 'preferences', subjectId: id })}`,
      `/u/${signToken(h.config.signingKeys, { purpose: 'unsubscribe', subjectId: id, categoryId: newId() })}`,
      `/c/${signToken(h.config.signingKeys, { purpose: 'confirm', subjectId: id, categoryId: newsletterId }).slice(0, 20)}`,
      `/p/${encodeURIComponent("' OR 1=1; DROP TABLE recipients;--")}`,
      `/u/${encodeURIComponent('k2.<script>alert(1)</script>')}`,
      `/p/${'A'.repeat(5000)}`,
      '/p/%00%0d%0aSet-Cookie:x=1',
      '/u/%E2%80%AE%F0%9F%92%A9',
      '/u/',
      '/c/x/y',
    ];
    for (const path of bad) {
      const res = await h.app.request(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain('This link is not valid');
      expect(html).toContain('action="/p"');
      expect(html).not.toContain('v•••@example.com');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('treats links of an erased recipient or a deleted category as invalid', async () => {
    const goneId = await addRecipient(h, 'gone@example.com', { newsletter: 'subscribed' });
    const links = await linksFor(h, 'gone@example.com', 'newsletter');
    const temp = await h.request('POST', '/v1/categories', { body: { key: 'temp', name: 'Temp', kind: 'marketing', doubleOptIn: true } });
    const tempLinks = await linksFor(h, 'victim@example.com', 'temp');
    const confirm = pathOf(confirmUrlFor(h.config, id, (await temp.json()).id));
    await h.handle.db.deleteFrom('categories').where('key', '=', 'temp').execute();
    await h.handle.db.deleteFrom('recipients').where('id', '=', goneId).execute();
    for (const path of [pathOf(links.preferencesUrl), pathOf(links.unsubscribeUrl!), pathOf(tempLinks.unsubscribeUrl!), confirm]) {
      expect((await h.app.request(path)).status, path).toBe(404);
      expect((await postForm(h, path, { action: 'unsubscribe' })).status, path).toBe(404);
    }
    const oneClick = await h.app.request(pathOf(links.unsubscribeUrl!), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.status).toBe(404);
  });

  it('refuses oversized bodies, wrong content types, broken multipart and odd fields with 4xx pages', async () => {
    const before = await stateOf(h, id);
    const big = await h.app.request(prefs, {
      method: 'POST',
      body: `shown=${'x'.repeat(100_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^text\/html/);
    for (const type of ['application/json', 'text/plain', 'application/xml']) {
      const res = await h.app.request(unsub, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': type } });
      expect(res.status, type).toBe(415);
    }
    const noType = await h.app.request(unsub, { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    expect([400, 415]).toContain(noType.status);
    const broken = await h.app.request(unsub, {
      method: 'POST',
      body: '--xx\r\nContent-Disposition: form-data; name="List-Unsub',
      headers: { 'content-type': 'multipart/form-data; boundary=xx' },
    });
    expect(broken.status).toBe(400);
    const withFile = new FormData();
    withFile.append('List-Unsubscribe', new Blob(['One-Click']), 'f.txt');
    expect((await h.app.request(unsub, { method: 'POST', body: withFile, headers: { origin: ORIGIN } })).status).toBeLessThan(500);
    expect((await postForm(h, unsub, { action: 'undo', previous: "subscribed' OR 1=1--" })).status).toBe(400);
    expect((await postForm(h, unsub, { 'List-Unsubscribe': 'one-click\r\nX: y' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await postForm(h, prefs, { action: 'save', shown: ['newsletter', "x'; DROP TABLE subscriptions;--"], subscribe: ['👍', '\u0000'] })).status).toBe(
      200,
    );
    expect((await stateOf(h, id)).subs.newsletter).toBe('unsubscribed');
    expect(before.subs.newsletter).toBe('subscribed');
  });
});
