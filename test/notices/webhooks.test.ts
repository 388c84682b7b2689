import { randomBytes } from 'node:crypto';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventsOfRecipient } from '../../src/db/consent-events.js';
import { findRecipient } from '../../src/db/recipients.js';
import { findSuppressionsByHash } from '../../src/db/suppressions.js';
import { addressHash } from '../../src/domain/privacy/address-hash.js';
import { makeHarness, testDialects } from '../support/harness.js';
import { type NoticeFixture, noticeFixture, RECEIPT } from '../support/notices-fixture.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

describe.each(testDialects())('Resend webhooks on %s', (dialect) => {
  let f: NoticeFixture;
  let sender: string;
  const signer = new Webhook(SECRET);
  beforeAll(async () => {
    f = await noticeFixture(dialect, { RESEND_WEBHOOK_SECRET: SECRET });
    sender = await f.h.key('notices:send');
  });
  afterAll(() => f.close());

  let n = 0;
  function deliver(event: unknown, opts: { id?: string; at?: Date; body?: string; signature?: string } = {}) {
    const id = opts.id ?? `msg_${++n}_${randomBytes(4).toString('hex')}`;
    const at = opts.at ?? new Date();
    const body = opts.body ?? JSON.stringify(event);
    const signature = opts.signature ?? signer.sign(id, at, body);
    return f.h.request('POST', '/webhooks/resend', {
      key: null,
      body,
      headers: { 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signature },
    });
  }
  const event = (type: string, to: string, data: Record<string, unknown> = {}) => ({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: 'none', to: [to], ...data },
  });
  const suppressionsOf = async (email: string) => (await findSuppressionsByHash(f.h.handle.db, addressHash(f.h.config.hashKey, email))).map((s) => s.reason);

  it('records delivery events on the notice', async () => {
    const sent = await (
      await f.h.request('POST', '/v1/notices', { key: sender, body: { to: 'ada@example.com', category: 'receipts', template: 'receipt', data: RECEIPT } })
    ).json();
    expect((await deliver(event('email.delivery_delayed', 'ada@example.com', { email_id: sent.providerId }))).status).toBe(200);
    const res = await deliver(event('email.delivered', 'ada@example.com', { email_id: sent.providerId }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'handled' });
    const view = await (await f.h.request('GET', `/v1/notices/${sent.id}`, { key: sender })).json();
    expect(view.status).toBe('delivered');
    expect(view.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sent', 'delivery_delayed', 'delivered']);
  });

  it('suppresses an address after a permanent bounce, and then sends it nothing, transactional included', async () => {
    const res = await deliver(event('email.bounced', 'bounce@example.com', { bounce: { type: 'Permanent', subType: 'General', message: 'no such user' } }));
    expect(res.status).toBe(200);
    expect(await suppressionsOf('bounce@example.com')).toEqual(['hard_bounce']);
    const send = await f.h.request('POST', '/v1/notices', {
      key: sender,
      body: { to: 'bounce@example.com', category: 'receipts', template: 'receipt', data: RECEIPT },
    });
    expect(await send.json()).toMatchObject({ status: 'skipped', reason: 'suppressed_bounce' });
  });

  it('does not suppress after a transient bounce', async () => {
    expect((await deliver(event('email.bounced', 'soft@example.com', { bounce: { type: 'Transient', subType: 'MailboxFull' } }))).status).toBe(200);
    expect(await suppressionsOf('soft@example.com')).toEqual([]);
  });

  it('turns a complaint into a marketing opt-out and a complaint suppression, recorded as from the webhook', async () => {
    expect((await deliver(event('email.complained', 'ada@example.com'))).status).toBe(200);
    const ada = (await findRecipient(f.h.handle.db, { by: 'email', value: 'ada@example.com' }))!;
    expect(ada.marketingOptOut).toBe(true);
    expect(await suppressionsOf('ada@example.com')).toEqual(['complaint']);
    const events = await listEventsOfRecipient(f.h.handle.db, ada.id);
    expect(events.filter((e) => e.source === 'webhook').map((e) => e.type)).toEqual(['marketing_opt_out', 'suppressed']);
  });

  it('changes nothing when a svix-id is replayed', async () => {
    const id = 'msg_replayed';
    const bounce = event('email.bounced', 'replay@example.com', { bounce: { type: 'Permanent' } });
    expect(await (await deliver(bounce, { id })).json()).toEqual({ status: 'handled' });
    const { liftSuppressions } = await import('../../src/domain/recipients/suppressions.js');
    await liftSuppressions(f.h.handle.db, f.h.config.hashKey, 'replay@example.com', { source: 'api', actor: 'test' });
    const again = await deliver(bounce, { id });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'replayed' });
    expect(await suppressionsOf('replay@example.com')).toEqual([]);
  });

  it.each([
    ['a bad signature', { signature: `v1,${randomBytes(32).toString('base64')}` }],
    ['a signature by another secret', { signature: new Webhook(`whsec_${randomBytes(24).toString('base64')}`).sign('msg_x', new Date(), '{}') }],
    ['a timestamp 10 minutes old', { at: new Date(Date.now() - 10 * 60_000) }],
    ['a timestamp 10 minutes ahead', { at: new Date(Date.now() + 10 * 60_000) }],
    ['no signature', { signature: '' }],
  ])('answers 401 to %s and changes nothing', async (_label, opts) => {
    const res = await deliver(event('email.bounced', 'forged@example.com', { bounce: { type: 'Permanent' } }), opts);
    expect(res.status).toBe(401);
    expect(await suppressionsOf('forged@example.com')).toEqual([]);
  });

  it('answers 401 when the body was changed after signing', async () => {
    const id = 'msg_tampered';
    const at = new Date();
    const signed = JSON.stringify(event('email.delivered', 'x@example.com'));
    const res = await deliver(null, { id, at, signature: signer.sign(id, at, signed), body: signed.replace('delivered', 'bounced') });
    expect(res.status).toBe(401);
  });

  it.each([
    ['signed non-JSON', 'not json', 400],
    ['a signed hostile shape', JSON.stringify({ type: 42, data: "'; DROP TABLE notices;--" }), 422],
    ['an unknown event type', JSON.stringify({ type: 'contact.created', data: {} }), 200],
    ['a bounce to a hostile address', JSON.stringify({ type: 'email.bounced', data: { to: ['<script>@x\r\n'], bounce: { type: 'Permanent' } } }), 200],
  ])('answers %s with a %i, never a 500', async (_label, body, status) => {
    expect((await deliver(null, { body })).status).toBe(status);
  });

  it('answers 413 to an oversized body', async () => {
    expect((await deliver(null, { body: JSON.stringify({ type: 'x', data: { pad: 'x'.repeat(300_000) } }) })).status).toBe(413);
  });

  it('answers 503 when RESEND_WEBHOOK_SECRET is unset', async () => {
    const h = await makeHarness(dialect);
    try {
      const res = await h.request('POST', '/webhooks/resend', {
        key: null,
        body: '{}',
        headers: { 'svix-id': 'a', 'svix-timestamp': '1', 'svix-signature': 'v1,x' },
      });
      expect(res.status).toBe(503);
    } finally {
      await h.close();
    }
  });
});
