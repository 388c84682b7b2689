// Cancelling a broadcast that has not finished. The walker sends the page it is on (each notice keyed
// `broadcast:ID:RECIPIENT`, so none twice) and stops at its next step: it no longer holds the lease.
import type { Kysely } from 'kysely';
import { conflict, notFound } from '../../core/errors.js';
import { nowIso } from '../../core/ids.js';
import { cancelBroadcastRow, findBroadcast } from '../../db/broadcasts.js';
import type { Database } from '../../db/schema.js';

export const CANCELLED = 'cancelled';

export async function cancelBroadcast(db: Kysely<Database>, id: string, actor: string): Promise<void> {
  if (await cancelBroadcastRow(db, id, `${CANCELLED} by ${actor}`, nowIso())) return;
  if (!(await findBroadcast(db, id))) throw notFound('Broadcast');
  throw conflict('This broadcast has finished already.');
}
