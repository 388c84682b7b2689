// Issue 10 in real headless Chromium, with the real system mail on the dev outbox: a person is
// identified by their mailbox before a data right, and mail to a new address opens nothing of theirs.
// SQLite only, like the other browser tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRecipient } from '../../src/db/recipients.js';
import { verifiedPreferencesUrlFor } from '../../src/domain/links/email-links.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { createSystemMail } from '../../src/domain/notices/system-mail.js';
import { type BrowserRig, startBrowserRig } from '../support/browser-fixture.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient } from '../support/page-fixtures.js';
import { trackedMail } from '../support/tracked-mail.js';

describe.each(testDialects().filter((d) => d === 'sqlite'))('identity before data rights, in Chromium on %s', (dialect) => {
  let rig: BrowserRig;
  let h: Harness;
  const sent = trackedMail(() => createSystemMail(h.handle.db, h.config, createNoticeRuntime(h.config, h.handle.db)));

  beforeAll(async () => {
    rig = await startBrowserRig(dialect, { ORG_NAME: 'Northwind Coffee' }, sent.mail);
    h = rig.h;
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  /** The newest mail the dev outbox holds for an address, once every queued send has finished. */
  async function mailTo(address: string) {
    await h.mailQueue.idle();
    await sent.idle();
    return h.handle.db
      .selectFrom('dev_outbox')
      .selectAll()
      .where('to_address', '=', address)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
  }
  const ours = (hrefs: string[]) => hrefs.filter((u) => u.startsWith(h.config.publicUrl));

  it('the email-change mail, opened by someone else, reaches nothing of the account', async () => {
    const id = await addRecipient(h, 'owner@example.com', { newsletter: 'subscribed' });
    const owner = await rig.newPage();
    // The owner has confirmed it is them (the step-up itself is the next test): a verified link.
    await owner.goto(`${verifiedPreferencesUrlFor(h.config, id)}/email`);
    await owner.getByLabel('New email address').fill('typo@example.com');
    await owner.getByRole('button', { name: 'Send confirmation link' }).click();
    await owner.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await owner.context().close();

    // The stranger who owns typo@example.com opens that mail in their own browser.
    const mail = (await mailTo('typo@example.com'))!;
    const stranger = await rig.newPage();
    await stranger.setContent(mail.html);
    const hrefs = await stranger.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(ours(hrefs)).toHaveLength(1);
    expect(ours(hrefs)[0]).toMatch(/\/e\/[A-Za-z0-9._-]+$/);
    expect(mail.text).not.toMatch(/\/p\/|\/u\//);

    for (const href of ours(hrefs)) {
      await stranger.goto(href);
      await stranger.getByRole('heading', { name: 'Confirm your new email address' }).waitFor();
      expect(await stranger.locator('a[href*="/p/"], a[href*="/u/"]').count()).toBe(0);
      await stranger.getByRole('button', { name: 'Confirm new address' }).click();
      await stranger.getByRole('heading', { name: 'Your email address is changed' }).waitFor();
      expect(await rig.audit(stranger)).toEqual([]);
      const links = await stranger.locator('main a[href]').count();
      expect(links).toBe(0);
      for (const words of ['Download my data', 'Delete my data', 'Change my email', 'Weekly newsletter']) {
        expect(await stranger.getByText(words).count(), words).toBe(0);
      }
    }
    await stranger.context().close();
  });

  it('a data request from a marketing footer mails a confirmation and does nothing until it is confirmed', async () => {
    const id = await addRecipient(h, 'reader@example.com', { newsletter: 'subscribed' });
    const headline = 'Our autumn roast';
    const res = await h.request('POST', '/v1/notices', {
      body: {
        to: 'reader@example.com',
        category: 'newsletter',
        template: 'newsletter',
        data: { headline, intro: 'Fresh beans.', ctaLabel: 'Read', ctaUrl: 'https://example.com/roast' },
      },
    });
    expect(res.status).toBeLessThan(300);
    // A 202: the notice is queued for the process's dispatcher, which delivers it to the outbox shortly.
    await expect.poll(async () => (await mailTo('reader@example.com'))?.subject, { timeout: 5_000 }).toBe(headline);
    const newsletter = (await mailTo('reader@example.com'))!;

    // Whoever the newsletter was forwarded to follows its footer.
    const page = await rig.newPage();
    await page.setContent(newsletter.html);
    const manage = await page.getByRole('link', { name: 'Manage preferences' }).getAttribute('href');
    await page.goto(manage!);
    await page.getByRole('link', { name: 'Delete my data' }).click();
    await page.getByRole('heading', { name: 'First, confirm it is you' }).waitFor();
    expect(await page.getByText('we email a confirmation link to r•••@example.com').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Delete my data' }).count()).toBe(0);
    expect(await rig.audit(page)).toEqual([]);
    await page.getByRole('button', { name: 'Email me a confirmation link' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    expect(await rig.audit(page)).toEqual([]);

    // Nothing has happened: the person and their subscription are there; only a mail went to their address.
    expect((await findRecipient(h.handle.db, { by: 'id', value: id }))?.subscriptions.newsletter?.status).toBe('subscribed');
    const confirmation = (await mailTo('reader@example.com'))!;
    expect(confirmation.subject).toBe('Confirm it is you');
    expect(confirmation.text).toContain('asked to delete your data');
    const link = /https?:\/\/\S+\/s\/\S+/.exec(confirmation.text)![0];

    // Only the mailbox's owner, opening the confirmation, can go on.
    await page.goto(link);
    await page.getByRole('heading', { name: 'Continue with your request' }).waitFor();
    expect(await findRecipient(h.handle.db, { by: 'id', value: id })).toBeDefined();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'What we keep' }).waitFor();
    expect(await findRecipient(h.handle.db, { by: 'id', value: id })).toBeDefined();
    await page.getByRole('button', { name: 'Delete my data' }).click();
    await page.getByRole('heading', { name: 'Your data has been deleted' }).waitFor();
    expect(await findRecipient(h.handle.db, { by: 'id', value: id })).toBeUndefined();
    // The confirmation was used up.
    expect((await page.goto(link))?.status()).toBe(404);
    await page.context().close();
  });
});
