// Webhook delivery history is kept as long as notice logs (NOTICE_RETENTION_DAYS; GDPR Art. 5(1)(e)):
// a delivery holds an address for suppression events. Pending deliveries stay: they are still owed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { deleteSettledWebhookDeliveries } from '../../db/webhook-deliveries.js';

export async function purgeOldWebhookDeliveries(db: Kysely<Database>, days: number, now: Date): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000).toISOString();
  let purged = 0;
  for (let i = 0; i < 200; i++) {
    const n = await deleteSettledWebhookDeliveries(db, before, 500);
    purged += n;
    if (n < 500) break;
  }
  return purged;
}
