// The verbs behind /v1/notices: one notice (with an idempotency key kept 24 h), a batch, and reading
// a notice back with its delivery events.

import { requireEmail } from '../../core/email.js';
import { AppError, conflict, type FieldError, invalidField, notFound } from '../../core/errors.js';
import { findNotice, findNoticeByIdempotencyKey, listNoticeEvents, listNotices, type NoticeRow, releaseIdempotencyKey } from '../../db/notices.js';
import { findRecipient } from '../../db/recipients.js';
import type { NoticeStatus } from '../../db/schema.js';
import { getCategory } from '../recipients/categories.js';
import { parseRecipientRef } from '../recipients/recipients.js';
import { type DispatchContext, dispatchNotices, type NoticeCategory, type NoticeResult, type PreparedNotice, requestHash } from './dispatch.js';
import { validateData } from './template-spec.js';
import type { Template } from './template-store.js';

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface NoticeInput {
  to: string;
  data?: unknown;
}

export async function resolveTemplate(ctx: DispatchContext, name: string, category: NoticeCategory): Promise<Template> {
  const template = await ctx.runtime.templates.get(name);
  // A marketing template in a transactional category would dodge opt-outs and the unsubscribe footer.
  if (template.spec.kind !== category.kind) {
    throw invalidField('template', `"${name}" is a ${template.spec.kind} template; category "${category.key}" is ${category.kind}`);
  }
  return template;
}

/** `to` is an address or a recipient REF (id or `ext:ID`); answers the address to send to. */
async function resolveAddress(ctx: DispatchContext, to: string, path: string): Promise<string> {
  if (to.includes('@') && !to.startsWith('ext:')) {
    return requireEmail(path, to.trim());
  }
  const recipient = await findRecipient(ctx.db, parseRecipientRef(to));
  if (!recipient) throw notFound('Recipient');
  return recipient.email;
}

export function resultOf(row: NoticeRow): NoticeResult {
  switch (row.status) {
    case 'queued':
      return { id: row.id, status: 'queued', providerId: null };
    case 'skipped':
      // A skipped notice is inserted with its reason (dispatch.ts): the column is null for the other statuses only.
      return { id: row.id, status: 'skipped', reason: row.reason! };
    case 'failed':
      return { id: row.id, status: 'failed', reason: 'provider_rejected' };
    default:
      return { id: row.id, status: 'sent', providerId: row.provider_id ?? '' };
  }
}

export async function sendNotice(
  ctx: DispatchContext,
  input: { to: string; category: string; template: string; data?: unknown; idempotencyKey?: string | undefined; keyScope: string; respondAsync?: boolean },
): Promise<NoticeResult> {
  const scopedKey = input.idempotencyKey === undefined ? null : `${input.keyScope}:${input.idempotencyKey}`;
  const hash = requestHash([input.to, input.category, input.template, input.data ?? {}]);
  if (scopedKey) {
    const first = await findNoticeByIdempotencyKey(ctx.db, scopedKey);
    if (first && Date.now() - Date.parse(first.created_at) < IDEMPOTENCY_WINDOW_MS) {
      if (first.request_hash !== hash) throw conflict('This idempotency key was used for a different notice.');
      return resultOf(first);
    }
    if (first) await releaseIdempotencyKey(ctx.db, scopedKey);
  }
  const category = await getCategory(ctx.db, input.category);
  const template = await resolveTemplate(ctx, input.template, category);
  const data = validateData(template.schema, input.data);
  const email = await resolveAddress(ctx, input.to, 'to');
  const [result] = await dispatchNotices(ctx, category, template, [{ email, data, idempotencyKey: scopedKey, requestHash: hash }], {
    respondAsync: input.respondAsync ?? false,
  });
  return result!;
}

export type BatchItemResult = (NoticeResult & { index: number }) | { index: number; status: 'rejected'; errors: readonly FieldError[] };

export async function sendNoticeBatch(
  ctx: DispatchContext,
  input: { category: string; template: string; recipients: readonly NoticeInput[]; respondAsync?: boolean },
): Promise<BatchItemResult[]> {
  const category = await getCategory(ctx.db, input.category);
  const template = await resolveTemplate(ctx, input.template, category);
  const results: (BatchItemResult | undefined)[] = new Array(input.recipients.length);
  const prepared: (PreparedNotice & { index: number })[] = [];
  for (const [index, item] of input.recipients.entries()) {
    try {
      const data = validateData(template.schema, item.data, `recipients.${index}.data`);
      prepared.push({ index, data, email: await resolveAddress(ctx, item.to, `recipients.${index}.to`) });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results[index] = { index, status: 'rejected', errors: err.extra.errors ?? [{ path: `recipients.${index}.to`, message: err.detail }] };
    }
  }
  const sent = prepared.length ? await dispatchNotices(ctx, category, template, prepared, { respondAsync: input.respondAsync ?? false }) : [];
  for (const [i, r] of sent.entries()) results[prepared[i]!.index] = { ...r, index: prepared[i]!.index };
  return results as BatchItemResult[];
}

export async function getNoticeView(ctx: Pick<DispatchContext, 'db'>, id: string) {
  const row = await findNotice(ctx.db, id);
  if (!row) throw notFound('Notice');
  return {
    id: row.id,
    to: row.to_address,
    category: row.category_key,
    template: row.template,
    status: row.status,
    ...(row.reason && { reason: row.reason }),
    providerId: row.provider_id,
    createdAt: row.created_at,
    events: await listNoticeEvents(ctx.db, row.id),
  };
}

/** Every status a notice can be in, for the listing's filter (docs/api.md "Notices"). */
export const NOTICE_STATUSES = ['queued', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained'] as const satisfies readonly NoticeStatus[];

export interface NoticeListFilter {
  status?: (typeof NOTICE_STATUSES)[number] | undefined;
  category?: string | undefined;
  broadcast?: string | undefined;
  after?: string | undefined;
}

const BROADCAST_KEY = /^broadcast:([^:]+):/;

/**
 * A page of notices, oldest first, so an operator sees what failed and why: `reason` says why one was
 * skipped or refused, `error` what the provider last answered (the address it went to is in `to` anyway).
 */
export async function listNoticeViews(ctx: Pick<DispatchContext, 'db'>, filter: NoticeListFilter, limit: number) {
  // One extra row tells whether another page follows, so `next` is null on the last page.
  const rows = await listNotices(
    ctx.db,
    { status: filter.status, categoryKey: filter.category, broadcastId: filter.broadcast, after: filter.after },
    limit + 1,
  );
  const page = rows.slice(0, limit);
  const data = page.map((row) => ({
    id: row.id,
    to: row.to_address,
    category: row.category_key,
    template: row.template,
    status: row.status,
    // The same reason the send answered (resultOf): a skip's eligibility reason, or provider_rejected.
    ...(row.status === 'skipped' || row.status === 'failed' ? { reason: (resultOf(row) as { reason: string }).reason } : {}),
    ...(row.last_error && row.status !== 'sent' && { error: row.last_error }),
    attempts: Number(row.attempts),
    providerId: row.provider_id,
    broadcast: row.idempotency_key?.match(BROADCAST_KEY)?.[1] ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
  return { data, next: rows.length > limit ? page.at(-1)!.id : null };
}
