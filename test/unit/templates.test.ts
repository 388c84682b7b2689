import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { AppError } from '../../src/core/errors.js';
import { compileTemplate, fill } from '../../src/domain/notices/compile.js';
import { renderEmail } from '../../src/domain/notices/render.js';
import { TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { parseTemplateSpec, validateData } from '../../src/domain/notices/template-spec.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import { TEST_ENV } from '../support/harness.js';

const config = parseConfig(TEST_ENV);
const store = createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: config.publicUrl, watch: false });
// Fixed links keep the snapshots stable (real ones carry a signing time).
const marketingLinks = {
  preferencesUrl: 'https://prefs.example.test/p/PREFS',
  unsubscribeUrl: 'https://prefs.example.test/u/UNSUB',
  oneClickUrl: 'https://prefs.example.test/u/UNSUB',
  headers: { 'List-Unsubscribe': '<https://prefs.example.test/u/UNSUB>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' as const },
};
const transactionalLinks = { preferencesUrl: 'https://prefs.example.test/p/PREFS' };

async function render(name: string, data: Record<string, unknown>, links: typeof transactionalLinks = transactionalLinks) {
  const t = await store.get(name);
  return renderEmail(t, validateData(t.schema, data), { config, categoryName: 'Weekly <news>', links });
}

