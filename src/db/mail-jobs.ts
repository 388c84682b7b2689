// Mail jobs (migration 0095): what a page promised to mail, on record before it answered. Taken under a
// lease, so that of several instances one runs a job at a time, and one that died holding it lets go
// when the lease ends.
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database, MailJobsTable } from './schema.js';

export type MailJobKind = MailJobsTable['kind'];

export interface MailJob {
  id: string;
  kind: MailJobKind;
  recipientId: string | null;
  subjectId: string | null;
  attempts: number;
}

export async function insertMailJob(db: Kysely<Database>, job: Omit<MailJob, 'attempts'> & { createdAt: string }): Promise<void> {
  await db
    .insertInto('mail_jobs')
    .values({ id: job.id, kind: job.kind, recipient_id: job.recipientId, subject_id: job.subjectId, created_at: job.createdAt, lease_until: null })
    .execute();
}

// Nobody holds the job: never taken, or its lease has ended.
const free = (now: string) => (eb: ExpressionBuilder<Database, 'mail_jobs'>) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]);

// The ids of jobs nobody holds (never taken, or their lease ended), oldest first.
export async function listFreeMailJobs(db: Kysely<Database>, now: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('mail_jobs').select('id').where(free(now)).orderBy('created_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}

// Takes one job until `until` if nobody holds it: the conditional update decides between instances.
export async function leaseMailJob(db: Kysely<Database>, id: string, now: string, until: string): Promise<MailJob | undefined> {
  const row = await db
    .updateTable('mail_jobs')
    .set((eb) => ({ lease_until: until, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where(free(now))
    .returningAll()
    .executeTakeFirst();
  return row && { id: row.id, kind: row.kind, recipientId: row.recipient_id, subjectId: row.subject_id, attempts: Number(row.attempts) };
}

export async function deleteMailJob(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('mail_jobs').where('id', '=', id).execute();
}

// A person's waiting mail goes with them on erasure.
export async function deleteMailJobsOf(db: Kysely<Database>, recipientId: string): Promise<void> {
  await db.deleteFrom('mail_jobs').where('recipient_id', '=', recipientId).execute();
}
