// Retention and the rights of access and erasure over the notices tables: the lower-cased address beside
// the address as given (so a person's notices and outbox copies are found exactly as recipients are),
// and the indexes that keep "this person's notices" and "notices older than N days" off full scans.
// Frozen once released. Uses Kysely<any> and no application code.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['notices', 'dev_outbox']) {
    await db.schema.alterTable(table).addColumn('to_normalized', 'text').execute();
    // Rows written before this migration: trimmed and lower-cased in SQL (the application also applies
    // NFC, and SQLite's lower() folds ASCII only); new rows get the application's normalisation.
    await db.updateTable(table).set({ to_normalized: sql`lower(trim(to_address))` }).execute();
    await db.schema.createIndex(`${table}_to_normalized_idx`).on(table).column('to_normalized').execute();
    await db.schema.createIndex(`${table}_created_idx`).on(table).column('created_at').execute();
  }
  await db.schema.createIndex('notices_recipient_idx').on('notices').column('recipient_id').execute();
  await db.schema.createIndex('webhook_receipts_received_idx').on('webhook_receipts').column('received_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('webhook_receipts_received_idx').execute();
  await db.schema.dropIndex('notices_recipient_idx').execute();
  for (const table of ['notices', 'dev_outbox']) {
    await db.schema.dropIndex(`${table}_created_idx`).execute();
    await db.schema.dropIndex(`${table}_to_normalized_idx`).execute();
    await db.schema.alterTable(table).dropColumn('to_normalized').execute();
  }
}