describe('templates', () => {
  it('lists every template, shared partials excluded', () => {
    expect(store.names()).toEqual(['confirm-identity', 'confirm-subscription', 'email-change', 'newsletter', 'policy-update', 'preferences-link', 'receipt']);
  });

  it.each(['confirm-identity', 'confirm-subscription', 'email-change', 'newsletter', 'policy-update', 'preferences-link', 'receipt'])(
    'renders %s from its example (snapshot)',
    async (name) => {
      const t = await store.get(name);
      const email = await render(name, t.spec.example, t.spec.kind === 'marketing' ? marketingLinks : transactionalLinks);
      expect(email.subject).toMatchSnapshot('subject');
      expect(email.text).toMatchSnapshot('text');
      expect(email.html).toMatchSnapshot('html');
      expect(email.html).not.toMatch(/\{\{/);
      expect(email.text).not.toMatch(/\{\{/);
    },
  );

  it('puts the marketing footer on marketing mail: unsubscribe, preferences, organisation, address', async () => {
    const email = await render('newsletter', (await store.get('newsletter')).spec.example, marketingLinks);
    for (const part of [email.html, email.text]) {
      expect(part).toContain('https://prefs.example.test/u/UNSUB');
      expect(part).toContain('https://prefs.example.test/p/PREFS');
      expect(part).toContain('Acme Test Ltd');
      expect(part).toContain('1 Test Street, Testville');
    }
    expect(email.html).toContain('href="https://prefs.example.test/u/UNSUB"');
    expect(email.headers).toEqual(marketingLinks.headers);
  });

  it('puts only a preferences link on transactional mail', async () => {
    const email = await render('receipt', (await store.get('receipt')).spec.example);
    expect(email.html).toContain('href="https://prefs.example.test/p/PREFS"');
    expect(email.html).not.toMatch(/unsubscribe/i);
    expect(email.text).toContain('https://prefs.example.test/p/PREFS');
    expect(email.headers).toEqual({});
  });

  it('escapes every value in HTML and keeps it verbatim in text', async () => {
    const hostile = '<script>alert(1)</script> & "quotes" \'single\' <img src=x onerror=alert(1)>';
    const email = await render('receipt', { orderNumber: 'A1', amount: hostile.slice(0, 60), date: hostile.slice(0, 60), items: `${hostile}\nsecond line` });
    expect(email.html).not.toContain('<script>alert(1)');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39;');
    expect(email.html).toContain('<br />second line');
    expect(email.text).toContain(hostile);
  });

  it('escapes the organisation and category names too', async () => {
    const email = await render('newsletter', (await store.get('newsletter')).spec.example, marketingLinks);
    expect(email.html).toContain('Weekly &lt;news&gt;');
  });

  it.each([
    ['javascript:alert(1)'],
    ['http://evil.example/'],
    ['data:text/html,<script>alert(1)</script>'],
    ['https://ok.example/"onmouseover="alert(1)'],
    ['https://ok.example/\r\nX: y'],
    ['//evil.example/'],
  ])('refuses the link %j', (url) => {
    const schema = store.get('policy-update').then((t) => t.schema);
    return expect(schema.then((s) => validateData(s, { policyName: 'p', summary: 's', effectiveDate: 'd', policyUrl: url }))).rejects.toMatchObject({
      code: 'invalid_field',
      extra: { errors: [{ path: 'data.policyUrl' }] },
    });
  });

  it('accepts https links and links to this service', async () => {
    const t = await store.get('policy-update');
    expect(validateData(t.schema, { policyName: 'p', summary: 's', effectiveDate: 'd', policyUrl: 'https://example.com/privacy?a=1&b=2' }).policyUrl).toBe(
      'https://example.com/privacy?a=1&b=2',
    );
    const local = createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: 'http://localhost:3000', watch: false });
    const lt = await local.get('preferences-link');
    expect(validateData(lt.schema, { link: 'http://localhost:3000/p/abc' }).link).toBe('http://localhost:3000/p/abc');
  });

  it('never lets a value put CR or LF into the subject', async () => {
    const t = await store.get('receipt');
    // A line field refuses control characters outright…
    expect(() => validateData(t.schema, { orderNumber: 'A1\r\nBcc: victim@example.com', amount: '1', date: 'd', items: 'i' })).toThrow(AppError);
    // …and the subject writer removes them whatever reaches it.
    expect(fill(t.compiled.subject, { orderNumber: 'A1\r\nBcc: x@example.com\u2028' }, {})).toBe('Your receipt for order A1 Bcc: x@example.com ');
  });

  it('names every missing, mistyped or unknown field', async () => {
    const t = await store.get('receipt');
    try {
      validateData(t.schema, { orderNumber: 42, amount: '1', date: 'd', extra: 'x' });
      expect.unreachable();
    } catch (err) {
      const paths = (err as AppError).extra.errors!.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['data.orderNumber', 'data.items', 'data.extra']));
      expect((err as AppError).extra.errors!.find((e) => e.path === 'data.items')!.message).toBe('is required');
    }
  });

  it('refuses a template that puts a non-url field into a link, or an unknown placeholder', async () => {
    const spec = parseTemplateSpec('bad', JSON.stringify({ kind: 'transactional', subject: 's', fields: { name: { type: 'line' } }, example: {} }));
    const src = { layout: readFileSync(join(TEMPLATES_DIR, 'layout.mjml'), 'utf8'), footer: '', textBody: '', textFooter: '' };
    await expect(compileTemplate('bad', spec, { ...src, body: '<mj-button href="{{name}}">x</mj-button>' })).rejects.toThrow(/not a url field/);
    await expect(compileTemplate('bad', spec, { ...src, body: '<mj-text>{{nmae}}</mj-text>' })).rejects.toThrow(/unknown placeholder/);
  });

  it('answers 422 for an unknown or path-like template name', async () => {
    for (const name of ['nope', '../package', 'layout', 'footer-marketing', '']) {
      await expect(store.get(name)).rejects.toMatchObject({ code: 'invalid_field' });
    }
  });

  describe('in development', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailprefs-templates-'));
    cpSync(TEMPLATES_DIR, dir, { recursive: true });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('compiles once, and again when a file changes', async () => {
      const watched = createTemplateStore({ dir, publicUrl: config.publicUrl, watch: true });
      const first = await watched.get('receipt');
      expect(await watched.get('receipt')).toBe(first);
      const file = join(dir, 'receipt.mjml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('Thank you for your order', 'Thanks a lot'));
      const later = new Date(Date.now() + 5000);
      utimesSync(file, later, later);
      const second = await watched.get('receipt');
      expect(second).not.toBe(first);
      expect(fill(second.compiled.html, {}, {})).toContain('Thanks a lot');
    });
  });
});
