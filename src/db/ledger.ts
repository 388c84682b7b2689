// Reading the consent ledger: its head, and its events in order under a filter.
import type { Kysely } from 'kysely';
import type { ConsentEventType, ConsentSource } from '../core/vocabulary.js';
import type { Database } from './schema.js';

// The last event of the ledger (highest seq), or undefined while it is empty.
export async function findLedgerHead(db: Kysely<Database>): Promise<{ seq: number; hash: string; at: string } | undefined> {
  const row = await db.selectFrom('consent_events').select(['seq', 'hash', 'at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && { seq: Number(row.seq), hash: row.hash, at: row.at };
}

// How many `unsubscribed` events came through the links of one broadcast's mail: a range of the
// (broadcast_id, seq) index, as large as the broadcast's traced changes, not the ledger.
export async function countBroadcastUnsubscribes(db: Kysely<Database>, broadcastId: string): Promise<number> {
  const row = await db
    .selectFrom('consent_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('broadcast_id', '=', broadcastId)
    .where('type', '=', 'unsubscribed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface EventFilter {
  /** Any well-formed names: one that no event has matches nothing (it is not an error). */
  types?: readonly string[] | undefined;
  categoryKey?: string | undefined;
  source?: ConsentSource | undefined;
  /** ISO-8601 UTC as stored (`toISOString`): from `since` inclusive to `until` exclusive. */
  since?: string | undefined;
  until?: string | undefined;
  /** The mail the change came through (ids; an unknown one matches nothing). */
  noticeId?: string | undefined;
  broadcastId?: string | undefined;
}

/**
 * Every event after a cursor (a seq) that matches the filter, in ledger order. With a notice or
 * broadcast it is a range of that column's (id, seq) index (migration 0085; test/http/events-trace.test.ts
 * checks the plan); the other conditions are checked on the rows that range yields.
 */
export function selectEventsAfter(db: Kysely<Database>, afterSeq: number, limit: number, f: EventFilter = {}) {
  let query = db.selectFrom('consent_events').selectAll().where('seq', '>', afterSeq);
  if (f.noticeId !== undefined) query = query.where('notice_id', '=', f.noticeId);
  if (f.broadcastId !== undefined) query = query.where('broadcast_id', '=', f.broadcastId);
  if (f.types !== undefined) query = query.where('type', 'in', f.types as readonly ConsentEventType[]);
  if (f.categoryKey !== undefined) query = query.where('category_key', '=', f.categoryKey);
  if (f.source !== undefined) query = query.where('source', '=', f.source);
  if (f.since !== undefined) query = query.where('at', '>=', f.since);
  if (f.until !== undefined) query = query.where('at', '<', f.until);
  return query.orderBy('seq').limit(limit);
}
