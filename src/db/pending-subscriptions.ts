import type { Kysely } from 'kysely';
import type { ConsentSource } from '../core/vocabulary.js';
import type { Database } from './schema.js';

export interface PendingSubscription {
  recipientId: string;
  categoryId: string;
  categoryKey: string;
  updatedAt: string;
}

// Pending subscriptions last changed before the cutoff, oldest first. The order is total, so that
// instances expiring at once lock rows in the same order and cannot deadlock each other.
export async function findPendingBefore(db: Kysely<Database>, cutoff: string, limit: number): Promise<PendingSubscription[]> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('categories as c', 'c.id', 's.category_id')
    .select(['s.recipient_id', 's.category_id', 'c.key', 's.updated_at'])
    .where('s.status', '=', 'pending')
    .where('s.updated_at', '<', cutoff)
    .orderBy('s.updated_at')
    .orderBy('s.recipient_id')
    .orderBy('s.category_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ recipientId: r.recipient_id, categoryId: r.category_id, categoryKey: r.key, updatedAt: r.updated_at }));
}

// Ends one pending subscription, only if it is still the pending row that was read: another instance,
// or the person confirming meanwhile, makes this a no-op (false) instead of a second transition.
export async function expirePendingRow(trx: Kysely<Database>, s: PendingSubscription, source: ConsentSource, at: string): Promise<boolean> {
  const result = await trx
    .updateTable('subscriptions')
    .set({ status: 'unsubscribed', source, updated_at: at })
    .where('recipient_id', '=', s.recipientId)
    .where('category_id', '=', s.categoryId)
    .where('status', '=', 'pending')
    .where('updated_at', '=', s.updatedAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
