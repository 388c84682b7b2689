// One batch of an import in one transaction: who exists, who is suppressed, which external ids are
// taken, read set-wise; then each row applied in order with the rules of change-consent.ts (no refusing
// transactional mail; a double opt-in category stays pending until confirmed). An erased or suppressed
// address is never revived: its row is refused, and nothing of it is stored (docs/privacy.md).
import type { Kysely } from 'kysely';
import { checkEmail } from '../../core/email.js';
import { newId, nowIso } from '../../core/ids.js';
import type { Category, SubscriptionStatus, SuppressionReason } from '../../core/vocabulary.js';
import { appendConsentEvents, type NewConsentEvent } from '../../db/consent-events.js';
import {
  findExternalIdOwners,
  findPeopleByEmail,
  findSuppressionReasons,
  insertPeople,
  type NewPerson,
  type ProfilePatch,
  type StoredPerson,
  type SubscriptionWrite,
  writeProfiles,
  writeSubscriptions,
} from '../../db/imports.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { canonicalAddressHash } from '../privacy/address-hash.js';
import type { ImportRow, RowResult } from './import-row.js';

export interface BatchContext {
  hashKey: string;
  categories: ReadonlyMap<string, Category>;
  actor: string;
  dryRun: boolean;
}

const SUPPRESSION_ORDER: readonly SuppressionReason[] = ['erased', 'hard_bounce', 'complaint', 'manual'];

class RolledBack {
  constructor(readonly results: RowResult[]) {}
}

/** Applies the rows (or, for a dry run, works out what would happen and rolls back). */
export async function applyImportBatch(db: Kysely<Database>, ctx: BatchContext, rows: readonly ImportRow[]): Promise<RowResult[]> {
  try {
    return await inTransaction(db, async (trx) => {
      const results = await applyIn(trx, ctx, rows);
      if (ctx.dryRun) throw new RolledBack(results);
      return results;
    });
  } catch (err) {
    if (err instanceof RolledBack) return err.results;
    throw err;
  }
}

async function applyIn(trx: Kysely<Database>, ctx: BatchContext, rows: readonly ImportRow[]): Promise<RowResult[]> {
  const at = nowIso();
  const checked = rows.map((r) => ({ row: r, email: checkEmail(r.email) }));
  const canonical = checked.flatMap((c) => (c.email.ok ? [c.email.canonical] : []));
  const people = await findPeopleByEmail(trx, canonical);
  const owners = await findExternalIdOwners(
    trx,
    rows.flatMap((r) => (r.externalId ? [r.externalId] : [])),
  );
  const hashes = new Map(canonical.map((e) => [e, canonicalAddressHash(ctx.hashKey, e)]));
  const suppressed = await findSuppressionReasons(trx, [...new Set(hashes.values())]);

  const fresh: NewPerson[] = [];
  const profile = new Map<string, ProfilePatch>();
  const subscriptions = new Map<string, SubscriptionWrite>();
  const events: NewConsentEvent[] = [];
  const results: RowResult[] = [];

  for (const { row, email } of checked) {
    if (!email.ok) {
      results.push({ line: row.line, status: 'invalid', reason: `email: not a valid email address: it ${email.reason}` });
      continue;
    }
    const reasons = suppressed.get(hashes.get(email.canonical)!) ?? [];
    const reason = SUPPRESSION_ORDER.find((r) => reasons.includes(r));
    if (reason) {
      results.push({ line: row.line, status: 'refused', reason: `suppressed_${reason}` });
      continue;
    }
    const problem = subscriptionProblem(row, ctx.categories);
    if (problem) {
      results.push({ line: row.line, ...problem });
      continue;
    }
    let person = people.get(email.canonical);
    const owner = row.externalId === undefined ? undefined : owners.get(row.externalId);
    if (owner !== undefined && owner !== person?.id) {
      results.push({ line: row.line, status: 'refused', reason: 'external_id_taken' });
      continue;
    }
    let changed = false;
    let created = false;
    if (!person) {
      person = { id: newId(), emailNormalized: email.canonical, externalId: row.externalId ?? null, locale: row.locale ?? null, subscriptions: new Map() };
      fresh.push({ id: person.id, email: row.email.trim(), emailNormalized: email.canonical, externalId: person.externalId, locale: person.locale, at });
      people.set(email.canonical, person);
      created = true;
    } else {
      changed = updateProfile(person, row, profile);
    }
    if (row.externalId !== undefined) owners.set(row.externalId, person.id);
    for (const [key, requested] of Object.entries(row.subscriptions)) {
      const category = ctx.categories.get(key)!;
      if (category.kind === 'transactional') continue;
      const current = person.subscriptions.get(category.id) ?? null;
      const next: SubscriptionStatus = requested === 'subscribed' && category.doubleOptIn && current !== 'subscribed' ? 'pending' : requested;
      if (current === next) continue;
      person.subscriptions.set(category.id, next);
      subscriptions.set(`${person.id}:${category.id}`, { recipientId: person.id, categoryId: category.id, status: next, at });
      events.push(consentEvent(person.id, key, current, next, row, ctx.actor, at));
      changed = true;
    }
    results.push({ line: row.line, status: created ? 'created' : changed ? 'updated' : 'unchanged', id: person.id });
  }

  const inserted = await insertPeople(trx, fresh);
  // An address a concurrent writer stored after our read: this batch is retried from the start.
  if (inserted !== fresh.length) throw Object.assign(new Error('concurrent import'), { code: '40001' });
  await writeProfiles(trx, profile, at);
  await writeSubscriptions(trx, [...subscriptions.values()]);
  await appendConsentEvents(trx, events);
  return results;
}

