// The development outbox: without a Resend key every email is kept here instead of being sent.
import type { Kysely, Selectable } from 'kysely';
import type { Database, DevOutboxTable } from './schema.js';

export type OutboxRow = Selectable<DevOutboxTable>;

// Keeps emails; a key already kept is not kept twice (as Resend's idempotency keys behave). Returns the
// id stored under each key, in input order.
export async function insertOutboxEmails(db: Kysely<Database>, rows: readonly OutboxRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  await db
    .insertInto('dev_outbox')
    .values([...rows])
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  const stored = await db
    .selectFrom('dev_outbox')
    .select(['id', 'idempotency_key'])
    .where(
      'idempotency_key',
      'in',
      rows.map((r) => r.idempotency_key),
    )
    .execute();
  const byKey = new Map(stored.map((r) => [r.idempotency_key, r.id]));
  return rows.map((r) => byKey.get(r.idempotency_key)!);
}

// The newest emails first, without their bodies.
export async function listOutbox(db: Kysely<Database>, limit: number): Promise<Pick<OutboxRow, 'id' | 'to_address' | 'subject' | 'created_at'>[]> {
  return db
    .selectFrom('dev_outbox')
    .select(['id', 'to_address', 'subject', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findOutboxEmail(db: Kysely<Database>, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('dev_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}
