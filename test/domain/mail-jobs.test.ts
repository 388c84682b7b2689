// Mail a page promises is on record before the page answers (mail_jobs), for a known and an unknown
// address alike; the queue or the job sends it once, under a lease that keeps two instances from
// running one job; a job run twice is one notice; erasure takes waiting jobs with the person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseMailJob } from '../../src/db/mail-jobs.js';
import type { MailQueue } from '../../src/domain/notices/mail-queue.js';
import type { Mailer } from '../../src/domain/notices/mailer.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { createSystemMail } from '../../src/domain/notices/system-mail.js';
import { eraseRecipient } from '../../src/domain/privacy/erasure.js';
import { MAIL_JOB_ATTEMPTS, MAIL_JOB_LEASE_MS, promiseMail, runMailJob, runWaitingMailJobs } from '../../src/domain/self-service/mail-jobs.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';
import { addRecipient, linksFor, pathOf, postForm, recordingMail } from '../support/page-fixtures.js';

const LATER = (ms = MAIL_JOB_LEASE_MS + 1000) => new Date(Date.now() + ms);

/** A queue that holds what it is given: the process "died" before running any of it. */
function heldQueue(): MailQueue & { held: (() => Promise<void>)[] } {
  const held: (() => Promise<void>)[] = [];
  return { held, enqueue: (job) => void held.push(job), idle: async () => {} };
}

