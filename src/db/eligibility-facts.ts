// The queries behind eligibility: for a chunk of addresses, everything decideEligibility needs, in two
// queries however many addresses the chunk holds (never one query per address); for one address, one.
//
// These are the hottest queries of the service (every send asks), so they are written once per dialect
// rather than built per call: the chunk is bound as ONE parameter (a JSON array read by json_each on
// SQLite, a text[] unnested on PostgreSQL) instead of an IN-list of a thousand placeholders, the text
// never changes so prepared statements are reused, and no query builder runs per request. Binding one
// value instead of a thousand roughly halves a chunk's lookup on better-sqlite3 (`npm run bench`).
import { CompiledQuery, type Kysely } from 'kysely';
import type { SubscriptionStatus, SuppressionReason } from '../core/vocabulary.js';
import { isPostgres } from './dialect.js';
import { type FactRow, readFactsOfOne } from './hot-reads.js';
import type { Database } from './schema.js';

export interface KnownRecipient {
  marketingOptOut: boolean;
  subscription: SubscriptionStatus | null;
}

type Dialect = 'sqlite' | 'postgres';

// `j(value)`: the chunk as a one-column table, from parameter 1.
const VALUES: Record<Dialect, string> = { sqlite: 'json_each(?) as j', postgres: 'unnest($1::text[]) as j(value)' };
const SECOND: Record<Dialect, string> = { sqlite: '?', postgres: '$2' };

// Recipients among the addresses, with their marketing opt-out and their state in one category.
const RECIPIENTS_IN_CATEGORY = (d: Dialect) =>
  `select r.email_normalized, r.marketing_opt_out, s.status from ${VALUES[d]}
   join recipients r on r.email_normalized = j.value
   left join subscriptions s on s.recipient_id = r.id and s.category_id = ${SECOND[d]}`;

// Suppressions stored with their address (erased ones only where the address was stored again).
const SUPPRESSIONS_BY_ADDRESS = (d: Dialect) => `select x.email_normalized, x.reason from ${VALUES[d]} join suppressions x on x.email_normalized = j.value`;

// Erased suppressions among keyed hashes.
const ERASED_BY_HASH = (d: Dialect) => `select x.email_hash from ${VALUES[d]} join suppressions x on x.email_hash = j.value and x.reason = 'erased'`;

// One address (the single GET, the commonest call): both of the above in one statement, so one read of
// the database instead of two. A row per fact: the recipient ('r', with its opt-out and subscription)
// and each suppression ('s', with its reason). The subscription is a scalar subquery: on better-sqlite3
// a cached lookup took a third of the time of the same left join. SQLite binds (category, address,
// address), PostgreSQL $1 = address, $2 = category.
const FACTS_OF_ONE = (d: Dialect) =>
  `select 'r' as fact, r.marketing_opt_out,
     (select s.status from subscriptions s where s.recipient_id = r.id and s.category_id = ${d === 'sqlite' ? '?' : '$2'}) as value
   from recipients r where r.email_normalized = ${d === 'sqlite' ? '?' : '$1'}
   union all select 's', null, x.reason from suppressions x where x.email_normalized = ${d === 'sqlite' ? '?' : '$1'}`;

export const FACTS_OF_ONE_SQLITE = FACTS_OF_ONE('sqlite');
export const FACTS_OF_ONE_POSTGRES = FACTS_OF_ONE('postgres');

const TEXT = {
  sqlite: {
    recipients: RECIPIENTS_IN_CATEGORY('sqlite'),
    suppressions: SUPPRESSIONS_BY_ADDRESS('sqlite'),
    erased: ERASED_BY_HASH('sqlite'),
    one: FACTS_OF_ONE_SQLITE,
  },
  postgres: {
    recipients: RECIPIENTS_IN_CATEGORY('postgres'),
    suppressions: SUPPRESSIONS_BY_ADDRESS('postgres'),
    erased: ERASED_BY_HASH('postgres'),
    one: FACTS_OF_ONE_POSTGRES,
  },
};

