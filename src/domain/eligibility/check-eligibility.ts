// Answers "may I send category C to these addresses?" for any number of addresses, a chunk at a time,
// with the facts for each chunk gathered in a fixed number of queries and decided by decideEligibility.
import type { Kysely } from 'kysely';
import { canonicalEmailOrNull } from '../../core/email.js';
import type { Category, SuppressionReason } from '../../core/vocabulary.js';
import { findEligibilityFacts, findErasedHashes } from '../../db/eligibility-facts.js';
import type { Database } from '../../db/schema.js';
import { SILENT_TELEMETRY, type Telemetry } from '../operations/telemetry.js';
import { addressHash } from '../privacy/address-hash.js';
import { decideEligibility, type Eligibility } from './decide-eligibility.js';

export const ELIGIBILITY_CHUNK = 1000;

const NONE: ReadonlySet<SuppressionReason> = new Set();
const ERASED: ReadonlySet<SuppressionReason> = new Set(['erased']);

export type CategoryFacts = Pick<Category, 'id' | 'kind' | 'consent' | 'archived'>;

/**
 * Decides each address in input order. Invalid addresses answer `invalid_email`; no query is made for them.
 * Each decision is counted through `telemetry` (eligibility decisions by reason, docs/operations.md).
 */
export async function checkEligibility(
  db: Kysely<Database>,
  hashKey: string,
  category: CategoryFacts,
  emails: readonly string[],
  telemetry: Telemetry = SILENT_TELEMETRY,
): Promise<Eligibility[]> {
  let results: Eligibility[];
  if (emails.length <= ELIGIBILITY_CHUNK) results = await checkChunk(db, hashKey, category, emails);
  else {
    results = [];
    for (let i = 0; i < emails.length; i += ELIGIBILITY_CHUNK) {
      results.push(...(await checkChunk(db, hashKey, category, emails.slice(i, i + ELIGIBILITY_CHUNK))));
    }
  }
  for (const r of results) telemetry.eligibilityDecided(r.reason);
  return results;
}

async function checkChunk(db: Kysely<Database>, hashKey: string, category: CategoryFacts, emails: readonly string[]): Promise<Eligibility[]> {
  const normalized = emails.map(canonicalEmailOrNull);
  const distinct = [...new Set(normalized.filter((e): e is string => e !== null))];
  if (distinct.length === 0) return normalized.map(() => ({ eligible: false, reason: 'invalid_email' }));

  const { recipients, suppressions } = await findEligibilityFacts(db, category.id, distinct);

  // An erased address never stored again has only its keyed hash left. It matters only for marketing
  // to an address we do not know (`suppressed_erased` rather than `unknown_recipient`), so the hash,
  // the costliest step, is computed for those addresses alone.
  let erased = new Set<string>();
  if (category.kind === 'marketing') {
    const unknown = distinct.filter((e) => !recipients.has(e) && !suppressions.has(e));
    if (unknown.length > 0) {
      const byHash = new Map(unknown.map((e) => [addressHash(hashKey, e), e]));
      const hits = await findErasedHashes(db, [...byHash.keys()]);
      erased = new Set([...hits].map((h) => byHash.get(h)!));
    }
  }

  return normalized.map((email) => {
    if (email === null) return { eligible: false, reason: 'invalid_email' };
    return decideEligibility({
      category,
      recipient: recipients.get(email) ?? null,
      suppressions: suppressions.get(email) ?? (erased.has(email) ? ERASED : NONE),
    });
  });
}
