// Response bodies, for the document only (answers are built by the domain, not validated on the way out).
import { ELIGIBLE_REASONS, INELIGIBLE_REASONS } from '../../core/vocabulary.js';
import type { JsonSchema } from './operation.js';

const str = { type: 'string' };
const nstr = { type: ['string', 'null'] };
const int = { type: 'integer' };
const obj = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema => ({ type: 'object', properties, required });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const page = (item: string): JsonSchema => obj({ data: { type: 'array', items: ref(item) }, next: nstr });
export const list = (item: string): JsonSchema => obj({ data: { type: 'array', items: ref(item) } });
export { ref };

export const COMPONENTS: Record<string, JsonSchema> = {
  Problem: {
    ...obj({ type: str, title: str, status: int, detail: str }, ['type', 'title', 'status']),
    properties: {
      type: str,
      title: str,
      status: int,
      detail: str,
      errors: { type: 'array', items: obj({ path: str, message: str }) },
    },
  },
  Category: obj({
    id: str,
    key: str,
    name: str,
    description: nstr,
    kind: { enum: ['marketing', 'transactional'] },
    consent: { enum: ['opt_in', 'opt_out'] },
    doubleOptIn: { type: 'boolean' },
    createdAt: str,
    updatedAt: str,
    archived: { type: 'boolean' },
    archivedAt: nstr,
  }),
  Recipient: obj({
    id: str,
    email: str,
    externalId: nstr,
    locale: nstr,
    marketingOptOut: { type: 'boolean' },
    createdAt: str,
    updatedAt: str,
    subscriptions: {
      type: 'object',
      additionalProperties: obj({ status: { enum: ['subscribed', 'unsubscribed', 'pending'] }, updatedAt: str, source: str }),
    },
  }),
  Suppression: obj({ id: str, email: nstr, reason: { enum: ['hard_bounce', 'complaint', 'manual', 'erased'] }, note: nstr, createdAt: str }),
  Event: {
    ...obj({ id: str, type: str, recipientId: nstr, category: nstr, source: str, at: str }),
    properties: { id: str, type: str, recipientId: nstr, category: nstr, source: str, at: str, noticeId: str, broadcastId: str },
  },
  Eligibility: obj({ email: str, category: str, eligible: { type: 'boolean' }, reason: { enum: [...ELIGIBLE_REASONS, ...INELIGIBLE_REASONS] } }),
  WebhookEndpoint: obj({
    id: str,
    url: str,
    description: nstr,
    events: { type: ['array', 'null'], items: str },
    enabled: { type: 'boolean' },
    disabledReason: nstr,
    disabledAt: nstr,
    createdAt: str,
    updatedAt: str,
  }),
  WebhookDelivery: obj({
    id: str,
    eventId: str,
    type: str,
    status: { enum: ['pending', 'delivered', 'failed'] },
    attempts: int,
    nextAttemptAt: nstr,
    lastAttemptAt: nstr,
    lastStatus: { type: ['integer', 'null'] },
    lastError: nstr,
    deliveredAt: nstr,
    latencyMs: { type: ['integer', 'null'] },
    createdAt: str,
  }),
  DayStats: { type: 'object', required: ['date'], properties: { date: str }, additionalProperties: { type: ['integer', 'object'] } },
  Stats: obj({ from: str, to: str, category: nstr, days: { type: 'array', items: ref('DayStats') } }),
  Notice: { type: 'object', required: ['id', 'status'], properties: { id: str, status: str, reason: str, providerId: str } },
  Any: { type: 'object' },
};
