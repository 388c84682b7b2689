// The precedence table of docs/api.md "Eligibility", rule by rule and pair by pair, on decideEligibility.
import { describe, expect, it } from 'vitest';
import type { SubscriptionStatus, SuppressionReason } from '../../src/core/vocabulary.js';
import { decideEligibility, type EligibilityFacts, type EligibilityReason } from '../../src/domain/eligibility/decide-eligibility.js';

/** One rule's condition, as a change to facts that trigger nothing above "subscribed". */
interface Condition {
  archived?: true;
  kind?: 'transactional';
  consent?: 'opt_out';
  recipient?: 'unknown';
  optOut?: true;
  subscription?: SubscriptionStatus | null;
  suppression?: SuppressionReason;
}

// The order of docs/api.md "Eligibility", first wins. not_subscribed and unknown_recipient share a rank (they cannot both hold).
const RULES: Array<[EligibilityReason, boolean, Condition]> = [
  ['category_archived', false, { archived: true }],
  ['suppressed_bounce', false, { suppression: 'hard_bounce' }],
  ['transactional', true, { kind: 'transactional' }],
  ['suppressed_complaint', false, { suppression: 'complaint' }],
  ['suppressed_manual', false, { suppression: 'manual' }],
  ['suppressed_erased', false, { suppression: 'erased' }],
  ['marketing_opt_out', false, { optOut: true }],
  ['unsubscribed', false, { subscription: 'unsubscribed' }],
  ['pending_confirmation', false, { subscription: 'pending' }],
  ['not_subscribed', false, { subscription: null }],
  ['unknown_recipient', false, { recipient: 'unknown' }],
  ['subscribed', true, {}],
];

function facts(...conditions: Condition[]): EligibilityFacts | undefined {
  const merged: Condition = {};
  const suppressions = new Set<SuppressionReason>();
  for (const c of conditions) {
    for (const [field, value] of Object.entries(c) as Array<[keyof Condition, unknown]>) {
      if (field === 'suppression') suppressions.add(value as SuppressionReason);
      else if (field in merged && merged[field] !== value) return undefined;
      else Object.assign(merged, { [field]: value });
    }
  }
  // An unknown address has no recipient state at all: conditions on it cannot hold together.
  if (merged.recipient === 'unknown' && (merged.optOut || merged.subscription !== undefined)) return undefined;
  return {
    category: { kind: merged.kind ?? 'marketing', consent: merged.consent ?? 'opt_in', archived: merged.archived ?? false },
    recipient:
      merged.recipient === 'unknown'
        ? null
        : { marketingOptOut: merged.optOut ?? false, subscription: merged.subscription === undefined ? 'subscribed' : merged.subscription },
    suppressions,
  };
}

describe('decideEligibility', () => {
  it.each(RULES)('answers %s (eligible: %s) when only its condition holds', (reason, eligible, condition) => {
    expect(decideEligibility(facts(condition)!)).toEqual({ eligible, reason });
  });

  const pairs = RULES.flatMap(([winner, eligible, first], i) =>
    RULES.slice(i + 1).map(([loser, , second]) => [winner, loser, eligible, first, second] as const),
  ).filter(([, , , first, second]) => facts(first, second) !== undefined);

  it('covers every pair of rules that can hold together', () => {
    // 12 rules give 66 pairs; 7 cannot hold together (three subscription states, unknown vs four states).
    expect(pairs.length).toBe(59);
  });

  it.each(pairs)('%s wins over %s', (winner, _loser, eligible, first, second) => {
    expect(decideEligibility(facts(first, second)!)).toEqual({ eligible, reason: winner });
    expect(decideEligibility(facts(second, first)!)).toEqual({ eligible, reason: winner });
  });

  it('sends an opt-out category to a known recipient with no record', () => {
    expect(decideEligibility(facts({ consent: 'opt_out', subscription: null })!)).toEqual({ eligible: true, reason: 'subscribed' });
  });

  it('never sends an opt-out category to an address never seen', () => {
    expect(decideEligibility(facts({ consent: 'opt_out', recipient: 'unknown' })!)).toEqual({ eligible: false, reason: 'unknown_recipient' });
  });

  it.each<[string, Condition]>([
    ['unsubscribed', { subscription: 'unsubscribed' }],
    ['pending confirmation', { subscription: 'pending' }],
    ['opted out of marketing', { optOut: true }],
  ])('keeps an opt-out category from a recipient %s', (_label, condition) => {
    expect(decideEligibility(facts({ consent: 'opt_out' }, condition)!).eligible).toBe(false);
  });

  it('sends transactional mail to every address that has not hard-bounced', () => {
    const all: Condition[] = [
      { suppression: 'complaint' },
      { suppression: 'manual' },
      { suppression: 'erased' },
      { optOut: true },
      { subscription: 'unsubscribed' },
    ];
    expect(decideEligibility(facts({ kind: 'transactional' }, ...all)!)).toEqual({ eligible: true, reason: 'transactional' });
    expect(decideEligibility(facts({ kind: 'transactional' }, { recipient: 'unknown' })!)).toEqual({ eligible: true, reason: 'transactional' });
    expect(decideEligibility(facts({ kind: 'transactional' }, { suppression: 'hard_bounce' }, ...all)!)).toEqual({
      eligible: false,
      reason: 'suppressed_bounce',
    });
  });

  it('sends nothing in an archived category, transactional included, whatever the person chose', () => {
    for (const kind of [undefined, 'transactional'] as const) {
      expect(decideEligibility(facts({ archived: true, kind }, { subscription: 'subscribed' })!)).toEqual({ eligible: false, reason: 'category_archived' });
    }
  });
});
