// Whether a delivery's time to its endpoint's 2xx is already in the daily opt-out latency counters, so
// that an operator's replay of a delivered event (which puts it back in the queue) is not counted a
// second time as a slow opt-out. Uses Kysely<any> and no application code.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('webhook_deliveries')
    .addColumn('latency_counted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').dropColumn('latency_counted').execute();
}
