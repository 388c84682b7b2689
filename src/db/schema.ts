// Row types of every table, as the storage layer sees them. They never leave src/db: repositories
// map rows to domain objects. Booleans are 0/1 and times ISO-8601 UTC text on both dialects, so that
// better-sqlite3 (which binds neither booleans nor Dates) and pg read and write the same values.
import type { Generated } from 'kysely';
import type {
  CategoryKind,
  ConsentEventType,
  ConsentMode,
  ConsentSource,
  NoticeSkipReason,
  SubscriptionStatus,
  SuppressionReason,
} from '../core/vocabulary.js';

/** The next free call slot (ms since the epoch) of a rate-limited provider, shared by all instances. */
export interface ProviderBudgetTable {
  name: string;
  next_at: number;
}

export interface CategoriesTable {
  id: string;
  key: string;
  name: string;
  description: string | null;
  kind: CategoryKind;
  consent: ConsentMode;
  double_opt_in: number;
  created_at: string;
  updated_at: string;
  /** When an admin archived it (migration 0070); null while in use. */
  archived_at: string | null;
}

export interface RecipientsTable {
  id: string;
  email: string;
  email_normalized: string;
  external_id: string | null;
  locale: string | null;
  marketing_opt_out: number;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionsTable {
  recipient_id: string;
  category_id: string;
  status: SubscriptionStatus;
  source: ConsentSource;
  updated_at: string;
}

export interface SuppressionsTable {
  id: string;
  /** Null only for `erased`, which keeps nothing but the keyed hash. */
  email: string | null;
  email_normalized: string | null;
  /** HMAC-SHA256(HASH_KEY, normalized address), hex; set for every reason. */
  email_hash: string;
  reason: SuppressionReason;
  note: string | null;
  created_at: string;
}

export interface ConsentEventsTable {
  id: string;
  /** Gapless, assigned under a lock: the order of the ledger and the cursor of GET /v1/events. */
  seq: number;
  type: ConsentEventType;
  recipient_id: string | null;
  category_key: string | null;
  source: ConsentSource;
  actor: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON text: what changed (from/to), the consent wording shown, and so on. */
  detail: string | null;
  at: string;
  prev_hash: string;
  hash: string;
  /** Copies of detail's `noticeId` and `broadcastId`, for filtering (not hashed: verified against detail). */
  notice_id: string | null;
  broadcast_id: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** SHA-256 of the secret part, hex. The key itself is shown once and never stored. */
  secret_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  revoked_at: string | null;
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

export interface RateLimitsTable {
  /** `scope:keyed-hash`: never an address or IP in clear. */
  key: string;
  hits: number;
  window_ends_at: string;
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

/** A single-use confirmation mailed to the address on file before a data right is exercised. */
export interface StepUpsTable {
  /** The subject of the `step_up` token. */
  id: string;
  recipient_id: string;
  action: 'export' | 'delete' | 'email';
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface EmailChangesTable {
  /** The subject of the `email_change` token mailed to the new address. */
  id: string;
  recipient_id: string;
  new_email: string;
  created_at: string;
  expires_at: string;
}

/** Mail a page asked for, waiting to be dispatched (migration 0095, src/db/mail-jobs.ts). */
export interface MailJobsTable {
  id: string;
  kind: 'preferences_link' | 'email_change' | 'step_up';
  /** Null when the address asked about is nobody's: the job is discarded (docs/privacy.md). */
  recipient_id: string | null;
  /** The email change or step-up the link is for; null for a preferences link. */
  subject_id: string | null;
  created_at: string;
  /** Until when one instance holds the job; null or past: anyone may take it. */
  lease_until: string | null;
  attempts: Generated<number>;
}

export interface DailyStatsTable {
  /** UTC day, YYYY-MM-DD, of the change's time. */
  day: string;
  /** What was counted (src/db/daily-stats.ts): a consent event type, `suppressed_REASON`, `notice_TYPE`. */
  metric: string;
  /** '' when the change concerns no one category (marketing opt-out, suppressions). */
  category_key: string;
  /** The consent source; '' for notice events. */
  source: string;
  count: number;
}

export type OperatorRole = 'admin' | 'editor' | 'viewer';

export interface OperatorsTable {
  id: string;
  email: string;
  email_normalized: string;
  role: OperatorRole;
  /** `scrypt$N$r$p$salt$key`; null until the operator sets one from their link. */
  password_hash: string | null;
  /** SHA-256 of the one-time set-password token, hex; null once used. */
  setup_token_hash: string | null;
  setup_expires_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
  /** Migration 0071; null until the first sign-in. */
  last_sign_in_at: string | null;
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

export interface OperatorSessionsTable {
  /** SHA-256 of the cookie's token, hex: the token itself is never stored. */
  id: string;
  operator_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  /** The absolute end, however active the session is. */
  expires_at: string;
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

export interface Database {
  categories: CategoriesTable;
  recipients: RecipientsTable;
  subscriptions: SubscriptionsTable;
  suppressions: SuppressionsTable;
  consent_events: ConsentEventsTable;
  api_keys: ApiKeysTable;
  notices: NoticesTable;
  provider_budget: ProviderBudgetTable;
  notice_events: NoticeEventsTable;
  webhook_receipts: WebhookReceiptsTable;
  dev_outbox: DevOutboxTable;
  rate_limits: RateLimitsTable;
  broadcasts: BroadcastsTable;
  email_changes: EmailChangesTable;
  step_ups: StepUpsTable;
  daily_stats: DailyStatsTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  confirmation_outbox: ConfirmationOutboxTable;
  mail_jobs: MailJobsTable;
}

export type { Generated };
