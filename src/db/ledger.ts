import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// The last event of the ledger (highest seq), or undefined while it is empty.
export async function findLedgerHead(db: Kysely<Database>): Promise<{ seq: number; hash: string; at: string } | undefined> {
  const row = await db.selectFrom('consent_events').select(['seq', 'hash', 'at']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && { seq: Number(row.seq), hash: row.hash, at: row.at };
}
