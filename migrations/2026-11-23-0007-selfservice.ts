// Self-service email changes: a change asked for on the preference page waits here until the new
// address's owner confirms it from the link mailed to that address. The new address is personal data:
// rows are single-use, expire, and go with the person on erasure. Uses Kysely<any> and no app code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('new_email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_changes_recipient_idx').on('email_changes').column('recipient_id').execute();
  await db.schema.createIndex('email_changes_expires_idx').on('email_changes').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_changes').execute();
}
