// In real headless Chromium: the broadcast form's preview follows the data as it is typed (debounced,
// rendered by the server, written as text, so a typed <script> shows and never runs), the Preview
// button still works without JavaScript, and a person's export downloads through its CSRF-guarded POST.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, startBrowserRig } from '../support/browser-fixture.js';
import { addOperator, OPERATOR_PASSWORD } from '../support/console.js';
import { seedConsoleDemo } from '../support/console-demo.js';
import { testDialects } from '../support/harness.js';
import { recordingMail } from '../support/page-fixtures.js';

describe.each(testDialects())('live preview and export in the browser on %s', (dialect) => {
  let rig: BrowserRig;
  let ids: { ada: string; bob: string; lena: string };
  let editor: string;
  const url = (path: string) => `${rig.h.config.publicUrl}/admin${path}`;

  async function signedIn(opts: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const page = await rig.newPage(opts);
    // Generous waits: scrypt and the first MJML compile take a while on a shared machine.
    page.setDefaultTimeout(30_000);
    await page.goto(url('/sign-in'));
    await page.fill('#email', editor);
    await page.fill('#password', OPERATOR_PASSWORD);
    await page.click('form.stack button[type=submit]');
    await page.waitForURL(url(''));
    return page;
  }

  beforeAll(async () => {
    rig = await startBrowserRig(dialect, {}, recordingMail().mail);
    ids = await seedConsoleDemo(rig.h);
    editor = (await addOperator(rig.h, 'editor', 'editor@ops.example')).email;
  });
  afterAll(() => rig?.close());

  it('renders the preview as the data is typed, escaped, one request per pause', async () => {
    const page = await signedIn();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const previews: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/admin/broadcasts/preview')) previews.push(r.method());
    });
    await page.goto(url('/broadcasts?template=newsletter'));
    expect(await page.locator('#preview-card').isHidden()).toBe(true);
    const headline = 'Live <script>window.ran=1;alert(1)</script><img src=x onerror=alert(2)>';
    const data = JSON.stringify({ headline, intro: 'Typed in the browser.', ctaLabel: 'Read', ctaUrl: 'https://example.com/x' });
    await page.locator('#b-data').fill('');
    await page.locator('#b-data').pressSequentially(data);
    const text = page.locator('[data-preview="text"]');
    await expect.poll(() => text.textContent(), { timeout: 60_000 }).toContain(headline);
    expect(await page.locator('[data-preview="subject"]').textContent()).toBe(headline);
    expect(await page.locator('#preview-card script, #preview-card img').count()).toBe(0);
    // The HTML version, in its sandboxed frame: the words, escaped, and nothing run.
    expect(await page.locator('#preview-card iframe').getAttribute('sandbox')).toBe('');
    await page.click('#preview-card summary');
    const frame = page.frameLocator('#preview-card iframe');
    await expect.poll(() => frame.locator('body').textContent()).toContain(headline);
    expect(await frame.locator('script, img[src=x]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { ran?: number }).ran)).toBeUndefined();
    expect(dialogs).toBe(0);
    // Debounced: far fewer renders than keystrokes, each a POST.
    expect(previews.length).toBeGreaterThanOrEqual(1);
    expect(previews.length).toBeLessThan(data.length / 4);
    expect(new Set(previews)).toEqual(new Set(['POST']));

    // Data that is not (yet) valid says so and keeps the last good preview.
    await page.locator('#b-data').press('End');
    await page.locator('#b-data').pressSequentially(',');
    await expect.poll(() => page.locator('[data-preview="status"]').textContent()).toContain('valid JSON object');
    expect(await text.textContent()).toContain(headline);
    expect(await rig.audit(page)).toEqual([]);
  }, 120_000);

  it('previews with the button when JavaScript is off', async () => {
    const page = await signedIn({ javaScriptEnabled: false });
    await page.goto(url('/broadcasts?template=newsletter'));
    await page.locator('#b-data').fill(JSON.stringify({ headline: 'No script <b>here</b>', intro: 'x', ctaLabel: 'y', ctaUrl: 'https://example.com/' }));
    await page.click('button:has-text("Preview")');
    expect(await page.locator('pre.preview').textContent({ timeout: 60_000 })).toContain('No script <b>here</b>');
    expect(await page.locator('pre.preview b').count()).toBe(0);
  }, 120_000);

  it('downloads a person’s export from the POST form', async () => {
    const page = await signedIn();
    await page.goto(url(`/recipients/${ids.ada}`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export button[type=submit]')]);
    expect(download.suggestedFilename()).toBe(`recipient-${ids.ada}.json`);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { recipient: { email: string } };
    expect(exported.recipient.email).toBe('ada@example.com');
    // The page stays where it was.
    expect(page.url()).toBe(url(`/recipients/${ids.ada}`));
    // An old bookmark to the GET leads to the person's page, no download.
    await page.goto(url(`/recipients/${ids.ada}/export`));
    expect(page.url()).toBe(url(`/recipients/${ids.ada}#export`));
  }, 120_000);
});
