// The links in mailprefs' own mail are traced too (issue 12): a double opt-in confirmation's /c/ link
// and the preference link mailed from /p name the notice they were put into, so the `subscribed` event
// and the changes made through the link record it. The notice id is minted before the mail is
// rendered (src/domain/notices/system-mail.ts). Confirmation links minted before keep working.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmUrlFor } from '../../src/domain/links/email-links.js';
import { verifyToken } from '../../src/domain/links/tokens.js';
import { createCategory, getCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { deliverWebhooks } from '../../src/domain/webhooks/deliver.js';
import { TEST_ENV, testDialects } from '../support/harness.js';
import { type NoticeFixture, noticeFixture } from '../support/notices-fixture.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ENV.PUBLIC_URL };
type Event = { type: string; category: string | null; source: string; recipientId: string; noticeId?: string; broadcastId?: string };

describe.each(testDialects())('confirmation and preference-link mail traced on %s', (dialect) => {
  let f: NoticeFixture;
  let rx: Receiver;
  let secret: string;
  beforeAll(async () => {
    f = await noticeFixture(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    await createCategory(f.h.handle.db, { key: 'digest', name: 'Digest', kind: 'marketing', doubleOptIn: true });
    rx = await startReceiver();
    ({ secret } = await (await f.h.request('POST', '/v1/webhook-endpoints', { body: { url: rx.url, events: ['consent.changed'] } })).json());
  });
  afterAll(async () => {
    await rx.close();
    await f.close();
  });

  const mailTo = (email: string) =>
    f.fake.calls
      .flatMap((c) => c.emails)
      .filter((e) => e.to.includes(email))
      .at(-1)!;
  const linkIn = (mail: { text: string }, path: 'c' | 'p') => new RegExp(`https://prefs\\.example\\.test/${path}/([A-Za-z0-9._-]+)`).exec(mail.text)![1]!;
  /** The id of the newest notice of this template to this recipient, as recorded. */
  const noticeOf = async (recipientId: string, template: string) =>
    (
      await f.h.handle.db
        .selectFrom('notices')
        .select('id')
        .where('recipient_id', '=', recipientId)
        .where('template', '=', template)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow()
    ).id;
  const eventsOf = async (recipientId: string) =>
    ((await (await f.h.request('GET', '/v1/events?limit=1000')).json()).data as Event[]).filter((e) => e.recipientId === recipientId);

  it('a confirmation link names its mail; confirming records it on the subscribed event, and past "Manage all"', async () => {
    const res = await f.h.request('PUT', '/v1/recipients', { body: { email: 'dora@example.com', subscriptions: { digest: 'subscribed' } } });
    const { id: recipientId } = await res.json();
    const token = linkIn(mailTo('dora@example.com'), 'c');
    const noticeId = await noticeOf(recipientId, 'confirm-subscription');
    expect(verifyToken(f.h.config.signingKeys, token, 'confirm')).toMatchObject({ subjectId: recipientId, trace: { noticeId } });
    expect(token.length).toBeLessThan(120);

    const page = await f.h.app.request(`/c/${token}`, { method: 'POST', body: '', headers: FORM });
    expect(page.status).toBe(200);
    const manage = /href="[^"]*\/p\/([^"]+)"/.exec(await page.text())![1]!;
    expect(verifyToken(f.h.config.signingKeys, manage, 'preferences')?.trace).toEqual({ noticeId });
    const events = await eventsOf(recipientId);
    expect(events.map((e) => [e.type, e.source, e.noticeId])).toEqual([
      ['pending', 'api', undefined],
      ['subscribed', 'confirmation', noticeId],
    ]);
    expect(events[1]).not.toHaveProperty('broadcastId');
    const filtered = await (await f.h.request('GET', `/v1/events?noticeId=${noticeId}`)).json();
    expect(filtered.data).toEqual([expect.objectContaining({ type: 'subscribed', category: 'digest', recipientId })]);
    await deliverWebhooks(f.h.handle.db, { timeoutMs: 2000, allowPrivate: true });
    const hooks = rx.received.map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { data: Record<string, unknown> });
    const confirmed = hooks.filter((p) => p.data.recipientId === recipientId && p.data.change === 'subscribed');
    expect(confirmed.map((p) => p.data)).toEqual([expect.objectContaining({ source: 'confirmation', noticeId })]);
  });

  it('a confirmation link minted before tracing still confirms, and records no notice', async () => {
    const ctx = { source: 'api' as const, actor: 'test' };
    const { recipient } = await upsertRecipient(f.h.handle.db, f.h.config.hashKey, { email: 'old@example.com', subscriptions: { digest: 'subscribed' } }, ctx);
    const url = confirmUrlFor(f.h.config, recipient.id, (await getCategory(f.h.handle.db, 'digest')).id);
    expect(verifyToken(f.h.config.signingKeys, url.split('/c/')[1]!, 'confirm')).not.toHaveProperty('trace');
    expect((await f.h.app.request(new URL(url).pathname, { method: 'POST', body: '', headers: FORM })).status).toBe(200);
    const last = (await eventsOf(recipient.id)).at(-1)!;
    expect(last).toMatchObject({ type: 'subscribed', source: 'confirmation' });
    expect(last).not.toHaveProperty('noticeId');
  });

  it('the preference link mailed from /p names its mail; a change made through it records the notice', async () => {
    const ctx = { source: 'api' as const, actor: 'test' };
    const { recipient } = await upsertRecipient(f.h.handle.db, f.h.config.hashKey, { email: 'pia@example.com', subscriptions: { news: 'subscribed' } }, ctx);
    const asked = await f.h.app.request('/p', { method: 'POST', body: 'email=pia%40example.com', headers: FORM });
    expect(asked.status).toBe(200);
    await f.h.mailQueue.idle();
    const token = linkIn(mailTo('pia@example.com'), 'p');
    const noticeId = await noticeOf(recipient.id, 'preferences-link');
    expect(verifyToken(f.h.config.signingKeys, token, 'preferences')).toMatchObject({ subjectId: recipient.id, trace: { noticeId } });

    const changed = await f.h.app.request(`/p/${token}`, { method: 'POST', body: 'action=unsubscribe_all', headers: FORM });
    expect(changed.status).toBe(200);
    expect((await eventsOf(recipient.id)).at(-1)).toMatchObject({ type: 'marketing_opt_out', source: 'preference_page', noticeId });
  });
});
