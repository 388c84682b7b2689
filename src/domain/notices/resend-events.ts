// What Resend's webhooks tell us (https://resend.com/docs/dashboard/webhooks/event-types): a permanent
// bounce suppresses the address for everything, a complaint refuses all marketing (GDPR Art. 21; Gmail
// asks senders to stay under 0.1% complaints), delivery news is added to the notice. A transient bounce
// is news, not a reason to stop. Each effect is idempotent, and the svix-id is recorded last, so a
// replay changes nothing and a crash mid-way is completed by Svix's redelivery.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { isValidEmail, normalizeEmail } from '../../core/email.js';
import { nowIso } from '../../core/ids.js';
import type { ConsentContext } from '../../core/vocabulary.js';
import { addNoticeEvents, findNoticeByProviderId, setNoticeStatus } from '../../db/notices.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database, NoticeStatus } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { hasWebhookReceipt, recordWebhookReceipt } from '../../db/webhook-receipts.js';
import { changeMarketingOptOut } from '../consent/change-consent.js';
import { addSuppression } from '../recipients/suppressions.js';

export const ResendEvent = z.object({
  type: z.string().max(100),
  created_at: z.string().max(100).optional(),
  data: z
    .object({
      email_id: z.string().max(200).optional(),
      to: z.array(z.string().max(320)).max(50).optional(),
      bounce: z
        .object({ type: z.string().max(100).optional() })
        .passthrough()
        .optional(),
    })
    .passthrough(),
});
export type ResendEvent = z.infer<typeof ResendEvent>;

const NOTICE_UPDATES: Record<string, { event: string; status?: NoticeStatus }> = {
  'email.sent': { event: 'accepted' },
  'email.delivered': { event: 'delivered', status: 'delivered' },
  'email.delivery_delayed': { event: 'delivery_delayed' },
  'email.failed': { event: 'failed', status: 'failed' },
  'email.bounced': { event: 'bounced', status: 'bounced' },
  'email.complained': { event: 'complained', status: 'complained' },
  'email.suppressed': { event: 'suppressed_by_provider', status: 'failed' },
};

const CTX: ConsentContext = { source: 'webhook', actor: 'resend' };

export type WebhookOutcome = 'handled' | 'replayed' | 'ignored';

export async function handleResendEvent(db: Kysely<Database>, hashKey: string, svixId: string, event: ResendEvent): Promise<WebhookOutcome> {
  if (await hasWebhookReceipt(db, svixId)) return 'replayed';
  const at = nowIso();
  const addresses = (event.data.to ?? []).filter((a) => isValidEmail(a));
  const permanent = event.type === 'email.bounced' && event.data.bounce?.type === 'Permanent';

  if (permanent) {
    for (const email of addresses) await addSuppression(db, hashKey, { email, reason: 'hard_bounce', note: 'Resend: permanent bounce' }, CTX);
  }
  if (event.type === 'email.complained') {
    for (const email of addresses) {
      await inTransaction(db, async (trx) => {
        const recipient = await findRecipient(trx, { by: 'email', value: normalizeEmail(email) }, { forUpdate: true });
        if (recipient) await changeMarketingOptOut(trx, recipient, true, CTX, at);
      });
      await addSuppression(db, hashKey, { email, reason: 'complaint', note: 'Resend: spam complaint' }, CTX);
    }
  }

  const update = NOTICE_UPDATES[event.type];
  const notice = update && event.data.email_id ? await findNoticeByProviderId(db, event.data.email_id) : undefined;
  if (update && notice) {
    await inTransaction(db, async (trx) => {
      const type = event.type === 'email.bounced' && !permanent ? 'bounced_transient' : update.event;
      await addNoticeEvents(trx, [{ noticeId: notice.id, type, at }]);
      if (update.status && type !== 'bounced_transient') await setNoticeStatus(trx, notice.id, update.status, at);
    });
  }
  await recordWebhookReceipt(db, svixId, event.type, at);
  return update || permanent ? 'handled' : 'ignored';
}
