// An archived category (docs/api.md "Categories"): retired, not deleted, so its subscriptions, consent
// events and notices keep pointing at it. Null while the category is in use. Uses Kysely<any> and no
// application code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('categories').addColumn('archived_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('categories').dropColumn('archived_at').execute();
}
