// Response bodies, for the document: JSON Schema 2020-12 made by zod from the schemas in responses.ts
// (the same ones the client's types come from), so the document and the client cannot drift apart.
import { z } from 'zod';
import type { JsonSchema } from './operation.js';
import * as R from './responses.js';

const nstr = { type: ['string', 'null'] };
const obj = (properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
const ref = (name: keyof typeof SOURCES) => ({ $ref: `#/components/schemas/${name}` });
export const page = (item: keyof typeof SOURCES): JsonSchema => obj({ data: { type: 'array', items: ref(item) }, next: nstr });
export const list = (item: keyof typeof SOURCES): JsonSchema => obj({ data: { type: 'array', items: ref(item) } });
export { ref };

const SOURCES = {
  Problem: R.Problem,
  Category: R.Category,
  Recipient: R.Recipient,
  RecipientWithEligibility: R.RecipientWithEligibility,
  RecipientEvent: R.RecipientEvent,
  RecipientExport: R.RecipientExport,
  Suppression: R.Suppression,
  Event: R.Event,
  Eligibility: R.Eligibility,
  BulkEligibility: R.BulkEligibility,
  Links: R.Links,
  Notice: R.NoticeResult,
  NoticeBatch: R.NoticeBatch,
  NoticeView: R.NoticeView,
  NoticeListItem: R.NoticeListItem,
  Template: R.TemplateInfo,
  RenderedEmail: R.RenderedEmail,
  Broadcast: R.Broadcast,
  LedgerHead: R.LedgerHead,
  WebhookEndpoint: R.WebhookEndpoint,
  NewWebhookEndpoint: R.NewWebhookEndpoint,
  WebhookSecret: R.WebhookSecret,
  WebhookDelivery: R.WebhookDelivery,
  DayStats: R.DayStats,
  Stats: R.Stats,
} satisfies Record<string, z.ZodType>;

function outputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export const COMPONENTS: Record<string, JsonSchema> = Object.fromEntries(Object.entries(SOURCES).map(([name, s]) => [name, outputSchema(s)]));
