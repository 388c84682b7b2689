// Notice logs, dev outbox copies and webhook receipts older than NOTICE_RETENTION_DAYS are purged by the
// jobs; the consent ledger stays. Queued notices are resumed by the same scheduler.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';
import { findNotice } from '../../src/db/notices.js';
import { recordWebhookReceipt } from '../../src/db/webhook-receipts.js';
import { verifyLedger } from '../../src/domain/consent/ledger-verify.js';
import { runJobsOnce, startJobs } from '../../src/jobs/run-jobs.js';
import { runCli, runScript } from '../support/cli.js';
import { type Harness, makeHarness, TEST_ENV, testDialects } from '../support/harness.js';
import { captureLogs } from '../support/log-capture.js';
import { RECEIPT, switchableOutbox } from '../support/notices-fixture.js';
import { seedCategories, seedPerson } from '../support/privacy-seed.js';

const DAY = 86_400_000;

describe('NOTICE_RETENTION_DAYS', () => {
  it('defaults to 90 days and takes 1 to 3650', () => {
    expect(parseConfig(TEST_ENV).noticeRetentionDays).toBe(90);
    expect(parseConfig({ ...TEST_ENV, NOTICE_RETENTION_DAYS: '30' }).noticeRetentionDays).toBe(30);
  });

  it.each(['0', '-3', '2.5', 'ninety', '', '3651', '1; DROP TABLE notices'])('refuses %j, naming the variable', (value) => {
    expect(() => parseConfig({ ...TEST_ENV, NOTICE_RETENTION_DAYS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ ...TEST_ENV, NOTICE_RETENTION_DAYS: value })).toThrow(/NOTICE_RETENTION_DAYS/);
  });
});

