// The recipient pages in real headless Chromium against the app served on 127.0.0.1: clicking, forms
// without JavaScript, languages, and an axe-core audit of each page. SQLite only (the brief allows it).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmUrlFor } from '../../src/domain/links/email-links.js';
import { type BrowserRig, startBrowserRig } from '../support/browser-fixture.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, linksFor, recordingMail, stateOf } from '../support/page-fixtures.js';

const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/preference-page.png' : join(mkdtempSync(join(tmpdir(), 'mailprefs-shot-')), 'preference-page.png');

describe.each(testDialects().filter((d) => d === 'sqlite'))('recipient pages in Chromium on %s', (dialect) => {
  let rig: BrowserRig;
  let h: Harness;
  const mail = recordingMail();
  const newPage = (opts?: Parameters<BrowserRig['newPage']>[0]) => rig.newPage(opts);
  const audit = (page: Page) => rig.audit(page);

  beforeAll(async () => {
    rig = await startBrowserRig(dialect, { ORG_NAME: 'Northwind Coffee', ORG_POSTAL_ADDRESS: '12 Harbour Road, Bristol BS1 4QA, United Kingdom' }, mail.mail);
    h = rig.h;
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('has an audit that can fail', async () => {
    const page = await newPage();
    await page.setContent('<html><body><input type="checkbox"><button></button></body></html>');
    expect((await audit(page)).join(' ')).toMatch(/button-name|label/);
    await page.context().close();
  });

  it('unsubscribes with the button, and Undo restores it', async () => {
    const id = await addRecipient(h, 'click@example.com', { newsletter: 'subscribed' });
    const page = await newPage();
    const response = await page.goto((await linksFor(h, 'click@example.com', 'newsletter')).unsubscribeUrl!);
    expect(response?.status()).toBe(200);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(243, 244, 247)');
    expect(await audit(page)).toEqual([]);
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('heading', { name: 'You are unsubscribed from “Weekly newsletter”' }).waitFor();
    expect((await stateOf(h, id)).subs.newsletter).toBe('unsubscribed');
    expect(await audit(page)).toEqual([]);
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('heading', { name: 'You are subscribed to “Weekly newsletter” again' }).waitFor();
    expect((await stateOf(h, id)).subs.newsletter).toBe('subscribed');
    await page.getByRole('link', { name: 'Manage all preferences' }).click();
    await page.getByRole('heading', { name: 'Your email preferences' }).waitFor();
    await page.context().close();
  });

  it('saves the preference page with JavaScript disabled, and fits a phone', async () => {
    const id = await addRecipient(h, 'nojs@example.com', { newsletter: 'subscribed' });
    const url = (await linksFor(h, 'nojs@example.com', 'newsletter')).preferencesUrl;
    const shot = await newPage({ viewport: { width: 880, height: 900 } });
    await shot.goto(url);
    expect(await audit(shot)).toEqual([]);
    await shot.screenshot({ path: SCREENSHOT, fullPage: true });
    await shot.context().close();

    const page = await newPage({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
    await page.goto(url);
    await expect.poll(() => page.getByLabel('Weekly newsletter').isChecked()).toBe(true);
    await page.getByLabel('Weekly newsletter').uncheck();
    await page.getByLabel('Events').check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByRole('heading', { name: 'Your preferences are saved' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Unsubscribed from “Weekly newsletter”.');
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'unsubscribed', events: 'pending' } });
    expect(mail.sent.at(-1)).toMatchObject({ kind: 'confirm', recipientId: id, category: 'events' });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth').catch(() => 0);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await page.getByRole('button', { name: 'Save preferences' }).boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    await page.context().close();
  });

  it('unsubscribes from all marketing', async () => {
    const id = await addRecipient(h, 'all@example.com', { newsletter: 'subscribed' });
    const page = await newPage();
    await page.goto((await linksFor(h, 'all@example.com', 'newsletter')).preferencesUrl);
    await page.getByRole('button', { name: 'Unsubscribe from all marketing' }).click();
    await page.getByRole('heading', { name: 'You receive no marketing email' }).waitFor();
    expect((await stateOf(h, id)).optOut).toBe(true);
    expect(await audit(page)).toEqual([]);
    await page.getByRole('button', { name: 'Receive marketing email again' }).click();
    await page.getByRole('group', { name: 'Marketing emails' }).waitFor();
    expect((await stateOf(h, id)).optOut).toBe(false);
    await page.context().close();
  });

  it.each([
    ['de-DE', 'de', 'Ihre E-Mail-Einstellungen', 'Einstellungen speichern'],
    ['zh-CN', 'zh-CN', '您的邮件偏好设置', '保存偏好设置'],
  ])('speaks the recipient locale %s', async (locale, lang, heading, button) => {
    const email = `lang-${lang}@example.com`;
    await addRecipient(h, email, {}, locale);
    const page = await newPage({ locale: 'en-US' });
    await page.goto((await linksFor(h, email, 'newsletter')).preferencesUrl);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await page.getByRole('heading', { name: heading }).waitFor();
    await page.getByRole('button', { name: button }).waitFor();
    expect(await audit(page)).toEqual([]);
    await page.context().close();
  });

  it('passes axe on the request form, the invalid-link page, the 422 page and the confirmation page', async () => {
    const id = await addRecipient(h, 'doi@example.com', { events: 'subscribed' });
    const eventsId = (await h.handle.db.selectFrom('categories').select('id').where('key', '=', 'events').executeTakeFirstOrThrow()).id;
    const page = await newPage();
    for (const path of ['/p', '/u/not-a-token', confirmUrlFor(h.config, id, eventsId)]) {
      await page.goto(path.startsWith('http') ? path : `${h.config.publicUrl}${path}`);
      expect(await audit(page), path).toEqual([]);
    }
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await page.getByRole('heading', { name: 'You are subscribed to “Events”' }).waitFor();
    expect((await stateOf(h, id)).subs.events).toBe('subscribed');
    await page.goto(`${h.config.publicUrl}/p`);
    await page.getByLabel('Email address').fill('not-an-address');
    await page.evaluate(() => document.querySelector('form')?.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('Please enter a valid email address').waitFor();
    expect(await audit(page)).toEqual([]);
    await page.getByLabel('Email address').fill('doi@example.com');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await page.context().close();
  });
});
