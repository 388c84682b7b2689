// Step-up for the data rights (issue 10): from an everyday link (any email, perhaps forwarded) export,
// deletion and a change of address first mail a single-use, 30-minute link to the address on file, and
// nothing happens until it is opened and confirmed. Verified links act; GET and HEAD never spend a limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import { findRecipient } from '../../src/db/recipients.js';
import { signToken } from '../../src/domain/links/tokens.js';
import { EXPORT_LIMIT_PER_RECIPIENT } from '../../src/domain/self-service/data-rights.js';
import { STEP_UP_LIMIT_PER_RECIPIENT } from '../../src/domain/self-service/step-up.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, linksFor, pathOf, postForm, recordingMail, seededHarness } from '../support/page-fixtures.js';

describe.each(testDialects())('step-up for the data rights on %s', (dialect) => {
  let h: Harness;
  const mail = recordingMail();
  beforeAll(async () => {
    h = await seededHarness(dialect, {}, mail.mail);
  });
  afterAll(() => h.close());

  async function person(email: string) {
    const id = await addRecipient(h, email, { newsletter: 'subscribed' });
    return { id, prefs: pathOf((await linksFor(h, email, 'newsletter')).preferencesUrl) };
  }
  async function stepUpLinkFor(id: string, action: string) {
    await h.mailQueue.idle();
    const sent = mail.sent.filter((m) => m.kind === 'step_up' && m.recipientId === id && m.action === action).at(-1);
    return sent && pathOf(sent.url);
  }
  const exists = async (id: string) => (await findRecipient(h.handle.db, { by: 'id', value: id })) !== undefined;

  it.each(['export', 'delete', 'email'])('an everyday link to /%s says plainly that a link goes to the address first', async (action) => {
    const { prefs } = await person(`offer-${action}@example.com`);
    const res = await h.app.request(`${prefs}/${action}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('First, confirm it is you');
    expect(html).toContain('o•••@example.com');
    expect(html).toContain('It works once, for 30 minutes. Nothing happens until it is opened.');
    expect(html).toMatch(/<button type="submit" name="action" value="step_up">Email me a confirmation link<\/button>/);
    expect(html).not.toContain('name="email"');
    expect(html).not.toContain('value="delete"');
  });

  it('an everyday link never acts: it mails the confirmation to the address on file, and nothing else', async () => {
    const { id, prefs } = await person('asks@example.com');
    expect((await postForm(h, `${prefs}/delete`, { action: 'delete' })).status).toBe(400);
    expect((await postForm(h, `${prefs}/export`, { action: 'export' })).status).toBe(400);
    expect((await postForm(h, `${prefs}/email`, { email: 'elsewhere@example.com' })).status).toBe(400);
    expect(await exists(id)).toBe(true);

    const res = await postForm(h, `${prefs}/delete`, { action: 'step_up' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('A confirmation link is on its way to the address we have for you.');
    const link = await stepUpLinkFor(id, 'delete');
    expect(link).toMatch(/^\/s\/k2\.[A-Za-z0-9_-]+$/);
    expect(mail.sent.some((m) => m.kind === 'email_change' && m.to === 'elsewhere@example.com')).toBe(false);
    expect(await exists(id)).toBe(true);
    expect((await h.handle.db.selectFrom('email_changes').selectAll().where('recipient_id', '=', id).execute()).length).toBe(0);
  });

  it('the confirmation is shown on GET (scanners use nothing up), used once on POST, and leads to the right', async () => {
    const { id, prefs } = await person('exports@example.com');
    await postForm(h, `${prefs}/export`, { action: 'step_up' });
    const link = (await stepUpLinkFor(id, 'export'))!;
    for (let i = 0; i < 3; i++) {
      const page = await h.app.request(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('You asked to download your data.');
    }
    expect((await postForm(h, link, {}, { origin: 'https://evil.example' })).status).toBe(403);
    const go = await postForm(h, link, {});
    expect(go.status).toBe(303);
    const verified = go.headers.get('location')!;
    expect(verified).toMatch(/^\/p\/k2\.[A-Za-z0-9_-]+\/export$/);
    expect((await postForm(h, link, {})).status).toBe(404);
    expect((await h.app.request(link)).status).toBe(404);

    const page = await (await h.app.request(verified)).text();
    expect(page).toMatch(/<button type="submit" name="action" value="export">Download my data<\/button>/);
    const download = await postForm(h, verified, { action: 'export' });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="my-data.json"');
    expect((await download.json()).recipient).toMatchObject({ id, email: 'exports@example.com' });
  });

  it('deletes only through the confirmed link, then the link and the person are gone', async () => {
    const { id, prefs } = await person('deletes@example.com');
    await postForm(h, `${prefs}/delete`, { action: 'step_up' });
    const go = await postForm(h, (await stepUpLinkFor(id, 'delete'))!, {});
    const verified = go.headers.get('location')!;
    expect(verified).toMatch(/\/delete$/);
    expect(await (await h.app.request(verified)).text()).toContain('What is deleted');
    expect(await exists(id)).toBe(true);
    expect((await postForm(h, verified, { action: 'delete' })).status).toBe(200);
    expect(await exists(id)).toBe(false);
    expect(await h.handle.db.selectFrom('step_ups').selectAll().where('recipient_id', '=', id).execute()).toEqual([]);
  });

  it('changes the address only through the confirmed link', async () => {
    const { id, prefs } = await person('moves@example.com');
    await postForm(h, `${prefs}/email`, { action: 'step_up' });
    const verified = (await postForm(h, (await stepUpLinkFor(id, 'email'))!, {})).headers.get('location')!;
    expect(verified).toMatch(/\/email$/);
    expect(await (await h.app.request(verified)).text()).toContain('New email address');
    expect((await postForm(h, verified, { email: 'moved@example.com' })).status).toBe(200);
    await h.mailQueue.idle();
    expect(mail.sent.filter((m) => m.kind === 'email_change' && m.to === 'moved@example.com')).toHaveLength(1);
  });

  it('expired, tampered, reused-purpose and erased-person links are the invalid-link page', async () => {
    const { id, prefs } = await person('expiry@example.com');
    const old = Math.floor(Date.now() / 1000) - 31 * 60;
    const oldVerified = `/p/${signToken(h.config.signingKeys, { purpose: 'verified_preferences', subjectId: id, issuedAt: old })}`;
    for (const path of [oldVerified, `${oldVerified}/export`, `${oldVerified}/delete`]) expect((await h.app.request(path)).status, path).toBe(404);
    const fresh = `/p/${signToken(h.config.signingKeys, { purpose: 'verified_preferences', subjectId: id })}`;
    expect((await h.app.request(`${fresh}/export`)).status).toBe(200);

    await postForm(h, `${prefs}/export`, { action: 'step_up' });
    const link = (await stepUpLinkFor(id, 'export'))!;
    const stepUpId = (await h.handle.db.selectFrom('step_ups').select('id').where('recipient_id', '=', id).executeTakeFirstOrThrow()).id;
    const oldLink = `/s/${signToken(h.config.signingKeys, { purpose: 'step_up', subjectId: stepUpId, issuedAt: old })}`;
    expect((await h.app.request(oldLink)).status).toBe(404);
    expect((await h.app.request(`${link.slice(0, -2)}AA`)).status).toBe(404);
    expect((await h.app.request(`/s/${signToken(h.config.signingKeys, { purpose: 'step_up', subjectId: newId() })}`)).status).toBe(404);
    // A step-up token is not a preference link, nor the other way round.
    expect((await h.app.request(`/p/${link.slice(3)}`)).status).toBe(404);
    expect((await h.app.request(`/s/${prefs.slice(3)}`)).status).toBe(404);
    // The stored record expires too, whatever the token says.
    await h.handle.db.updateTable('step_ups').set({ expires_at: '2000-01-01T00:00:00.000Z' }).where('id', '=', stepUpId).execute();
    expect((await h.app.request(link)).status).toBe(404);
    expect((await postForm(h, link, {})).status).toBe(404);
  });

  it('GET and HEAD never spend the export limit; only the download does', async () => {
    const { id, prefs } = await person('browses@example.com');
    const verified = `/p/${signToken(h.config.signingKeys, { purpose: 'verified_preferences', subjectId: id })}`;
    for (let i = 0; i < 3 * EXPORT_LIMIT_PER_RECIPIENT.max; i++) {
      for (const path of [`${prefs}/export`, `${verified}/export`]) {
        expect((await h.app.request(path)).status).toBe(200);
        expect((await h.app.request(path, { method: 'HEAD' })).status).toBe(200);
      }
    }
    for (let i = 0; i < EXPORT_LIMIT_PER_RECIPIENT.max; i++) expect((await postForm(h, `${verified}/export`, { action: 'export' })).status).toBe(200);
    expect((await postForm(h, `${verified}/export`, { action: 'export' })).status).toBe(429);
  });

  it('limits confirmation mails per person (no mailbox flooding)', async () => {
    const { id, prefs } = await person('floods@example.com');
    for (let i = 0; i < STEP_UP_LIMIT_PER_RECIPIENT.max; i++) expect((await postForm(h, `${prefs}/export`, { action: 'step_up' })).status).toBe(200);
    const refused = await postForm(h, `${prefs}/export`, { action: 'step_up' });
    expect(refused.status).toBe(429);
    await h.mailQueue.idle();
    expect(mail.sent.filter((m) => m.kind === 'step_up' && m.recipientId === id)).toHaveLength(STEP_UP_LIMIT_PER_RECIPIENT.max);
  });

  it('opt-outs stay one click on an everyday link', async () => {
    const { id, prefs } = await person('optout@example.com');
    expect((await postForm(h, prefs, { action: 'unsubscribe_all' })).status).toBe(200);
    expect((await findRecipient(h.handle.db, { by: 'id', value: id }))!.marketingOptOut).toBe(true);
  });

  describe('POST /v1/links {"verified": true}', () => {
    it('needs a key with the privacy scope', async () => {
      await addRecipient(h, 'signed-in@example.com');
      const body = { recipient: 'signed-in@example.com', category: 'newsletter', verified: true };
      expect((await h.request('POST', '/v1/links', { body, key: await h.key('eligibility:read') })).status).toBe(403);
      const privacyOnly = await h.key('privacy');
      expect((await h.request('POST', '/v1/links', { body: { ...body, verified: undefined }, key: privacyOnly })).status).toBe(403);
      const res = await h.request('POST', '/v1/links', { body, key: privacyOnly });
      expect(res.status).toBe(200);
      const links = await res.json();
      expect(Date.parse(links.preferencesUrlExpiresAt) - Date.now()).toBeGreaterThan(29 * 60 * 1000);
      expect(Date.parse(links.preferencesUrlExpiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60 * 1000);
      expect(links.unsubscribeUrl).toMatch(/\/u\//);
      // It skips the step: the export page offers the download at once.
      expect(await (await h.app.request(`${pathOf(links.preferencesUrl)}/export`)).text()).toContain('value="export"');
    });

    it.each([['yes'], [1], [null], [{}]])('refuses verified = %j with a 422', async (verified) => {
      const res = await h.request('POST', '/v1/links', { body: { recipient: 'signed-in@example.com', category: 'newsletter', verified } });
      expect(res.status).toBe(422);
    });

    it('without it, the everyday link as before', async () => {
      const res = await h.request('POST', '/v1/links', { body: { recipient: 'signed-in@example.com', category: 'newsletter', verified: false } });
      const links = await res.json();
      expect(links.preferencesUrlExpiresAt).toBeUndefined();
      expect(await (await h.app.request(`${pathOf(links.preferencesUrl)}/export`)).text()).toContain('First, confirm it is you');
    });
  });
});
