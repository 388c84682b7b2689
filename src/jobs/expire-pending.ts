// Double opt-in requests that nobody confirms expire. An unconfirmed request is not consent (GDPR
// Art. 7(1), 4(11)), and keeping it pending forever would keep a stranger's address waiting for a click.
import type { Kysely } from 'kysely';
import { nowIso } from '../core/ids.js';
import { findPendingBefore } from '../db/pending-subscriptions.js';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { expirePendingSubscription } from '../domain/consent/change-consent.js';

const BATCH = 500;
const MAX_BATCHES = 200;

/** Moves pending subscriptions older than `days` to unsubscribed, each with an `expired` event. Returns how many. */
export async function expirePendingSubscriptions(db: Kysely<Database>, days: number, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  let expired = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const rows = await findPendingBefore(db, cutoff, BATCH);
    if (rows.length === 0) break;
    for (const row of rows) {
      if (await inTransaction(db, (trx) => expirePendingSubscription(trx, row, days, nowIso()))) expired++;
    }
    if (rows.length < BATCH) break;
  }
  return expired;
}
