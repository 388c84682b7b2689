// Response bodies as zod schemas: the single source of the document's response schemas (z.toJSONSchema
// in schemas.ts) and of the client's result types (z.output, type-only, in src/client). Answers are
// built by the domain and not parsed on the way out; test/http/client.test.ts checks every real answer
// against the document. Objects are closed (additionalProperties: false) except where the body holds the
// caller's own data (template data) or an extensible problem (RFC 9457 §3.2 allows extension members).
import { z } from 'zod';
import {
  CATEGORY_KINDS,
  CONSENT_MODES,
  CONSENT_SOURCES,
  ELIGIBLE_REASONS,
  INELIGIBLE_REASONS,
  SUBSCRIPTION_STATUSES,
  SUPPRESSION_REASONS,
  WEBHOOK_EVENT_TYPES,
} from '../../core/vocabulary.js';

const nstr = z.string().nullable();
const count = z.int().min(0);
const data = z.record(z.string(), z.unknown());

export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const Category = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  description: nstr,
  kind: z.enum(CATEGORY_KINDS),
  consent: z.enum(CONSENT_MODES),
  doubleOptIn: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Retired: kept with its history, sends nothing, takes no new subscriptions. */
  archived: z.boolean(),
  archivedAt: nstr,
});

export const Recipient = z.object({
  id: z.string(),
  email: z.string(),
  externalId: nstr,
  locale: nstr,
  marketingOptOut: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  subscriptions: z.record(z.string(), z.object({ status: z.enum(SUBSCRIPTION_STATUSES), updatedAt: z.string(), source: z.enum(CONSENT_SOURCES) })),
});

const Decision = z.object({ eligible: z.boolean(), reason: z.enum([...ELIGIBLE_REASONS, ...INELIGIBLE_REASONS]) });
export const RecipientWithEligibility = Recipient.extend({ eligibility: z.record(z.string(), Decision) });

export const RecipientEvent = z.object({
  id: z.string(),
  type: z.string(),
  category: nstr,
  source: z.string(),
  actor: nstr,
  ip: nstr,
  userAgent: nstr,
  /** What changed (from/to), the wording shown, and the notice or broadcast a link came from. */
  detail: data.nullable(),
  at: z.string(),
});

export const Suppression = z.object({ id: z.string(), email: nstr, reason: z.enum(SUPPRESSION_REASONS), note: nstr, createdAt: z.string() });

export const Event = z.object({
  id: z.string(),
  type: z.string(),
  recipientId: nstr,
  category: nstr,
  source: z.string(),
  at: z.string(),
  /** The notice (and its broadcast) whose link the change came through. */
  noticeId: z.string().optional(),
  broadcastId: z.string().optional(),
});

export const Eligibility = Decision.extend({ email: z.string(), category: z.string() });
export const BulkEligibility = z.object({ category: z.string(), results: z.array(Decision.extend({ email: z.string() })) });

export const Links = z.object({
  preferencesUrl: z.string(),
  unsubscribeUrl: z.string().optional(),
  oneClickUrl: z.string().optional(),
  headers: z.object({ 'List-Unsubscribe': z.string(), 'List-Unsubscribe-Post': z.literal('List-Unsubscribe=One-Click') }).optional(),
  preferencesUrlExpiresAt: z.string().optional(),
});

const NOTICE_STATUSES = ['queued', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained'] as const;
export const NoticeResult = z.object({
  id: z.string(),
  status: z.enum(['sent', 'queued', 'skipped', 'failed']),
  providerId: nstr.optional(),
  reason: z.string().optional(),
});
export const NoticeBatch = z.object({
  results: z.array(
    z.union([
      NoticeResult.extend({ index: count }),
      z.object({ index: count, status: z.literal('rejected'), errors: z.array(z.object({ path: z.string(), message: z.string() })) }),
    ]),
  ),
});
export const NoticeView = z.object({
  id: z.string(),
  to: z.string(),
  category: z.string(),
  template: z.string(),
  status: z.enum(NOTICE_STATUSES),
  reason: z.string().optional(),
  providerId: nstr,
  createdAt: z.string(),
  events: z.array(z.object({ type: z.string(), at: z.string() })),
});
export const NoticeListItem = z.object({
  id: z.string(),
  to: z.string(),
  category: z.string(),
  template: z.string(),
  status: z.enum(NOTICE_STATUSES),
  reason: z.string().optional(),
  /** What the provider last answered. */
  error: z.string().optional(),
  attempts: count,
  providerId: nstr,
  broadcast: nstr,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const TemplateInfo = z.object({
  name: z.string(),
  kind: z.enum(CATEGORY_KINDS),
  subject: z.string(),
  fields: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean(), maxLength: z.int().optional() })),
  example: data,
});
export const RenderedEmail = z.object({ subject: z.string(), html: z.string(), text: z.string(), headers: z.record(z.string(), z.string()) });

export const Broadcast = z.object({
  id: z.string(),
  category: z.string(),
  template: z.string(),
  data,
  status: z.enum(['queued', 'running', 'done', 'failed']),
  total: count,
  sent: count,
  skipped: count,
  failed: count,
  error: z.string().optional(),
  createdAt: z.string(),
  startedAt: nstr,
  finishedAt: nstr,
  unsubscribes: count.optional().describe('GET /v1/broadcasts/{id} only: `unsubscribed` events traced to its mail'),
});

export const LedgerHead = z.object({ seq: count, hash: z.string(), at: nstr });

/** Sections of a person's data; each item is a stored record (docs/privacy.md lists what each holds). */
export const RecipientExport = z.object({
  exportedAt: z.string(),
  recipient: Recipient.omit({ subscriptions: true }).nullable(),
  subscriptions: z.array(data),
  consentEvents: z.array(RecipientEvent.extend({ seq: count, detail: z.unknown() })),
  suppressions: z.array(z.object({ reason: z.enum(SUPPRESSION_REASONS), email: nstr, note: nstr, createdAt: z.string() })),
  pendingEmailChanges: z.array(z.object({ newEmail: z.string(), createdAt: z.string(), expiresAt: z.string() })),
  notices: z.array(data),
  devOutbox: z.array(data),
});

export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: nstr,
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).nullable(),
  enabled: z.boolean(),
  disabledReason: nstr,
  disabledAt: nstr,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const NewWebhookEndpoint = WebhookEndpoint.extend({ secret: z.string() });
export const WebhookSecret = z.object({ secret: z.string() });

export const WebhookDelivery = z.object({
  id: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: count,
  nextAttemptAt: nstr,
  lastAttemptAt: nstr,
  lastStatus: z.int().nullable(),
  lastError: nstr,
  deliveredAt: nstr,
  latencyMs: z.int().nullable(),
  createdAt: z.string(),
});

export const DayStats = z.object({
  date: z.string(),
  subscribed: count,
  unsubscribed: count,
  unsubscribedBySource: z.record(z.string(), count),
  pending: count,
  expired: count,
  marketingOptOuts: count,
  marketingOptIns: count,
  suppressed: count,
  erased: count,
  noticesSent: count,
  noticesDelivered: count,
  bounces: count,
  complaints: count,
  noticesFailed: count,
});
export const Stats = z.object({ from: z.string(), to: z.string(), category: nstr, days: z.array(DayStats) });

/** A cursor page of `item`: `next` is null on the last page. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), next: nstr });
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });
