// Step-up confirmations (issue 10): before a person's data is exported or deleted, or their address
// changed, from a link in an email, a single-use link is mailed to the address on file; this table holds
// what it will allow. Rows name a recipient and an action, expire after 30 minutes, are used once, and
// go with the person on erasure. Uses Kysely<any> and no app code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('step_ups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('step_ups_recipient_idx').on('step_ups').column('recipient_id').execute();
  await db.schema.createIndex('step_ups_expires_idx').on('step_ups').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('step_ups').execute();
}
