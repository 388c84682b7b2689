// The domain's closed vocabularies (docs/api.md "Words"). Every state and reason is one of these unions.

export type CategoryKind = 'marketing' | 'transactional';
export type ConsentMode = 'opt_in' | 'opt_out';
export type SubscriptionStatus = 'subscribed' | 'unsubscribed' | 'pending';
export type SuppressionReason = 'hard_bounce' | 'complaint' | 'manual' | 'erased';

export type ConsentSource =
  | 'api'
  | 'one_click'
  | 'unsubscribe_page'
  | 'preference_page'
  | 'confirmation'
  | 'webhook'
  | 'import'
  | 'erasure'
  // The double opt-in expiry job: nobody acted. Not `confirmation`, which would claim the person did
  // the opposite of what happened in the very record that must demonstrate consent (GDPR Art. 7(1)).
  | 'expiry'
  // An operator acting in the console at /admin; the actor is `operator:ID`.
  | 'console';

export const CONSENT_SOURCES: readonly ConsentSource[] = [
  'api',
  'one_click',
  'unsubscribe_page',
  'preference_page',
  'confirmation',
  'webhook',
  'import',
  'erasure',
  'expiry',
  'console',
];

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
}

export interface Subscription {
  status: SubscriptionStatus;
  updatedAt: string;
  source: string;
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
