// The shared provider budget (migration 0030): taking a slot is one conditional UPDATE, atomic on both
// dialects (a row lock on PostgreSQL, the write lock on SQLite), so instances never hand out one slot twice.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

// Reserves the next call slot at least `gapMs` after the last one handed out; answers its time (ms).
export async function takeProviderSlot(db: Kysely<Database>, name: string, now: number, gapMs: number): Promise<number> {
  for (;;) {
    const row = await db
      .updateTable('provider_budget')
      .set({ next_at: sql<number>`(case when next_at > ${now} then next_at else ${now} end) + ${gapMs}` })
      .where('name', '=', name)
      .returning('next_at')
      .executeTakeFirst();
    if (row) return Number(row.next_at) - gapMs;
    await db
      .insertInto('provider_budget')
      .values({ name, next_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
}
