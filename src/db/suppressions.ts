import type { Kysely, Selectable } from 'kysely';
import type { SuppressionReason } from '../core/vocabulary.js';
import type { Database, SuppressionsTable } from './schema.js';

export type SuppressionRow = Selectable<SuppressionsTable>;

// Adds a suppression; returns false when the address already had one for that reason.
export async function insertSuppression(db: Kysely<Database>, row: SuppressionRow): Promise<boolean> {
  const inserted = await db
    .insertInto('suppressions')
    .values(row)
    .onConflict((oc) => oc.columns(['email_hash', 'reason']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

// The suppressions of one address, found by its keyed hash (which erased entries keep).
export async function findSuppressionsByHash(db: Kysely<Database>, emailHash: string): Promise<SuppressionRow[]> {
  return db.selectFrom('suppressions').selectAll().where('email_hash', '=', emailHash).execute();
}

// Removes the liftable suppressions of one address; `erased` is never lifted here.
export async function deleteLiftableSuppressions(db: Kysely<Database>, emailHash: string): Promise<SuppressionRow[]> {
  return db.deleteFrom('suppressions').where('email_hash', '=', emailHash).where('reason', '!=', 'erased').returningAll().execute();
}

// Suppressions page by page in id order (ids are time-ordered).
export async function listSuppressionsAfter(db: Kysely<Database>, afterId: string, limit: number): Promise<SuppressionRow[]> {
  return db.selectFrom('suppressions').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

/**
 * An erased address that comes back (re-imported, or changed to) is stored again anyway; linking its
 * erased suppression to the address lets eligibility find it by address, without a keyed hash per lookup.
 * Erasure strips the address from the address's other suppressions too (a hard bounce still stands), so
 * every suppression left with only the hash is relinked.
 */
export async function relinkErasedSuppression(db: Kysely<Database>, emailHash: string, emailNormalized: string): Promise<void> {
  await db
    .updateTable('suppressions')
    .set({ email_normalized: emailNormalized })
    .where('email_hash', '=', emailHash)
    .where('email_normalized', 'is', null)
    .execute();
}

export type { SuppressionReason };
