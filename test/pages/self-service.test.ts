// The "Your data" actions of the preference page: download, change of address, deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { emailChangeUrlFor } from '../../src/domain/links/email-links.js';
import { signToken } from '../../src/domain/links/tokens.js';
import { EXPORT_LIMIT_PER_RECIPIENT } from '../../src/domain/self-service/data-rights.js';
import { EMAIL_CHANGE_LIMIT_PER_RECIPIENT } from '../../src/domain/self-service/email-change.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, eventsOf, linksFor, ORIGIN, pathOf, postForm, recordingMail, seededHarness, stateOf } from '../support/page-fixtures.js';

const XSS = '"><script>alert(1)</script>@example.com';

describe.each(testDialects())('self-service privacy pages on %s', (dialect) => {
  let h: Harness;
  const mail = recordingMail();
  beforeAll(async () => {
    h = await seededHarness(dialect, {}, mail.mail);
  });
  afterAll(() => h.close());

  async function person(email: string, subs: Record<string, 'subscribed' | 'unsubscribed'> = { newsletter: 'subscribed' }) {
    const id = await addRecipient(h, email, subs);
    // Verified, as after the step-up (test/pages/step-up.test.ts): these tests are about the rights themselves.
    return { id, prefs: pathOf((await linksFor(h, email, 'newsletter', { verified: true })).preferencesUrl) };
  }
  const download = (prefs: string) => postForm(h, `${prefs}/export`, { action: 'export' });
  const changeLinks = (to: string) => mail.sent.filter((m) => m.kind === 'email_change' && m.to === to);

  it('downloads the same JSON as the API export, as an attachment, no-store', async () => {
    const { id, prefs } = await person('export@example.com');
    const res = await download(prefs);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="my-data.json"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const mine = await res.json();
    const api = await (await h.request('GET', `/v1/recipients/${id}/export`)).json();
    expect(Object.keys(mine)).toEqual(Object.keys(api));
    expect({ ...mine, exportedAt: null, consentEvents: null }).toEqual({ ...api, exportedAt: null, consentEvents: null });
    // The API's copy shows the person's own download, recorded without their IP or user agent.
    expect(api.consentEvents.slice(0, -1)).toEqual(mine.consentEvents);
    expect(api.consentEvents.at(-1)).toMatchObject({ type: 'data_exported', source: 'preference_page', actor: 'recipient', ip: null, userAgent: null });
    expect(mine.recipient).toMatchObject({ id, email: 'export@example.com' });
    expect(mine.subscriptions).toEqual([expect.objectContaining({ categoryKey: 'newsletter', status: 'subscribed' })]);
  });

  it('refuses repeated downloads with a 429 page and Retry-After (Art. 12(5))', async () => {
    const { prefs } = await person('export-many@example.com');
    for (let i = 0; i < EXPORT_LIMIT_PER_RECIPIENT.max; i++) expect((await download(prefs)).status).toBe(200);
    const refused = await download(prefs);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toContain('Too many requests');
    // Another person's limit is their own.
    expect((await download((await person('export-other@example.com')).prefs)).status).toBe(200);
  });

  it('deletes only after the confirmation step, then every old link is invalid', async () => {
    const { id, prefs } = await person('delete@example.com');
    const unsub = pathOf((await linksFor(h, 'delete@example.com', 'newsletter')).unsubscribeUrl!);
    const page = await h.app.request(`${prefs}/delete`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('What is deleted');
    expect(html).toContain('What we keep');
    expect(html).toContain('keyed fingerprint');
    expect(html).toContain('are not blocked');
    expect(html).toMatch(/<button type="submit" name="action" value="delete">Delete my data<\/button>/);
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'subscribed' } });

    expect((await postForm(h, `${prefs}/delete`, { action: 'delete' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await postForm(h, `${prefs}/delete`, { action: 'delete' }, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await postForm(h, `${prefs}/delete`, {})).status).toBe(400);
    expect((await postForm(h, `${prefs}/delete`, { action: "delete' OR 1=1--" })).status).toBe(400);
    expect((await stateOf(h, id)).subs.newsletter).toBe('subscribed');

    const done = await postForm(h, `${prefs}/delete`, { action: 'delete' }, { 'user-agent': 'Browser/1.0' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your data has been deleted');
    expect((await stateOf(h, id)).subs).toEqual({});
    const erased = (await eventsOf(h, id)).at(-1)!;
    expect(erased).toMatchObject({ type: 'erased', source: 'erasure', actor: 'recipient', ip: null, user_agent: null });
    const eligibility = await (await h.request('GET', '/v1/eligibility?email=delete%40example.com&category=newsletter')).json();
    expect(eligibility).toMatchObject({ eligible: false, reason: 'suppressed_erased' });
    for (const path of [prefs, `${prefs}/export`, `${prefs}/delete`, `${prefs}/email`, unsub]) {
      const res = await h.app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('This link is not valid');
    }
    expect((await postForm(h, `${prefs}/delete`, { action: 'delete' })).status).toBe(404);
  });

  it('changes the address end to end: form, link to the NEW address, confirm, subscriptions kept', async () => {
    const { id, prefs } = await person('old@example.com', { newsletter: 'subscribed', offers: 'unsubscribed' });
    const form = await h.app.request(`${prefs}/email`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toMatch(/<label for="new-email">New email address<\/label>/);
    expect(html).toContain('o•••@example.com');
    expect(html).not.toContain('old@example.com');

    const sent = await postForm(h, `${prefs}/email`, { email: '  New@Example.com ' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Check your inbox');
    await h.mailQueue.idle();
    const [link] = changeLinks('New@Example.com');
    expect(link).toMatchObject({ recipientId: id });
    expect(link!.url).toMatch(/^https:\/\/prefs\.example\.test\/e\/k2\.[A-Za-z0-9_-]+$/);
    expect(link!.url.length).toBeLessThan(200);
    expect((await stateOf(h, id)).subs).toEqual({ newsletter: 'subscribed', offers: 'unsubscribed' });

    const path = pathOf(link!.url);
    const confirmPage = await h.app.request(path);
    expect(confirmPage.status).toBe(200);
    const confirmHtml = await confirmPage.text();
    expect(confirmHtml).toContain('New@Example.com');
    expect(confirmHtml).toMatch(/<button type="submit">Confirm new address<\/button>/);
    const before = await eventsOf(h, id);
    expect((await h.request('GET', `/v1/recipients/${id}`)).status).toBe(200);
    expect((await (await h.request('GET', `/v1/recipients/${id}`)).json()).email).toBe('old@example.com');

    expect((await postForm(h, path, {}, { origin: 'https://evil.example' })).status).toBe(403);
    const done = await postForm(h, path, {}, { 'user-agent': 'Browser/2.0' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your email address is changed');
    const after = await (await h.request('GET', `/v1/recipients/${id}`)).json();
    expect(after.email).toBe('New@Example.com');
    expect(after.subscriptions.newsletter.status).toBe('subscribed');
    expect(after.subscriptions.offers.status).toBe('unsubscribed');
    const events = await eventsOf(h, id);
    expect(events).toHaveLength(before.length + 1);
    expect(events.at(-1)).toMatchObject({
      type: 'email_changed',
      source: 'preference_page',
      actor: 'recipient',
      user_agent: 'Browser/2.0',
      category_key: null,
    });
    expect(events.at(-1)!.detail ?? '').not.toMatch(/@/);
    // Single use, and the old address is free again.
    expect((await postForm(h, path, {})).status).toBe(404);
    expect((await h.app.request(path)).status).toBe(404);
    expect((await h.request('GET', '/v1/recipients/old%40example.com')).status).toBe(404);
    // The preference link keeps working: it names the person, not the address.
    expect(await (await h.app.request(prefs)).text()).toContain('N•••@Example.com');
  });

  it('answers the same whether the new address is taken or not, and never mails a taken one', async () => {
    const { prefs } = await person('asker@example.com');
    await addRecipient(h, 'taken@example.com');
    const taken = await postForm(h, `${prefs}/email`, { email: 'TAKEN@example.com' });
    const free = await postForm(h, `${prefs}/email`, { email: 'free@example.com' });
    expect(taken.status).toBe(free.status);
    const strip = (s: string) => s.replace(/\/p\/k2\.[A-Za-z0-9_-]+/g, '');
    expect(strip(await taken.text())).toBe(strip(await free.text()));
    await h.mailQueue.idle();
    expect(changeLinks('TAKEN@example.com')).toHaveLength(0);
    await h.mailQueue.idle();
    expect(changeLinks('free@example.com')).toHaveLength(1);
    // The same work before the answer: each request stored its change (the taken one can never be confirmed).
    const stored = await h.handle.db
      .selectFrom('email_changes')
      .select('new_email')
      .where('new_email', 'in', ['TAKEN@example.com', 'free@example.com'])
      .execute();
    expect(stored.map((r) => r.new_email).sort()).toEqual(['TAKEN@example.com', 'free@example.com']);
  });

  it('a confirmed change to an address that became someone else’s meanwhile is a 409 page, nothing changed', async () => {
    const { id, prefs } = await person('racer@example.com');
    await postForm(h, `${prefs}/email`, { email: 'contested@example.com' });
    await h.mailQueue.idle();
    const path = pathOf(changeLinks('contested@example.com')[0]!.url);
    await addRecipient(h, 'contested@example.com');
    const res = await postForm(h, path, {});
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('This address is already in use');
    expect((await (await h.request('GET', `/v1/recipients/${id}`)).json()).email).toBe('racer@example.com');
    expect((await eventsOf(h, id)).filter((e) => e.type === 'email_changed')).toHaveLength(0);
  });

  it('expired, tampered, foreign and erased-person change links are the invalid-link page', async () => {
    const { id, prefs } = await person('expiry@example.com');
    await postForm(h, `${prefs}/email`, { email: 'later@example.com' });
    await h.mailQueue.idle();
    const path = pathOf(changeLinks('later@example.com')[0]!.url);
    await h.handle.db
      .updateTable('email_changes')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('recipient_id', '=', id)
      .execute();
    const token = path.slice(3);
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    const bad = [
      path,
      `/e/${flipped}`,
      `/e/${token.slice(0, -4)}`,
      `/e/${signToken(h.config.signingKeys, { purpose: 'email_change', subjectId: newId() })}`,
      `/e/${prefs.slice(3)}`,
      `/e/${encodeURIComponent("' OR 1=1;--")}`,
      `/e/${'A'.repeat(3000)}`,
      '/e/%00%0d%0aSet-Cookie:x=1',
      '/e/x/y',
    ];
    for (const p of bad) {
      const res = await h.app.request(p);
      expect(res.status, p).toBe(404);
      expect(await res.text()).toContain('This link is not valid');
      expect((await postForm(h, p, {})).status, p).toBe(404);
    }
    expect((await (await h.request('GET', `/v1/recipients/${id}`)).json()).email).toBe('expiry@example.com');

    // Erasing the person takes their pending change (and its new address) with them.
    const { id: goneId, prefs: goneprefs } = await person('erase-pending@example.com');
    await postForm(h, `${goneprefs}/email`, { email: 'pending-new@example.com' });
    // Mailed before the erasure (a job still waiting then is erased with the person, mail-jobs.test.ts).
    await h.mailQueue.idle();
    const export1 = await (await download(goneprefs)).json();
    expect(export1.pendingEmailChanges).toEqual([expect.objectContaining({ newEmail: 'pending-new@example.com' })]);
    await postForm(h, `${goneprefs}/delete`, { action: 'delete' });
    expect(await h.handle.db.selectFrom('email_changes').selectAll().where('recipient_id', '=', goneId).execute()).toEqual([]);
    await h.mailQueue.idle();
    expect((await h.app.request(pathOf(changeLinks('pending-new@example.com')[0]!.url))).status).toBe(404);
  });

  it('refuses hostile and malformed addresses with a readable 422 page, escaped', async () => {
    const { id, prefs } = await person('hostile@example.com');
    const sentBefore = mail.sent.length;
    for (const email of [
      XSS,
      'a@b.example\r\nBcc: victim@example.com',
      'not-an-address',
      '',
      `${'x'.repeat(250)}@example.com`,
      "x' OR 1=1--@example.com\u0000",
    ]) {
      const res = await postForm(h, `${prefs}/email`, { email });
      expect(res.status, JSON.stringify(email)).toBe(422);
      const html = await res.text();
      expect(html).toContain('Please enter a valid email address');
      expect(html).not.toContain('<script>alert(1)');
      expect(html).toContain('aria-invalid="true"');
    }
    // A bidirectional override makes an address look like another (issue 10): refused, never a 500.
    expect((await postForm(h, `${prefs}/email`, { email: '\u202e\u{1F4A9}@example.com' })).status).toBe(422);
    // Unicode the rule accepts is stored as typed.
    expect((await postForm(h, `${prefs}/email`, { email: 'Jürgen@Exämple.de' })).status).toBe(200);
    const big = await h.app.request(`${prefs}/email`, {
      method: 'POST',
      body: `email=${'x'.repeat(100_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    });
    expect(big.status).toBe(413);
    const json = await h.app.request(`${prefs}/email`, {
      method: 'POST',
      body: '{"email":"a@b.example"}',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
    });
    expect(json.status).toBe(415);
    expect((await postForm(h, `${prefs}/email`, { email: 'evil@example.com' }, { origin: 'https://evil.example' })).status).toBe(403);
    await h.mailQueue.idle();
    expect(mail.sent.slice(sentBefore).map((m) => m.to)).toEqual(['Jürgen@Exämple.de']);
    expect((await h.handle.db.selectFrom('email_changes').select('new_email').where('recipient_id', '=', id).execute()).map((r) => r.new_email)).toEqual([
      'Jürgen@Exämple.de',
    ]);
  });

  it('rate-limits change requests per recipient and per IP', async () => {
    const { prefs } = await person('many-changes@example.com');
    for (let i = 0; i < EMAIL_CHANGE_LIMIT_PER_RECIPIENT.max; i++) {
      expect((await postForm(h, `${prefs}/email`, { email: `try${i}@example.com` })).status).toBe(200);
    }
    const refused = await postForm(h, `${prefs}/email`, { email: 'one-more@example.com' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Per IP: many people behind one address, each within their own limit.
    const ipHarness = await seededHarness(dialect, { TRUSTED_PROXY_HOPS: '1' }, recordingMail().mail);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) {
        await addRecipient(ipHarness, `ip${i}@example.com`);
        const p = pathOf((await linksFor(ipHarness, `ip${i}@example.com`, 'newsletter', { verified: true })).preferencesUrl);
        statuses.push((await postForm(ipHarness, `${p}/email`, { email: `ip-new${i}@example.com` }, { 'x-forwarded-for': '198.51.100.7' })).status);
      }
      expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
      expect(statuses[20]).toBe(429);
    } finally {
      await ipHarness.close();
    }
  });

  it('sets the strict page headers on every new page', async () => {
    const { prefs } = await person('headers@example.com');
    await postForm(h, `${prefs}/email`, { email: 'headers-new@example.com' });
    await h.mailQueue.idle();
    for (const path of [`${prefs}/email`, `${prefs}/delete`, `${prefs}/export`, pathOf(changeLinks('headers-new@example.com')[0]!.url), '/e/bad']) {
      const res = await h.app.request(path);
      expect(res.headers.get('content-security-policy'), path).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it.each([
    ['de', 'Ihre Daten löschen', 'Neue E-Mail-Adresse'],
    ['zh-CN', '删除您的数据', '新邮箱地址'],
  ])('speaks %s on the new pages', async (locale, deleteHeading, label) => {
    const email = `i18n-${locale}@example.com`;
    await addRecipient(h, email, {}, locale);
    const prefs = pathOf((await linksFor(h, email, 'newsletter', { verified: true })).preferencesUrl);
    const del = await h.app.request(`${prefs}/delete`);
    expect(await del.text()).toContain(deleteHeading);
    expect(del.headers.get('content-language')).toBe(locale);
    expect(await (await h.app.request(`${prefs}/email`)).text()).toContain(label);
  });

  it('the change link itself is signed for its purpose only', async () => {
    const { id } = await person('purpose@example.com');
    expect(emailChangeUrlFor(h.config, id)).toMatch(/\/e\/k2\./);
    expect((await h.app.request(`/p/${pathOf(emailChangeUrlFor(h.config, id)).slice(3)}`)).status).toBe(404);
  });
});
