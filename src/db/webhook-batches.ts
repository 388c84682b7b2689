// An endpoint's deliveries a batch at a time: one read of the queue's head with what the payloads
// need, and one transaction recording every outcome of the batch. Per delivery that was a lease, three
// reads and a write in turn, most of a delivery's time on loopback (docs/performance.md "Webhook delivery").
import { CompiledQuery, type Kysely } from 'kysely';
import { countDailyStats, type StatIncrement } from './daily-stats.js';
import { isPostgres } from './dialect.js';
import type { Database, WebhookDeliveriesTable } from './schema.js';
import { inTransaction } from './transaction.js';
import { type AttemptOutcome, recordWebhookAttempt } from './webhook-deliveries.js';
import { updateWebhookEndpoint } from './webhook-endpoints.js';

/** What sending a queued delivery needs, and no more (reading every column cost about a tenth of a delivery's CPU in-process). */
export type QueuedDelivery = Pick<
  WebhookDeliveriesTable,
  'id' | 'event_id' | 'event_type' | 'event_at' | 'payload' | 'recipient_id' | 'email' | 'attempts' | 'next_attempt_at' | 'first_attempt_at'
> & {
  /** The recipient's address and external id now; null once they are erased (or for no recipient). */
  contact: { email: string; externalId: string | null } | null;
};

// The first `limit` pending deliveries of an endpoint in queue order, with each recipient's current
// address: nothing after the first goes out before it does.
export async function pendingWebhookBatch(db: Kysely<Database>, endpointId: string, limit: number): Promise<QueuedDelivery[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .leftJoin('recipients as r', 'r.id', 'd.recipient_id')
    .select([
      'd.id',
      'd.event_id',
      'd.event_type',
      'd.event_at',
      'd.payload',
      'd.recipient_id',
      'd.email',
      'd.attempts',
      'd.next_attempt_at',
      'd.first_attempt_at',
    ])
    .select(['r.email as contact_email', 'r.external_id as contact_external_id'])
    .where('d.endpoint_id', '=', endpointId)
    .where('d.status', '=', 'pending')
    .orderBy('d.position')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    event_id: r.event_id,
    event_type: r.event_type,
    event_at: r.event_at,
    payload: r.payload,
    recipient_id: r.recipient_id,
    email: r.email,
    attempts: Number(r.attempts),
    next_attempt_at: r.next_attempt_at,
    first_attempt_at: r.first_attempt_at,
    contact: r.contact_email === null ? null : { email: r.contact_email, externalId: r.contact_external_id },
  }));
}

export interface Delivered {
  id: string;
  at: string;
  httpStatus: number;
  latencyMs: number;
  /** What the delivery adds to the daily counters on its first 2xx (opt-out-latency.ts). */
  counted: readonly StatIncrement[];
}

export interface BatchOutcome {
  delivered: readonly Delivered[];
  /** The attempt that stopped the batch, if one failed. */
  failed?: { id: string; outcome: AttemptOutcome } | undefined;
  /** Set when that failure ended the retry window: the endpoint is disabled in the same transaction. */
  disable?: { endpointId: string; at: string } | undefined;
}

// Marks every 2xx of the batch delivered in one statement (each with its own time, status and latency),
// only where the delivery was still pending; returns whether each was already counted before. On SQLite
// the unary + keeps the planner off the status index: through it, it scanned every pending delivery
// of every endpoint once per row of the list, instead of looking each id up by its key.
function deliveredStatement(postgres: boolean, delivered: readonly Delivered[]): CompiledQuery<{ id: string; latency_counted: number }> {
  const source = postgres
    ? 'json_to_recordset($1::json) as v(id text, at text, http_status integer, latency_ms bigint)'
    : `(select json_extract(value, '$.id') as id, json_extract(value, '$.at') as at, json_extract(value, '$.http_status') as http_status,
        json_extract(value, '$.latency_ms') as latency_ms from json_each(?)) as v`;
  const text = `update webhook_deliveries set status = 'delivered', attempts = webhook_deliveries.attempts + 1,
      first_attempt_at = coalesce(webhook_deliveries.first_attempt_at, v.at), last_attempt_at = v.at, last_status = v.http_status,
      last_error = null, next_attempt_at = v.at, delivered_at = v.at, latency_ms = v.latency_ms
    from ${source}
    where webhook_deliveries.id = v.id and ${postgres ? '' : '+'}webhook_deliveries.status = 'pending'
    returning webhook_deliveries.id, webhook_deliveries.latency_counted`;
  const values = delivered.map((d) => ({ id: d.id, at: d.at, http_status: d.httpStatus, latency_ms: d.latencyMs }));
  return CompiledQuery.raw(text, [JSON.stringify(values)]);
}

/**
 * Records a batch's outcomes in one transaction: its 2xx, the failure that stopped it, the endpoint
 * disabled if that failure ended the window. The daily counters count a delivery's first 2xx only
 * (a replay delivers it again, uncounted).
 */
export async function recordWebhookBatch(db: Kysely<Database>, batch: BatchOutcome): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (batch.delivered.length > 0) {
      const settled = await trx.executeQuery(deliveredStatement(isPostgres(trx), batch.delivered));
      const firsts = new Set(settled.rows.filter((r) => Number(r.latency_counted) === 0).map((r) => r.id));
      const counted = batch.delivered.filter((d) => firsts.has(d.id) && d.counted.length > 0);
      if (counted.length > 0) {
        await trx
          .updateTable('webhook_deliveries')
          .set({ latency_counted: 1 })
          .where(
            'id',
            'in',
            counted.map((d) => d.id),
          )
          .execute();
        await countDailyStats(
          trx,
          counted.flatMap((d) => d.counted),
        );
      }
    }
    if (batch.failed) await recordWebhookAttempt(trx, batch.failed.id, batch.failed.outcome);
    if (batch.disable) {
      const at = batch.disable.at;
      await updateWebhookEndpoint(trx, batch.disable.endpointId, { enabled: 0, disabled_reason: 'failing', disabled_at: at, updated_at: at });
    }
  });
}
