import type { Kysely, Selectable } from 'kysely';
import { normalizeEmail } from '../core/email.js';
import type { Category, ConsentSource, Recipient, Subscription, SubscriptionStatus } from '../core/vocabulary.js';
import { toCategory } from './categories.js';
import { isPostgres } from './dialect.js';
import type { Database, RecipientsTable } from './schema.js';

export type RecipientRow = Selectable<RecipientsTable>;
export type RecipientRef = { by: 'id' | 'email' | 'externalId'; value: string };

export function toRecipient(row: RecipientRow, subscriptions: Record<string, Subscription>): Recipient {
  return {
    id: row.id,
    email: row.email,
    externalId: row.external_id,
    locale: row.locale,
    marketingOptOut: Boolean(row.marketing_opt_out),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    subscriptions,
  };
}

// One recipient by id, normalized email or external id, with its subscriptions keyed by category key.
// `forUpdate` holds the row until the transaction ends, so that concurrent changes to one person apply
// one after the other, each seeing the last (PostgreSQL; SQLite runs one write transaction at a time).
export async function findRecipient(db: Kysely<Database>, ref: RecipientRef, opts: { forUpdate?: boolean } = {}): Promise<Recipient | undefined> {
  const column = ref.by === 'id' ? 'id' : ref.by === 'email' ? 'email_normalized' : 'external_id';
  const query = db.selectFrom('recipients').selectAll().where(column, '=', ref.value);
  const row = await (opts.forUpdate && isPostgres(db) ? query.forUpdate() : query).executeTakeFirst();
  if (!row) return undefined;
  return toRecipient(row, await subscriptionsOf(db, row.id));
}

// Holds one recipient's row until the transaction ends (PostgreSQL), as findRecipient's forUpdate does,
// for a change that needs the lock but not the record. False when nobody has this id.
export async function lockRecipientRow(trx: Kysely<Database>, id: string): Promise<boolean> {
  const query = trx.selectFrom('recipients').select('id').where('id', '=', id);
  return (await (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst()) !== undefined;
}

// The id of the recipient with this normalized address: one indexed read, found or not, so that a
// caller that must not reveal who is on file does the same work either way.
export async function findRecipientIdByEmail(db: Kysely<Database>, emailNormalized: string): Promise<string | undefined> {
  const row = await db.selectFrom('recipients').select('id').where('email_normalized', '=', emailNormalized).executeTakeFirst();
  return row?.id;
}

// A recipient's subscriptions keyed by category key.
async function subscriptionsOf(db: Kysely<Database>, recipientId: string): Promise<Record<string, Subscription>> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('categories as c', 'c.id', 's.category_id')
    .select(['c.key', 's.status', 's.source', 's.updated_at'])
    .where('s.recipient_id', '=', recipientId)
    .orderBy('c.key')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.key, { status: r.status, source: r.source, updatedAt: r.updated_at }]));
}

// Inserts a recipient; returns false when the address is already stored (a concurrent upsert won).
export async function insertRecipient(db: Kysely<Database>, r: Omit<Recipient, 'subscriptions'>): Promise<boolean> {
  const inserted = await db
    .insertInto('recipients')
    .values({
      id: r.id,
      email: r.email,
      email_normalized: normalizeEmail(r.email),
      external_id: r.externalId,
      locale: r.locale,
      marketing_opt_out: r.marketingOptOut ? 1 : 0,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    })
    .onConflict((oc) => oc.column('email_normalized').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateRecipientRow(
  db: Kysely<Database>,
  id: string,
  patch: { email?: string; externalId?: string | null; locale?: string | null; marketingOptOut?: boolean },
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('recipients')
    .set({
      ...(patch.email !== undefined && { email: patch.email, email_normalized: normalizeEmail(patch.email) }),
      ...(patch.externalId !== undefined && { external_id: patch.externalId }),
      ...(patch.locale !== undefined && { locale: patch.locale }),
      ...(patch.marketingOptOut !== undefined && { marketing_opt_out: patch.marketingOptOut ? 1 : 0 }),
      updated_at: updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

// Sets one subscription's state, creating the row on first use.
export async function upsertSubscription(
  db: Kysely<Database>,
  s: { recipientId: string; categoryId: string; status: SubscriptionStatus; source: ConsentSource; updatedAt: string },
): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({ recipient_id: s.recipientId, category_id: s.categoryId, status: s.status, source: s.source, updated_at: s.updatedAt })
    .onConflict((oc) => oc.columns(['recipient_id', 'category_id']).doUpdateSet({ status: s.status, source: s.source, updated_at: s.updatedAt }))
    .execute();
}

// What a change by link needs: that the recipient exists, the category, and the recipient's
// state in it. On PostgreSQL the recipient's row is locked first, in a statement of its own, as
// findRecipient's forUpdate does, so concurrent changes of one person's consent queue up
// (src/db/transaction.ts). Not `FOR UPDATE OF r` on the join: a statement that waited for the lock
// re-reads only the locked row (PostgreSQL manual, "READ COMMITTED"), and the joined subscription
// would be the one from before the wait, breaking the ledger's from/to chain.
export async function findLinkTarget(
  trx: Kysely<Database>,
  recipientId: string,
  categoryId: string,
): Promise<{ category: Category; subscription: Subscription | null } | undefined> {
  if (isPostgres(trx) && !(await lockRecipientRow(trx, recipientId))) return undefined;
  // Two keyed reads rather than one three-way join: on SQLite the join (categories scanned per row) took
  // several times the two lookups together (docs/performance.md "One-click").
  const row = await trx
    .selectFrom('recipients as r')
    .leftJoin('subscriptions as s', (j) => j.onRef('s.recipient_id', '=', 'r.id').on('s.category_id', '=', categoryId))
    .select(['s.status as status', 's.source as source', 's.updated_at as updatedAt'])
    .where('r.id', '=', recipientId)
    .executeTakeFirst();
  if (!row) return undefined;
  const category = await trx.selectFrom('categories').selectAll().where('id', '=', categoryId).executeTakeFirst();
  if (!category) return undefined;
  const { status, source, updatedAt } = row;
  return { category: toCategory(category), subscription: status && source && updatedAt ? { status, source, updatedAt } : null };
}
