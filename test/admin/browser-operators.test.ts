// The operators screen and category archiving in real headless Chromium: keyboard-only paths, axe audits
// (no serious or critical findings), 375 px without sideways scrolling, and the German and Chinese screens.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, startBrowserRig } from '../support/browser-fixture.js';
import { addOperator, OPERATOR_PASSWORD } from '../support/console.js';
import { testDialects } from '../support/harness.js';
import { addRecipient, linksFor, recordingMail } from '../support/page-fixtures.js';

describe.each(testDialects())('operators and archiving in the browser on %s', (dialect) => {
  let rig: BrowserRig;
  let admin: string;
  const url = (path: string) => `${rig.h.config.publicUrl}/admin${path}`;

  // Generous waits: scrypt takes a while on a machine shared with other test runs.
  async function signIn(page: Page, email: string) {
    page.setDefaultTimeout(30_000);
    await page.goto(url('/sign-in'));
    await page.fill('#email', email);
    await page.fill('#password', OPERATOR_PASSWORD);
    await page.click('form.stack button[type=submit]');
    await page.waitForURL(url(''));
  }

  beforeAll(async () => {
    rig = await startBrowserRig(dialect, {}, recordingMail().mail);
    admin = (await addOperator(rig.h, 'admin', 'admin@ops.example')).email;
    await addOperator(rig.h, 'viewer', 'vera@ops.example');
  });
  afterAll(() => rig?.close());

  it('lets an admin invite and disable an operator with the keyboard alone, at 375 px, passing axe', async () => {
    const page = await rig.newPage({ viewport: { width: 375, height: 800 } });
    await signIn(page, admin);
    await page.locator('nav a', { hasText: 'Operators' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/operators'));
    expect(await rig.audit(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    await page.locator('#op-email').focus();
    await page.keyboard.type('omar@ops.example');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('op-role');
    await page.keyboard.press('ArrowUp'); // viewer → editor
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#setup-link');
    expect(await page.inputValue('#setup-link')).toMatch(/\/admin\/set-password\/[A-Za-z0-9_-]{43}$/);
    expect(await page.locator('#link-h').textContent()).toBe('Send this link to omar@ops.example, privately');
    expect(await page.locator('tr', { hasText: 'omar@ops.example' }).locator('td').first().textContent()).toBe('editor');
    expect(await rig.audit(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);

    await page.locator('button[aria-label="Disable: vera@ops.example"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/operators?done=disabled'));
    expect(await page.locator('.flash').textContent()).toBe('Disabled. Their sessions have ended.');
    expect(await page.locator('tr', { hasText: 'vera@ops.example' }).locator('.badge').textContent()).toBe('disabled');
    // Their own row offers nothing to change.
    expect(await page.locator('tr', { hasText: 'admin@ops.example' }).locator('button').count()).toBe(0);
  }, 120_000);

  it('archives a category from its page, which takes it off the preference page, and puts it back', async () => {
    await addRecipient(rig.h, 'pat@example.com', { newsletter: 'subscribed' });
    const preferences = (await linksFor(rig.h, 'pat@example.com', 'offers')).preferencesUrl;
    const page = await rig.newPage();
    await signIn(page, admin);
    await page.goto(url('/categories/newsletter'));
    await page.locator('#archive-h ~ form button[type=submit]').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/categories?done=archived'));
    expect(await page.locator('.flash').textContent()).toBe('Archived.');
    expect(await page.locator('tr', { hasText: 'Weekly newsletter' }).locator('.badge').textContent()).toBe('archived');
    expect(await rig.audit(page)).toEqual([]);

    const person = await rig.newPage();
    await person.goto(preferences);
    expect(await person.locator('#c-offers').count()).toBe(1);
    expect(await person.locator('#c-newsletter').count()).toBe(0);

    await page.goto(url('/categories/newsletter'));
    expect(await page.locator('#archive-h').textContent()).toBe('This category is archived');
    expect(await rig.audit(page)).toEqual([]);
    await page.click('button:has-text("Put back in use")');
    expect(await page.locator('.flash').textContent()).toBe('Back in use.');
    await person.reload();
    expect(await person.locator('#c-newsletter').isChecked()).toBe(true);

    // A transactional category asks first: the form does not go without the box ticked.
    await page.goto(url('/categories/receipts'));
    await page.click('button:has-text("Archive")');
    expect(page.url()).toBe(url('/categories/receipts'));
    await page.check('#archive-confirm');
    await page.click('button:has-text("Archive")');
    await page.waitForURL(url('/categories?done=archived'));
  }, 120_000);

  it('lets any operator change their own password with the keyboard alone, at 375 px, passing axe', async () => {
    const own = (await addOperator(rig.h, 'viewer', 'olga@ops.example')).email;
    const page = await rig.newPage({ viewport: { width: 375, height: 800 } });
    await signIn(page, own);
    await page.locator('header a', { hasText: 'Change your password' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/account'));
    expect(await rig.audit(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.locator('#current-password').focus();
    await page.keyboard.type(OPERATOR_PASSWORD);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-password');
    await page.keyboard.type('a passphrase typed by keyboard');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('repeat-password');
    await page.keyboard.type('a passphrase typed by keyboard');
    await page.keyboard.press('Enter');
    await page.waitForURL(url('/account?done=password-changed'));
    expect(await page.locator('[role=status]').textContent()).toBe('Your password is changed. Your other sessions have ended.');
    expect(await rig.audit(page)).toEqual([]);
  }, 120_000);

  it('shows the operators screen in German and Chinese', async () => {
    for (const [locale, heading] of [
      ['de-DE', 'Operatoren'],
      ['zh-CN', '操作员'],
    ] as const) {
      const page = await rig.newPage({ locale });
      await signIn(page, admin);
      await page.goto(url('/operators'));
      expect(await page.locator('h1').textContent()).toBe(heading);
      expect(await rig.audit(page)).toEqual([]);
    }
  }, 120_000);
});
