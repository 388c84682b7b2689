import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findBroadcast } from '../../src/db/broadcasts.js';
import { openDatabase } from '../../src/db/database.js';
import { createBroadcast } from '../../src/domain/broadcasts/broadcasts.js';
import { PROVIDER_PAUSE_MS, resumeBroadcasts, walkBroadcast } from '../../src/domain/broadcasts/walk-broadcast.js';
import type { NoticeRuntime } from '../../src/domain/notices/runtime.js';
import { TEMPLATES_DIR } from '../../src/domain/notices/runtime.js';
import { createTemplateStore } from '../../src/domain/notices/template-store.js';
import type { Transport } from '../../src/domain/notices/transport.js';
import { dispatchContext, EVERYONE, mailedSince, POLICY, seedAudience } from '../support/broadcast-audience.js';
import { testDialects } from '../support/harness.js';
import { NEWSLETTER, type NoticeFixture, noticeFixture, testTransport } from '../support/notices-fixture.js';

const PAGE = { pageSize: 2 };
// Leases are compared with the walker's clock: fixed instants, never real time.
const T0 = new Date('2026-06-01T00:00:00Z');
const at = (ms: number) => () => new Date(T0.getTime() + ms);
const POLICY_REACH = EVERYONE.filter((e) => e !== 'gone@example.com');

