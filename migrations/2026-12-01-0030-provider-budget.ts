// The provider's request budget, shared by every instance on one database: one row per provider
// holding the time (ms since the epoch) of the next free call slot. Uses Kysely<any> and no app code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('provider_budget')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_at', 'double precision', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('provider_budget').execute();
}
