// The console in real headless Chromium: sign-in and every screen with axe audits (no serious or
// critical findings), keyboard-only paths, each action, 375 px without sideways scrolling, and no
// JavaScript needed. CONSOLE_SCREENSHOTS=1 also writes docs/console-overview.png and console-recipient.png.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, startBrowserRig } from '../support/browser-fixture.js';
import { addOperator, OPERATOR_PASSWORD } from '../support/console.js';
import { seedConsoleDemo } from '../support/console-demo.js';
import { testDialects } from '../support/harness.js';
import { recordingMail } from '../support/page-fixtures.js';

const SCREENS = ['', '/recipients', '/categories', '/suppressions', '/notices', '/broadcasts', '/webhooks', '/keys', '/ledger'];

describe.each(testDialects())('console in the browser on %s', (dialect) => {
  let rig: BrowserRig;
  let ids: { ada: string; bob: string; lena: string };
  const ops: Record<string, string> = {};
  const url = (path: string) => `${rig.h.config.publicUrl}/admin${path}`;

  // Generous waits: scrypt takes a while on a machine shared with other test runs.
  async function signIn(page: Page, role: string) {
    page.setDefaultTimeout(30_000);
    await page.goto(url('/sign-in'));
    await page.fill('#email', ops[role]!);
    await page.fill('#password', OPERATOR_PASSWORD);
    await page.click('form.stack button[type=submit]');
    await page.waitForURL(url('')).catch(async (err) => {
      throw new Error(`${err}: ${(await page.content()).slice(0, 3000)}`);
    });
  }

  beforeAll(async () => {
    rig = await startBrowserRig(dialect, {}, recordingMail().mail);
    ids = await seedConsoleDemo(rig.h);
    for (const role of ['viewer', 'editor', 'admin'] as const) ops[role] = (await addOperator(rig.h, role, `${role}@ops.example`)).email;
  });
  afterAll(() => rig?.close());

  it('signs in with the keyboard alone and lands on the overview, which passes axe', async () => {
    const page = await rig.newPage();
    await page.goto(url(''));
    expect(page.url()).toBe(url('/sign-in'));
    expect(await rig.audit(page)).toEqual([]);
    // The skip link and the brand come first.
    for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement?.id)) !== 'email'; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await page.keyboard.type(ops.viewer!);
    await page.keyboard.press('Tab');
    await page.keyboard.type(OPERATOR_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(url(''));
    const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-mailprefs_console');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(await page.locator('figure.chart svg[role=img] title').count()).toBe(5);
    expect(await page.locator('figure.chart details table').count()).toBe(5);
    expect(await rig.audit(page)).toEqual([]);
    // Reaching a section and opening a chart's table by keyboard.
    await page.locator('nav a', { hasText: 'Recipients' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/recipients'));
    await page.goto(url(''));
    await page.locator('#chart-sources-caption ~ details summary').focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#chart-sources-caption ~ details table').isVisible()).toBe(true);
  });

  it('passes axe on every screen and a person’s page, for every role, without sideways scrolling at 375 px', async () => {
    for (const role of ['viewer', 'admin']) {
      const page = await rig.newPage({ viewport: { width: 375, height: 800 } });
      await signIn(page, role);
      for (const path of [...SCREENS, `/recipients/${ids.ada}`, '/recipients?q=ada', '/categories/newsletter']) {
        if (role === 'viewer' && path === '/categories/newsletter') continue;
        await page.goto(url(path));
        expect(await rig.audit(page), `${role} ${path}`).toEqual([]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${role} ${path} at 375 px`).toBeLessThanOrEqual(0);
      }
    }
  }, 120_000);

  it('works without JavaScript: charts, search and a form post', async () => {
    const page = await rig.newPage({ javaScriptEnabled: false });
    await signIn(page, 'editor');
    expect(await page.locator('svg polyline').count()).toBeGreaterThan(0);
    await page.goto(url('/recipients'));
    await page.fill('#q', 'crm-1001');
    await page.press('#q', 'Enter');
    await page.click('text=ada@example.com');
    expect(page.url()).toBe(url(`/recipients/${ids.ada}`));
    await page.selectOption('#unsub-category', 'newsletter');
    await page.click('button:has-text("Unsubscribe")');
    expect(await page.locator('.flash').textContent()).toBe('Unsubscribed.');
  });

  it('lets an editor act on a person by keyboard: record consent with evidence, suppress, erase with the typed address', async () => {
    const page = await rig.newPage();
    await signIn(page, 'editor');
    await page.goto(url(`/recipients/${ids.bob}`));
    await page.locator('#consent-category').focus();
    await page.keyboard.press('ArrowDown'); // Offers
    await page.locator('#consent-evidence').focus();
    await page.keyboard.type('Phoned in on 30 Nov, call note 88');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=consent/);
    expect(await page.locator('.timeline tbody tr').first().textContent()).toContain('Phoned in on 30 Nov, call note 88');
    expect(await page.locator('.timeline tbody tr').first().textContent()).toMatch(/operator:[0-9a-f-]{36}/);
    expect(await rig.audit(page)).toEqual([]);

    await page.fill('#suppress-note', 'Asked by letter');
    await page.locator('#suppress-note').press('Enter');
    await page.waitForURL(/done=suppressed/);
    expect(await page.locator('text=Asked by letter').count()).toBeGreaterThan(0);

    await page.fill('#erase-confirm', 'someone@else.example');
    await page.locator('#erase-confirm').press('Enter');
    expect(await page.locator('[role=alert] h1').textContent()).toBe('Please check your input');
    await page.goto(url(`/recipients/${ids.bob}`));
    await page.fill('#erase-confirm', 'bob@example.com');
    await page.locator('#erase-confirm').press('Enter');
    await page.waitForURL(url('/recipients?done=erased'));
    expect(await page.locator('.flash').textContent()).toBe('The person was erased.');
  });

  it('lets an admin create a category, create a key shown once and revoke it, and verify the ledger', async () => {
    const page = await rig.newPage();
    await signIn(page, 'admin');
    await page.goto(url('/categories'));
    await page.fill('#key', 'tastings');
    await page.fill('#name', 'Tastings');
    await page.click('button:has-text("Create")');
    expect(await page.locator('.flash').textContent()).toBe('Created.');
    expect(await page.locator('th', { hasText: 'Tastings' }).count()).toBe(1);

    await page.goto(url('/keys'));
    await page.fill('#key-name', 'Warehouse');
    await page.check('input[value="eligibility:read"]');
    await page.click('form.card button:has-text("Create")');
    const key = await page.inputValue('#new-key');
    expect(key).toMatch(/^mp_[0-9a-f]{16}_/);
    expect(await rig.audit(page)).toEqual([]);
    await page.click(`button[aria-label="Revoke: Warehouse"]`);
    expect(await page.locator('.flash').textContent()).toBe('Revoked.');
    expect(await page.content()).not.toContain(key);

    await page.goto(url('/ledger'));
    const anchor = await page.inputValue('#anchor');
    await page.fill('#verify-anchor', anchor);
    await page.click('button:has-text("Verify now")');
    expect(await page.locator('.flash').textContent()).toMatch(/^Intact: all \d+ events verify\.$/);
  });

  it('runs a broadcast dry run and sends it from the browser', async () => {
    const page = await rig.newPage();
    await signIn(page, 'editor');
    await page.goto(url('/broadcasts'));
    await page.selectOption('#pick-template', 'newsletter');
    await page.click('button:has-text("Start from its example")');
    expect(await page.inputValue('#b-data')).toContain('"headline"');
    await page.selectOption('#b-category', 'newsletter');
    await page.click('button:has-text("Preview")');
    // The first render compiles the template's MJML: slow on a busy machine.
    expect(await page.locator('pre.preview').textContent({ timeout: 60_000 })).toContain("What's new this month");
    await page.click('button:has-text("Dry run")');
    expect(await page.locator('section[aria-labelledby=dry-h] p').first().textContent({ timeout: 30_000 })).toMatch(
      /^\d+ of \d+ recipients would be sent this\.$/,
    );
    expect(await rig.audit(page)).toEqual([]);
    await page.click('button:has-text("Send to everyone eligible")');
    await page.waitForURL(/\/admin\/broadcasts\/[0-9a-f-]{36}\?done=queued/, { timeout: 30_000 });
    expect(await page.locator('progress').count()).toBe(1);
    expect(await rig.audit(page)).toEqual([]);
  }, 120_000);

  it('speaks German and Chinese', async () => {
    for (const [locale, word] of [
      ['de-DE', 'Übersicht'],
      ['zh-CN', '概览'],
    ] as const) {
      const page = await rig.newPage({ locale });
      await page.goto(url('/sign-in'));
      await page.fill('#email', ops.viewer!);
      await page.fill('#password', OPERATOR_PASSWORD);
      await page.click('form.stack button[type=submit]');
      await page.waitForURL(url(''));
      expect(await page.locator('h1').textContent()).toBe(word);
      expect(await rig.audit(page)).toEqual([]);
    }
  });

  it.runIf(process.env.CONSOLE_SCREENSHOTS === '1' && dialect === 'sqlite')('writes the docs screenshots', async () => {
    const page = await rig.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, 'editor');
    await page.screenshot({ path: 'docs/console-overview.png', fullPage: true });
    await page.goto(url(`/recipients/${ids.lena}`));
    // The person's facts, eligibility and consent timeline: the part of the page the screenshot is for.
    const box = (await page.locator('section[aria-labelledby=timeline-h]').boundingBox())!;
    await page.screenshot({
      path: 'docs/console-recipient.png',
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: Math.ceil(box.y + box.height + 16) },
    });
  });
});