describe.each(testDialects())('resuming broadcasts on %s', (dialect) => {
  let f: NoticeFixture;
  let runtime: NoticeRuntime;
  let before: number;
  beforeAll(async () => {
    f = await noticeFixture(dialect);
    await seedAudience(f);
    runtime = { templates: createTemplateStore({ dir: TEMPLATES_DIR, publicUrl: f.h.config.publicUrl, watch: false }), transport: f.transport };
  });
  afterAll(() => f.close());
  beforeEach(async () => {
    // Each test starts with no unfinished broadcast left by another.
    await f.h.handle.db.updateTable('broadcasts').set({ status: 'done' }).execute();
    before = f.fake.calls.length;
  });

  const ctxWith = (transport: Transport) => dispatchContext(f, { ...runtime, transport });
  const policyBroadcast = async () =>
    (await createBroadcast(dispatchContext(f, runtime), { category: 'policy', template: 'policy-update', data: POLICY })).broadcast.id;
  /** Accepts the first `calls` provider calls, then dies: before the call, or just after it was accepted. */
  const dyingAfter = (calls: number, when: 'before' | 'after'): Transport => {
    let made = 0;
    return {
      name: 'resend',
      send: async (call) => {
        if (made++ < calls) return f.transport.send(call);
        if (when === 'after') await f.transport.send(call);
        throw new Error('process died');
      },
    };
  };

  it('walks in pages and counts each outcome', async () => {
    const id = (await createBroadcast(dispatchContext(f, runtime), { category: 'news', template: 'newsletter', data: NEWSLETTER })).broadcast.id;
    expect(await walkBroadcast(dispatchContext(f, runtime), id, PAGE)).toBe('done');
    expect(mailedSince(f.fake, before)).toEqual(['ada@example.com', 'hal@example.com']);
    const row = (await findBroadcast(f.h.handle.db, id))!;
    expect(row).toMatchObject({ status: 'done', total: 8, sent: 2, skipped: 6, failed: 0, lease_owner: null });
    expect(await walkBroadcast(dispatchContext(f, runtime), id, PAGE)).toBe('busy');
  });

  it.each(['before', 'after'] as const)('finishes after a crash %s a provider call mid-walk, mailing nobody twice', async (when) => {
    const id = await policyBroadcast();
    await expect(walkBroadcast(ctxWith(dyingAfter(1, when)), id, PAGE)).rejects.toThrow('process died');
    const crashed = (await findBroadcast(f.h.handle.db, id))!;
    expect(crashed.status).toBe('running');
    expect(crashed.sent).toBe(2);
    expect(mailedSince(f.fake, before)).toHaveLength(when === 'after' ? 4 : 2);

    const requests = f.fake.requests;
    expect(await resumeBroadcasts(dispatchContext(f, runtime), PAGE)).toMatchObject({ done: 1 });
    expect(mailedSince(f.fake, before)).toEqual(POLICY_REACH);
    // The page recorded before the crash went again under its first provider key: one request for it
    // (answered from the provider's idempotency store when it had been accepted) and one per page left.
    expect(f.fake.requests - requests).toBe(3);
    expect((await findBroadcast(f.h.handle.db, id))!).toMatchObject({ status: 'done', sent: 7, skipped: 1, failed: 0 });
  });

  it('resumes a broadcast stopped after one page', async () => {
    const id = await policyBroadcast();
    expect(await walkBroadcast(dispatchContext(f, runtime), id, { ...PAGE, maxPages: 1 })).toBe('paused');
    expect(mailedSince(f.fake, before)).toHaveLength(2);
    expect(await resumeBroadcasts(dispatchContext(f, runtime), PAGE)).toMatchObject({ done: 1 });
    expect(mailedSince(f.fake, before)).toEqual(POLICY_REACH);
  });

  it('leaves a broadcast held by a live walker alone, and takes it over once the lease has expired', async () => {
    const id = await policyBroadcast();
    const until = new Date(T0.getTime() + 60_000).toISOString();
    await f.h.handle.db.updateTable('broadcasts').set({ status: 'running', lease_owner: 'a-dead-instance', lease_until: until }).where('id', '=', id).execute();
    expect(await resumeBroadcasts(dispatchContext(f, runtime), { ...PAGE, now: at(0) })).toMatchObject({ busy: 1, done: 0 });
    expect(mailedSince(f.fake, before)).toEqual([]);
    expect(await resumeBroadcasts(dispatchContext(f, runtime), { ...PAGE, now: at(120_000) })).toMatchObject({ done: 1 });
    expect(mailedSince(f.fake, before)).toEqual(POLICY_REACH);
  });

  it('keeps the rest for later when the provider is down, and finishes once it is back', async () => {
    const id = await policyBroadcast();
    f.fake.failNext(503, 1);
    const oneTry = { ...runtime, transport: testTransport(f.fake, { maxAttempts: 1 }) };
    expect(await walkBroadcast(dispatchContext(f, oneTry), id, PAGE)).toBe('paused');
    expect((await findBroadcast(f.h.handle.db, id))!).toMatchObject({ status: 'running', cursor: null, sent: 0, lease_owner: null });
    expect(mailedSince(f.fake, before)).toEqual([]);
    // Nobody tries again at once (PROVIDER_PAUSE_MS), but any instance may after the pause.
    expect(await walkBroadcast(dispatchContext(f, runtime), id, PAGE)).toBe('busy');
    const afterPause = () => new Date(Date.now() + PROVIDER_PAUSE_MS + 1000);
    expect(await walkBroadcast(dispatchContext(f, runtime), id, { ...PAGE, now: afterPause })).toBe('done');
    expect(mailedSince(f.fake, before)).toEqual(POLICY_REACH);
  });

  it('lets go after the page under way when the process stops, so another instance resumes at once', async () => {
    const id = await policyBroadcast();
    const stopping = new AbortController();
    let pages = 0;
    // The walker reads the clock once as it claims and once per page: the stop comes during the first page.
    const clock = () => {
      if (pages++ === 1) stopping.abort();
      return new Date();
    };
    const counting = { ...PAGE, now: clock, signal: stopping.signal };
    expect(await walkBroadcast(dispatchContext(f, runtime), id, counting)).toBe('paused');
    const row = (await findBroadcast(f.h.handle.db, id))!;
    expect(row).toMatchObject({ status: 'running', lease_owner: null, lease_until: null });
    expect(row.sent + row.skipped).toBeGreaterThan(0);
    expect(await walkBroadcast(dispatchContext(f, runtime), id, PAGE)).toBe('done');
    expect(mailedSince(f.fake, before)).toEqual(POLICY_REACH);
  });

  it('fails a broadcast whose template went away, naming it, and sends nothing', async () => {
    const id = await policyBroadcast();
    await f.h.handle.db.updateTable('broadcasts').set({ template: 'retired-template' }).where('id', '=', id).execute();
    expect(await walkBroadcast(dispatchContext(f, runtime), id, PAGE)).toBe('failed');
    const row = (await findBroadcast(f.h.handle.db, id))!;
    expect(row).toMatchObject({ status: 'failed', sent: 0, lease_owner: null });
    expect(row.error).toMatch(/retired-template/);
    expect(row.finished_at).not.toBeNull();
    expect(mailedSince(f.fake, before)).toEqual([]);
    expect(await resumeBroadcasts(dispatchContext(f, runtime), PAGE)).toMatchObject({ done: 0, failed: 0, busy: 0 });
  });

  it('two resumers on separate connections walk a broadcast once', async () => {
    const id = await policyBroadcast();
    const other = openDatabase(f.h.config.databaseUrl);
    try {
      const results = await Promise.allSettled([
        resumeBroadcasts(dispatchContext(f, runtime), { pageSize: 1 }),
        resumeBroadcasts({ ...dispatchContext(f, runtime), db: other.db }, { pageSize: 1 }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    } finally {
      await other.close();
    }
    expect(mailedSince(f.fake, before)).toEqual(POLICY_REACH);
    expect((await findBroadcast(f.h.handle.db, id))!).toMatchObject({ status: 'done', sent: 7, skipped: 1 });
  });

  it('a stalled walker whose lease expired and the walker that took over mail nobody twice', async () => {
    const id = await policyBroadcast();
    // The first walker stalls inside its first provider call (a gate, not a timer) with a 20 ms lease.
    let entered!: () => void;
    const inCall = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stalledSend: Transport = {
      name: 'resend',
      send: async (call) => {
        entered();
        await gate;
        return f.transport.send(call);
      },
    };
    const stalled = walkBroadcast(ctxWith(stalledSend), id, { pageSize: 2, leaseMs: 20, now: at(0) });
    await inCall;
    // A minute later by the clock the lease has long expired: another instance takes the broadcast over.
    const other = openDatabase(f.h.config.databaseUrl);
    try {
      expect(await walkBroadcast({ ...dispatchContext(f, runtime), db: other.db }, id, { pageSize: 2, leaseMs: 20, now: at(60_000) })).toBe('done');
    } finally {
      await other.close();
    }
    // The stalled walker wakes: its call is answered under the same idempotency key, and it finds its lease gone.
    release();
    expect(await stalled).toBe('lost');
    await resumeBroadcasts(dispatchContext(f, runtime), { pageSize: 2, now: at(120_000) });
    expect(mailedSince(f.fake, before)).toEqual(POLICY_REACH);
    expect((await findBroadcast(f.h.handle.db, id))!).toMatchObject({ status: 'done', sent: 7, skipped: 1 });
  });
});
