import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, eventsOf, linksFor, pathOf, postForm, recordingMail, seededHarness, stateOf } from '../support/page-fixtures.js';

const SHOWN = ['newsletter', 'offers', 'events'];

describe.each(testDialects())('preference page on %s', (dialect) => {
  let h: Harness;
  const mail = recordingMail();
  beforeAll(async () => {
    h = await seededHarness(dialect, {}, mail.mail);
  });
  afterAll(() => h.close());

  async function person(email: string, subs: Record<string, 'subscribed' | 'unsubscribed'> = {}, locale?: string) {
    const id = await addRecipient(h, email, subs, locale);
    return { id, path: pathOf((await linksFor(h, email, 'receipts')).preferencesUrl) };
  }

  it('shows each marketing category with its state, and transactional ones as always on', async () => {
    const { path } = await person('show@example.com', { newsletter: 'subscribed' });
    const res = await h.app.request(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<input type="checkbox" id="c-newsletter" name="subscribe" value="newsletter" checked=""/);
    expect(html).toMatch(/<input type="checkbox" id="c-offers" name="subscribe" value="offers" checked=""/);
    expect(html).toMatch(/<input type="checkbox" id="c-events" name="subscribe" value="events" aria-describedby="c-events-desc"\/>/);
    expect(html).toContain('<label for="c-newsletter">Weekly newsletter</label>');
    expect(html).toContain('<legend>Marketing emails</legend>');
    expect(html).toContain('Our best stories, every Friday.');
    expect(html).toMatch(/Receipts<\/span> <span class="badge">Always on/);
    expect(html).not.toContain('id="c-receipts"');
    expect(html).toContain('s•••@example.com');
    expect(html).not.toContain('show@example.com');
    for (const action of ['export', 'delete', 'email']) expect(html).toContain(`href="${path}/${action}"`);
  });

  it("opens on a marketing email's unsubscribe token too (its preference link), and not on a confirm token", async () => {
    await person('both@example.com', { newsletter: 'subscribed' });
    const marketing = await linksFor(h, 'both@example.com', 'newsletter');
    const token = pathOf(marketing.unsubscribeUrl!).split('/u/')[1]!;
    expect(pathOf(marketing.preferencesUrl)).toBe(`/p/${token}`);
    const page = await h.app.request(`/p/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="c-newsletter"');
    const confirm = await h.app.request(`/p/${token.slice(0, -2)}AA`);
    expect(confirm.status).toBe(404);
  });

  it('saves ticks and unticks, writes preference_page events, and shows what changed', async () => {
    const { id, path } = await person('save@example.com', { newsletter: 'subscribed' });
    const res = await postForm(h, path, { action: 'save', shown: SHOWN, subscribe: ['events'] }, { 'user-agent': 'Browser/2' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Your preferences are saved');
    expect(html).toContain('Unsubscribed from “Weekly newsletter”.');
    expect(html).toContain('Unsubscribed from “Offers”.');
    expect(html).toContain('“Events”: check your inbox to confirm.');
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { events: 'pending', newsletter: 'unsubscribed', offers: 'unsubscribed' } });
    const events = (await eventsOf(h, id)).filter((e) => e.source === 'preference_page');
    expect(events.map((e) => [e.category_key, e.type])).toEqual([
      ['newsletter', 'unsubscribed'],
      ['offers', 'unsubscribed'],
      ['events', 'pending'],
    ]);
    expect(events.every((e) => e.actor === 'recipient' && e.user_agent === 'Browser/2')).toBe(true);
    expect(mail.sent.at(-1)).toMatchObject({ kind: 'confirm', recipientId: id, category: 'events' });

    const same = await postForm(h, path, { action: 'save', shown: SHOWN, subscribe: ['events'] });
    expect(await same.text()).toContain('Nothing changed.');
    expect((await eventsOf(h, id)).filter((e) => e.source === 'preference_page')).toHaveLength(3);
  });

  it('leaves categories it did not show, and ignores keys that name nothing', async () => {
    const { id, path } = await person('partial@example.com', { newsletter: 'subscribed' });
    await postForm(h, path, { action: 'save', shown: ['offers', 'receipts', 'zzz'], subscribe: ['offers', 'receipts', 'zzz'] });
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'subscribed' } });
  });

  it('unsubscribes from all marketing and back', async () => {
    const { id, path } = await person('all@example.com', { newsletter: 'subscribed' });
    const off = await postForm(h, path, { action: 'unsubscribe_all' });
    const offHtml = await off.text();
    expect(offHtml).toContain('Unsubscribed from all marketing email.');
    expect(offHtml).toContain('You receive no marketing email');
    expect(offHtml).not.toContain('name="subscribe"');
    expect((await stateOf(h, id)).optOut).toBe(true);
    expect((await eventsOf(h, id)).at(-1)).toMatchObject({ type: 'marketing_opt_out', source: 'preference_page', actor: 'recipient' });

    const on = await postForm(h, path, { action: 'resubscribe' });
    expect(await on.text()).toContain('You can receive marketing email again.');
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'subscribed' } });
  });

  it('speaks the recipient locale first, then Accept-Language, then English', async () => {
    const de = await person('de@example.com', {}, 'de-DE');
    const deHtml = await (await h.app.request(de.path, { headers: { 'accept-language': 'zh-CN' } })).text();
    expect(deHtml).toContain('<html lang="de">');
    expect(deHtml).toContain('Ihre E-Mail-Einstellungen');
    const none = await person('none@example.com');
    const zh = await h.app.request(none.path, { headers: { 'accept-language': 'fr;q=0.9, zh-Hans-CN;q=0.8, en;q=0.1' } });
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    expect(await zh.text()).toContain('您的邮件偏好设置');
    expect(await (await h.app.request(none.path, { headers: { 'accept-language': 'fr, ja' } })).text()).toContain('<html lang="en">');
  });

  it('refuses an unknown action and a cross-site post', async () => {
    const { id, path } = await person('bad@example.com', { newsletter: 'subscribed' });
    expect((await postForm(h, path, { action: 'drop_tables' })).status).toBe(400);
    expect((await postForm(h, path, { action: 'unsubscribe_all' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'subscribed' } });
  });
});
