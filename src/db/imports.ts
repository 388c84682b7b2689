// The set-wise reads and writes of an import batch: a few statements per few hundred rows, so a large
// list goes in at tens of thousands of rows a second instead of one transaction per person.
import type { Kysely } from 'kysely';
import type { SubscriptionStatus, SuppressionReason } from '../core/vocabulary.js';
import type { Database } from './schema.js';

export interface StoredPerson {
  id: string;
  emailNormalized: string;
  externalId: string | null;
  locale: string | null;
  /** Category id → status. */
  subscriptions: Map<string, SubscriptionStatus>;
}

const CHUNK = 900;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

// The recipients with these normalized addresses, with their subscriptions by category id.
export async function findPeopleByEmail(trx: Kysely<Database>, normalized: readonly string[]): Promise<Map<string, StoredPerson>> {
  const out = new Map<string, StoredPerson>();
  const byId = new Map<string, StoredPerson>();
  for (const part of chunks(normalized)) {
    const rows = await trx.selectFrom('recipients').select(['id', 'email_normalized', 'external_id', 'locale']).where('email_normalized', 'in', part).execute();
    for (const r of rows) {
      const person = { id: r.id, emailNormalized: r.email_normalized, externalId: r.external_id, locale: r.locale, subscriptions: new Map() };
      out.set(r.email_normalized, person);
      byId.set(r.id, person);
    }
  }
  for (const part of chunks([...byId.keys()])) {
    const subs = await trx.selectFrom('subscriptions').select(['recipient_id', 'category_id', 'status']).where('recipient_id', 'in', part).execute();
    for (const s of subs) byId.get(s.recipient_id)?.subscriptions.set(s.category_id, s.status);
  }
  return out;
}

// Who holds each of these external ids.
export async function findExternalIdOwners(trx: Kysely<Database>, externalIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks(externalIds)) {
    const rows = await trx.selectFrom('recipients').select(['id', 'external_id']).where('external_id', 'in', part).execute();
    for (const r of rows) if (r.external_id !== null) out.set(r.external_id, r.id);
  }
  return out;
}

// The suppression reasons of each keyed address hash.
export async function findSuppressionReasons(trx: Kysely<Database>, hashes: readonly string[]): Promise<Map<string, SuppressionReason[]>> {
  const out = new Map<string, SuppressionReason[]>();
  for (const part of chunks(hashes)) {
    const rows = await trx.selectFrom('suppressions').select(['email_hash', 'reason']).where('email_hash', 'in', part).execute();
    for (const r of rows) out.set(r.email_hash, [...(out.get(r.email_hash) ?? []), r.reason]);
  }
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

/** Inserts new recipients; returns the ids that went in (an address a concurrent writer stored first does not). */
export async function insertPeople(trx: Kysely<Database>, people: readonly NewPerson[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (const part of chunks(people)) {
    const rows = await trx
      .insertInto('recipients')
      .values(
        part.map((p) => ({
          id: p.id,
          email: p.email,
          email_normalized: p.emailNormalized,
          external_id: p.externalId,
          locale: p.locale,
          marketing_opt_out: 0,
          created_at: p.at,
          updated_at: p.at,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    for (const r of rows) inserted.add(r.id);
  }
  return inserted;
}

export interface SubscriptionWrite {
  recipientId: string;
  categoryId: string;
  status: SubscriptionStatus;
  at: string;
}

// Sets subscriptions, one row per recipient and category (the caller keeps the last of each).
export async function writeSubscriptions(trx: Kysely<Database>, writes: readonly SubscriptionWrite[]): Promise<void> {
  for (const part of chunks(writes)) {
    await trx
      .insertInto('subscriptions')
      .values(part.map((w) => ({ recipient_id: w.recipientId, category_id: w.categoryId, status: w.status, source: 'import', updated_at: w.at })))
      .onConflict((oc) =>
        oc.columns(['recipient_id', 'category_id']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          source: eb.ref('excluded.source'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
