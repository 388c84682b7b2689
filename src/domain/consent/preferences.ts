// The preference page's verbs: what a recipient receives, saving their choices, and refusing (or
// accepting again) all marketing. Every change goes through change-consent.ts, so each writes its event.
import type { Kysely } from 'kysely';
import { notFound } from '../../core/errors.js';
import { nowIso } from '../../core/ids.js';
import type { Category, ConsentContext, Recipient, SubscriptionStatus } from '../../core/vocabulary.js';
import { listCategories } from '../../db/categories.js';
import { findRecipient } from '../../db/recipients.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { changeMarketingOptOut, changeSubscription } from './change-consent.js';

export interface CategoryChoice {
  category: Category;
  status: SubscriptionStatus | null;
  /** Shown ticked: subscribed, awaiting confirmation, or an opt-out category never refused. */
  chosen: boolean;
}

export interface PreferencesView {
  recipient: Recipient;
  marketing: CategoryChoice[];
  transactional: Category[];
}

export interface PreferenceChange {
  category: Category;
  to: SubscriptionStatus;
}

export function isChosen(category: Category, status: SubscriptionStatus | null): boolean {
  return status === 'subscribed' || status === 'pending' || (status === null && category.consent === 'opt_out');
}

// An archived category is not shown (docs/api.md "Categories"): the person's state in it is kept as it
// was, and a one-click or unsubscribe link from an old mail still works.
export async function preferencesOf(db: Kysely<Database>, recipient: Recipient): Promise<PreferencesView> {
  const categories = (await listCategories(db)).filter((c) => !c.archived);
  const marketing = categories
    .filter((c) => c.kind === 'marketing')
    .map((category) => {
      const status = recipient.subscriptions[category.key]?.status ?? null;
      return { category, status, chosen: isChosen(category, status) };
    });
  return { recipient, marketing, transactional: categories.filter((c) => c.kind === 'transactional') };
}

/**
 * Applies the form: of the categories that were shown, the ticked ones are wanted and the others not.
 * Categories created or archived after the page was shown, and keys that name nothing, are left alone.
 */
export async function savePreferences(
  db: Kysely<Database>,
  recipientId: string,
  shown: ReadonlySet<string>,
  wanted: ReadonlySet<string>,
  ctx: ConsentContext,
): Promise<PreferenceChange[]> {
  return inTransaction(db, async (trx) => {
    const recipient = await findRecipient(trx, { by: 'id', value: recipientId }, { forUpdate: true });
    if (!recipient) throw notFound('Recipient');
    const at = nowIso();
    const changes: PreferenceChange[] = [];
    for (const category of await listCategories(trx)) {
      if (category.kind !== 'marketing' || category.archived || !shown.has(category.key)) continue;
      const want = wanted.has(category.key);
      if (want === isChosen(category, recipient.subscriptions[category.key]?.status ?? null)) continue;
      if (await changeSubscription(trx, recipient, category, want ? 'subscribed' : 'unsubscribed', ctx, at)) {
        changes.push({ category, to: recipient.subscriptions[category.key]!.status });
      }
    }
    return changes;
  });
}

/** Refuses all marketing, or accepts it again; true when something changed (GDPR Art. 21, Art. 7(3)). */
export async function setMarketingOptOut(db: Kysely<Database>, recipientId: string, optOut: boolean, ctx: ConsentContext): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const recipient = await findRecipient(trx, { by: 'id', value: recipientId }, { forUpdate: true });
    if (!recipient) throw notFound('Recipient');
    return changeMarketingOptOut(trx, recipient, optOut, ctx, nowIso());
  });
}
