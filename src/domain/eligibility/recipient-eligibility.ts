// One recipient with its eligibility for every category: the facts in a fixed number of queries
// (the recipient, the categories, the address's suppressions), each category decided by decideEligibility.
import type { Kysely } from 'kysely';
import { normalizeEmail } from '../../core/email.js';
import type { Recipient, SuppressionReason } from '../../core/vocabulary.js';
import { listCategories } from '../../db/categories.js';
import { findSuppressionReasons } from '../../db/eligibility-facts.js';
import type { Database } from '../../db/schema.js';
import { getRecipient } from '../recipients/recipients.js';
import { decideEligibility, type Eligibility } from './decide-eligibility.js';

export type RecipientWithEligibility = Recipient & { eligibility: Record<string, Eligibility> };

export async function getRecipientWithEligibility(db: Kysely<Database>, ref: string): Promise<RecipientWithEligibility> {
  const recipient = await getRecipient(db, ref);
  const address = normalizeEmail(recipient.email);
  const [categories, suppressions] = await Promise.all([listCategories(db), findSuppressionReasons(db, [address])]);
  const reasons: ReadonlySet<SuppressionReason> = suppressions.get(address) ?? new Set();
  const eligibility = Object.fromEntries(
    categories.map((category) => [
      category.key,
      decideEligibility({
        category,
        recipient: { marketingOptOut: recipient.marketingOptOut, subscription: recipient.subscriptions[category.key]?.status ?? null },
        suppressions: reasons,
      }),
    ]),
  );
  return { ...recipient, eligibility };
}
