// Row types of every table, as the storage layer sees them, and the one Database they make up: here the
// people, their consent and access; sending mail and webhooks in schema-sending.ts, the console in
// schema-console.ts (re-exported here). They never leave src/db: repositories map rows to domain objects. Booleans are 0/1 and times ISO-8601 UTC text on both dialects, so that
// better-sqlite3 (which binds neither booleans nor Dates) and pg read and write the same values.
import type { Generated } from 'kysely';
import type { CategoryKind, ConsentEventType, ConsentMode, ConsentSource, SubscriptionStatus, SuppressionReason } from '../core/vocabulary.js';
import type { OperatorSessionsTable, OperatorsTable } from './schema-console.js';
import type {
  BroadcastsTable,
  ConfirmationOutboxTable,
  DevOutboxTable,
  NoticeEventsTable,
  NoticesTable,
  ProviderBudgetTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
  WebhookReceiptsTable,
} from './schema-sending.js';

export type * from './schema-console.js';
export type * from './schema-sending.js';

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

export interface RateLimitsTable {
  /** `scope:keyed-hash`: never an address or IP in clear. */
  key: string;
  hits: number;
  window_ends_at: string;
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
