// Double opt-in confirmations waiting to be mailed (migration 0010): recorded with the pending
// subscription, removed once the mail is on record as a notice.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface WaitingConfirmation {
  id: string;
  recipientId: string;
  categoryId: string;
  /** Null when the category was deleted since: nothing is left to confirm. */
  categoryKey: string | null;
  attempts: number;
}

// Records that a confirmation is owed; a request already waiting for this person and category stands.
export async function insertConfirmationRequest(trx: Kysely<Database>, r: { id: string; recipientId: string; categoryId: string; at: string }): Promise<void> {
  await trx
    .insertInto('confirmation_outbox')
    .values({ id: r.id, recipient_id: r.recipientId, category_id: r.categoryId, created_at: r.at })
    .onConflict((oc) => oc.columns(['recipient_id', 'category_id']).doNothing())
    .execute();
}

// Waiting confirmations, oldest first: one person's (right after their change), or all recorded before
// `before` (the job, leaving the newest to the request that made them).
export async function listWaitingConfirmations(
  db: Kysely<Database>,
  filter: { recipientId: string } | { before: string },
  limit: number,
): Promise<WaitingConfirmation[]> {
  let query = db
    .selectFrom('confirmation_outbox as o')
    .leftJoin('categories as c', 'c.id', 'o.category_id')
    .select(['o.id', 'o.recipient_id', 'o.category_id', 'c.key', 'o.attempts'])
    .orderBy('o.created_at')
    .orderBy('o.id')
    .limit(limit);
  query = 'recipientId' in filter ? query.where('o.recipient_id', '=', filter.recipientId) : query.where('o.created_at', '<', filter.before);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, recipientId: r.recipient_id, categoryId: r.category_id, categoryKey: r.key ?? null, attempts: Number(r.attempts) }));
}

export async function deleteConfirmationRequest(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('confirmation_outbox').where('id', '=', id).execute();
}

// Counts a failed attempt; the job tries again on its next run, up to its own bound.
export async function countConfirmationAttempt(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('confirmation_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

// Whether a notice already carries this idempotency key (the confirmation was recorded before a crash).
export async function hasNoticeWithKey(db: Kysely<Database>, key: string): Promise<boolean> {
  return (await db.selectFrom('notices').select('id').where('idempotency_key', '=', key).executeTakeFirst()) !== undefined;
}
