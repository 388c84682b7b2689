import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_KINDS,
  CONSENT_MODES,
  ELIGIBLE_REASONS,
  type EligibilityReason,
  INELIGIBLE_REASONS,
  SUBSCRIPTION_STATUSES,
  SUPPRESSION_REASONS,
  type SuppressionReason,
} from '../../src/core/vocabulary.js';
import { decideEligibility } from '../../src/domain/eligibility/decide-eligibility.js';

// The closed lists of src/core/vocabulary.ts against the contract and the one eligibility function.
const API = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

/** `| \`a\` / \`b\` | yes |` rows of the eligibility table: reason → eligible. */
function documentedReasons(): Map<string, boolean> {
  const rows = new Map<string, boolean>();
  for (const [, reasons, verdict] of API.matchAll(/^\| ((?:`[a-z_]+`(?: \/ )?)+)\s+\| (yes|no)\s+\|/gm)) {
    for (const [, reason] of reasons!.matchAll(/`([a-z_]+)`/g)) rows.set(reason!, verdict === 'yes');
  }
  return rows;
}

function subsets<T>(items: readonly T[]): T[][] {
  const all: T[][] = [[]];
  for (const item of items) for (const s of all.slice()) all.push([...s, item]);
  return all;
}

describe('closed vocabularies', () => {
  it('every eligibility reason is in the table of docs/api.md, with its verdict, and nothing else is', () => {
    const expected = new Map<string, boolean>([...ELIGIBLE_REASONS.map((r) => [r, true] as const), ...INELIGIBLE_REASONS.map((r) => [r, false] as const)]);
    expect(documentedReasons()).toEqual(expected);
  });

  it('decideEligibility answers eligible with an eligible reason only, over every combination of facts', () => {
    const seen = new Set<EligibilityReason>();
    const recipients = [
      null,
      ...[true, false].flatMap((marketingOptOut) => [null, ...SUBSCRIPTION_STATUSES].map((subscription) => ({ marketingOptOut, subscription }))),
    ];
    for (const archived of [false, true])
      for (const kind of CATEGORY_KINDS)
        for (const consent of CONSENT_MODES)
          for (const recipient of recipients)
            for (const suppressions of subsets<SuppressionReason>(SUPPRESSION_REASONS)) {
              const verdict = decideEligibility({ category: { kind, consent, archived }, recipient, suppressions: new Set(suppressions) });
              expect((verdict.eligible ? ELIGIBLE_REASONS : INELIGIBLE_REASONS) as readonly string[]).toContain(verdict.reason);
              seen.add(verdict.reason);
            }
    // Every reason but invalid_email (decided before the facts are read) is reachable.
    expect([...seen].sort()).toEqual([...ELIGIBLE_REASONS, ...INELIGIBLE_REASONS].filter((r) => r !== 'invalid_email').sort());
  });
});
