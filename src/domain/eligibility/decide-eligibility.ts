// The one place that decides whether an address may be sent a category (docs/api.md "Eligibility").
// Everything that sends or answers "may I?" — single, bulk, streaming, notices — calls decideEligibility.
import type {
  CategoryKind,
  ConsentMode,
  EligibilityReason,
  EligibleReason,
  IneligibleReason,
  SubscriptionStatus,
  SuppressionReason,
} from '../../core/vocabulary.js';

export type { EligibilityReason, EligibleReason, IneligibleReason };

/** A verdict and its reason; the reason's type follows the verdict, so a caller that checked `eligible` knows which. */
export type Eligibility = { eligible: true; reason: EligibleReason } | { eligible: false; reason: IneligibleReason };

/** What is known about one address, gathered by the caller in as few queries as it likes. */
export interface EligibilityFacts {
  category: { kind: CategoryKind; consent: ConsentMode; archived: boolean };
  /** Null when the address has never been seen. */
  recipient: { marketingOptOut: boolean; subscription: SubscriptionStatus | null } | null;
  suppressions: ReadonlySet<SuppressionReason>;
}

const no = (reason: IneligibleReason): Eligibility => ({ eligible: false, reason });
const yes = (reason: EligibleReason): Eligibility => ({ eligible: true, reason });

// Precedence is the order of docs/api.md "Eligibility": the first rule that applies wins.
export function decideEligibility({ category, recipient, suppressions }: EligibilityFacts): Eligibility {
  // An archived category is retired, whoever the address is: nothing goes out in it, transactional
  // included, until an admin puts it back in use (docs/api.md "Categories", why transactional too).
  if (category.archived) return no('category_archived');
  // A hard bounce stops everything: mailing a dead mailbox harms the sender's reputation for all mail.
  if (suppressions.has('hard_bounce')) return no('suppressed_bounce');
  // Transactional notices are mandatory (CAN-SPAM's "transactional or relationship" exemption).
  if (category.kind === 'transactional') return yes('transactional');
  if (suppressions.has('complaint')) return no('suppressed_complaint');
  if (suppressions.has('manual')) return no('suppressed_manual');
  if (suppressions.has('erased')) return no('suppressed_erased');
  if (recipient === null) return no('unknown_recipient');
  if (recipient.marketingOptOut) return no('marketing_opt_out');
  switch (recipient.subscription) {
    case 'unsubscribed':
      return no('unsubscribed');
    case 'pending':
      return no('pending_confirmation');
    case 'subscribed':
      return yes('subscribed');
    case null:
      // An opt-out category reaches every known recipient until they refuse it.
      return category.consent === 'opt_out' ? yes('subscribed') : no('not_subscribed');
  }
}
