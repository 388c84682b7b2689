// Row types of the tables of sending mail (notices, broadcasts, the provider's pace and receipts, the
// development outbox) and of outbound webhooks. Part of schema.ts's Database; the same conventions.
import type { Generated } from 'kysely';
import type { NoticeSkipReason } from '../core/vocabulary.js';

/** The next free call slot (ms since the epoch) of a rate-limited provider, shared by all instances. */
export interface ProviderBudgetTable {
  name: string;
  next_at: number;
}

export type NoticeStatus = 'queued' | 'sent' | 'skipped' | 'failed' | 'delivered' | 'bounced' | 'complained';

export interface NoticesTable {
  id: string;
  /** `API_KEY_ID:KEY` so two clients cannot collide; null when the caller gave none. */
  idempotency_key: string | null;
  /** SHA-256 of what was asked, to refuse a reused key with a different request. */
  request_hash: string | null;
  recipient_id: string | null;
  to_address: string;
  /** The address trimmed, NFC and lower-cased (src/core/email.ts): how a person's notices are found. */
  to_normalized: string | null;
  category_key: string;
  template: string;
  status: NoticeStatus;
  /** Set for a skipped notice only: the eligibility answer that stopped it. */
  reason: NoticeSkipReason | null;
  /** The Idempotency-Key given to the provider: one per provider call, shared by a batch. */
  provider_key: string | null;
  provider_id: string | null;
  from_address: string | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  /** JSON object of extra mail headers. Subject, bodies and headers are cleared once the provider accepted them. */
  headers: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface NoticeEventsTable {
  id: string;
  notice_id: string;
  type: string;
  detail: string | null;
  at: string;
}

export interface WebhookReceiptsTable {
  /** The `svix-id` of a delivered webhook: a replay carries the same id. */
  id: string;
  type: string;
  received_at: string;
}

export interface DevOutboxTable {
  id: string;
  idempotency_key: string;
  from_address: string;
  to_address: string;
  /** As on notices: how a person's messages are found for export and erasure. */
  to_normalized: string | null;
  subject: string;
  html: string;
  text: string;
  headers: string;
  created_at: string;
}

export type BroadcastStatus = 'queued' | 'running' | 'done' | 'failed';

export interface BroadcastsTable {
  id: string;
  category_key: string;
  template: string;
  /** JSON object: the template data, validated when the broadcast was created. */
  data: string;
  /** `API_KEY_ID:KEY`: one broadcast per key, so a retried request never announces twice. */
  idempotency_key: string | null;
  /** SHA-256 of category, template and data, to refuse a reused key with a different request. */
  request_hash: string;
  status: BroadcastStatus;
  /** `key:ID` of the API key that asked. */
  actor: string;
  /** The last recipient id walked; null before the first page. */
  cursor: string | null;
  /** The highest recipient id when the broadcast was created: the walk ends there. Null: nobody to walk. */
  last_recipient_id: string | null;
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  /** A random token of the walker holding the broadcast, until lease_until. */
  lease_owner: string | null;
  lease_until: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string | null;
  /** JSON array of event types; null = every type. */
  events: string | null;
  /** `whsec_…`: kept in clear, since each delivery is signed with it (Standard Webhooks, HMAC-SHA256). */
  secret: string;
  /** The secret before the last rotation, still signing beside the new one until previous_secret_until. */
  previous_secret: string | null;
  previous_secret_until: string | null;
  enabled: number;
  /** `failing` (every attempt failed for the whole retry window) or `manual`. */
  disabled_reason: string | null;
  disabled_at: string | null;
  /** The delivery run holding the endpoint's queue, until lease_until: one sender per endpoint. */
  lease_owner: string | null;
  lease_until: string | null;
  created_at: string;
  updated_at: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  position: Generated<number>;
  id: string;
  endpoint_id: string;
  /** The payload's id and the `webhook-id` header: the ledger seq, a notice event id or a broadcast id. */
  event_id: string;
  event_type: string;
  /** When the change happened: the start of the time-to-endpoint measure. */
  event_at: string;
  /** JSON of the event's data, never holding an address (those are added when sending). */
  payload: string;
  recipient_id: string | null;
  /** The address of a suppression event; erased with the person. */
  email: string | null;
  email_hash: string | null;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  first_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  /** Milliseconds from the change to the endpoint's 2xx. */
  latency_ms: number | null;
  /** 1 once that time is in the daily opt-out latency counters: a replay is not counted again. */
  latency_counted: Generated<number>;
  created_at: string;
}

export interface ConfirmationOutboxTable {
  id: string;
  recipient_id: string;
  category_id: string;
  created_at: string;
  attempts: Generated<number>;
}
