// The one path every notice takes: eligibility (checkEligibility → decideEligibility), rendering, a
// durable record of the whole message, then the provider in calls of at most BATCH_LIMIT emails.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { normalizeEmail } from '../../core/email.js';
import { newId, nowIso } from '../../core/ids.js';
import type { Category } from '../../core/vocabulary.js';
import { addNoticeEvents, findRecipientIdsByEmail, insertNotices, markNoticesFailed, markNoticesSent, type NewNoticeRow } from '../../db/notices.js';
import type { Database } from '../../db/schema.js';
import { checkEligibility } from '../eligibility/check-eligibility.js';
import { linksFor } from '../links/email-links.js';
import { ensureRecipient } from '../recipients/ensure-recipient.js';
import { renderEmail } from './render.js';
import type { NoticeRuntime } from './runtime.js';
import type { Template } from './template-store.js';
import { BATCH_LIMIT, type SendCall } from './transport.js';

// A notice whose provider calls keep failing is given up after this many (the server resumes queued
// notices every minute, so about a day of Resend being unreachable).
export const MAX_PROVIDER_CALLS = 1440;

export type NoticeCategory = Pick<Category, 'id' | 'key' | 'name' | 'kind' | 'consent'>;

export type NoticeResult =
  | { id: string; status: 'sent'; providerId: string }
  /** Recorded; the provider was unavailable and it is sent on the next resume. */
  | { id: string; status: 'queued'; providerId: null }
  | { id: string; status: 'skipped'; reason: string }
  | { id: string; status: 'failed'; reason: 'provider_rejected' };

export interface PreparedNotice {
  /** A valid address. */
  email: string;
  data: Record<string, string>;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  /**
   * The recipient the mail is about, when the address is not theirs yet (an email change link goes to
   * the new address): the notice is filed under them and no recipient is made for the address.
   */
  recipientId?: string;
}

export interface DispatchContext {
  db: Kysely<Database>;
  config: Config;
  runtime: NoticeRuntime;
  /** `key:ID` of the API key, or `system`. */
  actor: string;
}

export function requestHash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Makes the provider calls for queued notices, marks each sent, queued-for-retry or failed. */
export async function deliver(
  db: Kysely<Database>,
  runtime: NoticeRuntime,
  calls: readonly (SendCall & { noticeIds: string[] })[],
): Promise<Map<string, NoticeResult>> {
  const results = new Map<string, NoticeResult>();
  for (const call of calls) {
    const outcome = await runtime.transport.send(call);
    const at = nowIso();
    if (outcome.ok) {
      const sent = call.noticeIds.map((id, i) => ({ id, providerId: outcome.providerIds[i]! }));
      await db.transaction().execute((trx) => markNoticesSent(trx, sent, at));
      for (const s of sent) results.set(s.id, { id: s.id, status: 'sent', providerId: s.providerId });
    } else {
      await db
        .transaction()
        .execute((trx) => markNoticesFailed(trx, call.noticeIds, outcome.error, { retryable: outcome.retryable, maxAttempts: MAX_PROVIDER_CALLS }, at));
      for (const id of call.noticeIds) {
        results.set(id, outcome.retryable ? { id, status: 'queued', providerId: null } : { id, status: 'failed', reason: 'provider_rejected' });
      }
    }
  }
  return results;
}

export async function dispatchNotices(
  ctx: DispatchContext,
  category: NoticeCategory,
  template: Template,
  items: readonly PreparedNotice[],
): Promise<NoticeResult[]> {
  const { db, config } = ctx;
  const verdicts = await checkEligibility(
    db,
    config.hashKey,
    category,
    items.map((i) => i.email),
  );
  const eligibleEmails = [...new Set(items.filter((_, i) => verdicts[i]!.eligible).map((i) => normalizeEmail(i.email)))];
  // Skipped notices name their recipient too, so that export and erasure find them (GDPR Art. 15, 17).
  const ids = await findRecipientIdsByEmail(db, [
    ...new Set(items.filter((_, i) => verdicts[i]!.reason !== 'invalid_email').map((i) => normalizeEmail(i.email))),
  ]);
  for (const item of items) if (item.recipientId) ids.set(normalizeEmail(item.email), item.recipientId);
  for (const email of eligibleEmails.filter((e) => !ids.has(e))) ids.set(email, await ensureRecipient(db, config.hashKey, email));

  const at = nowIso();
  // Ids ascend in input order, so a resumed call lists its emails exactly as the first one did (a
  // different payload under the same idempotency key is refused by Resend).
  const noticeIds = items.map(() => newId()).sort();
  const rows: NewNoticeRow[] = items.map((item, i) => {
    const verdict = verdicts[i]!;
    const base = {
      id: noticeIds[i]!,
      idempotency_key: item.idempotencyKey ?? null,
      request_hash: item.requestHash ?? null,
      recipient_id: ids.get(normalizeEmail(item.email)) ?? null,
      to_address: item.email,
      to_normalized: normalizeEmail(item.email),
      category_key: category.key,
      template: template.name,
      attempts: 0,
      created_at: at,
      updated_at: at,
    };
    if (!verdict.eligible) return { ...base, status: 'skipped', reason: verdict.reason };
    const recipientId = ids.get(normalizeEmail(item.email))!;
    const email = renderEmail(template, item.data, { config, categoryName: category.name, links: linksFor(config, recipientId, category) });
    return {
      ...base,
      status: 'queued',
      from_address: config.mailFrom,
      subject: email.subject,
      html: email.html,
      text: email.text,
      headers: JSON.stringify(email.headers),
    };
  });

  const queued = rows.filter((r) => r.status === 'queued');
  const calls = [];
  for (let i = 0; i < queued.length; i += BATCH_LIMIT) {
    const chunk = queued.slice(i, i + BATCH_LIMIT);
    // The key is fixed before the call and stored with each notice: a resumed call reuses it, so
    // Resend (which keeps keys 24 h) accepts the email once.
    const key = chunk.length === 1 ? `notice-${chunk[0]!.id}` : `batch-${requestHash(chunk.map((r) => r.id))}`;
    for (const r of chunk) r.provider_key = key;
    calls.push({
      idempotencyKey: key,
      noticeIds: chunk.map((r) => r.id),
      emails: chunk.map((r) => ({
        from: r.from_address!,
        to: r.to_address,
        subject: r.subject!,
        html: r.html!,
        text: r.text!,
        headers: JSON.parse(r.headers!) as Record<string, string>,
      })),
    });
  }

  await db.transaction().execute(async (trx) => {
    await insertNotices(trx, rows);
    await addNoticeEvents(
      trx,
      rows.map((r) => ({ noticeId: r.id, type: r.status === 'queued' ? 'queued' : 'skipped', at, ...(r.reason && { detail: { reason: r.reason } }) })),
    );
  });

  const delivered = await deliver(db, ctx.runtime, calls);
  return rows.map((r) => delivered.get(r.id) ?? { id: r.id, status: 'skipped', reason: r.reason! });
}
