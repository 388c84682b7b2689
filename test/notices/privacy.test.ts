// The person's notices, their events and idempotency records, and their dev outbox copies are part of
// the export (GDPR Art. 15, 20) and go with erasure (Art. 17), queued ones included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNotice } from '../../src/db/notices.js';
import { resumeQueuedNotices } from '../../src/domain/notices/resume.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { switchableOutbox } from '../support/notices-fixture.js';
import { seedCategories, seedPerson } from '../support/privacy-seed.js';

const enc = encodeURIComponent;

describe.each(testDialects())('notices in export and erasure on %s', (dialect) => {
  let h: Harness;
  let privacyKey: string;
  const down = { now: false };
  const runtime = switchableOutbox(() => h, down);
  beforeAll(async () => {
    h = await makeHarness(dialect, {}, { notices: runtime });
    privacyKey = await h.key('privacy');
    await seedCategories(h);
  });
  afterAll(() => h.close());

  const receipt = (to: string, name: string, idempotencyKey?: string) =>
    h.request('POST', '/v1/notices', {
      body: {
        to,
        category: 'receipts',
        template: 'receipt',
        idempotencyKey,
        data: { orderNumber: 'A-7', amount: '€3', date: 'today', items: `1 × mug for ${name}` },
      },
    });

  it('exports notices with events and idempotency keys, and the outbox copies with their bodies', async () => {
    const p = await seedPerson(h, 'notices-export');
    const sent = await (await receipt(p.email, 'Ottilie Export', 'order-ottilie')).json();
    down.now = true;
    const queued = await (await receipt(p.id, 'Ottilie Queued')).json();
    down.now = false;
    const skipped = await (
      await h.request('POST', '/v1/notices', {
        body: { to: p.email, category: 'news', template: 'newsletter', data: { headline: 'H', intro: 'I', ctaLabel: 'R', ctaUrl: 'https://example.com/' } },
      })
    ).json();
    await h.request('PATCH', `/v1/recipients/${p.id}`, { body: { subscriptions: { news: 'unsubscribed' } } });
    const skippedNow = await (
      await h.request('POST', '/v1/notices', {
        body: { to: p.email, category: 'news', template: 'newsletter', data: { headline: 'H', intro: 'I', ctaLabel: 'R', ctaUrl: 'https://example.com/' } },
      })
    ).json();
    expect([sent.status, queued.status, skipped.status, skippedNow.status]).toEqual(['sent', 'queued', 'sent', 'skipped']);

    const body = await (await h.request('GET', `/v1/recipients/${enc(p.email)}/export`, { key: privacyKey })).json();
    const byId = new Map(body.notices.map((n: { id: string }) => [n.id, n]));
    expect(byId.get(sent.id)).toMatchObject({
      to: p.email,
      template: 'receipt',
      status: 'sent',
      idempotencyKey: expect.stringMatching(/:order-ottilie$/),
      html: null,
      text: null,
      events: [{ type: 'queued' }, { type: 'sent' }],
    });
    // Kept until sent, so that resume can send it; then cleared.
    expect(byId.get(queued.id)).toMatchObject({ status: 'queued', events: [{ type: 'queued' }, { type: 'retry_later', detail: { error: '503 down' } }] });
    expect((byId.get(queued.id) as { text: string }).text).toContain('Ottilie Queued');
    expect(byId.get(skippedNow.id)).toMatchObject({ status: 'skipped', reason: 'unsubscribed', events: [{ type: 'skipped' }] });
    expect(body.devOutbox.map((o: { text: string }) => o.text).join()).toContain('1 × mug for Ottilie Export');
    expect(body.devOutbox.every((o: { to: string }) => o.to === p.email)).toBe(true);
    // The receipt, the newsletter, and the digest confirmation the seed's pending double opt-in was owed:
    // the PATCH above sends what its person is owed (src/domain/consent/double-opt-in.ts).
    expect(body.devOutbox.map((o: { subject: string }) => o.subject).sort()).toEqual(
      ['H', 'Please confirm your subscription to Weekly digest', 'Your receipt for order A-7'].sort(),
    );
  });

  it('erases notices, events, queued bodies and outbox copies; resume then sends nothing; a bystander keeps his', async () => {
    await resumeQueuedNotices(h.handle.db, runtime); // what earlier tests left queued
    const p = await seedPerson(h, 'notices-erase');
    const other = await seedPerson(h, 'notices-bystander');
    const sent = await (await receipt(p.email, 'Philippa Erase', 'order-philippa')).json();
    await receipt(other.email, 'Bystander Bob');
    down.now = true;
    const queued = await (await receipt(p.email, 'Philippa Queued')).json();
    down.now = false;

    expect((await h.request('DELETE', `/v1/recipients/${enc(p.email)}`, { key: privacyKey })).status).toBe(204);
    expect(await findNotice(h.handle.db, sent.id)).toBeUndefined();
    expect(await findNotice(h.handle.db, queued.id)).toBeUndefined();
    expect((await h.request('GET', `/v1/notices/${sent.id}`)).status).toBe(404);
    expect(await resumeQueuedNotices(h.handle.db, runtime)).toEqual({ sent: 0, waiting: 0, failed: 0 });
    // The same idempotency key now names nothing: it was the person's record too.
    const again = await receipt(p.email, 'Philippa Again', 'order-philippa');
    expect((await again.json()).id).not.toBe(sent.id);

    const kept = await (await h.request('GET', `/v1/recipients/${enc(other.email)}/export`, { key: privacyKey })).json();
    expect(kept.notices).toHaveLength(1);
    expect(kept.devOutbox[0].text).toContain('Bystander Bob');
  });

  it('exports and erases an address known only from the notices it was sent', async () => {
    const stranger = 'Stranger.Only@Example.test';
    const res = await h.request('POST', '/v1/notices', {
      body: { to: stranger, category: 'news', template: 'newsletter', data: { headline: 'H', intro: 'I', ctaLabel: 'R', ctaUrl: 'https://example.com/' } },
    });
    expect((await res.json()).status).toBe('skipped');
    const exported = await h.request('GET', `/v1/recipients/${enc(stranger.toLowerCase())}/export`, { key: privacyKey });
    expect(exported.status).toBe(200);
    expect(await exported.json()).toMatchObject({
      recipient: null,
      notices: [{ to: stranger, status: 'skipped', reason: 'unknown_recipient' }],
      devOutbox: [],
    });
    expect((await h.request('DELETE', `/v1/recipients/${enc(stranger)}`, { key: privacyKey })).status).toBe(204);
    const after = await (await h.request('GET', `/v1/recipients/${enc(stranger)}/export`, { key: privacyKey })).json();
    expect(after.notices).toEqual([]);
    expect(JSON.stringify(after)).not.toContain('stranger');
  });
});
