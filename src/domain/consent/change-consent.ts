// Changing consent: every change of a subscription or of the marketing opt-out writes its consent
// event in the same transaction, so nothing can change without its record (GDPR Art. 7(1)).
import type { Kysely } from 'kysely';
import { AppError, conflict } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Category, ConsentContext, ConsentEventType, Recipient, SubscriptionStatus } from '../../core/vocabulary.js';
import { insertConfirmationRequest } from '../../db/confirmation-outbox.js';
import { appendConsentEvents, type NewConsentEvent } from '../../db/consent-events.js';
import { expirePendingRow, type PendingSubscription } from '../../db/pending-subscriptions.js';
import { lockRecipientRow, updateRecipientRow, upsertSubscription } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';

export type RequestedStatus = 'subscribed' | 'unsubscribed';

function event(
  recipientId: string,
  type: ConsentEventType,
  category: string | null,
  ctx: ConsentContext,
  at: string,
  detail: Record<string, unknown>,
): NewConsentEvent {
  return {
    type,
    recipientId,
    categoryKey: category,
    source: ctx.source,
    actor: ctx.actor,
    ip: ctx.ip ?? null,
    userAgent: ctx.userAgent ?? null,
    // The mail the person came from is part of what the chain commits to (GDPR Art. 7(1): how it changed).
    detail: { ...detail, ...(ctx.text && { text: ctx.text }), ...traceOf(ctx) },
    at,
  };
}

function traceOf(ctx: ConsentContext): Record<string, string> {
  if (!ctx.trace) return {};
  return { noticeId: ctx.trace.noticeId, ...(ctx.trace.broadcastId !== undefined && { broadcastId: ctx.trace.broadcastId }) };
}

/**
 * Putting back a state that the same person's own unsubscribe replaced moments ago (the unsubscribe
 * page's Undo): the id of the event being undone, and the state it replaced. Only unsubscribe.ts makes
 * one, after checking the ledger, so a restore can never stand in for a double opt-in confirmation.
 */
export interface Restore {
  undoes: string;
  to: SubscriptionStatus;
}

/**
 * Sets the recipient's state in one category. Subscribing to a double opt-in category leaves it
 * `pending` until the person confirms, unless the change is that confirmation or a `restore`.
 * Transactional categories cannot be refused (CAN-SPAM exempts them; docs/api.md "Errors" answers 409) and need no
 * subscription. Returns true when something changed.
 */
export async function changeSubscription(
  trx: Kysely<Database>,
  recipient: Pick<Recipient, 'id' | 'subscriptions'>,
  category: Category,
  requested: RequestedStatus | Restore,
  ctx: ConsentContext,
  at: string,
): Promise<boolean> {
  if (typeof requested !== 'string') return restoreSubscription(trx, recipient, category, requested, ctx, at);
  if (category.kind === 'transactional') {
    if (requested === 'unsubscribed') {
      throw new AppError('transactional_refusal', `"${category.key}" is transactional: it cannot be refused while the person uses the service.`);
    }
    return false;
  }
  const current = recipient.subscriptions[category.key]?.status ?? null;
  const next: SubscriptionStatus =
    requested === 'subscribed' && category.doubleOptIn && ctx.source !== 'confirmation' && current !== 'subscribed' ? 'pending' : requested;
  if (current === next) return false;
  if (next !== 'unsubscribed') refuseArchived(category);
  await upsertSubscription(trx, { recipientId: recipient.id, categoryId: category.id, status: next, source: ctx.source, updatedAt: at });
  await appendConsentEvents(trx, [event(recipient.id, next, category.key, ctx, at, { from: current, to: next })]);
  if (next === 'pending') await owedConfirmation(trx, recipient.id, category.id, at);
  recipient.subscriptions[category.key] = { status: next, source: ctx.source, updatedAt: at };
  return true;
}

// An archived category is offered to nobody (docs/api.md "Categories"); leaving one is always allowed,
// since withdrawing consent must stay as easy as giving it (GDPR Art. 7(3)).
function refuseArchived(category: Category): void {
  if (category.archived) throw conflict(`"${category.key}" is archived: it takes no new subscriptions.`);
}

async function restoreSubscription(
  trx: Kysely<Database>,
  recipient: Pick<Recipient, 'id' | 'subscriptions'>,
  category: Category,
  restore: Restore,
  ctx: ConsentContext,
  at: string,
) {
  const current = recipient.subscriptions[category.key]?.status ?? null;
  if (category.kind === 'transactional' || current === restore.to) return false;
  if (restore.to !== 'unsubscribed') refuseArchived(category);
  await upsertSubscription(trx, { recipientId: recipient.id, categoryId: category.id, status: restore.to, source: ctx.source, updatedAt: at });
  await appendConsentEvents(trx, [event(recipient.id, restore.to, category.key, ctx, at, { from: current, to: restore.to, undoes: restore.undoes })]);
  if (restore.to === 'pending') await owedConfirmation(trx, recipient.id, category.id, at);
  recipient.subscriptions[category.key] = { status: restore.to, source: ctx.source, updatedAt: at };
  return true;
}

// The confirmation mail is owed from the same commit as the pending state (an outbox: a crash can delay
// the mail, never lose it); src/domain/consent/double-opt-in.ts sends it after the commit, or the job does.
function owedConfirmation(trx: Kysely<Database>, recipientId: string, categoryId: string, at: string): Promise<void> {
  return insertConfirmationRequest(trx, { id: newId(), recipientId, categoryId, at });
}

/**
 * Records that the recipient's address changed. The detail holds no address: the ledger is kept for
 * ever (Art. 17(3)(e)) and must not keep what erasure removes; the recipient id links the event.
 */
export async function recordEmailChange(trx: Kysely<Database>, recipientId: string, ctx: ConsentContext, at: string): Promise<void> {
  await appendConsentEvents(trx, [event(recipientId, 'email_changed', null, ctx, at, {})]);
}

/** Refuses (or accepts again) all marketing. Objection to direct marketing is absolute (GDPR Art. 21). */
export async function changeMarketingOptOut(
  trx: Kysely<Database>,
  recipient: Pick<Recipient, 'id' | 'marketingOptOut'>,
  optOut: boolean,
  ctx: ConsentContext,
  at: string,
): Promise<boolean> {
  if (recipient.marketingOptOut === optOut) return false;
  await updateRecipientRow(trx, recipient.id, { marketingOptOut: optOut }, at);
  await appendConsentEvents(trx, [event(recipient.id, optOut ? 'marketing_opt_out' : 'marketing_opt_in', null, ctx, at, {})]);
  recipient.marketingOptOut = optOut;
  return true;
}

/**
 * Ends a double opt-in request nobody confirmed (the expiry job): `unsubscribed` with an `expired`
 * event whose source is `expiry`, never `confirmation`. A no-op (false) when the row changed since it
 * was read: the person confirmed, or another instance expired it first. Run each in its own transaction:
 * holding the ledger lock while waiting for the next person's row is how deadlocks are made.
 */
export async function expirePendingSubscription(trx: Kysely<Database>, pending: PendingSubscription, afterDays: number, at: string): Promise<boolean> {
  const ctx: ConsentContext = { source: 'expiry', actor: 'system' };
  // The person's row first, as every other change of their consent takes it (src/db/transaction.ts).
  if (!(await lockRecipientRow(trx, pending.recipientId))) return false;
  if (!(await expirePendingRow(trx, pending, ctx.source, at))) return false;
  await appendConsentEvents(trx, [event(pending.recipientId, 'expired', pending.categoryKey, ctx, at, { from: 'pending', to: 'unsubscribed', afterDays })]);
  return true;
}
