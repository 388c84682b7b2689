// Deliveries of one endpoint: its queue in order (position), each attempt's outcome, and the history
// GET /v1/webhook-endpoints/ID/deliveries shows.
import type { Kysely, Selectable } from 'kysely';
import { countDailyStats, type StatIncrement } from './daily-stats.js';
import type { Database, WebhookDeliveriesTable, WebhookDeliveryStatus } from './schema.js';
import { inTransaction } from './transaction.js';

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

const normalize = (r: WebhookDeliveryRow): WebhookDeliveryRow => ({
  ...r,
  position: Number(r.position),
  latency_ms: r.latency_ms === null ? null : Number(r.latency_ms),
});

// The first pending delivery of an endpoint: nothing after it goes out before it does.
export async function headWebhookDelivery(db: Kysely<Database>, endpointId: string): Promise<WebhookDeliveryRow | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
  return row && normalize(row);
}

export interface AttemptOutcome {
  at: string;
  status: WebhookDeliveryStatus;
  httpStatus: number | null;
  error: string | null;
  nextAttemptAt: string;
  latencyMs: number | null;
}

// Records one attempt on a pending delivery; false when it was no longer pending.
export async function recordWebhookAttempt(db: Kysely<Database>, id: string, o: AttemptOutcome): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: o.status,
      attempts: eb('attempts', '+', 1),
      first_attempt_at: eb.fn.coalesce('first_attempt_at', eb.val(o.at)),
      last_attempt_at: o.at,
      last_status: o.httpStatus,
      last_error: o.error,
      next_attempt_at: o.nextAttemptAt,
      delivered_at: o.status === 'delivered' ? o.at : null,
      latency_ms: o.latencyMs,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// Records a delivery's 2xx and bumps the daily counters it adds to, in one transaction: only if this
// attempt is the one that settled it, and only for its first 2xx (a replay delivers it again, uncounted).
export async function recordWebhookDelivered(db: Kysely<Database>, id: string, o: AttemptOutcome, counted: readonly StatIncrement[]): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (!(await recordWebhookAttempt(trx, id, o)) || counted.length === 0) return;
    const first = await trx
      .updateTable('webhook_deliveries')
      .set({ latency_counted: 1 })
      .where('id', '=', id)
      .where('latency_counted', '=', 0)
      .executeTakeFirst();
    if (Number(first.numUpdatedRows) === 1) await countDailyStats(trx, counted);
  });
}

// One endpoint's deliveries, newest first, after a cursor (a position).
export async function listWebhookDeliveries(
  db: Kysely<Database>,
  endpointId: string,
  q: { before?: number | undefined; limit: number; status?: WebhookDeliveryStatus | undefined },
): Promise<WebhookDeliveryRow[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (q.before !== undefined) query = query.where('position', '<', q.before);
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  const rows = await query.orderBy('position', 'desc').limit(q.limit).execute();
  return rows.map(normalize);
}

export async function findWebhookDelivery(db: Kysely<Database>, endpointId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('id', '=', id).executeTakeFirst();
  return row && normalize(row);
}

// Puts a delivery back in the queue, due at once, with a fresh retry window.
export async function requeueWebhookDelivery(db: Kysely<Database>, id: string, now: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, first_attempt_at: null, delivered_at: null, latency_ms: null })
    .where('id', '=', id)
    .execute();
}

// The address and external id a recipient has now; nothing once they are erased.
export async function currentContactOf(db: Kysely<Database>, recipientId: string): Promise<{ email: string; externalId: string | null } | undefined> {
  const row = await db.selectFrom('recipients').select(['email', 'external_id']).where('id', '=', recipientId).executeTakeFirst();
  return row && { email: row.email, externalId: row.external_id };
}

// Settled deliveries (delivered or failed) recorded before `before`, at most `limit`: the history kept
// only as long as notice logs (NOTICE_RETENTION_DAYS). Pending ones stay: they are still owed.
export async function deleteSettledWebhookDeliveries(db: Kysely<Database>, before: string, limit: number): Promise<number> {
  const ids = await db.selectFrom('webhook_deliveries').select('id').where('status', '!=', 'pending').where('created_at', '<', before).limit(limit).execute();
  if (ids.length === 0) return 0;
  const r = await db
    .deleteFrom('webhook_deliveries')
    .where(
      'id',
      'in',
      ids.map((i) => i.id),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
