// The webhook outbox: a delivery row per enabled endpoint that wants the event, written in the
// transaction of the change itself (appendConsentEvents, addNoticeEvents, finishBroadcast call it), so a
// change is announced if and only if it committed, and no caller can forget (STYLE.md 2).
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { ConsentEventType, ConsentSource, WebhookEventType } from '../core/vocabulary.js';
import { markOutboxWritten } from './commit-signal.js';
import { insertRows } from './raw-rows.js';
import type { Database } from './schema.js';

export interface OutboxEvent {
  /** The payload's id and `webhook-id`: consumers de-duplicate on it. */
  id: string;
  type: WebhookEventType;
  at: string;
  recipientId: string | null;
  /** Only for suppression events, whose address may belong to no recipient; erased with the person. */
  email?: string | null;
  emailHash?: string | null;
  /** Never an address: those are added when sending, from what is still stored then. */
  data: Record<string, unknown>;
}

/** Who a consent event concerns, for the outbox only; never written to the ledger. */
export interface EventSubject {
  email?: string | null;
  emailHash?: string | null;
}

const CONSENT_CHANGES = new Set(['subscribed', 'unsubscribed', 'pending', 'expired', 'marketing_opt_out', 'marketing_opt_in']);

/** What a ledger event announces, if anything (an address change announces nothing: it carries none). */
export function ledgerOutboxEvent(
  e: {
    seq: number;
    type: ConsentEventType;
    recipientId: string | null;
    categoryKey: string | null;
    source: ConsentSource;
    detail?: Record<string, unknown> | null;
    at: string;
  },
  subject: EventSubject | undefined,
): OutboxEvent | null {
  const base = { id: String(e.seq), at: e.at, recipientId: e.recipientId };
  const detail = e.detail ?? {};
  if (CONSENT_CHANGES.has(e.type)) {
    const traced = {
      ...(typeof detail.noticeId === 'string' && { noticeId: detail.noticeId }),
      ...(typeof detail.broadcastId === 'string' && { broadcastId: detail.broadcastId }),
    };
    const status = e.categoryKey ? (detail.to ?? e.type) : null;
    const data = { recipientId: e.recipientId, category: e.categoryKey, change: e.type, status, source: e.source, at: e.at, ...traced };
    return { ...base, type: 'consent.changed', data };
  }
  if (e.type === 'suppressed' || e.type === 'unsuppressed') {
    const data = { recipientId: e.recipientId, reason: detail.reason ?? null, source: e.source, at: e.at };
    const type = e.type === 'suppressed' ? 'suppression.created' : 'suppression.deleted';
    return { ...base, type, email: subject?.email ?? null, emailHash: subject?.emailHash ?? null, data };
  }
  if (e.type === 'erased') {
    return {
      ...base,
      type: 'recipient.erased',
      emailHash: subject?.emailHash ?? null,
      data: { recipientId: e.recipientId, emailHash: subject?.emailHash ?? null, at: e.at },
    };
  }
  return null;
}

/** Records one delivery per enabled endpoint subscribed to each event, in the caller's transaction. */
export async function enqueueWebhookEvents(trx: Kysely<Database>, given: readonly OutboxEvent[] | (() => readonly OutboxEvent[])): Promise<void> {
  if (Array.isArray(given) && given.length === 0) return;
  const endpoints = await trx.selectFrom('webhook_endpoints').select(['id', 'events']).where('enabled', '=', 1).execute();
  if (endpoints.length === 0) return;
  // A function: the events are only worked out when some endpoint will receive them (an import's
  // million ledger events need no payloads when nobody listens).
  const events = typeof given === 'function' ? given() : given;
  const wanted = endpoints.map((ep) => ({ id: ep.id, types: ep.events === null ? null : new Set(JSON.parse(ep.events) as string[]) }));
  const created = new Date().toISOString();
  const rows = events.flatMap((e) =>
    wanted
      .filter((ep) => ep.types === null || ep.types.has(e.type))
      .map((ep) => [
        newId(),
        ep.id,
        e.id,
        e.type,
        e.at,
        JSON.stringify(e.data),
        e.recipientId,
        e.email ?? null,
        e.emailHash ?? null,
        'pending',
        0,
        created,
        created,
      ]),
  );
  if (rows.length === 0) return;
  await insertRows(trx, 'webhook_deliveries', DELIVERY_COLUMNS, rows);
  await markOutboxWritten(trx);
}

const DELIVERY_COLUMNS = [
  'id',
  'endpoint_id',
  'event_id',
  'event_type',
  'event_at',
  'payload',
  'recipient_id',
  'email',
  'email_hash',
  'status',
  'attempts',
  'next_attempt_at',
  'created_at',
];

// Erasure (GDPR Art. 17): queued or sent deliveries keep no address of the person.
export async function scrubWebhookAddresses(trx: Kysely<Database>, emailHash: string): Promise<void> {
  await trx.updateTable('webhook_deliveries').set({ email: null }).where('email_hash', '=', emailHash).execute();
}
