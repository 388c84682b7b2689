// Coalesced sending: notices that are ready together leave together, each keeping its own result,
// record and idempotency; one refused address fails only its own notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/harness.js';
import { type NoticeFixture, noticeFixture, RECEIPT } from '../support/notices-fixture.js';

describe.each(testDialects())('coalesced sending on %s', (dialect) => {
  let f: NoticeFixture;
  let sender: string;
  // At 2 calls a second, notices arriving while the first call's slot is used gather for the next.
  beforeAll(async () => {
    f = await noticeFixture(dialect, { RESEND_MAX_RPS: '2' });
    sender = await f.h.key('notices:send');
  });
  afterAll(() => f.close());
  const post = (to: string, headers: Record<string, string> = {}, idempotencyKey?: string) =>
    f.h.request('POST', '/v1/notices', { key: sender, headers, body: { to, category: 'receipts', template: 'receipt', data: RECEIPT, idempotencyKey } });
  const view = async (id: string) => (await f.h.request('GET', `/v1/notices/${id}`, { key: sender })).json();

  it('sends 40 concurrent single notices in a few batch calls, each with its own answer and record', async () => {
    const before = f.fake.calls.length;
    const to = Array.from({ length: 40 }, (_, i) => `single${i}@example.com`);
    const responses = await Promise.all(to.map((t, i) => post(t, {}, `order-${i}`)));
    expect(responses.map((r) => r.status)).toEqual(to.map(() => 202));
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(bodies.every((b) => b.status === 'sent')).toBe(true);
    const calls = f.fake.calls.slice(before);
    expect(calls.length).toBeLessThanOrEqual(3);
    // Every address once, and each caller's provider id is the one Resend gave its own email.
    const sent = calls.flatMap((c) => c.emails.map((e) => e.to[0]));
    expect(sent.sort()).toEqual([...to].sort());
    expect(new Set(bodies.map((b) => b.providerId)).size).toBe(40);
    for (const [i, b] of bodies.entries()) {
      const v = await view(b.id);
      expect(v).toMatchObject({ to: to[i], status: 'sent', providerId: b.providerId });
      expect(v.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sent']);
    }
    // Each notice keeps its own idempotency key: a repeat answers its first result and sends nothing.
    const requests = f.fake.requests;
    const again = await Promise.all([3, 17].map((i) => post(to[i]!, {}, `order-${i}`)));
    expect(await Promise.all(again.map((r) => r.json()))).toEqual([bodies[3], bodies[17]]);
    expect(f.fake.requests).toBe(requests);
  });

  it.each([
    ['in permissive batch validation', false],
    ['when Resend rejects the whole batch (strict validation): split until only it fails', true],
  ])('fails only the refused address %s', async (_, strictOnly) => {
    const refused = strictOnly ? 'refused-strict@example.com' : 'refused@example.com';
    f.fake.refuse(refused, { strictOnly });
    const to = [...Array.from({ length: 9 }, (_, i) => `ok${i}-${strictOnly}@example.com`), refused];
    const bodies = await Promise.all(to.map(async (t) => (await post(t)).json()));
    expect(bodies.slice(0, 9).map((b) => b.status)).toEqual(to.slice(0, 9).map(() => 'sent'));
    expect(bodies[9]).toMatchObject({ status: 'failed', reason: 'provider_rejected' });
    expect((await view(bodies[9].id)).events.map((e: { type: string }) => e.type)).toEqual(['queued', 'failed']);
    for (const b of bodies.slice(0, 9)) expect((await view(b.id)).status).toBe('sent');
  });

  it('answers 202 queued at once with Prefer: respond-async; the notice is sent and GET tells it', async () => {
    const res = await post('later@example.com', { Prefer: 'respond-async, wait=5' });
    expect(res.status).toBe(202);
    expect(res.headers.get('preference-applied')).toBe('respond-async');
    const body = await res.json();
    expect(body).toEqual({ id: body.id, status: 'queued', providerId: null });
    await expect.poll(async () => (await view(body.id)).status, { timeout: 10_000, interval: 50 }).toBe('sent');
    expect(f.fake.calls.filter((c) => c.emails.some((e) => e.to[0] === 'later@example.com'))).toHaveLength(1);
  });
});
