// Cancelling a broadcast that has not finished. The walker sends the page it is on (each notice keyed
// `broadcast:ID:RECIPIENT`, so none twice) and stops at its next step: it no longer holds the lease.
import type { Kysely } from 'kysely';
import { conflict, notFound } from '../../core/errors.js';
import { nowIso } from '../../core/ids.js';
import { cancelBroadcastRow, findBroadcast } from '../../db/broadcasts.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';

export const CANCELLED = 'cancelled';

/** `along` runs in the cancel's transaction (the operator's ledger event): both commit or neither. */
export async function cancelBroadcast(db: Kysely<Database>, id: string, actor: string, along?: (trx: Kysely<Database>) => Promise<void>): Promise<void> {
  const cancelled = await inTransaction(db, async (trx) => {
    if (!(await cancelBroadcastRow(trx, id, `${CANCELLED} by ${actor}`, nowIso()))) return false;
    await along?.(trx);
    return true;
  });
  if (cancelled) return;
  if (!(await findBroadcast(db, id))) throw notFound('Broadcast');
  throw conflict('This broadcast has finished already.');
}
