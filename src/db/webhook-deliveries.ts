// Deliveries of one endpoint: its queue in order (position), each attempt's outcome, and the history
// GET /v1/webhook-endpoints/ID/deliveries shows.
import type { Kysely, Selectable } from 'kysely';
import { markOutboxWritten } from './commit-signal.js';
import type { Database, WebhookDeliveriesTable, WebhookDeliveryStatus } from './schema.js';

export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

const normalize = (r: WebhookDeliveryRow): WebhookDeliveryRow => ({
  ...r,
  position: Number(r.position),
  latency_ms: r.latency_ms === null ? null : Number(r.latency_ms),
});

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
  await markOutboxWritten(db);
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
