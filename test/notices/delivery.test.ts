import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNotice } from '../../src/db/notices.js';
import { dispatchNotices, MAX_PROVIDER_CALLS } from '../../src/domain/notices/dispatch.js';
import { resumeQueuedNotices } from '../../src/domain/notices/resume.js';
import type { NoticeRuntime } from '../../src/domain/notices/runtime.js';
import type { Transport } from '../../src/domain/notices/transport.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { testClock } from '../support/clock.js';
import { testDialects } from '../support/harness.js';
import { type NoticeFixture, noticeFixture, RECEIPT, testTransport } from '../support/notices-fixture.js';

describe.each(testDialects())('delivery through Resend on %s', (dialect) => {
  let f: NoticeFixture;
  let sender: string;
  let runtime: NoticeRuntime;
  beforeAll(async () => {
    f = await noticeFixture(dialect);
    sender = await f.h.key('notices:send');
    runtime = {
      templates: (await import('../../src/domain/notices/template-store.js')).createTemplateStore({
        dir: (await import('../../src/domain/notices/runtime.js')).TEMPLATES_DIR,
        publicUrl: f.h.config.publicUrl,
        watch: false,
      }),
      transport: f.transport,
    };
  });
  afterAll(() => f.close());
  const send = (to: string) => f.h.request('POST', '/v1/notices', { key: sender, body: { to, category: 'receipts', template: 'receipt', data: RECEIPT } });

  /** Sends through dispatchNotices with a transport of our choosing, as a crash test needs. */
  async function dispatchWith(transport: Transport, emails: string[]) {
    const category = await getCategory(f.h.handle.db, 'receipts');
    const template = await runtime.templates.get('receipt');
    return dispatchNotices(
      { db: f.h.handle.db, config: f.h.config, runtime: { ...runtime, transport }, actor: 'test' },
      category,
      template,
      emails.map((email) => ({ email, data: RECEIPT })),
    );
  }

  it('retries a 429, honouring Retry-After, under the same idempotency key', async () => {
    f.fake.failNext(429, 1, '1');
    const before = f.fake.requests;
    const waits = f.clock.sleeps.length;
    const res = await send('ada@example.com');
    expect(res.status).toBe(202);
    // Retry-After: 1 is one second, waited in full (pacing at 1,000/s may add a millisecond of its own).
    expect(f.clock.sleeps.slice(waits).filter((ms) => ms > 1)).toEqual([1000]);
    expect(f.fake.requests - before).toBe(2);
    const body = await res.json();
    expect(f.fake.calls.at(-1)!.idempotencyKey).toBe(`notice-${body.id}`);
  });

  it('retries 5xx with backoff', async () => {
    f.fake.failNext(503, 2);
    const before = f.fake.requests;
    const waits = f.clock.sleeps.length;
    expect((await send('ada@example.com')).status).toBe(202);
    expect(f.fake.requests - before).toBe(3);
    // Exponential backoff from baseDelayMs (5 ms here) with jitter: 2.5-5 ms, then 5-10 ms.
    const [first, second, ...rest] = f.clock.sleeps.slice(waits).filter((ms) => ms > 1);
    expect(rest).toEqual([]);
    expect(first).toBeGreaterThanOrEqual(2.5);
    expect(first).toBeLessThanOrEqual(5);
    expect(second).toBeGreaterThanOrEqual(5);
    expect(second).toBeLessThanOrEqual(10);
  });

  it('keeps a notice queued when Resend stays down, and sends it on resume', async () => {
    f.fake.failNext(500, 4);
    const res = await send('ada@example.com');
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toEqual({ id: body.id, status: 'queued', providerId: null });
    expect((await findNotice(f.h.handle.db, body.id))!.last_error).toMatch(/^500/);
    const calls = f.fake.calls.length;
    expect(await resumeQueuedNotices(f.h.handle.db, runtime)).toEqual({ sent: 1, waiting: 0, failed: 0 });
    expect(f.fake.calls.length).toBe(calls + 1);
    const view = await (await f.h.request('GET', `/v1/notices/${body.id}`, { key: sender })).json();
    expect(view.status).toBe('sent');
    expect(view.events.map((e: { type: string }) => e.type)).toEqual(['queued', 'retry_later', 'sent']);
  });

  it('gives a notice up after MAX_PROVIDER_CALLS failed calls', async () => {
    f.fake.failNext(500, 4);
    const { id } = await (await send('ada@example.com')).json();
    await f.h.handle.db
      .updateTable('notices')
      .set({ attempts: MAX_PROVIDER_CALLS - 1 })
      .where('id', '=', id)
      .execute();
    f.fake.failNext(500, 4);
    await resumeQueuedNotices(f.h.handle.db, runtime);
    expect((await findNotice(f.h.handle.db, id))!.status).toBe('failed');
    expect(await resumeQueuedNotices(f.h.handle.db, runtime)).toEqual({ sent: 0, waiting: 0, failed: 0 });
  });

  it('reports a permanent refusal as failed without retrying', async () => {
    f.fake.failNext(422);
    const before = f.fake.requests;
    const res = await send('ada@example.com');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'failed', reason: 'provider_rejected' });
    expect(f.fake.requests - before).toBe(1);
  });

  it('resumes notices recorded before a crash that came before the provider call', async () => {
    const crash: Transport = { name: 'resend', send: () => Promise.reject(new Error('process died')) };
    await expect(dispatchWith(crash, ['ada@example.com', 'crash1@example.com'])).rejects.toThrow('process died');
    const calls = f.fake.calls.length;
    expect(await resumeQueuedNotices(f.h.handle.db, runtime)).toEqual({ sent: 2, waiting: 0, failed: 0 });
    expect(f.fake.calls.length).toBe(calls + 1);
    expect(f.fake.calls.at(-1)!.emails.map((e) => e.to[0])).toEqual(['ada@example.com', 'crash1@example.com']);
    expect(await resumeQueuedNotices(f.h.handle.db, runtime)).toEqual({ sent: 0, waiting: 0, failed: 0 });
  });

  it('sends once when the crash came after Resend accepted the call', async () => {
    const acceptedThenDied: Transport = {
      name: 'resend',
      send: async (call) => {
        await f.transport.send(call);
        throw new Error('process died');
      },
    };
    const calls = f.fake.calls.length;
    await expect(dispatchWith(acceptedThenDied, ['crash2@example.com'])).rejects.toThrow('process died');
    expect(f.fake.calls.length).toBe(calls + 1);
    const requests = f.fake.requests;
    expect(await resumeQueuedNotices(f.h.handle.db, runtime)).toEqual({ sent: 1, waiting: 0, failed: 0 });
    // The same key reached Resend again and was answered from its idempotency store: no second email.
    expect(f.fake.requests).toBe(requests + 1);
    expect(f.fake.calls.length).toBe(calls + 1);
  });

  it('paces calls to RESEND_MAX_RPS', async () => {
    const clock = testClock();
    const paced = testTransport(f.fake, { maxRequestsPerSecond: 5 }, clock);
    const email = { from: 'a@example.com', to: 'ada@example.com', subject: 's', html: '<p>h</p>', text: 't', headers: {} };
    const before = f.fake.calls.length;
    await Promise.all([1, 2, 3, 4].map((i) => paced.send({ idempotencyKey: `pace-${i}-${randomUUID()}`, emails: [email] })));
    // Four calls at once, 5 per second: they start 0, 200, 400 and 600 ms from now.
    expect(clock.sleeps).toEqual([200, 400, 600]);
    expect(f.fake.calls.length - before).toBe(4);
  });

  it('never sends more than 100 emails in one call', async () => {
    const email = { from: 'a@example.com', to: 'ada@example.com', subject: 's', html: 'h', text: 't', headers: {} };
    await expect(testTransport(f.fake).send({ idempotencyKey: 'too-many', emails: Array.from({ length: 101 }, () => email) })).rejects.toThrow(/1 to 100/);
  });
});
