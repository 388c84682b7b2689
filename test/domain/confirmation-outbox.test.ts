// Double opt-in confirmations are owed from the commit that leaves a subscription pending (the
// confirmation outbox), so a crash before the mail delays it but never loses it, and no path mails it
// twice; a mail decided for a person who is erased before it is dispatched re-creates nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverOwedConfirmations, requestConfirmations } from '../../src/domain/consent/double-opt-in.js';
import { dispatchNotices } from '../../src/domain/notices/dispatch.js';
import type { Mailer } from '../../src/domain/notices/mailer.js';
import { createNoticeRuntime, type NoticeRuntime } from '../../src/domain/notices/runtime.js';
import { createSystemMail } from '../../src/domain/notices/system-mail.js';
import { eraseRecipient } from '../../src/domain/privacy/erasure.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { patchRecipient, upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const CTX = { source: 'api' as const, actor: 'test' };
const LATER = () => new Date(Date.now() + 60_000);

describe.each(testDialects())('the confirmation outbox on %s', (dialect) => {
  let h: Harness;
  let runtime: NoticeRuntime;
  let mail: Mailer;
  beforeAll(async () => {
    h = await makeHarness(dialect);
    runtime = createNoticeRuntime(h.config, h.handle.db);
    mail = createSystemMail(h.handle.db, h.config, runtime);
    await createCategory(h.handle.db, { key: 'events', name: 'Events', kind: 'marketing', doubleOptIn: true });
  });
  afterAll(() => h.close());

  const confirmationsTo = async (email: string) =>
    (await h.handle.db.selectFrom('notices').select('id').where('template', '=', 'confirm-subscription').where('to_normalized', '=', email).execute()).length;
  const owed = async () => (await h.handle.db.selectFrom('confirmation_outbox').select('id').execute()).length;
  const pendingFor = async (email: string) =>
    (await upsertRecipient(h.handle.db, h.config.hashKey, { email, subscriptions: { events: 'subscribed' } }, CTX)).recipient;

  it('records the owed mail with the pending subscription; a crash before sending delays it to the job', async () => {
    const before = await owed();
    const person = await pendingFor('crash@example.com');
    expect(person.subscriptions.events?.status).toBe('pending');
    // The process died here: nobody called requestConfirmations.
    expect(await owed()).toBe(before + 1);
    expect(await confirmationsTo('crash@example.com')).toBe(0);
    // A fresh row waits for its own request first; once older, the job sends it, once.
    expect(await deliverOwedConfirmations(h.handle.db, mail, h.config)).toEqual({ sent: 0, failed: 0 });
    expect(await deliverOwedConfirmations(h.handle.db, mail, h.config, { now: LATER() })).toMatchObject({ sent: 1 });
    expect(await deliverOwedConfirmations(h.handle.db, mail, h.config, { now: LATER() })).toMatchObject({ sent: 0 });
    expect(await confirmationsTo('crash@example.com')).toBe(1);
    expect(await owed()).toBe(before);
  });

  it('sends at once after the commit, and the job does not send it again', async () => {
    const person = await pendingFor('prompt@example.com');
    await requestConfirmations(h.handle.db, mail, h.config, person.id);
    await requestConfirmations(h.handle.db, mail, h.config, person.id);
    await deliverOwedConfirmations(h.handle.db, mail, h.config, { now: LATER() });
    expect(await confirmationsTo('prompt@example.com')).toBe(1);
  });

  it('a crash after the mail was recorded but before its row went mails nobody twice', async () => {
    const person = await pendingFor('half@example.com');
    const row = (await h.handle.db.selectFrom('confirmation_outbox').selectAll().where('recipient_id', '=', person.id).executeTakeFirstOrThrow()).id;
    await mail.sendConfirmation(person.id, 'events', () => 'https://prefs.example.test/c/x', `confirmation:${row}`);
    await deliverOwedConfirmations(h.handle.db, mail, h.config, { now: LATER() });
    expect(await confirmationsTo('half@example.com')).toBe(1);
    expect(await owed()).toBe(0);
  });

  it('a mail provider that fails leaves the confirmation owed for the next run', async () => {
    const person = await pendingFor('retry@example.com');
    const failing: Mailer = { ...mail, sendConfirmation: () => Promise.reject(new Error('down')) };
    await requestConfirmations(h.handle.db, failing, h.config, person.id);
    expect(await owed()).toBe(1);
    await deliverOwedConfirmations(h.handle.db, mail, h.config, { now: LATER() });
    expect(await confirmationsTo('retry@example.com')).toBe(1);
  });

  it('owes one mail per person and category however often they ask while it waits, and again after a new request', async () => {
    const person = await pendingFor('twice@example.com');
    await patchRecipient(h.handle.db, h.config.hashKey, person.id, { subscriptions: { events: 'unsubscribed' } }, CTX);
    await patchRecipient(h.handle.db, h.config.hashKey, person.id, { subscriptions: { events: 'subscribed' } }, CTX);
    expect(await owed()).toBe(1);
    await requestConfirmations(h.handle.db, mail, h.config, person.id);
    expect(await confirmationsTo('twice@example.com')).toBe(1);
  });

  it('erasure takes the owed mail with the person, and a mail decided before it re-creates nobody', async () => {
    const person = await pendingFor('gone@example.com');
    await eraseRecipient(h.handle.db, h.config.hashKey, person.id, { actor: 'test' });
    expect(await owed()).toBe(0);
    const template = await runtime.templates.get('preferences-link');
    const category = { id: 'system', key: 'system', name: 'account messages', kind: 'transactional', consent: 'opt_out', archived: false } as const;
    const ctx = { db: h.handle.db, config: h.config, runtime, actor: 'system' };
    const data = { link: 'https://prefs.example.test/p/x' };
    const [erased] = await dispatchNotices(ctx, category, template, [{ email: 'gone@example.com', ownerId: person.id, data }]);
    expect(erased!.status).toBe('skipped');
    // The race itself: the person the caller decided for is gone, and their address is not (yet) refused.
    const [race] = await dispatchNotices(ctx, category, template, [{ email: 'race@example.com', ownerId: person.id, data }]);
    expect(race).toMatchObject({ status: 'skipped', reason: 'unknown_recipient' });
    for (const email of ['gone@example.com', 'race@example.com']) {
      expect(await h.handle.db.selectFrom('recipients').select('id').where('email_normalized', '=', email).execute()).toEqual([]);
    }
    // Without ownerId (an address never decided for) transactional mail does make a recipient: the contrast.
    await dispatchNotices(ctx, category, template, [{ email: 'new@example.com', data }]);
    expect(await h.handle.db.selectFrom('recipients').select('id').where('email_normalized', '=', 'new@example.com').execute()).toHaveLength(1);
  });
});
