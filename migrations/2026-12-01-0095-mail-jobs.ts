// Mail a person asked for from a page (a fresh preferences link, an email-change link, a step-up link),
// recorded before the page answers so that a crash between the answer and the dispatch delays the mail
// but never loses it. A row is written for an unknown address too (recipient_id null), so the answer's
// work does not tell who is on file (docs/privacy.md); the job discards it. `lease_until` lets one of
// several instances take a job at a time. Uses Kysely<any> and no app code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('mail_jobs_created_idx').on('mail_jobs').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('mail_jobs_recipient_idx').on('mail_jobs').column('recipient_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_jobs').execute();
}
