// Notice logs are kept no longer than they are needed (storage limitation, GDPR Art. 5(1)(e)): support
// questions and bounce handling look back weeks, not years. The consent ledger is not touched: it is the
// proof of consent (Art. 7(1)) and stays.
import type { Kysely } from 'kysely';
import { deleteNotices, deleteOutboxEmails, deleteWebhookReceiptsBefore, findNoticesBefore, findOutboxBefore } from '../db/notice-privacy.js';
import type { Database } from '../db/schema.js';

const BATCH = 500;
const MAX_BATCHES = 200;

async function purgeInBatches(
  db: Kysely<Database>,
  find: (limit: number) => Promise<string[]>,
  remove: (trx: Kysely<Database>, ids: string[]) => Promise<number>,
): Promise<number> {
  let purged = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const ids = await find(BATCH);
    if (ids.length === 0) break;
    purged += await db.transaction().execute((trx) => remove(trx, ids));
    if (ids.length < BATCH) break;
  }
  return purged;
}

/** Deletes notices (with their events), dev outbox messages and webhook receipts older than `days`. */
export async function purgeOldNotices(
  db: Kysely<Database>,
  days: number,
  now: Date = new Date(),
): Promise<{ notices: number; outbox: number; receipts: number }> {
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  return {
    notices: await purgeInBatches(db, (limit) => findNoticesBefore(db, cutoff, limit), deleteNotices),
    outbox: await purgeInBatches(db, (limit) => findOutboxBefore(db, cutoff, limit), deleteOutboxEmails),
    receipts: await deleteWebhookReceiptsBefore(db, cutoff),
  };
}
