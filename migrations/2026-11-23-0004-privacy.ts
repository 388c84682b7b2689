// Privacy rights: the double opt-in expiry job scans pending subscriptions by age. A partial index keeps
// that scan proportional to the pending rows, not to every subscription. Uses Kysely<any> and no app code.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('subscriptions_pending_idx').on('subscriptions').column('updated_at').where(sql.ref('status'), '=', 'pending').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('subscriptions_pending_idx').execute();
}
