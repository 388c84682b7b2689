// Daily counters kept up to date in the transaction of each change (src/db/daily-stats.ts), so that
// GET /v1/stats and the console read a few rows per day instead of scanning the ledger.
// Uses Kysely<any> and no application code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('daily_stats')
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    // '' rather than null: a primary key column cannot be null, and the upsert needs one conflict target.
    .addColumn('category_key', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('daily_stats_pk', ['day', 'metric', 'category_key', 'source'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('daily_stats').execute();
}
