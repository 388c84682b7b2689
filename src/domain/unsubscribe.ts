// Unsubscribing from one category by link (RFC 8058 one-click or the page's button), and its undo.
// Idempotent: a second unsubscribe changes nothing and writes no event.
import type { Kysely } from 'kysely';
import { findRecipient } from '../db/recipients.js';
import type { Database } from '../db/schema.js';
import { notFound } from '../errors.js';
import { nowIso } from '../ids.js';
import { changeSubscription } from './consent.js';
import type { Category, ConsentContext, SubscriptionStatus } from './types.js';

/** A recipient's state in a category before a change; `none` when there was no record. */
export type PriorState = SubscriptionStatus | 'none';
export const PRIOR_STATES: readonly PriorState[] = ['subscribed', 'unsubscribed', 'pending', 'none'];

export interface UnsubscribeOutcome {
  changed: boolean;
  previous: PriorState;
}

export async function unsubscribeFromCategory(db: Kysely<Database>, recipientId: string, category: Category, ctx: ConsentContext): Promise<UnsubscribeOutcome> {
  return db.transaction().execute(async (trx) => {
    const recipient = await findRecipient(trx, { by: 'id', value: recipientId });
    if (!recipient) throw notFound('Recipient');
    const previous = recipient.subscriptions[category.key]?.status ?? 'none';
    const changed = await changeSubscription(trx, recipient, category, 'unsubscribed', ctx, nowIso());
    return { changed, previous };
  });
}

/**
 * Puts back the state an unsubscribe replaced. A double opt-in category comes back `pending` (consent.ts
 * keeps that rule in one place); the caller then sends a confirmation. Returns the state now, or
 * undefined when there was nothing to restore.
 */
export async function undoUnsubscribe(db: Kysely<Database>, recipientId: string, category: Category, previous: PriorState, ctx: ConsentContext): Promise<SubscriptionStatus | undefined> {
  const wasReceiving = previous === 'subscribed' || previous === 'pending' || (previous === 'none' && category.consent === 'opt_out');
  if (!wasReceiving) return undefined;
  return db.transaction().execute(async (trx) => {
    const recipient = await findRecipient(trx, { by: 'id', value: recipientId });
    if (!recipient) throw notFound('Recipient');
    await changeSubscription(trx, recipient, category, 'subscribed', ctx, nowIso());
    return recipient.subscriptions[category.key]?.status;
  });
}
