// With no Resend key, a notice sent through the API shows up at /dev/outbox, in a real browser.
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRecipient } from '../../src/db/recipients.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { createSystemMail } from '../../src/domain/notices/system-mail.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { NEWSLETTER, seed } from '../support/notices-fixture.js';
import { freePort } from '../support/postgres-cluster.js';

describe.each(testDialects())('dev outbox on %s', (dialect) => {
  let h: Harness;
  let server: ServerType;
  let browser: Browser;
  let base: string;
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    h = await makeHarness(dialect, { PUBLIC_URL: base });
    await seed(h);
    server = serve({ fetch: h.app.fetch, port, hostname: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('shows a notice sent through the API, whose unsubscribe link works in the browser', async () => {
    const sender = await h.key('notices:send');
    const res = await h.request('POST', '/v1/notices', {
      key: sender,
      body: { to: 'ada@example.com', category: 'news', template: 'newsletter', data: { ...NEWSLETTER, headline: 'Outbox <check>' } },
    });
    expect(res.status).toBe(202);
    expect((await res.json()).providerId).toMatch(/^[0-9a-f-]{36}$/);

    const page = await browser.newPage();
    await page.goto(`${base}/dev/outbox`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Dev outbox');
    await page.getByRole('link', { name: 'Outbox <check>' }).click();
    await page.waitForURL(/\/dev\/outbox\/[0-9a-f-]{36}$/);
    await expect(page.locator('th', { hasText: 'List-Unsubscribe-Post' }).count()).resolves.toBe(1);
    await expect(page.locator('pre').textContent()).resolves.toContain(`Unsubscribe: ${base}/u/`);

    const frame = page.frameLocator('iframe');
    const unsubscribe = frame.getByRole('link', { name: 'Unsubscribe' });
    await expect(unsubscribe.getAttribute('href')).resolves.toMatch(new RegExp(`^${base}/u/[A-Za-z0-9._-]+$`));
    await expect(frame.locator('body').textContent()).resolves.toContain('Outbox <check>');
    await unsubscribe.click();
    // The link leaves the frame and opens the service's own unsubscribe page, which changes nothing until
    // the person presses its button (mail scanners fetch links).
    await page.waitForURL(new RegExp(`^${base}/u/`));
    const eligibility = async () => (await (await h.request('GET', '/v1/eligibility?email=ada%40example.com&category=news')).json()).reason;
    expect(await eligibility()).toBe('subscribed');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('You are unsubscribed from');
    expect(await eligibility()).toBe('unsubscribed');
    await page.close();
  });

  it('keeps the system mail the pages send', async () => {
    const ada = (await findRecipient(h.handle.db, { by: 'email', value: 'ada@example.com' }))!;
    const mail = createSystemMail(h.handle.db, h.config, createNoticeRuntime(h.config, h.handle.db));
    await mail.sendPreferencesLink(ada.id, () => `${base}/p/some-token`);
    await mail.sendConfirmation(ada.id, 'news', () => `${base}/c/another-token`);
    await mail.sendPreferencesLink('00000000-0000-7000-8000-000000000000', () => `${base}/p/x`);
    const list = await (await fetch(`${base}/dev/outbox`)).text();
    expect(list).toContain('Your link to manage your email preferences');
    expect(list).toContain('Please confirm your subscription to Weekly news');
    expect(list.match(/ada@example\.com/g)).toHaveLength(3);
  });

  it('answers a readable 404 for an unknown or hostile id', async () => {
    for (const id of ['00000000-0000-7000-8000-000000000000', "'; DROP TABLE dev_outbox;--", '%3Cscript%3E']) {
      const res = await fetch(`${base}/dev/outbox/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it('is not mounted in production', async () => {
    const prod = await makeHarness(dialect, { NODE_ENV: 'production' });
    try {
      expect((await prod.app.request('/dev/outbox')).status).toBe(404);
    } finally {
      await prod.close();
    }
  });
});
