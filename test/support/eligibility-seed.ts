// A database state with one address per eligibility reason, built with the domain functions.

import { newId, nowIso } from '../../src/core/ids.js';
import type { ConsentContext } from '../../src/core/vocabulary.js';
import { insertSuppression } from '../../src/db/suppressions.js';
import { changeMarketingOptOut } from '../../src/domain/consent/change-consent.js';
import { addressHash } from '../../src/domain/privacy/address-hash.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { addSuppression } from '../../src/domain/recipients/suppressions.js';
import type { Harness } from './harness.js';

const ctx: ConsentContext = { source: 'api', actor: 'test' };

/** [address, category, expected reason]: every reason a stored state can give. */
export const EXPECTED = [
  ['Sub@Example.com', 'news', 'subscribed'],
  ['known@example.com', 'digest', 'subscribed'],
  ['known@example.com', 'news', 'not_subscribed'],
  ['nobody@example.com', 'news', 'unknown_recipient'],
  ['nobody@example.com', 'digest', 'unknown_recipient'],
  ['nobody@example.com', 'receipts', 'transactional'],
  ['bounce@example.com', 'news', 'suppressed_bounce'],
  ['bounce@example.com', 'receipts', 'suppressed_bounce'],
  ['complaint@example.com', 'news', 'suppressed_complaint'],
  ['complaint@example.com', 'receipts', 'transactional'],
  ['manual@example.com', 'news', 'suppressed_manual'],
  ['erased@example.com', 'news', 'suppressed_erased'],
  ['erased@example.com', 'receipts', 'transactional'],
  ['returned@example.com', 'news', 'suppressed_erased'],
  ['optout@example.com', 'news', 'marketing_opt_out'],
  ['optout@example.com', 'receipts', 'transactional'],
  ['unsub@example.com', 'news', 'unsubscribed'],
  ['unsub@example.com', 'digest', 'unsubscribed'],
  ['pending@example.com', 'confirmed', 'pending_confirmation'],
] as const;

export const ELIGIBLE_REASONS = new Set(['subscribed', 'transactional']);

export async function seedEveryReason(h: Harness): Promise<void> {
  const { db } = h.handle;
  const hashKey = h.config.hashKey;
  await createCategory(db, { key: 'news', name: 'News', kind: 'marketing', consent: 'opt_in' });
  await createCategory(db, { key: 'digest', name: 'Digest', kind: 'marketing', consent: 'opt_out' });
  await createCategory(db, { key: 'confirmed', name: 'Confirmed', kind: 'marketing', doubleOptIn: true });
  await createCategory(db, { key: 'receipts', name: 'Receipts', kind: 'transactional' });

  const subscribe = (email: string, subscriptions: Record<string, 'subscribed' | 'unsubscribed'>) =>
    upsertRecipient(db, hashKey, { email, subscriptions }, ctx);
  await subscribe('sub@example.com', { news: 'subscribed' });
  await subscribe('known@example.com', {});
  await subscribe('unsub@example.com', { news: 'unsubscribed', digest: 'unsubscribed' });
  await subscribe('pending@example.com', { confirmed: 'subscribed' });
  for (const reason of ['hard_bounce', 'complaint', 'manual'] as const) {
    const email = `${reason === 'hard_bounce' ? 'bounce' : reason}@example.com`;
    await subscribe(email, { news: 'subscribed' });
    await addSuppression(db, hashKey, { email, reason }, ctx);
  }
  const { recipient } = await subscribe('optout@example.com', { news: 'subscribed' });
  await db.transaction().execute((trx) => changeMarketingOptOut(trx, recipient, true, ctx, nowIso()));

  // Erased people leave only a keyed hash; one of them is imported again afterwards.
  for (const email of ['erased@example.com', 'returned@example.com']) {
    const row = {
      id: newId(),
      email: null,
      email_normalized: null,
      email_hash: addressHash(hashKey, email),
      reason: 'erased' as const,
      note: null,
      created_at: nowIso(),
    };
    await insertSuppression(db, row);
  }
  await subscribe('Returned@example.com', { news: 'subscribed' });
}
