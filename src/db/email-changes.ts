// Pending email changes (migration 2026-11-23-0007-selfservice). Rows are consumed by deleting them, so
// a confirmation link works once even when two clicks race.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface EmailChange {
  id: string;
  recipientId: string;
  newEmail: string;
  createdAt: string;
  expiresAt: string;
}

const toChange = (r: { id: string; recipient_id: string; new_email: string; created_at: string; expires_at: string }): EmailChange => ({
  id: r.id,
  recipientId: r.recipient_id,
  newEmail: r.new_email,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export async function insertEmailChange(db: Kysely<Database>, change: EmailChange): Promise<void> {
  await db
    .insertInto('email_changes')
    .values({ id: change.id, recipient_id: change.recipientId, new_email: change.newEmail, created_at: change.createdAt, expires_at: change.expiresAt })
    .execute();
}

/** A change that has not expired at `now`. */
export async function findLiveEmailChange(db: Kysely<Database>, id: string, now: string): Promise<EmailChange | undefined> {
  const row = await db.selectFrom('email_changes').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
  return row && toChange(row);
}

/** Deletes the change and reports whether this call was the one that did. */
export async function consumeEmailChange(trx: Kysely<Database>, id: string): Promise<boolean> {
  const deleted = await trx.deleteFrom('email_changes').where('id', '=', id).executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

export async function listEmailChangesOf(db: Kysely<Database>, recipientId: string): Promise<EmailChange[]> {
  const rows = await db.selectFrom('email_changes').selectAll().where('recipient_id', '=', recipientId).orderBy('created_at').execute();
  return rows.map(toChange);
}

export async function deleteEmailChangesOf(trx: Kysely<Database>, recipientId: string): Promise<void> {
  await trx.deleteFrom('email_changes').where('recipient_id', '=', recipientId).execute();
}

export async function deleteExpiredEmailChanges(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('email_changes').where('expires_at', '<=', now).execute();
}
