// The queries behind the rights of access and erasure (GDPR Art. 15, 17): everything stored about one
// person, read in full, and scrubbed in place inside the caller's transaction.
import { type Kysely, sql } from 'kysely';
import type { CategoryKind, ConsentSource, SubscriptionStatus } from '../core/vocabulary.js';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

export interface SubscriptionWithCategory {
  categoryKey: string;
  categoryName: string;
  kind: CategoryKind;
  status: SubscriptionStatus;
  source: ConsentSource;
  updatedAt: string;
}

// A recipient's subscriptions with the names of their categories, by category key.
export async function listSubscriptionsWithCategory(db: Kysely<Database>, recipientId: string): Promise<SubscriptionWithCategory[]> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('categories as c', 'c.id', 's.category_id')
    .select(['c.key', 'c.name', 'c.kind', 's.status', 's.source', 's.updated_at'])
    .where('s.recipient_id', '=', recipientId)
    .orderBy('c.key')
    .execute();
  return rows.map((r) => ({ categoryKey: r.key, categoryName: r.name, kind: r.kind, status: r.status, source: r.source, updatedAt: r.updated_at }));
}

// Deletes a recipient, its subscriptions and its waiting confirmations; returns false when it was already gone.
export async function deleteRecipientAndSubscriptions(trx: Kysely<Database>, recipientId: string): Promise<boolean> {
  await trx.deleteFrom('subscriptions').where('recipient_id', '=', recipientId).execute();
  await trx.deleteFrom('confirmation_outbox').where('recipient_id', '=', recipientId).execute();
  const deleted = await trx.deleteFrom('recipients').where('id', '=', recipientId).executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

// Nulls the network data of a person's consent events. IP and user agent sit outside the hash chain,
// so the ledger still verifies afterwards (src/db/consent-events.ts).
export async function scrubConsentEvents(trx: Kysely<Database>, recipientId: string): Promise<number> {
  const result = await trx
    .updateTable('consent_events')
    .set({ ip: null, user_agent: null })
    .where('recipient_id', '=', recipientId)
    .where((eb) => eb.or([eb('ip', 'is not', null), eb('user_agent', 'is not', null)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// Keeps an address's suppressions (they still stop mail) but drops the address and any note, which may
// quote it (bounce messages do): only the keyed hash remains.
export async function stripSuppressionAddresses(trx: Kysely<Database>, emailHash: string): Promise<void> {
  await trx.updateTable('suppressions').set({ email: null, email_normalized: null, note: null }).where('email_hash', '=', emailHash).execute();
}

// Whether any suppression of this address still holds the address itself.
export async function hasSuppressionWithAddress(db: Kysely<Database>, emailHash: string): Promise<boolean> {
  const row = await db.selectFrom('suppressions').select('id').where('email_hash', '=', emailHash).where('email_normalized', 'is not', null).executeTakeFirst();
  return row !== undefined;
}

// Deletes the erased suppression of an address; returns false when there was none.
export async function deleteErasedSuppression(trx: Kysely<Database>, emailHash: string): Promise<boolean> {
  const deleted = await trx.deleteFrom('suppressions').where('email_hash', '=', emailHash).where('reason', '=', 'erased').executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}

/**
 * SQLite: moves every committed page from the -wal file into the database file and truncates the WAL to
 * zero bytes, so that the pre-erasure page images the WAL still holds are gone too (secure_delete has
 * zeroed the freed space in the new ones). Returns false when a reader kept part of the WAL alive.
 * PostgreSQL cannot be asked for this from a transaction; see docs/operations.md "Erased bytes" (VACUUM).
 */
export async function checkpointAndTruncateWal(db: Kysely<Database>): Promise<boolean> {
  if (isPostgres(db)) return true;
  // The background checkpointer (wal-checkpointer.ts) may hold the checkpoint lock for a moment, and
  // SQLite answers busy at once rather than wait for it: a few tries, 20 ms apart.
  for (let attempt = 1; ; attempt++) {
    const result = await sql<{ busy: number; log: number; checkpointed: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    const row = result.rows[0];
    if (row === undefined || Number(row.busy) === 0) return true;
    if (attempt === 5) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
