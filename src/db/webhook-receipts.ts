// Ids of webhooks already handled, so a replayed delivery changes nothing.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function hasWebhookReceipt(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('webhook_receipts').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

// Records a handled webhook id; false when it was already recorded.
export async function recordWebhookReceipt(db: Kysely<Database>, id: string, type: string, at: string): Promise<boolean> {
  const row = await db
    .insertInto('webhook_receipts')
    .values({ id, type, received_at: at })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
