// Confirming a double opt-in subscription from the link in the confirmation email (GDPR Art. 7(1):
// the confirmation is the proof that the address's owner asked for the mail).
import type { Kysely } from 'kysely';
import { notFound } from '../../core/errors.js';
import { nowIso } from '../../core/ids.js';
import type { Category, ConsentContext } from '../../core/vocabulary.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { liftErasedSuppression } from '../privacy/erasure.js';
import { changeSubscription } from './change-consent.js';

/** `nothing_pending`: refused or never asked since the link was sent; an old link must not resubscribe. */
export type ConfirmOutcome = 'confirmed' | 'already_confirmed' | 'nothing_pending';

/**
 * Confirms, and in the same transaction lifts an `erased` suppression of the address: a new confirmed
 * double opt-in is the person's own fresh consent (Art. 7(1)), the one thing that may end it.
 */
export async function confirmSubscription(
  db: Kysely<Database>,
  hashKey: string,
  recipientId: string,
  category: Category,
  ctx: ConsentContext,
): Promise<ConfirmOutcome> {
  return inTransaction(db, async (trx) => {
    const recipient = await findRecipient(trx, { by: 'id', value: recipientId }, { forUpdate: true });
    if (!recipient) throw notFound('Recipient');
    const status = recipient.subscriptions[category.key]?.status;
    if (status === 'subscribed') return 'already_confirmed';
    // An archived category takes no new subscriptions: its old confirmation links confirm nothing.
    if (status !== 'pending' || category.archived) return 'nothing_pending';
    await changeSubscription(trx, recipient, category, 'subscribed', { ...ctx, source: 'confirmation' }, nowIso());
    await liftErasedSuppression(trx, hashKey, recipient.email);
    return 'confirmed';
  });
}
