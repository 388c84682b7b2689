import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * Counts one hit against a fixed window in one atomic statement (an upsert), so several instances on one
 * database share the count. A window that has ended starts again at 1. Times are ISO text, which
 * compares in time order on both dialects.
 */
export async function recordHit(db: Kysely<Database>, key: string, now: string, windowEndsAt: string): Promise<{ hits: number; windowEndsAt: string }> {
  const expired = sql<boolean>`rate_limits.window_ends_at <= ${now}`;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, hits: 1, window_ends_at: windowEndsAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql<number>`case when ${expired} then 1 else rate_limits.hits + 1 end`,
        window_ends_at: sql<string>`case when ${expired} then excluded.window_ends_at else rate_limits.window_ends_at end`,
      }),
    )
    .returning(['hits', 'window_ends_at'])
    .executeTakeFirstOrThrow();
  return { hits: Number(row.hits), windowEndsAt: row.window_ends_at };
}

// Forgets windows that ended before `now`; keeps the table as small as the traffic of one window.
export async function deleteEndedWindows(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_ends_at', '<', now).execute();
}
