// The queries behind eligibility: for a chunk of addresses, everything decideEligibility needs, in two
// queries however many addresses the chunk holds (never one query per address).
import type { Kysely } from 'kysely';
import type { SubscriptionStatus, SuppressionReason } from '../domain/types.js';
import type { Database } from './schema.js';

export interface KnownRecipient {
  marketingOptOut: boolean;
  subscription: SubscriptionStatus | null;
}

// Recipients among the addresses, each with their state in one category.
export async function findRecipientsForCategory(
  db: Kysely<Database>,
  categoryId: string,
  normalizedEmails: readonly string[],
): Promise<Map<string, KnownRecipient>> {
  const rows = await db
    .selectFrom('recipients as r')
    .leftJoin('subscriptions as s', (j) => j.onRef('s.recipient_id', '=', 'r.id').on('s.category_id', '=', categoryId))
    .select(['r.email_normalized', 'r.marketing_opt_out', 's.status'])
    .where('r.email_normalized', 'in', normalizedEmails)
    .execute();
  const found = new Map<string, KnownRecipient>();
  for (const row of rows) {
    found.set(row.email_normalized, { marketingOptOut: Boolean(row.marketing_opt_out), subscription: row.status ?? null });
  }
  return found;
}

// Suppression reasons among the addresses (erased ones only where the address was stored again).
export async function findSuppressionReasons(
  db: Kysely<Database>,
  normalizedEmails: readonly string[],
): Promise<Map<string, Set<SuppressionReason>>> {
  const rows = await db
    .selectFrom('suppressions')
    .select(['email_normalized', 'reason'])
    .where('email_normalized', 'in', normalizedEmails)
    .execute();
  return groupReasons(rows.map((r) => [r.email_normalized ?? '', r.reason]));
}

// Which of these keyed hashes belong to erased addresses.
export async function findErasedHashes(db: Kysely<Database>, hashes: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('suppressions')
    .select('email_hash')
    .where('reason', '=', 'erased')
    .where('email_hash', 'in', hashes)
    .execute();
  return new Set(rows.map((r) => r.email_hash));
}

function groupReasons(pairs: Array<[string, SuppressionReason]>): Map<string, Set<SuppressionReason>> {
  const grouped = new Map<string, Set<SuppressionReason>>();
  for (const [email, reason] of pairs) {
    let set = grouped.get(email);
    if (!set) grouped.set(email, (set = new Set()));
    set.add(reason);
  }
  return grouped;
}
