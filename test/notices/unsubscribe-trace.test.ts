// Unsubscribes traced to their mail (issue 12): the links in a notice name it (and its broadcast), the
// change they lead to records the ids, and GET /v1/events, the consent.changed webhook and the console
// timeline show them. A link whose ids were altered fails its signature; links minted before keep working.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linksFor } from '../../src/domain/links/email-links.js';
import { verifyToken } from '../../src/domain/links/tokens.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { deliverWebhooks } from '../../src/domain/webhooks/deliver.js';
import { addOperator, consoleClient } from '../support/console.js';
import { TEST_ENV, testDialects } from '../support/harness.js';
import { NEWSLETTER, type NoticeFixture, noticeFixture } from '../support/notices-fixture.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ENV.PUBLIC_URL };
const oneClick = { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
const pathOf = (url: string) => new URL(url).pathname;

describe.each(testDialects())('unsubscribes traced to their mail on %s', (dialect) => {
  let f: NoticeFixture;
  let rx: Receiver;
  let secret: string;
  let sender: string;
  beforeAll(async () => {
    f = await noticeFixture(dialect, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    sender = await f.h.key('notices:send');
    rx = await startReceiver();
    ({ secret } = await (await f.h.request('POST', '/v1/webhook-endpoints', { body: { url: rx.url, events: ['consent.changed'] } })).json());
  });
  afterAll(async () => {
    await rx.close();
    await f.close();
  });

  const subscribe = (email: string) =>
    upsertRecipient(f.h.handle.db, f.h.config.hashKey, { email, subscriptions: { news: 'subscribed' } }, { source: 'api', actor: 'test' });
  /** Sends the newsletter to `to` through POST /v1/notices and returns the notice id and the mail as the fake provider got it. */
  async function send(to: string) {
    const before = f.fake.calls.length;
    const res = await f.h.request('POST', '/v1/notices', { key: sender, body: { to, category: 'news', template: 'newsletter', data: NEWSLETTER } });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    const mail = f.fake.calls.slice(before).flatMap((c) => c.emails)[0]!;
    return { id: id as string, mail };
  }
  const listUnsubscribe = (mail: { headers?: Record<string, string> }) => /^<([^>]+)>$/.exec(mail.headers!['List-Unsubscribe']!)![1]!;
  const preferencesLink = (mail: { html: string }) => /href="(https:\/\/prefs\.example\.test\/p\/[^"]+)"/.exec(mail.html)![1]!;
  type Event = { type: string; source: string; recipientId: string; noticeId?: string; broadcastId?: string };
  const eventsOf = async (recipientId: string) =>
    ((await (await f.h.request('GET', '/v1/events?limit=1000')).json()).data as Event[]).filter((e) => e.recipientId === recipientId);
  async function announced() {
    await deliverWebhooks(f.h.handle.db, { timeoutMs: 2000, allowPrivate: true });
    return rx.received.map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { data: Record<string, unknown> });
  }

  it('one-click on a notice’s List-Unsubscribe URL records the notice, in the events and the consent.changed webhook', async () => {
    const { recipient } = await subscribe('trace@example.com');
    const { id, mail } = await send('trace@example.com');
    const url = listUnsubscribe(mail);
    expect(url.length).toBeLessThan(200);
    expect(verifyToken(f.h.config.signingKeys, url.split('/u/')[1]!, 'unsubscribe')?.trace).toEqual({ noticeId: id });

    const res = await f.h.app.request(pathOf(url), oneClick);
    expect(res.status).toBe(200);
    const [event] = (await eventsOf(recipient.id)).filter((e) => e.type === 'unsubscribed');
    expect(event).toMatchObject({ type: 'unsubscribed', category: 'news', source: 'one_click', noticeId: id });
    expect(event).not.toHaveProperty('broadcastId');

    const hooks = (await announced()).filter((p) => p.data.recipientId === recipient.id && p.data.change === 'unsubscribed');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.data).toMatchObject({ category: 'news', source: 'one_click', noticeId: id });
    expect(hooks[0]!.data).not.toHaveProperty('broadcastId');
  });

  it('refuses a link whose notice id was altered, and records nothing', async () => {
    const { recipient } = await subscribe('tamper@example.com');
    const { mail } = await send('tamper@example.com');
    const url = listUnsubscribe(mail);
    const [kid, body] = url.split('/u/')[1]!.split('.') as [string, string];
    const raw = Buffer.from(body, 'base64url');
    // Byte 40 lies inside the notice id (after version, purpose, time, recipient and category).
    raw[40] = raw[40]! ^ 0x01;
    const forged = `${TEST_ENV.PUBLIC_URL}/u/${kid}.${raw.toString('base64url')}`;
    expect((await f.h.app.request(pathOf(forged), oneClick)).status).toBe(404);
    expect((await f.h.app.request(pathOf(forged))).status).toBe(404);
    // The notice id cut off, as if the link were an untraced one: the signature no longer matches.
    const cut = Buffer.concat([raw.subarray(0, 38), raw.subarray(-16)]);
    expect((await f.h.app.request(`/u/${kid}.${cut.toString('base64url')}`, oneClick)).status).toBe(404);
    expect((await eventsOf(recipient.id)).map((e) => e.type)).toEqual(['subscribed']);
  });

  it('the unsubscribe page and the preference page it leads to carry the notice too', async () => {
    const { recipient } = await subscribe('page@example.com');
    const { id, mail } = await send('page@example.com');
    const page = pathOf(listUnsubscribe(mail));
    const done = await f.h.app.request(page, { method: 'POST', body: 'action=unsubscribe', headers: FORM });
    expect(done.status).toBe(200);
    const manage = /href="[^"]*\/p\/([^"]+)"/.exec(await done.text())![1]!;
    expect(verifyToken(f.h.config.signingKeys, manage, 'preferences')?.trace).toEqual({ noticeId: id });
    // Straight from the mail's own preference link: refusing all marketing names the notice.
    const prefs = await f.h.app.request(pathOf(preferencesLink(mail)), { method: 'POST', body: 'action=unsubscribe_all', headers: FORM });
    expect(prefs.status).toBe(200);
    const events = await eventsOf(recipient.id);
    expect(events).toMatchObject([
      { type: 'subscribed', source: 'api' },
      { type: 'unsubscribed', source: 'unsubscribe_page', noticeId: id },
      { type: 'marketing_opt_out', source: 'preference_page', noticeId: id },
    ]);
    expect(events[0]).not.toHaveProperty('noticeId');
  });

  it('a broadcast’s links name the notice and the broadcast; the console timeline shows both', async () => {
    const { recipient } = await subscribe('bc@example.com');
    const before = f.fake.calls.length;
    const accepted = await (
      await f.h.request('POST', '/v1/broadcasts', { key: sender, body: { category: 'news', template: 'newsletter', data: NEWSLETTER } })
    ).json();
    let view: { status: string; unsubscribes?: number } = { status: 'queued' };
    for (let i = 0; i < 300 && view.status !== 'done'; i++) {
      view = await (await f.h.request('GET', `/v1/broadcasts/${accepted.id}`, { key: sender })).json();
      if (view.status !== 'done') await new Promise((r) => setTimeout(r, 50));
    }
    expect(view).toMatchObject({ status: 'done', unsubscribes: 0 });
    const mail = f.fake.calls
      .slice(before)
      .flatMap((c) => c.emails)
      .find((e) => e.to.includes('bc@example.com'))!;
    const notice = await f.h.handle.db
      .selectFrom('notices')
      .select('id')
      .where('idempotency_key', '=', `broadcast:${accepted.id}:${recipient.id}`)
      .executeTakeFirstOrThrow();
    const url = listUnsubscribe(mail);
    expect(url.length).toBeLessThan(200);
    expect((await f.h.app.request(pathOf(url), oneClick)).status).toBe(200);
    // Counted from the ledger's broadcast index; a second one-click changes nothing and counts nothing.
    expect((await f.h.app.request(pathOf(url), oneClick)).status).toBe(200);
    expect((await (await f.h.request('GET', `/v1/broadcasts/${accepted.id}`, { key: sender })).json()).unsubscribes).toBe(1);
    const traced = { noticeId: notice.id, broadcastId: accepted.id };
    expect((await eventsOf(recipient.id)).at(-1)).toMatchObject({ type: 'unsubscribed', source: 'one_click', ...traced });
    const hook = (await announced()).find((p) => p.data.recipientId === recipient.id && p.data.change === 'unsubscribed');
    expect(hook?.data).toMatchObject(traced);
    const csv = await (await f.h.request('GET', '/v1/events?type=unsubscribed', { headers: { accept: 'text/csv' } })).text();
    expect(csv).toContain(`${notice.id},${accepted.id}`);

    const viewer = consoleClient(f.h);
    expect((await viewer.signIn((await addOperator(f.h, 'viewer')).email)).status).toBe(303);
    const timeline = await (await viewer.get(`/admin/recipients/${recipient.id}`)).text();
    expect(timeline).toContain(`title="${notice.id}"`);
    expect(timeline).toContain(`/admin/broadcasts/${accepted.id}"`);
  });

  it('links minted before tracing (no notice id) keep working and record no ids', async () => {
    const { recipient } = await subscribe('old@example.com');
    const category = await getCategory(f.h.handle.db, 'news');
    const { oneClickUrl } = linksFor(f.h.config, recipient.id, category);
    expect((await f.h.app.request(pathOf(oneClickUrl!), oneClick)).status).toBe(200);
    const last = (await eventsOf(recipient.id)).at(-1);
    expect(last).toMatchObject({ type: 'unsubscribed', source: 'one_click' });
    expect(last).not.toHaveProperty('noticeId');
  });
});
