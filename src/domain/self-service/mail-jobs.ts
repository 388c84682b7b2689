// The mail a page promises (a fresh preferences link, an email-change link, a step-up link), made
// durable: the request records a job before it answers, for a known and an unknown address alike
// (docs/privacy.md, "Not telling who is on file"), and the job is run right after the answer by the
// instance that answered, or by the `mail-jobs` job on any instance if that one died first. A job is
// taken under a lease and its mail carries the key `mail-job:ID`, so a job run twice (a crash after
// the notice was recorded, a lease that ran out mid-send) is one notice, one mail.
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { normalizeEmail } from '../../core/email.js';
import { newId, nowIso } from '../../core/ids.js';
import { findLiveEmailChange } from '../../db/email-changes.js';
import { deleteMailJob, insertMailJob, leaseMailJob, listFreeMailJobs, type MailJob, type MailJobKind } from '../../db/mail-jobs.js';
import { findNoticeByIdempotencyKey } from '../../db/notices.js';
import { findRecipientIdByEmail } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { findLiveStepUp } from '../../db/step-ups.js';
import { emailChangeUrlFor, preferencesUrlFor, stepUpUrlFor } from '../links/email-links.js';
import type { EnqueueMail } from '../notices/mail-queue.js';
import type { Mailer } from '../notices/mailer.js';
import { SILENT_TELEMETRY, type Telemetry } from '../operations/telemetry.js';

/** Long enough for one render and one provider call; a job held longer is taken again (and deduplicated). */
export const MAIL_JOB_LEASE_MS = 15_000;
/** Tries before a job is given up (the person can ask again from the page). */
export const MAIL_JOB_ATTEMPTS = 10;
const PAGE = 100;

type LinkConfig = Pick<Config, 'publicUrl' | 'signingKeys'>;

/** What a verb needs to promise mail: where to send it from, and the hand-off that runs it after the answer. */
export interface MailJobs {
  mailer: Mailer | undefined;
  enqueue: EnqueueMail;
}

/**
 * Records the job and hands it to this instance's queue. Written whether or not there is anyone to
 * mail (`recipientId` null), with the same statement, so the answer's work is the same either way.
 */
export async function promiseMail(
  db: Kysely<Database>,
  config: LinkConfig,
  jobs: MailJobs,
  job: { kind: MailJobKind; recipientId: string | null; subjectId: string | null },
): Promise<void> {
  const id = newId();
  await insertMailJob(db, { id, ...job, createdAt: nowIso() });
  jobs.enqueue(async () => {
    await runMailJob(db, config, jobs.mailer, id);
  });
}

/** Runs one job if nobody holds it; answers whether it was this call that ran it. */
export async function runMailJob(
  db: Kysely<Database>,
  config: LinkConfig,
  mailer: Mailer | undefined,
  id: string,
  now = new Date(),
  telemetry: Telemetry = SILENT_TELEMETRY,
): Promise<'sent' | 'discarded' | 'failed' | 'held'> {
  const job = await leaseMailJob(db, id, now.toISOString(), new Date(now.getTime() + MAIL_JOB_LEASE_MS).toISOString());
  if (!job) return 'held';
  try {
    const sent = await perform(db, config, mailer, job);
    await deleteMailJob(db, job.id);
    return sent ? 'sent' : 'discarded';
  } catch (err) {
    // The class only: a driver or provider message can quote the address. The lease keeps it until retried.
    telemetry.event('error', 'mail_job_failed', { errorName: err instanceof Error ? err.name : typeof err });
    if (job.attempts >= MAIL_JOB_ATTEMPTS) await deleteMailJob(db, job.id);
    return 'failed';
  }
}

/** The job: every job nobody holds, oldest first (left by an instance that died, or one that failed). */
export async function runWaitingMailJobs(
  db: Kysely<Database>,
  config: LinkConfig,
  mailer: Mailer | undefined,
  opts: { now?: Date; signal?: AbortSignal | undefined; telemetry?: Telemetry } = {},
): Promise<Record<'sent' | 'discarded' | 'failed', number>> {
  const counts = { sent: 0, discarded: 0, failed: 0 };
  const now = opts.now ?? new Date();
  for (const id of await listFreeMailJobs(db, now.toISOString(), PAGE)) {
    if (opts.signal?.aborted) break;
    const outcome = await runMailJob(db, config, mailer, id, now, opts.telemetry);
    if (outcome !== 'held') counts[outcome]++;
  }
  return counts;
}

/** Sends the job's mail; false when there is nothing (any more) to send. Only here is "unknown" found out. */
async function perform(db: Kysely<Database>, config: LinkConfig, mailer: Mailer | undefined, job: MailJob): Promise<boolean> {
  const { recipientId, subjectId } = job;
  if (!mailer || recipientId === null) return false;
  const key = `mail-job:${job.id}`;
  // Recorded before a crash or by a run whose lease ran out: the notice (and its resume) stands.
  if (await findNoticeByIdempotencyKey(db, key)) return true;
  const now = nowIso();
  switch (job.kind) {
    case 'preferences_link':
      await mailer.sendPreferencesLink(recipientId, (trace) => preferencesUrlFor(config, recipientId, trace), key);
      return true;
    case 'email_change': {
      const change = subjectId ? await findLiveEmailChange(db, subjectId, now) : undefined;
      // Someone's address already (then or since): confirming would only meet the patch's conflict check.
      if (!change || (await findRecipientIdByEmail(db, normalizeEmail(change.newEmail))) !== undefined) return false;
      await mailer.sendEmailChangeLink(recipientId, change.newEmail, emailChangeUrlFor(config, change.id), key);
      return true;
    }
    case 'step_up': {
      const stepUp = subjectId ? await findLiveStepUp(db, subjectId, now) : undefined;
      if (!stepUp) return false;
      await mailer.sendStepUpLink(recipientId, stepUp.action, stepUpUrlFor(config, stepUp.id), key);
      return true;
    }
  }
}
