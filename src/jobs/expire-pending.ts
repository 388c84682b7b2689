// Double opt-in requests that nobody confirms expire. An unconfirmed request is not consent (GDPR
// Art. 7(1), 4(11)), and keeping it pending forever would keep a stranger's address waiting for a click.
import type { Kysely } from 'kysely';
import { appendConsentEvents, type NewConsentEvent } from '../db/consent-events.js';
import { expirePendingRow, findPendingBefore } from '../db/pending-subscriptions.js';
import type { Database } from '../db/schema.js';
import { nowIso } from '../ids.js';
import type { ConsentSource } from '../domain/types.js';

const BATCH = 500;
const MAX_BATCHES = 200;
const SOURCE: ConsentSource = 'expiry';

/** Moves pending subscriptions older than `days` to unsubscribed, each with an `expired` event. Returns how many. */
export async function expirePendingSubscriptions(db: Kysely<Database>, days: number, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  let expired = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const rows = await findPendingBefore(db, cutoff, BATCH);
    if (rows.length === 0) break;
    expired += await db.transaction().execute(async (trx) => {
      const at = nowIso();
      const events: NewConsentEvent[] = [];
      for (const row of rows) {
        if (!(await expirePendingRow(trx, row, SOURCE, at))) continue;
        events.push({ type: 'expired', recipientId: row.recipientId, categoryKey: row.categoryKey, source: SOURCE, actor: 'system', detail: { from: 'pending', to: 'unsubscribed', afterDays: days }, at });
      }
      await appendConsentEvents(trx, events);
      return events.length;
    });
    if (rows.length < BATCH) break;
  }
  return expired;
}