describe.each(testDialects())('notice retention on %s', (dialect) => {
  let h: Harness;
  const down = { now: false };
  const runtime = switchableOutbox(() => h, down);
  beforeAll(async () => {
    h = await makeHarness(dialect, { NOTICE_RETENTION_DAYS: '30' }, { notices: runtime });
    await seedCategories(h);
  });
  afterAll(() => h.close());

  const send = async (to: string) =>
    (await (await h.request('POST', '/v1/notices', { body: { to, category: 'receipts', template: 'receipt', data: RECEIPT } })).json()) as {
      id: string;
      status: string;
      providerId: string | null;
    };
  const count = async (table: 'notices' | 'notice_events' | 'dev_outbox' | 'webhook_receipts' | 'consent_events') =>
    Number(
      (
        await h.handle.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  async function backdate(noticeId: string, providerId: string | null, days: number) {
    const then = new Date(Date.now() - days * DAY).toISOString();
    await sql`update notices set created_at = ${then} where id = ${noticeId}`.execute(h.handle.db);
    if (providerId) await sql`update dev_outbox set created_at = ${then} where id = ${providerId}`.execute(h.handle.db);
  }

  it('purges notices, their events, outbox copies and webhook receipts past the age, and keeps the ledger', async () => {
    const p = await seedPerson(h, 'retention');
    const old = await send(p.email);
    const recent = await send(p.email);
    await backdate(old.id, old.providerId, 31);
    await backdate(recent.id, recent.providerId, 29);
    await recordWebhookReceipt(h.handle.db, 'msg_old', 'email.delivered', new Date(Date.now() - 31 * DAY).toISOString());
    await recordWebhookReceipt(h.handle.db, 'msg_new', 'email.delivered', new Date().toISOString());
    const [notices, events, outbox, consent] = [await count('notices'), await count('notice_events'), await count('dev_outbox'), await count('consent_events')];

    const results = await runJobsOnce(h.handle.db, h.config);
    expect(results.find((r) => r.name === 'notice-retention')).toEqual({ name: 'notice-retention', ok: true, counts: { notices: 1, outbox: 1, receipts: 1 } });
    expect(await findNotice(h.handle.db, old.id)).toBeUndefined();
    expect(await findNotice(h.handle.db, recent.id)).toBeDefined();
    expect(await count('notices')).toBe(notices - 1);
    expect(await count('notice_events')).toBe(events - 2); // queued and sent
    expect(await count('dev_outbox')).toBe(outbox - 1);
    expect(await count('webhook_receipts')).toBe(1);
    expect(await count('consent_events')).toBe(consent);
    expect(await verifyLedger(h.handle.db)).toMatchObject({ ok: true });
    // Idempotent: a second instance running the job right after finds nothing.
    expect((await runJobsOnce(h.handle.db, h.config)).find((r) => r.name === 'notice-retention')).toMatchObject({
      counts: { notices: 0, outbox: 0, receipts: 0 },
    });
  });

  it('resumes a queued notice (its body kept until then, cleared once sent), leaving a fresh one to its first call', async () => {
    await runJobsOnce(h.handle.db, h.config, { notices: runtime }); // nothing else left queued
    down.now = true;
    const queued = await send('ada.resume@example.test');
    down.now = false;
    expect(queued.status).toBe('queued');
    expect((await findNotice(h.handle.db, queued.id))!.html).toContain('1 × mug');

    const now = await runJobsOnce(h.handle.db, h.config, { notices: runtime });
    expect(now.find((r) => r.name === 'resume-notices')).toMatchObject({ counts: { sent: 0 } });
    const later = await runJobsOnce(h.handle.db, h.config, { notices: runtime, now: new Date(Date.now() + 61_000) });
    expect(later.find((r) => r.name === 'resume-notices')).toMatchObject({ counts: { sent: 1, waiting: 0, failed: 0 } });
    const row = (await findNotice(h.handle.db, queued.id))!;
    expect(row).toMatchObject({ status: 'sent', html: null, text: null, subject: null, headers: null });
    const copy = await h.handle.db.selectFrom('dev_outbox').selectAll().where('id', '=', row.provider_id!).executeTakeFirstOrThrow();
    expect(copy.text).toContain('1 × mug');
  });

  it('resumes queued notices on the server scheduler at start', async () => {
    down.now = true;
    const queued = await send('bo.timer@example.test');
    down.now = false;
    await backdate(queued.id, null, 1 / 24);
    const log = captureLogs('info');
    // The scheduler's own timers run; the test waits for the resume line, not for a time (bounded by the test's limit).
    const stop = startJobs(h.handle.db, h.config, { notices: runtime, logger: log.logger });
    await log.next((e) => e.job === 'resume-notices' && e.level === 'info');
    stop();
    expect(log.entries()).toContainEqual(
      expect.objectContaining({ level: 'info', event: 'job_finished', job: 'resume-notices', counts: { sent: 1, waiting: 0, failed: 0 } }),
    );
    expect(log.text()).not.toContain('@');
    expect((await findNotice(h.handle.db, queued.id))!.status).toBe('sent');
  });

  it('runs with `mailprefs jobs run`', { timeout: 120_000 }, async () => {
    const p = await seedPerson(h, 'retention-cli');
    const old = await send(p.email);
    await backdate(old.id, old.providerId, 40);
    const r = await runCli(['jobs', 'run'], h.config.databaseUrl);
    expect(r.code, r.stderr).toBe(0);
    // The CLI runs with the default NOTICE_RETENTION_DAYS of 90: a 40-day-old notice stays.
    expect(r.stdout).toMatch(/notice-retention: 0 notices, 0 outbox, 0 receipts/);
    expect(r.stdout).toMatch(/resume-notices: 0 sent/);
    const again = await runScript('src/cli.ts', ['jobs', 'run'], { DATABASE_URL: h.config.databaseUrl, NOTICE_RETENTION_DAYS: '30' });
    expect(again.stdout).toMatch(/notice-retention: 1 notices, 1 outbox, 0 receipts/);
    expect(await findNotice(h.handle.db, old.id)).toBeUndefined();
  });
});
