// Unsubscribing from one category by link (RFC 8058 one-click or the page's button), and its undo.
// Idempotent: a second unsubscribe changes nothing and writes no event.
import type { Kysely } from 'kysely';
import { notFound } from '../../core/errors.js';
import { nowIso } from '../../core/ids.js';
import type { Category, ConsentContext, SubscriptionStatus } from '../../core/vocabulary.js';
import { type ConsentEventRow, lastEventOf } from '../../db/consent-events.js';
import { findLinkTarget, findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { changeSubscription } from './change-consent.js';

/** A recipient's state in a category before a change; `none` when there was no record. */
export type PriorState = SubscriptionStatus | 'none';
export const PRIOR_STATES: readonly PriorState[] = ['subscribed', 'unsubscribed', 'pending', 'none'];

export interface UnsubscribeOutcome {
  changed: boolean;
  previous: PriorState;
}

export async function unsubscribeFromCategory(db: Kysely<Database>, recipientId: string, category: Category, ctx: ConsentContext): Promise<UnsubscribeOutcome> {
  return inTransaction(db, async (trx) => {
    const recipient = await findRecipient(trx, { by: 'id', value: recipientId }, { forUpdate: true });
    if (!recipient) throw notFound('Recipient');
    const previous = recipient.subscriptions[category.key]?.status ?? 'none';
    const changed = await changeSubscription(trx, recipient, category, 'unsubscribed', ctx, nowIso());
    return { changed, previous };
  });
}

/**
 * RFC 8058 one-click: the same change as unsubscribeFromCategory, in one transaction of the fewest
 * statements (one read of recipient, category and state; the change and its ledger event), with no
 * read outside it. Undefined when the recipient or category no longer exists.
 */
export async function unsubscribeByLink(
  db: Kysely<Database>,
  recipientId: string,
  categoryId: string,
  ctx: ConsentContext,
): Promise<UnsubscribeOutcome | undefined> {
  return inTransaction(db, async (trx) => {
    const target = await findLinkTarget(trx, recipientId, categoryId);
    if (!target) return undefined;
    const { category, subscription } = target;
    const recipient = { id: recipientId, subscriptions: subscription ? { [category.key]: subscription } : {} };
    const changed = await changeSubscription(trx, recipient, category, 'unsubscribed', ctx, nowIso());
    return { changed, previous: subscription?.status ?? 'none' };
  });
}

/** How long after unsubscribing the page's Undo restores the exact previous state. */
export const UNDO_WINDOW_SECONDS = 15 * 60;

/**
 * Puts back the state an unsubscribe replaced. When the latest event of this recipient and category is
 * that very unsubscribe, made from the unsubscribe page within UNDO_WINDOW_SECONDS and replacing
 * `previous`, the state is restored exactly (a confirmed double opt-in stays confirmed: it was never
 * withdrawn for more than a moment). Otherwise it is a new subscribe, and a double opt-in category comes
 * back `pending` (change-consent.ts keeps that rule); the caller then sends a confirmation. Returns the state
 * now, or undefined when there was nothing to restore.
 */
export async function undoUnsubscribe(
  db: Kysely<Database>,
  recipientId: string,
  category: Category,
  previous: PriorState,
  ctx: ConsentContext,
  now = new Date(),
): Promise<SubscriptionStatus | undefined> {
  const wasReceiving = previous === 'subscribed' || previous === 'pending' || (previous === 'none' && category.consent === 'opt_out');
  // An archived category takes no one back (docs/api.md "Categories"); the page says they are not subscribed.
  if (!wasReceiving || category.archived) return undefined;
  return inTransaction(db, async (trx) => {
    const recipient = await findRecipient(trx, { by: 'id', value: recipientId }, { forUpdate: true });
    if (!recipient) throw notFound('Recipient');
    const undone = await lastEventOf(trx, recipientId, category.key);
    const restore = undone && restorable(undone, previous, now) ? { undoes: undone.id, to: previous as SubscriptionStatus } : undefined;
    await changeSubscription(trx, recipient, category, restore ?? 'subscribed', ctx, nowIso());
    return recipient.subscriptions[category.key]?.status;
  });
}

function restorable(e: ConsentEventRow, previous: PriorState, now: Date): boolean {
  if (e.type !== 'unsubscribed' || e.source !== 'unsubscribe_page' || previous === 'none' || previous === 'unsubscribed') return false;
  const age = now.getTime() - Date.parse(e.at);
  const from = e.detail === null ? undefined : (JSON.parse(e.detail) as { from?: unknown }).from;
  return age >= 0 && age <= UNDO_WINDOW_SECONDS * 1000 && from === previous;
}
