import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { listEventsOfRecipient } from '../../src/db/consent-events.js';
import { expirePendingRow, findPendingBefore } from '../../src/db/pending-subscriptions.js';
import { verifyLedger } from '../../src/domain/consent/ledger-verify.js';
import { checkEligibility } from '../../src/domain/eligibility/check-eligibility.js';
import { getCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { expirePendingSubscriptions } from '../../src/jobs/expire-pending.js';
import { runJobsOnce, startJobs } from '../../src/jobs/run-jobs.js';
import { runCli } from '../support/cli.js';
import { type Harness, makeHarness, TEST_ENV, testDialects } from '../support/harness.js';
import { captureLogs } from '../support/log-capture.js';
import { seedCategories } from '../support/privacy-seed.js';

const DAY = 86_400_000;

describe.each(testDialects())('double opt-in expiry on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
    await seedCategories(h);
  });
  afterAll(() => h.close());

  /** A recipient asked for the double opt-in digest (and the plain newsletter) `daysAgo` days ago. */
  async function requestedDaysAgo(email: string, daysAgo: number): Promise<string> {
    const { recipient } = await upsertRecipient(
      h.handle.db,
      h.config.hashKey,
      { email, subscriptions: { digest: 'subscribed', news: 'subscribed' } },
      { source: 'api', actor: 'key:t' },
    );
    const then = new Date(Date.now() - daysAgo * DAY).toISOString();
    await sql`update subscriptions set updated_at = ${then} where recipient_id = ${recipient.id}`.execute(h.handle.db);
    return recipient.id;
  }
  const statusOf = async (email: string) =>
    (await checkEligibility(h.handle.db, h.config.hashKey, await getCategory(h.handle.db, 'digest'), [email]))[0]!.reason;

  it('expires pending subscriptions older than the limit, once, with an `expired` event', async () => {
    const oldId = await requestedDaysAgo('old@example.test', 10);
    await requestedDaysAgo('recent@example.test', 2);
    expect(await statusOf('old@example.test')).toBe('pending_confirmation');

    expect(await expirePendingSubscriptions(h.handle.db, 7)).toBe(1);
    expect(await statusOf('old@example.test')).toBe('unsubscribed');
    expect(await statusOf('recent@example.test')).toBe('pending_confirmation');
    const last = (await listEventsOfRecipient(h.handle.db, oldId)).at(-1)!;
    expect(last).toMatchObject({ type: 'expired', source: 'expiry', actor: 'system', category_key: 'digest' });
    expect(JSON.parse(last.detail!)).toEqual({ from: 'pending', to: 'unsubscribed', afterDays: 7 });

    // The plain newsletter was subscribed, not pending: untouched however old.
    const news = (await checkEligibility(h.handle.db, h.config.hashKey, await getCategory(h.handle.db, 'news'), ['old@example.test']))[0];
    expect(news).toEqual({ eligible: true, reason: 'subscribed' });

    expect(await expirePendingSubscriptions(h.handle.db, 7)).toBe(0);
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });
  });

  it('takes the limit from PENDING_EXPIRY_DAYS (default 7) and refuses nonsense', async () => {
    expect(parseConfig(TEST_ENV).pendingExpiryDays).toBe(7);
    expect(parseConfig({ ...TEST_ENV, PENDING_EXPIRY_DAYS: '1' }).pendingExpiryDays).toBe(1);
    for (const bad of ['0', '-3', '1.5', 'seven', '99999']) {
      expect(() => parseConfig({ ...TEST_ENV, PENDING_EXPIRY_DAYS: bad })).toThrow(/PENDING_EXPIRY_DAYS/);
    }
    await requestedDaysAgo('two-days@example.test', 2);
    const results = await runJobsOnce(h.handle.db, parseConfig({ ...TEST_ENV, PENDING_EXPIRY_DAYS: '1' }));
    expect(results[0]).toEqual({ name: 'expire-pending', ok: true, counts: { expired: 2 } });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await statusOf('two-days@example.test')).toBe('unsubscribed');
  });

  it('runs on the server timer and logs counts, never addresses', async () => {
    await requestedDaysAgo('timer@example.test', 30);
    const log = captureLogs('info');
    // The scheduler's own timers run; the test waits for its first line, not for a time (bounded by the test's limit).
    const stop = startJobs(h.handle.db, h.config, { firstDelayMs: 0, intervalMs: 20, logger: log.logger });
    await log.next((e) => e.job === 'expire-pending');
    stop();
    expect(log.entries().find((e) => e.job === 'expire-pending')).toMatchObject({ level: 'info', event: 'job_finished', counts: { expired: 1 } });
    expect(log.text()).not.toContain('timer@example.test');
    expect(await statusOf('timer@example.test')).toBe('unsubscribed');
  });

  it('reports a failing job by its error class, without the driver message, and carries on', async () => {
    await sql`alter table subscriptions rename to subscriptions_away`.execute(h.handle.db);
    try {
      const [result] = await runJobsOnce(h.handle.db, h.config);
      expect(result).toMatchObject({ name: 'expire-pending', ok: false });
      expect(result).toHaveProperty('error', expect.stringMatching(/^[A-Za-z0-9_]+$/));
    } finally {
      await sql`alter table subscriptions_away rename to subscriptions`.execute(h.handle.db);
    }
  });

  it('changes nothing from a stale read: the interleaving of two instances, made deterministic', async () => {
    await requestedDaysAgo('raced@example.test', 20);
    const cutoff = new Date(Date.now() - 7 * DAY).toISOString();
    const seenByB = await findPendingBefore(h.handle.db, cutoff, 100);
    expect(seenByB.length).toBe(1);
    expect(await expirePendingSubscriptions(h.handle.db, 7)).toBe(1); // instance A wins
    for (const row of seenByB) expect(await expirePendingRow(h.handle.db, row, 'expiry', new Date().toISOString())).toBe(false);
    // The person confirming meanwhile also wins over a stale expiry.
    const { recipient } = await upsertRecipient(
      h.handle.db,
      h.config.hashKey,
      { email: 'confirms@example.test', subscriptions: { digest: 'subscribed' } },
      { source: 'api', actor: 'key:t' },
    );
    await sql`update subscriptions set updated_at = ${new Date(Date.now() - 20 * DAY).toISOString()} where recipient_id = ${recipient.id}`.execute(h.handle.db);
    const stale = await findPendingBefore(h.handle.db, cutoff, 100);
    await sql`update subscriptions set status = 'subscribed' where recipient_id = ${recipient.id}`.execute(h.handle.db);
    expect(await expirePendingRow(h.handle.db, stale[0]!, 'expiry', new Date().toISOString())).toBe(false);
  });

  it('expires each subscription exactly once when several instances run `mailprefs jobs run` at once', { timeout: 120_000 }, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await requestedDaysAgo(`many-${i}@example.test`, 9));
    const runs = await Promise.all([1, 2, 3].map(() => runCli(['jobs', 'run'], h.config.databaseUrl)));
    let total = 0;
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      total += Number(/expire-pending: (\d+) expired/.exec(r.stdout)?.[1]);
      expect(r.stdout).not.toContain('@');
    }
    expect(total).toBe(30);
    for (const id of ids) {
      expect((await listEventsOfRecipient(h.handle.db, id)).filter((e) => e.type === 'expired')).toHaveLength(1);
    }
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });
  });
});
