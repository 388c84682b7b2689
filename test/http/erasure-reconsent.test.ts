// After erasure only the person's own new double opt-in brings an address back (GDPR Art. 7(1), 17):
// erase, import again with a double opt-in subscription, the confirmation mail through the real notices
// path (dev outbox), confirm. And the email change link through the same path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { createSystemMail } from '../../src/domain/notices/system-mail.js';
import type { Harness } from '../support/harness.js';
import { testDialects } from '../support/harness.js';
import { linksFor, pathOf, postForm, seededHarness } from '../support/page-fixtures.js';
import { trackedMail } from '../support/tracked-mail.js';

describe.each(testDialects())('re-consent after erasure on %s', (dialect) => {
  let h: Harness;
  // The real system mail (dev outbox), so the confirmation and change links go through the notices path.
  const sent = trackedMail(() => createSystemMail(h.handle.db, h.config, createNoticeRuntime(h.config, h.handle.db)));
  beforeAll(async () => {
    h = await seededHarness(dialect, {}, sent.mail);
  });
  afterAll(() => h.close());

  const eligibility = async (email: string, category: string) =>
    (await (await h.request('GET', `/v1/eligibility?email=${encodeURIComponent(email)}&category=${category}`)).json()) as { eligible: boolean; reason: string };
  const outboxTo = async (email: string) =>
    h.handle.db.selectFrom('dev_outbox').select(['text', 'to_address']).where('to_normalized', '=', email.toLowerCase()).orderBy('created_at').execute();
  const linkIn = (text: string, kind: 'c' | 'e') => pathOf(new RegExp(`https://prefs\\.example\\.test/${kind}/[A-Za-z0-9._-]+`).exec(text)![0]);

  async function eraseAndReimport(email: string) {
    expect((await h.request('PUT', '/v1/recipients', { body: { email, subscriptions: { newsletter: 'subscribed' } } })).status).toBe(201);
    expect((await h.request('DELETE', `/v1/recipients/${encodeURIComponent(email)}`)).status).toBe(204);
    const res = await h.request('PUT', '/v1/recipients', { body: { email, subscriptions: { events: 'subscribed', newsletter: 'subscribed' } } });
    expect(res.status).toBe(201);
    expect((await res.json()).subscriptions.events.status).toBe('pending');
  }

  it('confirming a new double opt-in lifts the erased suppression; nothing else does', async () => {
    await eraseAndReimport('ann@example.com');
    expect(await eligibility('ann@example.com', 'events')).toMatchObject({ eligible: false, reason: 'suppressed_erased' });
    expect(await eligibility('ann@example.com', 'newsletter')).toMatchObject({ eligible: false, reason: 'suppressed_erased' });
    const mails = await outboxTo('ann@example.com');
    expect(mails).toHaveLength(1);
    const confirm = linkIn(mails[0]!.text, 'c');

    // Opening the link (a scanner) changes nothing.
    expect((await h.app.request(confirm)).status).toBe(200);
    expect(await eligibility('ann@example.com', 'events')).toMatchObject({ eligible: false, reason: 'suppressed_erased' });

    expect((await postForm(h, confirm, {})).status).toBe(200);
    expect(await eligibility('ann@example.com', 'events')).toEqual({ email: 'ann@example.com', category: 'events', eligible: true, reason: 'subscribed' });
    expect(await eligibility('ann@example.com', 'newsletter')).toMatchObject({ eligible: true, reason: 'subscribed' });
    const suppressions = await h.handle.db.selectFrom('suppressions').select('reason').execute();
    expect(suppressions.filter((s) => s.reason === 'erased')).toHaveLength(0);
    const id = (await (await h.request('GET', '/v1/recipients/ann%40example.com')).json()).id;
    const events = await (await h.request('GET', `/v1/recipients/${id}/events`)).json();
    expect(events.data.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['subscribed', 'unsuppressed']));
  });

  it('without confirming, the address stays suppressed', async () => {
    await eraseAndReimport('bob@example.com');
    expect(await outboxTo('bob@example.com')).toHaveLength(1);
    // Another person's confirmation lifts nothing of Bob's.
    await eraseAndReimport('carol@example.com');
    await postForm(h, linkIn((await outboxTo('carol@example.com'))[0]!.text, 'c'), {});
    expect(await eligibility('carol@example.com', 'events')).toMatchObject({ eligible: true });
    expect(await eligibility('bob@example.com', 'events')).toMatchObject({ eligible: false, reason: 'suppressed_erased' });
    expect(await eligibility('bob@example.com', 'newsletter')).toMatchObject({ eligible: false, reason: 'suppressed_erased' });
  });

  it('mails the email change link to the new address without making it a recipient', async () => {
    expect((await h.request('PUT', '/v1/recipients', { body: { email: 'dan@example.com', subscriptions: { newsletter: 'subscribed' } } })).status).toBe(201);
    const prefs = pathOf((await linksFor(h, 'dan@example.com', 'newsletter', { verified: true })).preferencesUrl);
    expect((await postForm(h, `${prefs}/email`, { email: 'dan.new@example.com' })).status).toBe(200);
    await h.mailQueue.idle();
    await sent.idle();
    const mails = await outboxTo('dan.new@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Confirm your new email address');
    expect((await h.request('GET', '/v1/recipients/dan.new%40example.com')).status).toBe(404);
    const path = linkIn(mails[0]!.text, 'e');
    expect((await postForm(h, path, {})).status).toBe(200);
    const dan = await (await h.request('GET', '/v1/recipients/dan.new%40example.com')).json();
    expect(dan.subscriptions.newsletter.status).toBe('subscribed');
  });
});
