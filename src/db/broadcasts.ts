// Broadcasts and the walk over recipients they make. Every change to a running broadcast is fenced by
// its lease owner, so a walker that lost its lease (it stalled, another instance took over) changes nothing.
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { NoticeRow } from './notices.js';
import type { BroadcastStatus, BroadcastsTable, Database } from './schema.js';
import { inTransaction } from './transaction.js';
import { enqueueWebhookEvents } from './webhook-outbox.js';

export type BroadcastRow = Selectable<BroadcastsTable>;

export interface PageTally {
  sent: number;
  skipped: number;
  failed: number;
}

// Records a broadcast; false when its idempotency key already names one (a retried or concurrent request).
export async function insertBroadcast(db: Kysely<Database>, row: Insertable<BroadcastsTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('broadcasts')
    .values(row)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findBroadcastByIdempotencyKey(db: Kysely<Database>, key: string): Promise<BroadcastRow | undefined> {
  return db.selectFrom('broadcasts').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

export async function findBroadcast(db: Kysely<Database>, id: string): Promise<BroadcastRow | undefined> {
  return db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst();
}

// Broadcasts newest first (ids are time-ordered), those older than `beforeId` when given.
export async function listBroadcastsBefore(db: Kysely<Database>, beforeId: string | undefined, limit: number): Promise<BroadcastRow[]> {
  let query = db.selectFrom('broadcasts').selectAll().orderBy('id', 'desc').limit(limit);
  if (beforeId !== undefined) query = query.where('id', '<', beforeId);
  return query.execute();
}

// Broadcasts not yet done or failed, oldest first: the work a resume picks up.
export async function listUnfinishedBroadcastIds(db: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('broadcasts')
    .select('id')
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

// How many recipients there are now and the highest id among them: the extent of a new broadcast's walk.
export async function recipientExtent(db: Kysely<Database>): Promise<{ total: number; lastId: string | null }> {
  const row = await db
    .selectFrom('recipients')
    .select((eb) => [eb.fn.countAll<number | string>().as('total'), eb.fn.max('id').as('last_id')])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), lastId: row.last_id ?? null };
}

// The next page of recipients in id order, after `afterId` (null: from the start) up to `lastId`.
export async function listRecipientPage(db: Kysely<Database>, afterId: string | null, lastId: string, limit: number): Promise<{ id: string; email: string }[]> {
  let query = db.selectFrom('recipients').select(['id', 'email']).where('id', '<=', lastId).orderBy('id').limit(limit);
  if (afterId !== null) query = query.where('id', '>', afterId);
  return query.execute();
}

// Notices already recorded under these idempotency keys (a page walked before a crash).
export async function findNoticesByIdempotencyKeys(db: Kysely<Database>, keys: readonly string[]): Promise<NoticeRow[]> {
  if (keys.length === 0) return [];
  return db.selectFrom('notices').selectAll().where('idempotency_key', 'in', keys).execute();
}

// Takes the broadcast for one walker until `until`, unless another walker holds an unexpired lease.
export async function claimBroadcast(db: Kysely<Database>, id: string, owner: string, at: string, until: string): Promise<boolean> {
  const result = await db
    .updateTable('broadcasts')
    .set({ status: 'running', lease_owner: owner, lease_until: until, started_at: sql<string>`coalesce(started_at, ${at})`, updated_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

// Records a walked page: the cursor moves past it, its outcomes are added, the lease is extended.
export async function advanceBroadcast(
  db: Kysely<Database>,
  id: string,
  owner: string,
  step: { cursor: string; tally: PageTally; at: string; until: string },
): Promise<boolean> {
  const { tally } = step;
  const result = await db
    .updateTable('broadcasts')
    .set((eb) => ({
      cursor: step.cursor,
      sent: eb('sent', '+', tally.sent),
      skipped: eb('skipped', '+', tally.skipped),
      failed: eb('failed', '+', tally.failed),
      lease_until: step.until,
      updated_at: step.at,
    }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function finishBroadcast(
  db: Kysely<Database>,
  id: string,
  owner: string,
  status: Extract<BroadcastStatus, 'done' | 'failed'>,
  error: string | null,
  at: string,
): Promise<boolean> {
  // The announcement is queued in the transaction that finishes the broadcast (the webhook outbox).
  return inTransaction(db, async (trx) => {
    const row = await trx
      .updateTable('broadcasts')
      .set({ status, error, lease_owner: null, lease_until: null, finished_at: at, updated_at: at })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .returning(['category_key', 'template', 'total', 'sent', 'skipped', 'failed'])
      .executeTakeFirst();
    if (!row) return false;
    const data = {
      broadcastId: id,
      status,
      category: row.category_key,
      template: row.template,
      total: row.total,
      sent: row.sent,
      skipped: row.skipped,
      failed: row.failed,
      at,
    };
    await enqueueWebhookEvents(trx, [{ id, type: 'broadcast.finished', at, recipientId: null, data }]);
    return true;
  });
}

// Lets any walker take the broadcast again: at once (this one stops early, or hit an error), or from
// `notBefore` (the provider is unavailable: nobody should try again straight away).
export async function releaseBroadcast(db: Kysely<Database>, id: string, owner: string, notBefore: string | null = null): Promise<void> {
  await db.updateTable('broadcasts').set({ lease_owner: null, lease_until: notBefore }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

// Stops a queued or running broadcast: it ends `failed` with the reason, and its lease is dropped, so the
// walker's next page finds the broadcast no longer its own and stops. Returns false if it had finished.
export async function cancelBroadcastRow(db: Kysely<Database>, id: string, reason: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('broadcasts')
    .set({ status: 'failed', error: reason, lease_owner: null, lease_until: null, finished_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