/** Why a row's subscriptions cannot be applied, in one pass: an unknown category first, then a refused
 * transactional one, then joining an archived one (each the first of its kind in column order). */
function subscriptionProblem(row: ImportRow, categories: ReadonlyMap<string, Category>): Omit<RowResult, 'line'> | undefined {
  let refused: string | undefined;
  let archived: string | undefined;
  for (const key in row.subscriptions) {
    const category = categories.get(key);
    if (!category) return { status: 'invalid', reason: `subscriptions: unknown category "${key}"` };
    const requested = row.subscriptions[key];
    if (requested === 'unsubscribed' && category.kind === 'transactional') refused ??= key;
    // An archived category is offered to nobody (docs/api.md "Categories"); leaving one is still recorded.
    if (requested === 'subscribed' && category.archived) archived ??= key;
  }
  if (refused !== undefined) return { status: 'refused', reason: `transactional_refusal: "${refused}" cannot be refused` };
  if (archived !== undefined) return { status: 'refused', reason: `category_archived: "${archived}" takes no new subscriptions` };
  return undefined;
}

function updateProfile(person: StoredPerson, row: ImportRow, profile: Map<string, ProfilePatch>): boolean {
  const patch = profile.get(person.id) ?? {};
  let changed = false;
  if (row.externalId !== undefined && row.externalId !== person.externalId) {
    person.externalId = row.externalId;
    patch.externalId = row.externalId;
    changed = true;
  }
  if (row.locale !== undefined && row.locale !== person.locale) {
    person.locale = row.locale;
    patch.locale = row.locale;
    changed = true;
  }
  if (changed) profile.set(person.id, patch);
  return changed;
}

// Historical consent is recorded as such: the ledger's time is when mailprefs learnt of it, and the
// exporting system's time, source and wording are kept beside it (GDPR Art. 7(1)).
function consentEvent(
  recipientId: string,
  key: string,
  from: SubscriptionStatus | null,
  to: SubscriptionStatus,
  row: ImportRow,
  actor: string,
  at: string,
): NewConsentEvent {
  const detail: Record<string, unknown> = { from, to, imported: true };
  if (row.consentedAt !== undefined) detail.consentedAt = row.consentedAt;
  if (row.consentSource !== undefined) detail.consentSource = row.consentSource;
  if (row.consentText !== undefined) detail.text = row.consentText;
  return { type: to, recipientId, categoryKey: key, source: 'import', actor, ip: row.ip ?? null, userAgent: row.userAgent ?? null, detail, at };
}
