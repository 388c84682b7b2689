import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNDO_WINDOW_SECONDS, undoUnsubscribe } from '../../src/domain/consent/unsubscribe.js';
import { signToken } from '../../src/domain/links/tokens.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, eventsOf, linksFor, pathOf, postForm, recordingMail, seededHarness, stateOf } from '../support/page-fixtures.js';

describe.each(testDialects())('unsubscribe pages on %s', (dialect) => {
  let h: Harness;
  const mail = recordingMail();
  beforeAll(async () => {
    h = await seededHarness(dialect, {}, mail.mail);
  });
  afterAll(() => h.close());

  async function subscribed(email: string, category = 'newsletter') {
    const id = await addRecipient(h, email, { [category]: 'subscribed' });
    return { id, path: pathOf((await linksFor(h, email, category)).unsubscribeUrl!) };
  }

  it('GET names the category and the organisation, and changes nothing', async () => {
    const { id, path } = await subscribed('get@example.com');
    const before = await eventsOf(h, id);
    for (let i = 0; i < 3; i++) {
      const res = await h.app.request(path);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Weekly newsletter');
      expect(html).toContain('Acme Test Ltd');
      expect(html).toMatch(/<button[^>]*>Unsubscribe<\/button>/);
    }
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'subscribed' } });
    expect(await eventsOf(h, id)).toHaveLength(before.length);
  });

  it('RFC 8058 one-click: urlencoded, no Origin, no cookies → short 200, once', async () => {
    const { id, path } = await subscribed('oneclick@example.com');
    const post = () =>
      h.app.request(path, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MailboxProvider/1.0' },
      });
    const res = await post();
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await res.text()).length).toBeLessThan(100);
    expect((await post()).status).toBe(200);
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'unsubscribed' } });
    const events = (await eventsOf(h, id)).filter((e) => e.source === 'one_click');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'unsubscribed', actor: 'recipient', category_key: 'newsletter', user_agent: 'MailboxProvider/1.0' });
  });

  it('RFC 8058 one-click as multipart, even with a cross-site Origin', async () => {
    const { id, path } = await subscribed('multipart@example.com');
    const body = new FormData();
    body.append('List-Unsubscribe', 'One-Click');
    const env = { incoming: { socket: { remoteAddress: '192.0.2.9' } } };
    const res = await h.app.request(path, { method: 'POST', body, headers: { origin: 'https://mail.provider.example', 'sec-fetch-site': 'cross-site' } }, env);
    expect(res.status).toBe(200);
    expect((await stateOf(h, id)).subs.newsletter).toBe('unsubscribed');
    expect((await eventsOf(h, id)).at(-1)).toMatchObject({ source: 'one_click', ip: '192.0.2.9' });
  });

  it('the page form unsubscribes, offers Undo and Manage, and Undo restores the state', async () => {
    const { id, path } = await subscribed('form@example.com');
    const res = await postForm(h, path, { action: 'unsubscribe' }, { 'user-agent': 'Browser/1.0' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('You are unsubscribed from “Weekly newsletter”');
    expect(html).toContain('name="previous" value="subscribed"');
    expect(html).toMatch(/href="\/p\/k2\.[A-Za-z0-9_-]+">Manage all preferences/);
    expect((await stateOf(h, id)).subs.newsletter).toBe('unsubscribed');
    const unsub = (await eventsOf(h, id)).at(-1)!;
    expect(unsub).toMatchObject({ source: 'unsubscribe_page', actor: 'recipient', user_agent: 'Browser/1.0', type: 'unsubscribed' });

    const again = await postForm(h, path, { action: 'unsubscribe' });
    expect(again.status).toBe(200);
    expect(await again.text()).not.toContain('name="previous"');

    const undo = await postForm(h, path, { action: 'undo', previous: 'subscribed' });
    expect(undo.status).toBe(200);
    expect(await undo.text()).toContain('You are subscribed to “Weekly newsletter” again');
    expect((await stateOf(h, id)).subs.newsletter).toBe('subscribed');
    expect((await eventsOf(h, id)).at(-1)).toMatchObject({ source: 'unsubscribe_page', type: 'subscribed' });
  });

  it('Undo right after unsubscribing from a confirmed double opt-in category restores it exactly, with no new confirmation', async () => {
    const id = await addRecipient(h, 'doi@example.com');
    await h.handle.db
      .insertInto('subscriptions')
      .values({
        recipient_id: id,
        category_id: (await h.handle.db.selectFrom('categories').select('id').where('key', '=', 'events').executeTakeFirstOrThrow()).id,
        status: 'subscribed',
        source: 'confirmation',
        updated_at: new Date().toISOString(),
      })
      .execute();
    const path = pathOf((await linksFor(h, 'doi@example.com', 'events')).unsubscribeUrl!);
    await postForm(h, path, { action: 'unsubscribe' });
    const unsubscribed = (await eventsOf(h, id)).at(-1)!;
    const mailsBefore = mail.sent.length;
    const undo = await postForm(h, path, { action: 'undo', previous: 'subscribed' });
    expect(await undo.text()).toContain('You are subscribed to “Events” again');
    expect((await stateOf(h, id)).subs.events).toBe('subscribed');
    expect(mail.sent).toHaveLength(mailsBefore);
    const restored = (await eventsOf(h, id)).at(-1)!;
    expect(restored).toMatchObject({ type: 'subscribed', source: 'unsubscribe_page', actor: 'recipient' });
    expect(JSON.parse(restored.detail!)).toEqual({ from: 'unsubscribed', to: 'subscribed', undoes: unsubscribed.id });
    // A second Undo has nothing left to undo: the latest event is no longer the unsubscribe.
    await postForm(h, path, { action: 'undo', previous: 'subscribed' });
    expect((await eventsOf(h, id)).at(-1)!.id).toBe(restored.id);
  });

  it('an Undo that does not match the last unsubscribe is a new subscribe: double opt-in asks for confirmation', async () => {
    const eventsId = (await h.handle.db.selectFrom('categories').select('id').where('key', '=', 'events').executeTakeFirstOrThrow()).id;
    // Never confirmed (pending), unsubscribed, then a forged "previous: subscribed" must not skip the confirmation.
    const pendingId = await addRecipient(h, 'forged-undo@example.com', { events: 'subscribed' });
    const forged = pathOf((await linksFor(h, 'forged-undo@example.com', 'events')).unsubscribeUrl!);
    await postForm(h, forged, { action: 'unsubscribe' });
    const res = await postForm(h, forged, { action: 'undo', previous: 'subscribed' });
    expect(await res.text()).toContain('Please confirm “Events”');
    expect((await stateOf(h, pendingId)).subs.events).toBe('pending');
    expect(mail.sent.at(-1)).toMatchObject({ kind: 'confirm', recipientId: pendingId, category: 'events' });
    expect(mail.sent.at(-1)!.url).toMatch(/^https:\/\/prefs\.example\.test\/c\/k2\./);

    // Too late: beyond the undo window the same Undo is a fresh subscribe.
    const lateId = await addRecipient(h, 'late-undo@example.com');
    await h.handle.db
      .insertInto('subscriptions')
      .values({ recipient_id: lateId, category_id: eventsId, status: 'subscribed', source: 'confirmation', updated_at: new Date().toISOString() })
      .execute();
    const late = pathOf((await linksFor(h, 'late-undo@example.com', 'events')).unsubscribeUrl!);
    await postForm(h, late, { action: 'unsubscribe' });
    const category = (await getCategory(h.handle.db, 'events'))!;
    const later = new Date(Date.now() + (UNDO_WINDOW_SECONDS + 60) * 1000);
    expect(await undoUnsubscribe(h.handle.db, lateId, category, 'subscribed', { source: 'unsubscribe_page', actor: 'recipient' }, later)).toBe('pending');

    // A one-click unsubscribe (a mailbox provider's button) is not undone by the page's Undo either.
    const oneClickId = await addRecipient(h, 'oneclick-undo@example.com');
    await h.handle.db
      .insertInto('subscriptions')
      .values({ recipient_id: oneClickId, category_id: eventsId, status: 'subscribed', source: 'confirmation', updated_at: new Date().toISOString() })
      .execute();
    const oc = pathOf((await linksFor(h, 'oneclick-undo@example.com', 'events')).unsubscribeUrl!);
    await h.app.request(oc, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await postForm(h, oc, { action: 'undo', previous: 'subscribed' });
    expect((await stateOf(h, oneClickId)).subs.events).toBe('pending');
  });

  it('says so when there is nothing to unsubscribe from', async () => {
    await addRecipient(h, 'never@example.com');
    const res = await h.app.request(pathOf((await linksFor(h, 'never@example.com', 'newsletter')).unsubscribeUrl!));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('You are not subscribed to “Weekly newsletter”');
    expect(html).not.toContain('<button');
  });

  it('refuses a cross-site form post but not the one-click body', async () => {
    const { id, path } = await subscribed('csrf@example.com');
    const variants: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: '' },
      { origin: 'https://prefs.example.test', 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of variants) {
      const res = await postForm(h, path, { action: 'unsubscribe' }, headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    const viaSecFetch = await h.app.request(path, {
      method: 'POST',
      body: 'action=unsubscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    });
    expect(viaSecFetch.status).toBe(403);
    expect((await stateOf(h, id)).subs.newsletter).toBe('subscribed');
    // What a browser sends from our own page under Referrer-Policy: no-referrer.
    const own = await postForm(h, path, { action: 'unsubscribe' }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    expect((await stateOf(h, id)).subs.newsletter).toBe('unsubscribed');
  });

  it('a transactional unsubscribe token is refused with a page, not a 500', async () => {
    const id = await addRecipient(h, 'tx@example.com');
    const receipts = await h.handle.db.selectFrom('categories').select('id').where('key', '=', 'receipts').executeTakeFirstOrThrow();
    const token = signToken(h.config.signingKeys, { purpose: 'unsubscribe', subjectId: id, categoryId: receipts.id });
    const res = await postForm(h, `/u/${token}`, { action: 'unsubscribe' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('cannot be turned off');
  });
});
