// Sends what the outbox holds: at least once, per endpoint in order, one sender per endpoint at a time
// (a lease, so several instances share the queue without sending twice), retried with exponential
// backoff for RETRY_WINDOW_MS; an endpoint that failed throughout the window is disabled. An endpoint is
// served a batch at a time (one lease, one read, the POSTs one after another, one write): a crash
// before the write sends the batch's 2xx again, which at-least-once allows and `webhook-id` de-duplicates.
import type { Kysely } from 'kysely';
import { newId } from '../../core/ids.js';
import { onOutboxCommit } from '../../db/commit-signal.js';
import type { Database } from '../../db/schema.js';
import { type Delivered, pendingWebhookBatch, recordWebhookBatch } from '../../db/webhook-batches.js';
import { leaseWebhookEndpoint, listDueWebhookEndpoints, releaseWebhookEndpoint } from '../../db/webhook-endpoints.js';
import type { Telemetry } from '../operations/telemetry.js';
import { optOutLatencyIncrement } from './opt-out-latency.js';
import { liveSecrets, webhookBody } from './payload.js';
import { signingKey, webhookSender } from './send.js';

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

/** Calls `listener` each time a change in this process has queued deliveries, once it has committed. */
export function onWebhooksQueued(db: Kysely<Database>, listener: () => void): () => void {
  return onOutboxCommit(db, listener);
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

/** Deliveries read and recorded together: the POSTs between one read and its write (about 30 ms on loopback). */
const BATCH = 100;
/** How long a batch may go on before the endpoint and the queue are read again. */
const BATCH_MS = 1000;

async function serveEndpoint(db: Kysely<Database>, id: string, owner: string, opts: DeliveryRunOptions, now: () => Date, counts: DeliveryCounts) {
  // The lease outlasts one attempt with room to spare, so it cannot lapse while a request is in flight:
  // a batch stops before a POST that could outlive it, and the next batch renews it.
  const leaseMs = opts.timeoutMs * 2 + 30_000;
  const max = opts.maxPerEndpoint ?? 500;
  try {
    for (let served = 0; served < max; ) {
      const t = now();
      const leaseUntil = t.getTime() + leaseMs;
      const endpoint = await leaseWebhookEndpoint(db, id, owner, t.toISOString(), new Date(leaseUntil).toISOString());
      if (!endpoint) return;
      const wanted = Math.min(BATCH, max - served);
      const queued = await pendingWebhookBatch(db, id, wanted);
      const send = webhookSender(endpoint.url, opts);
      const keys = liveSecrets(endpoint, t).map(signingKey);
      const delivered: Delivered[] = [];
      let stopped = queued.length < wanted;
      for (const d of queued) {
        const sentAt = now();
        if (d.next_attempt_at > sentAt.toISOString()) {
          stopped = true;
          break;
        }
        // The next lease re-reads the endpoint and the addresses: a PATCH (URL, events, enabled) or an
        // erasure made meanwhile is seen within a second, as it was when each delivery read them itself.
        // At least one goes out per batch, so a machine too slow to lease and read within that second
        // still makes progress.
        const batchOver = delivered.length > 0 && sentAt.getTime() - t.getTime() > BATCH_MS;
        if (batchOver || sentAt.getTime() + opts.timeoutMs * 2 > leaseUntil) break;
        const outcome = await send(webhookBody(d), { id: d.event_id, timestamp: sentAt, keys });
        const at = now();
        const atIso = at.toISOString();
        if (outcome.ok) {
          const latencyMs = Math.max(0, at.getTime() - Date.parse(d.event_at));
          delivered.push({ id: d.id, at: atIso, httpStatus: outcome.status, latencyMs, counted: optOutLatencyIncrement(d, latencyMs) });
          continue;
        }
        // Nothing after a failed delivery goes out before it: the endpoint sees events in ledger order.
        stopped = true;
        const attempt = { at: atIso, httpStatus: outcome.status, error: outcome.error, latencyMs: null };
        const windowOver = at.getTime() - Date.parse(d.first_attempt_at ?? atIso) >= RETRY_WINDOW_MS;
        const failed = windowOver
          ? { id: d.id, outcome: { ...attempt, status: 'failed', nextAttemptAt: atIso } as const }
          : { id: d.id, outcome: { ...attempt, status: 'pending', nextAttemptAt: new Date(at.getTime() + backoffMs(d.attempts + 1)).toISOString() } as const };
        await recordWebhookBatch(db, { delivered, failed, disable: windowOver ? { endpointId: id, at: atIso } : undefined });
        settle(delivered, queued, opts, counts);
        if (windowOver) counts.disabled++;
        else counts.failed++;
        return;
      }
      if (delivered.length > 0) await recordWebhookBatch(db, { delivered });
      settle(delivered, queued, opts, counts);
      served += delivered.length;
      if (stopped || delivered.length === 0) return;
    }
  } finally {
    await releaseWebhookEndpoint(db, id, owner);
  }
}

// Counted once recorded, so a run's counts and the histogram say what the database says.
function settle(delivered: readonly Delivered[], queued: readonly { id: string; event_type: string }[], opts: DeliveryRunOptions, counts: DeliveryCounts) {
  counts.delivered += delivered.length;
  if (!opts.telemetry) return;
  const types = new Map(queued.map((d) => [d.id, d.event_type]));
  for (const d of delivered) opts.telemetry.webhookDelivered(types.get(d.id)!, d.latencyMs / 1000);
}
