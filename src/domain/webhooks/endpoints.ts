// Webhook endpoints (admin): the signing secret is shown once, at creation and on rotation.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { invalidField, notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import type { WebhookEventType } from '../../core/vocabulary.js';
import type { Database } from '../../db/schema.js';
import {
  deleteWebhookEndpoint,
  findWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints as listRows,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from '../../db/webhook-endpoints.js';
import { refuseWebhookUrl } from './target.js';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  /** Null: every event type. */
  events: WebhookEventType[] | null;
  enabled: boolean;
  /** `failing` when every attempt failed for the whole retry window; `manual` when turned off. */
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** How long the secret before a rotation keeps signing beside the new one. */
const PREVIOUS_SECRET_MS = 24 * 3_600_000;

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const toEndpoint = (r: WebhookEndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events === null ? null : (JSON.parse(r.events) as WebhookEventType[]),
  enabled: r.enabled === 1,
  disabledReason: r.disabled_reason,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function checkUrl(url: string, allowPrivate: boolean): void {
  const refused = refuseWebhookUrl(url, allowPrivate);
  if (refused) throw invalidField('url', refused);
}

export interface NewWebhookEndpoint {
  url: string;
  events?: WebhookEventType[] | undefined;
  description?: string | undefined;
}

export async function createWebhookEndpoint(
  db: Kysely<Database>,
  input: NewWebhookEndpoint,
  allowPrivate: boolean,
): Promise<WebhookEndpoint & { secret: string }> {
  checkUrl(input.url, allowPrivate);
  const at = nowIso();
  const row: WebhookEndpointRow = {
    id: newId(),
    url: input.url,
    description: input.description ?? null,
    events: input.events ? JSON.stringify([...new Set(input.events)]) : null,
    secret: newSecret(),
    previous_secret: null,
    previous_secret_until: null,
    enabled: 1,
    disabled_reason: null,
    disabled_at: null,
    lease_owner: null,
    lease_until: null,
    created_at: at,
    updated_at: at,
  };
  await insertWebhookEndpoint(db, row);
  return { ...toEndpoint(row), secret: row.secret };
}

export async function listWebhookEndpoints(db: Kysely<Database>): Promise<WebhookEndpoint[]> {
  return (await listRows(db)).map(toEndpoint);
}

export async function endpointRow(db: Kysely<Database>, id: string): Promise<WebhookEndpointRow> {
  const row = await findWebhookEndpoint(db, id);
  if (!row) throw notFound('Webhook endpoint');
  return row;
}

export async function getWebhookEndpoint(db: Kysely<Database>, id: string): Promise<WebhookEndpoint> {
  return toEndpoint(await endpointRow(db, id));
}

export interface WebhookEndpointPatch {
  url?: string | undefined;
  events?: WebhookEventType[] | null | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

/** Edits an endpoint; enabling a disabled one resumes its queue where it stopped. */
export async function editWebhookEndpoint(db: Kysely<Database>, id: string, patch: WebhookEndpointPatch, allowPrivate: boolean): Promise<WebhookEndpoint> {
  const row = await endpointRow(db, id);
  if (patch.url !== undefined) checkUrl(patch.url, allowPrivate);
  const at = nowIso();
  const enabling = patch.enabled === true && row.enabled === 0;
  const disabling = patch.enabled === false && row.enabled === 1;
  await updateWebhookEndpoint(db, id, {
    ...(patch.url !== undefined && { url: patch.url }),
    ...(patch.events !== undefined && { events: patch.events === null ? null : JSON.stringify([...new Set(patch.events)]) }),
    ...(patch.description !== undefined && { description: patch.description }),
    ...(enabling && { enabled: 1, disabled_reason: null, disabled_at: null }),
    ...(disabling && { enabled: 0, disabled_reason: 'manual', disabled_at: at }),
    updated_at: at,
  });
  return getWebhookEndpoint(db, id);
}

export async function removeWebhookEndpoint(db: Kysely<Database>, id: string): Promise<void> {
  if (!(await deleteWebhookEndpoint(db, id))) throw notFound('Webhook endpoint');
}

/** A new secret, shown once; the old one keeps signing beside it for a day (Standard Webhooks allows several signatures). */
export async function rotateWebhookSecret(db: Kysely<Database>, id: string): Promise<{ secret: string }> {
  const row = await endpointRow(db, id);
  const at = Date.now();
  const secret = newSecret();
  await updateWebhookEndpoint(db, id, {
    secret,
    previous_secret: row.secret,
    previous_secret_until: new Date(at + PREVIOUS_SECRET_MS).toISOString(),
    updated_at: new Date(at).toISOString(),
  });
  return { secret };
}
