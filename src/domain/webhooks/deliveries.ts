// An endpoint's deliveries: the history shown to its owner, and a retry on demand.
import type { Kysely } from 'kysely';
import { notFound } from '../../core/errors.js';
import { nowIso } from '../../core/ids.js';
import type { Database, WebhookDeliveryStatus } from '../../db/schema.js';
import { findWebhookDelivery, listWebhookDeliveries, requeueWebhookDelivery, type WebhookDeliveryRow } from '../../db/webhook-deliveries.js';
import { endpointRow } from './endpoints.js';

export interface WebhookDelivery {
  id: string;
  eventId: string;
  type: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  /** Milliseconds from the change to the endpoint's 2xx. */
  latencyMs: number | null;
  createdAt: string;
}

const toDelivery = (r: WebhookDeliveryRow): WebhookDelivery => ({
  id: r.id,
  eventId: r.event_id,
  type: r.event_type,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
  lastAttemptAt: r.last_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  latencyMs: r.latency_ms,
  createdAt: r.created_at,
});

/** An endpoint's deliveries, newest first; the cursor is opaque. */
export async function listDeliveries(
  db: Kysely<Database>,
  id: string,
  q: { after?: string | undefined; limit: number; status?: WebhookDeliveryStatus | undefined },
): Promise<{ data: WebhookDelivery[]; next: string | null }> {
  await endpointRow(db, id);
  const rows = await listWebhookDeliveries(db, id, { before: q.after === undefined ? undefined : Number(q.after), limit: q.limit + 1, status: q.status });
  const page = rows.slice(0, q.limit);
  return { data: page.map(toDelivery), next: rows.length > q.limit ? String(page[page.length - 1]!.position) : null };
}

/** Queues a delivery again, due at once, with a fresh retry window. */
export async function retryDelivery(db: Kysely<Database>, endpointId: string, deliveryId: string): Promise<WebhookDelivery> {
  await endpointRow(db, endpointId);
  if (!(await findWebhookDelivery(db, endpointId, deliveryId))) throw notFound('Delivery');
  await requeueWebhookDelivery(db, deliveryId, nowIso());
  return toDelivery((await findWebhookDelivery(db, endpointId, deliveryId))!);
}