describe.each(testDialects())('mail jobs on %s', (dialect) => {
  let h: Harness;
  const queue = heldQueue();
  const rec = recordingMail();
  const jobs = async () => h.handle.db.selectFrom('mail_jobs').selectAll().orderBy('created_at').orderBy('id').execute();
  const clear = () => h.handle.db.deleteFrom('mail_jobs').execute();

  beforeAll(async () => {
    h = await makeHarness(dialect, { TRUSTED_PROXY_HOPS: '1' }, { mailQueue: queue, systemMail: rec.mail });
    const res = await h.request('POST', '/v1/categories', { body: { key: 'newsletter', name: 'Newsletter', kind: 'marketing' } });
    expect(res.status).toBe(201);
  });
  afterAll(() => h.close());

  it('records a job before /p answers, for a known and an unknown address alike; only the job tells them apart', async () => {
    await clear();
    const known = await addRecipient(h, 'known@example.com', { newsletter: 'subscribed' });
    const pages: string[] = [];
    for (const [email, ip] of [
      ['known@example.com', '192.0.2.1'],
      ['stranger@example.com', '192.0.2.2'],
    ]) {
      const res = await postForm(h, '/p', { email: email! }, { 'x-forwarded-for': ip! });
      expect(res.status).toBe(200);
      pages.push(await res.text());
    }
    expect(pages[0]).toBe(pages[1]);
    const rows = await jobs();
    expect(rows.map((r) => [r.kind, r.recipient_id, r.subject_id, r.lease_until, Number(r.attempts)])).toEqual([
      ['preferences_link', known, null, null, 0],
      ['preferences_link', null, null, null, 0],
    ]);
    expect(JSON.stringify(rows)).not.toContain('stranger');

    // The instance died before its queue ran them: the job, on any instance, sends the one and drops the other.
    const before = rec.sent.length;
    expect(await runWaitingMailJobs(h.handle.db, h.config, rec.mail)).toEqual({ sent: 1, discarded: 1, failed: 0 });
    expect(rec.sent.slice(before)).toEqual([expect.objectContaining({ kind: 'link', recipientId: known })]);
    expect(await jobs()).toEqual([]);
    expect(await runWaitingMailJobs(h.handle.db, h.config, rec.mail)).toEqual({ sent: 0, discarded: 0, failed: 0 });
    // What the queue still holds finds its job gone and sends nothing more.
    for (const job of queue.held.splice(0)) await job();
    expect(rec.sent.length).toBe(before + 1);
  });

  it('records an email change to a taken address like any other; the job skips it', async () => {
    await clear();
    const id = await addRecipient(h, 'mover@example.com', { newsletter: 'subscribed' });
    await addRecipient(h, 'taken@example.com', {});
    const prefs = pathOf((await linksFor(h, 'mover@example.com', 'newsletter', { verified: true })).preferencesUrl);
    for (const email of ['taken@example.com', 'free@example.com']) expect((await postForm(h, `${prefs}/email`, { email })).status).toBe(200);
    const rows = await jobs();
    expect(rows.map((r) => [r.kind, r.recipient_id])).toEqual([
      ['email_change', id],
      ['email_change', id],
    ]);
    const before = rec.sent.length;
    expect(await runWaitingMailJobs(h.handle.db, h.config, rec.mail)).toEqual({ sent: 1, discarded: 1, failed: 0 });
    expect(rec.sent.slice(before)).toEqual([expect.objectContaining({ kind: 'email_change', to: 'free@example.com' })]);
    queue.held.length = 0;
  });

  it('lets one runner hold a job at a time, and another take it once the lease has ended', async () => {
    await clear();
    const id = await addRecipient(h, 'leased@example.com', {});
    await promiseMail(h.handle.db, h.config, { mailer: rec.mail, enqueue: () => {} }, { kind: 'preferences_link', recipientId: id, subjectId: null });
    const [row] = await jobs();
    const now = new Date();
    const until = new Date(now.getTime() + MAIL_JOB_LEASE_MS).toISOString();
    expect(await leaseMailJob(h.handle.db, row!.id, now.toISOString(), until)).toMatchObject({ id: row!.id, attempts: 1 });
    expect(await leaseMailJob(h.handle.db, row!.id, now.toISOString(), until)).toBeUndefined();
    expect(await runMailJob(h.handle.db, h.config, rec.mail, row!.id)).toBe('held');
    expect(await runWaitingMailJobs(h.handle.db, h.config, rec.mail)).toEqual({ sent: 0, discarded: 0, failed: 0 });
    // Two instances' jobs at once after the lease: the mail goes once.
    const before = rec.sent.length;
    const both = await Promise.all([
      runWaitingMailJobs(h.handle.db, h.config, rec.mail, { now: LATER() }),
      runMailJob(h.handle.db, h.config, rec.mail, row!.id, LATER()),
    ]);
    expect(rec.sent.length).toBe(before + 1);
    expect(both[0].sent + (both[1] === 'sent' ? 1 : 0)).toBe(1);
  });

  it('keeps a failed job for a retry after its lease, and gives it up after MAIL_JOB_ATTEMPTS', async () => {
    await clear();
    const id = await addRecipient(h, 'flaky@example.com', {});
    const failing: Mailer = { ...rec.mail, sendPreferencesLink: async () => Promise.reject(new Error('provider down')) };
    await promiseMail(h.handle.db, h.config, { mailer: failing, enqueue: () => {} }, { kind: 'preferences_link', recipientId: id, subjectId: null });
    expect(await runWaitingMailJobs(h.handle.db, h.config, failing)).toEqual({ sent: 0, discarded: 0, failed: 1 });
    expect(await runWaitingMailJobs(h.handle.db, h.config, failing)).toEqual({ sent: 0, discarded: 0, failed: 0 });
    expect((await jobs()).map((r) => Number(r.attempts))).toEqual([1]);
    for (let i = 2; i <= MAIL_JOB_ATTEMPTS; i++) await runWaitingMailJobs(h.handle.db, h.config, failing, { now: LATER(i * (MAIL_JOB_LEASE_MS + 1000)) });
    expect(await jobs()).toEqual([]);
  });

  it('records a job run twice (a crash after the notice was recorded) as one notice', async () => {
    await clear();
    const mail = createSystemMail(h.handle.db, h.config, createNoticeRuntime(h.config, h.handle.db));
    const id = await addRecipient(h, 'twice@example.com', {});
    await promiseMail(h.handle.db, h.config, { mailer: mail, enqueue: () => {} }, { kind: 'preferences_link', recipientId: id, subjectId: null });
    const [row] = await jobs();
    expect(await runMailJob(h.handle.db, h.config, mail, row!.id)).toBe('sent');
    // The row as a crash before its delete would have left it.
    await h.handle.db
      .insertInto('mail_jobs')
      .values({ ...row!, lease_until: null })
      .execute();
    expect(await runMailJob(h.handle.db, h.config, mail, row!.id)).toBe('sent');
    const notices = await h.handle.db.selectFrom('notices').select(['id', 'template']).where('idempotency_key', '=', `mail-job:${row!.id}`).execute();
    expect(notices).toEqual([expect.objectContaining({ template: 'preferences-link' })]);
    expect(await jobs()).toEqual([]);
  });

  it("erases a person's waiting jobs with them", async () => {
    await clear();
    const id = await addRecipient(h, 'gone@example.com', {});
    await promiseMail(h.handle.db, h.config, { mailer: rec.mail, enqueue: () => {} }, { kind: 'preferences_link', recipientId: id, subjectId: null });
    await eraseRecipient(h.handle.db, h.config.hashKey, id, { actor: 'recipient' });
    expect(await jobs()).toEqual([]);
  });
});
