// The domain's closed vocabularies (docs/api.md "Words"). Every state and reason is one of these unions.

export const CATEGORY_KINDS = ['marketing', 'transactional'] as const;
export type CategoryKind = (typeof CATEGORY_KINDS)[number];
export const CONSENT_MODES = ['opt_in', 'opt_out'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];
export const SUBSCRIPTION_STATUSES = ['subscribed', 'unsubscribed', 'pending'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const SUPPRESSION_REASONS = ['hard_bounce', 'complaint', 'manual', 'erased'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Where a consent change came from: every ledger event and every subscription carries one. */
export const CONSENT_SOURCES = [
  'api',
  'one_click',
  'unsubscribe_page',
  'preference_page',
  'confirmation',
  'webhook',
  'import',
  'erasure',
  // The double opt-in expiry job: nobody acted. Not `confirmation`, which would claim the person did
  // the opposite of what happened in the very record that must demonstrate consent (GDPR Art. 7(1)).
  'expiry',
  // An operator acting in the console at /admin; the actor is `operator:ID`.
  'console',
  // Whoever runs `mailprefs` on the server (operators commands); the actor is `system`.
  'cli',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** What a consent-ledger event records (GET /v1/events `type`). */
export const CONSENT_EVENT_TYPES = [
  // A subscription's new status (change-consent.ts): also an Undo's restore.
  'subscribed',
  'unsubscribed',
  'pending',
  // A double opt-in left unconfirmed past PENDING_EXPIRY_DAYS.
  'expired',
  'marketing_opt_out',
  'marketing_opt_in',
  'email_changed',
  'suppressed',
  'unsuppressed',
  'erased',
  // Someone was handed a copy of the person's data (privacy/export.ts): who and when, never the data.
  'data_exported',
  // Operators' changes to configuration, from the console (src/domain/console/audit.ts).
  'category_created',
  'category_changed',
  'category_archived',
  'category_unarchived',
  'api_key_created',
  'api_key_revoked',
  'broadcast_created',
  'broadcast_cancelled',
  'webhook_endpoint_created',
  'webhook_endpoint_changed',
  'operator_created',
  'operator_changed',
  'operator_disabled',
  'operator_reset',
  // An operator chose a new password themselves, knowing the old one (console/own-password.ts).
  'operator_password_changed',
] as const;
export type ConsentEventType = (typeof CONSENT_EVENT_TYPES)[number];

/** Eligibility's answers (docs/api.md "Eligibility"), split by the verdict each goes with. */
export const ELIGIBLE_REASONS = ['transactional', 'subscribed'] as const;
export type EligibleReason = (typeof ELIGIBLE_REASONS)[number];
export const INELIGIBLE_REASONS = [
  'category_archived',
  'suppressed_bounce',
  'suppressed_complaint',
  'suppressed_manual',
  'suppressed_erased',
  'marketing_opt_out',
  'unsubscribed',
  'pending_confirmation',
  'not_subscribed',
  'unknown_recipient',
  'invalid_email',
] as const;
export type IneligibleReason = (typeof INELIGIBLE_REASONS)[number];
export type EligibilityReason = EligibleReason | IneligibleReason;
/** A skipped notice's reason is the eligibility answer that stopped it. */
export type NoticeSkipReason = IneligibleReason;

/** What an API key may do (docs/api.md "API"). */
export const SCOPES = ['admin', 'eligibility:read', 'recipients:write', 'notices:send', 'privacy', 'metrics:read'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Category {
  id: string;
  key: string;
  name: string;
  description: string | null;
  kind: CategoryKind;
  consent: ConsentMode;
  doubleOptIn: boolean;
  createdAt: string;
  updatedAt: string;
  /** Retired by an admin: kept with all its history, offered to nobody, sends nothing (docs/api.md "Categories"). */
  archived: boolean;
  archivedAt: string | null;
}

export interface Subscription {
  status: SubscriptionStatus;
  updatedAt: string;
  source: ConsentSource;
}

export interface Recipient {
  id: string;
  email: string;
  externalId: string | null;
  locale: string | null;
  marketingOptOut: boolean;
  createdAt: string;
  updatedAt: string;
  subscriptions: Record<string, Subscription>;
}

/** Who changed consent, how and from where (GDPR Art. 7(1): the sender must be able to demonstrate it). */
export interface ConsentContext {
  source: ConsentSource;
  /** `key:ID` for an API key, `operator:ID` for a console operator, `recipient` for the person themselves, `system` otherwise. */
  actor: string;
  ip?: string | null;
  userAgent?: string | null;
  /** The wording the person was shown, or its version. */
  text?: string | null;
  /** The mail whose link the person followed, when they came from one (recorded in the event's detail). */
  trace?: MailTrace | undefined;
}

/** Which mail a link was put into: its notice, and the broadcast that notice belongs to, if any. */
export interface MailTrace {
  noticeId: string;
  broadcastId?: string | undefined;
}

/** What outbound webhooks announce (docs/api.md "Webhooks"). */
export const WEBHOOK_EVENT_TYPES = [
  'consent.changed',
  'suppression.created',
  'suppression.deleted',
  'recipient.erased',
  'notice.sent',
  'notice.delivered',
  'notice.bounced',
  'notice.complained',
  'notice.failed',
  'broadcast.finished',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
