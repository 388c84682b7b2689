// The set-wise reads and writes of an import batch: a few statements per batch, written as SQL text
// (raw-rows.ts) because building them with Kysely cost more than running them (docs/performance.md
// "Import"), so a large list goes in at tens of thousands of rows a second.
import { CompiledQuery, type Kysely } from 'kysely';
import type { SubscriptionStatus, SuppressionReason } from '../core/vocabulary.js';
import { isPostgres } from './dialect.js';
import { insertRows, insertRowsCounted, selectByList } from './raw-rows.js';
import type { Database } from './schema.js';

export interface StoredPerson {
  id: string;
  emailNormalized: string;
  externalId: string | null;
  locale: string | null;
  /** Category id → status. */
  subscriptions: Map<string, SubscriptionStatus>;
}

// The recipients with these normalized addresses, a row per subscription (one with nulls for none).
const PEOPLE_BY_EMAIL = `select r.id, r.email_normalized, r.external_id, r.locale, s.category_id, s.status
  from LIST join recipients r on r.email_normalized = j.value
  left join subscriptions s on s.recipient_id = r.id`;

interface PersonRow {
  id: string;
  email_normalized: string;
  external_id: string | null;
  locale: string | null;
  category_id: string | null;
  status: SubscriptionStatus | null;
}

// The recipients with these normalized addresses, with their subscriptions by category id.
export async function findPeopleByEmail(trx: Kysely<Database>, normalized: readonly string[]): Promise<Map<string, StoredPerson>> {
  const out = new Map<string, StoredPerson>();
  for (const r of await selectByList<PersonRow>(trx, PEOPLE_BY_EMAIL, [...new Set(normalized)])) {
    let person = out.get(r.email_normalized);
    if (!person) {
      person = { id: r.id, emailNormalized: r.email_normalized, externalId: r.external_id, locale: r.locale, subscriptions: new Map() };
      out.set(r.email_normalized, person);
    }
    if (r.category_id !== null && r.status !== null) person.subscriptions.set(r.category_id, r.status);
  }
  return out;
}

// Who holds each of these external ids.
const OWNERS_OF_EXTERNAL_IDS = 'select r.id, r.external_id from LIST join recipients r on r.external_id = j.value';

export async function findExternalIdOwners(trx: Kysely<Database>, externalIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await selectByList<{ id: string; external_id: string }>(trx, OWNERS_OF_EXTERNAL_IDS, [...new Set(externalIds)]);
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

// The suppression reasons of each keyed address hash.
const SUPPRESSIONS_BY_HASH = 'select x.email_hash, x.reason from LIST join suppressions x on x.email_hash = j.value';

export async function findSuppressionReasons(trx: Kysely<Database>, hashes: readonly string[]): Promise<Map<string, SuppressionReason[]>> {
  const out = new Map<string, SuppressionReason[]>();
  const rows = await selectByList<{ email_hash: string; reason: SuppressionReason }>(trx, SUPPRESSIONS_BY_HASH, [...new Set(hashes)]);
  for (const r of rows) out.set(r.email_hash, [...(out.get(r.email_hash) ?? []), r.reason]);
  return out;
}

export interface NewPerson {
  id: string;
  email: string;
  emailNormalized: string;
  externalId: string | null;
  locale: string | null;
  at: string;
}

const RECIPIENT_COLUMNS = ['id', 'email', 'email_normalized', 'external_id', 'locale', 'marketing_opt_out', 'created_at', 'updated_at'];

/** Inserts new recipients; returns how many went in (an address a concurrent writer stored first does not). */
export async function insertPeople(trx: Kysely<Database>, people: readonly NewPerson[]): Promise<number> {
  const rows = people.map((p) => [p.id, p.email, p.emailNormalized, p.externalId, p.locale, 0, p.at, p.at]);
  // Counted, not returned: a thousand returned ids cost more than the check needs.
  return insertRowsCounted(trx, 'recipients', RECIPIENT_COLUMNS, rows, 'on conflict do nothing');
}

export interface SubscriptionWrite {
  recipientId: string;
  categoryId: string;
  status: SubscriptionStatus;
  at: string;
}

const SUBSCRIPTION_COLUMNS = ['recipient_id', 'category_id', 'status', 'source', 'updated_at'];
const SET_SUBSCRIPTION =
  'on conflict (recipient_id, category_id) do update set status = excluded.status, source = excluded.source, updated_at = excluded.updated_at';

// Sets subscriptions, one row per recipient and category (the caller keeps the last of each).
export async function writeSubscriptions(trx: Kysely<Database>, writes: readonly SubscriptionWrite[]): Promise<void> {
  const rows = writes.map((w) => [w.recipientId, w.categoryId, w.status, 'import', w.at]);
  await insertRows(trx, 'subscriptions', SUBSCRIPTION_COLUMNS, rows, SET_SUBSCRIPTION);
}

export interface ProfilePatch {
  externalId?: string;
  locale?: string;
}

// Sets the changed external ids and locales, a statement per recipient in one of three fixed shapes
// (prepared once on SQLite): the builder cost more than the update (docs/performance.md "Import").
export async function writeProfiles(trx: Kysely<Database>, patches: ReadonlyMap<string, ProfilePatch>, at: string): Promise<void> {
  const postgres = isPostgres(trx);
  for (const [id, patch] of patches) {
    const sets: string[] = [];
    const params: string[] = [];
    const set = (column: string, value: string) => {
      params.push(value);
      sets.push(`${column} = ${postgres ? `$${params.length}` : '?'}`);
    };
    if (patch.externalId !== undefined) set('external_id', patch.externalId);
    if (patch.locale !== undefined) set('locale', patch.locale);
    set('updated_at', at);
    params.push(id);
    const text = `update recipients set ${sets.join(', ')} where id = ${postgres ? `$${params.length}` : '?'}`;
    await trx.executeQuery(CompiledQuery.raw(text, params));
  }
}