function run<R>(db: Kysely<Database>, query: Exclude<keyof typeof TEXT.sqlite, 'one'>, values: readonly string[], ...rest: string[]): Promise<R[]> {
  const postgres = isPostgres(db);
  const list = postgres ? values : JSON.stringify(values);
  return db.executeQuery<R>(CompiledQuery.raw(TEXT[postgres ? 'postgres' : 'sqlite'][query], [list, ...rest])).then((r) => r.rows);
}

/** What decideEligibility needs to know of some distinct normalised addresses, keyed by address. */
export interface AddressFacts {
  recipients: Map<string, KnownRecipient>;
  suppressions: Map<string, Set<SuppressionReason>>;
}

/** Known recipients among the addresses (with their state in one category), and the addresses' suppressions. */
export async function findEligibilityFacts(db: Kysely<Database>, categoryId: string, normalizedEmails: readonly string[]): Promise<AddressFacts> {
  if (normalizedEmails.length === 1) return findFactsOfOne(db, categoryId, normalizedEmails[0]!);
  const [recipients, suppressions] = await Promise.all([
    findRecipientsForCategory(db, categoryId, normalizedEmails),
    findSuppressionReasons(db, normalizedEmails),
  ]);
  return { recipients, suppressions };
}

async function findFactsOfOne(db: Kysely<Database>, categoryId: string, email: string): Promise<AddressFacts> {
  const rows = (await readFactsOfOne(db, categoryId, email)) ?? (await queryFactsOfOne(db, categoryId, email));
  const facts: AddressFacts = { recipients: new Map(), suppressions: new Map() };
  for (const row of rows) {
    if (row.fact === 'r') {
      facts.recipients.set(email, { marketingOptOut: Boolean(row.marketing_opt_out), subscription: (row.value as SubscriptionStatus | null) ?? null });
    } else {
      addReason(facts.suppressions, email, row.value as SuppressionReason);
    }
  }
  return facts;
}

async function queryFactsOfOne(db: Kysely<Database>, categoryId: string, email: string): Promise<FactRow[]> {
  const query = isPostgres(db) ? CompiledQuery.raw(TEXT.postgres.one, [email, categoryId]) : CompiledQuery.raw(TEXT.sqlite.one, [categoryId, email, email]);
  return (await db.executeQuery<FactRow>(query)).rows;
}

async function findRecipientsForCategory(db: Kysely<Database>, categoryId: string, normalizedEmails: readonly string[]): Promise<Map<string, KnownRecipient>> {
  type Row = { email_normalized: string; marketing_opt_out: number; status: SubscriptionStatus | null };
  const found = new Map<string, KnownRecipient>();
  for (const row of await run<Row>(db, 'recipients', normalizedEmails, categoryId)) {
    found.set(row.email_normalized, { marketingOptOut: Boolean(row.marketing_opt_out), subscription: row.status ?? null });
  }
  return found;
}

export async function findSuppressionReasons(db: Kysely<Database>, normalizedEmails: readonly string[]): Promise<Map<string, Set<SuppressionReason>>> {
  const grouped = new Map<string, Set<SuppressionReason>>();
  for (const { email_normalized: email, reason } of await run<{ email_normalized: string; reason: SuppressionReason }>(db, 'suppressions', normalizedEmails)) {
    addReason(grouped, email, reason);
  }
  return grouped;
}

function addReason(grouped: Map<string, Set<SuppressionReason>>, email: string, reason: SuppressionReason): void {
  const set = grouped.get(email);
  if (set) set.add(reason);
  else grouped.set(email, new Set([reason]));
}

export async function findErasedHashes(db: Kysely<Database>, hashes: readonly string[]): Promise<Set<string>> {
  return new Set((await run<{ email_hash: string }>(db, 'erased', hashes)).map((r) => r.email_hash));
}
