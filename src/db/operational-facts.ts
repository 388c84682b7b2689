// Counts an operator scrapes (/metrics): each an indexed count or a read of the ledger's tail.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// Notices waiting for a provider call (notices_status_idx).
export async function countQueuedNotices(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('notices')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'queued')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Broadcasts being walked now (broadcasts_status_idx).
export async function countRunningBroadcasts(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('broadcasts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Consent events after `afterSeq` up to `uptoSeq`, counted by type and source (the seq's unique index).
export async function countConsentEventsBetween(
  db: Kysely<Database>,
  afterSeq: number,
  uptoSeq: number,
): Promise<{ type: string; source: string; count: number }[]> {
  const rows = await db
    .selectFrom('consent_events')
    .select(['type', 'source', (eb) => eb.fn.countAll().as('n')])
    .where('seq', '>', afterSeq)
    .where('seq', '<=', uptoSeq)
    .groupBy(['type', 'source'])
    .execute();
  return rows.map((r) => ({ type: r.type, source: r.source, count: Number(r.n) }));
}
