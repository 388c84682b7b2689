// Double opt-in confirmations waiting to be mailed, written in the transaction that leaves a
// subscription pending, so a crash between that commit and the mail can delay the mail but never lose
// it (docs/operations.md). One row per person and category: a second request while one waits is the
// same request. Rows go once mailed, and with the person on erasure. Uses Kysely<any> and no app code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('confirmation_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('confirmation_outbox_one_per_category', ['recipient_id', 'category_id'])
    .execute();
  await db.schema.createIndex('confirmation_outbox_created_idx').on('confirmation_outbox').columns(['created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('confirmation_outbox').execute();
}
