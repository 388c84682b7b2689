// Sends what the outbox holds: at least once, per endpoint in order, one sender per endpoint at a time
// (a lease, so several instances share the queue without sending twice), retried with exponential
// backoff for RETRY_WINDOW_MS; an endpoint that failed throughout the window is disabled.
import type { Kysely } from 'kysely';
import { newId } from '../../core/ids.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { currentContactOf, headWebhookDelivery, recordWebhookAttempt, recordWebhookDelivered, type WebhookDeliveryRow } from '../../db/webhook-deliveries.js';
import {
  findWebhookEndpoint,
  leaseWebhookEndpoint,
  listDueWebhookEndpoints,
  releaseWebhookEndpoint,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from '../../db/webhook-endpoints.js';
import type { Telemetry } from '../operations/telemetry.js';
import { optOutLatencyIncrement } from './opt-out-latency.js';
import { postWebhook } from './send.js';

/** Three days, as Svix and Stripe retry: long enough to outlast a weekend outage. */
export const RETRY_WINDOW_MS = 3 * 86_400_000;

/** The wait after the n-th failed attempt: 30 s, 1 min, 2 min… doubling, at most 12 hours. */
export function backoffMs(failedAttempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failedAttempts - 1), 12 * 3_600_000);
}

export interface DeliveryRunOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** The clock; tests move it to cross the retry window. */
  now?: () => Date;
  /** Endpoints served at once. */
  concurrency?: number;
  /** Deliveries one endpoint gets in one run, so a long queue does not starve the others. */
  maxPerEndpoint?: number;
  /** Where the time from each change to its 2xx is reported (a histogram on /metrics). */
  telemetry?: Telemetry;
}

export interface DeliveryCounts {
  delivered: number;
  failed: number;
  disabled: number;
}

export async function deliverWebhooks(db: Kysely<Database>, opts: DeliveryRunOptions): Promise<DeliveryCounts> {
  const now = opts.now ?? (() => new Date());
  const owner = newId();
  const counts: DeliveryCounts = { delivered: 0, failed: 0, disabled: 0 };
  const due = await listDueWebhookEndpoints(db, now().toISOString(), 200);
  let next = 0;
  const worker = async () => {
    while (next < due.length) await serveEndpoint(db, due[next++]!, owner, opts, now, counts);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, due.length) }, worker));
  return counts;
}

async function serveEndpoint(db: Kysely<Database>, id: string, owner: string, opts: DeliveryRunOptions, now: () => Date, counts: DeliveryCounts) {
  // The lease outlasts one attempt with room to spare, so it cannot lapse while a request is in flight.
  const leaseMs = opts.timeoutMs * 2 + 30_000;
  try {
    for (let n = 0; n < (opts.maxPerEndpoint ?? 500); n++) {
      const t = now();
      if (!(await leaseWebhookEndpoint(db, id, owner, t.toISOString(), new Date(t.getTime() + leaseMs).toISOString()))) return;
      const endpoint = await findWebhookEndpoint(db, id);
      const head = await headWebhookDelivery(db, id);
      if (endpoint?.enabled !== 1 || !head || head.next_attempt_at > t.toISOString()) return;
      const body = await bodyOf(db, head);
      const outcome = await postWebhook(endpoint.url, body, { id: head.event_id, timestamp: t, secrets: liveSecrets(endpoint, t) }, opts);
      const at = now();
      const atIso = at.toISOString();
      if (outcome.ok) {
        const latencyMs = Math.max(0, at.getTime() - Date.parse(head.event_at));
        const settled = { at: atIso, status: 'delivered', httpStatus: outcome.status, error: null, nextAttemptAt: atIso, latencyMs } as const;
        await recordWebhookDelivered(db, head.id, settled, optOutLatencyIncrement(head, latencyMs));
        opts.telemetry?.webhookDelivered(head.event_type, latencyMs / 1000);
        counts.delivered++;
        continue;
      }
      const firstAttempt = Date.parse(head.first_attempt_at ?? atIso);
      if (at.getTime() - firstAttempt >= RETRY_WINDOW_MS) {
        await inTransaction(db, async (trx) => {
          await recordWebhookAttempt(trx, head.id, {
            at: atIso,
            status: 'failed',
            httpStatus: outcome.status,
            error: outcome.error,
            nextAttemptAt: atIso,
            latencyMs: null,
          });
          await updateWebhookEndpoint(trx, id, { enabled: 0, disabled_reason: 'failing', disabled_at: atIso, updated_at: atIso });
        });
        counts.disabled++;
        return;
      }
      const nextAttemptAt = new Date(at.getTime() + backoffMs(head.attempts + 1)).toISOString();
      await recordWebhookAttempt(db, head.id, {
        at: atIso,
        status: 'pending',
        httpStatus: outcome.status,
        error: outcome.error,
        nextAttemptAt,
        latencyMs: null,
      });
      counts.failed++;
      // Nothing after a failed delivery goes out before it: the endpoint sees events in ledger order.
      return;
    }
  } finally {
    await releaseWebhookEndpoint(db, id, owner);
  }
}

// The new secret signs; after a rotation the old one signs too for a day, so receivers can switch over.
function liveSecrets(endpoint: WebhookEndpointRow, at: Date): string[] {
  const previous = endpoint.previous_secret && endpoint.previous_secret_until && endpoint.previous_secret_until > at.toISOString();
  return previous ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret];
}

// Addresses are looked up when sending, never stored with the event: once the person is erased, a
// retried delivery carries none (GDPR Art. 17).
async function bodyOf(db: Kysely<Database>, d: WebhookDeliveryRow): Promise<string> {
  const data = JSON.parse(d.payload) as Record<string, unknown>;
  if (d.event_type === 'consent.changed' && d.recipient_id) {
    const contact = await currentContactOf(db, d.recipient_id);
    data.email = contact?.email ?? null;
    data.externalId = contact?.externalId ?? null;
  }
  if (d.event_type.startsWith('suppression.')) data.email = d.email;
  return JSON.stringify({ id: d.event_id, type: d.event_type, timestamp: d.event_at, data });
}
