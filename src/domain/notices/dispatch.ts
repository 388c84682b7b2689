// The one path every notice takes: eligibility (checkEligibility → decideEligibility), rendering, a
// durable record of the whole message, then the dispatcher, which coalesces it with other ready
// notices into provider calls of at most BATCH_LIMIT emails (dispatcher.ts).
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { normalizeEmail } from '../../core/email.js';
import { newId, nowIso } from '../../core/ids.js';
import type { Category } from '../../core/vocabulary.js';
import { addNoticeEvents, findRecipientIdsByEmail, insertNotices, type NewNoticeRow } from '../../db/notices.js';
import type { Database } from '../../db/schema.js';
import { checkEligibility } from '../eligibility/check-eligibility.js';
import { type EmailLinks, linksFor } from '../links/email-links.js';
import { SILENT_TELEMETRY } from '../operations/telemetry.js';
import { ensureRecipient } from '../recipients/ensure-recipient.js';
import type { NoticeResult } from './delivery-records.js';
import { createNoticeDispatcher, type NoticeDispatcher } from './dispatcher.js';
import { renderEmail } from './render.js';
import type { NoticeRuntime } from './runtime.js';
import type { Template } from './template-store.js';
import type { OutgoingEmail } from './transport.js';

export { MAX_PROVIDER_CALLS, type NoticeResult } from './delivery-records.js';

export type NoticeCategory = Pick<Category, 'id' | 'key' | 'name' | 'kind' | 'consent' | 'archived'>;

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
  /**
   * The recipient the caller decided this mail is for, at their own address: it is filed under them and
   * no recipient is ever made for the address (an erasure since the decision must not bring them back).
   */
  ownerId?: string;
  /** The notice's id, minted by the caller when the mail's content names it (a link traced to it, system-mail.ts). */
  noticeId?: string;
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

/** The runtime's dispatcher, or one for this send alone (scripts and tests that bring a bare transport). */
export function dispatcherOf(db: Kysely<Database>, runtime: NoticeRuntime): NoticeDispatcher {
  return runtime.dispatcher ?? createNoticeDispatcher(db, runtime.transport, { windowMs: 0, maxInFlight: 1, telemetry: runtime.telemetry });
}

export async function dispatchNotices(
  ctx: DispatchContext,
  category: NoticeCategory,
  template: Template,
  items: readonly PreparedNotice[],
  options: { respondAsync?: boolean; broadcastId?: string } = {},
): Promise<NoticeResult[]> {
  const telemetry = ctx.runtime.telemetry ?? SILENT_TELEMETRY;
  // Gated so that notices arriving together are recorded in turn and reach the dispatcher as a steady
  // flow, rather than all at once after every one of them has interleaved its queries (docs/performance.md).
  const prepare = () => recordNotices(ctx, category, template, items, options.broadcastId);
  const rows = await (ctx.runtime.preparing ? ctx.runtime.preparing.run(prepare) : prepare());
  const { db } = ctx;

  const ready = rows.filter((r) => r.status === 'queued').map((r) => ({ id: r.id, email: outgoing(r) }));
  if (rows.length > ready.length) telemetry.noticesRecorded('skipped', rows.length - ready.length);
  const sending = dispatcherOf(db, ctx.runtime).send(ready);
  // Asked to answer at once (Prefer: respond-async, RFC 7240): a failure now leaves the notices queued
  // for the resume job, and GET /v1/notices/ID tells how it went.
  if (options.respondAsync) sending.catch(() => undefined);
  const delivered = new Map((options.respondAsync ? [] : await sending).map((r) => [r.id, r]));
  return rows.map((r): NoticeResult => {
    if (r.status !== 'queued') return { id: r.id, status: 'skipped', reason: r.reason! };
    return delivered.get(r.id) ?? { id: r.id, status: 'queued', providerId: null };
  });
}

// Decides, renders and durably records the notices: everything before they are handed to the dispatcher.
async function recordNotices(
  ctx: DispatchContext,
  category: NoticeCategory,
  template: Template,
  items: readonly PreparedNotice[],
  broadcastId: string | undefined,
): Promise<NewNoticeRow[]> {
  const { db, config } = ctx;
  const telemetry = ctx.runtime.telemetry ?? SILENT_TELEMETRY;
  const verdicts = await checkEligibility(
    db,
    config.hashKey,
    category,
    items.map((i) => i.email),
    telemetry,
  );
  const eligibleEmails = [...new Set(items.filter((_, i) => verdicts[i]!.eligible).map((i) => normalizeEmail(i.email)))];
  // Skipped notices name their recipient too, so that export and erasure find them (GDPR Art. 15, 17).
  const ids = await findRecipientIdsByEmail(db, [
    ...new Set(items.filter((_, i) => verdicts[i]!.reason !== 'invalid_email').map((i) => normalizeEmail(i.email))),
  ]);
  for (const item of items) if (item.recipientId) ids.set(normalizeEmail(item.email), item.recipientId);
  const owned = new Set(items.filter((i) => i.ownerId).map((i) => normalizeEmail(i.email)));
  for (const email of eligibleEmails.filter((e) => !ids.has(e) && !owned.has(e))) ids.set(email, await ensureRecipient(db, config.hashKey, email));

  const at = nowIso();
  // Each notice's links name it (and its broadcast), so a change made through them is traced to this mail.
  const linksOf = (recipientId: string, noticeId: string): EmailLinks =>
    linksFor(config, recipientId, category, { noticeId, ...(broadcastId !== undefined && { broadcastId }) });
  const noticeIds = items.map(() => newId()).sort();
  const rows: NewNoticeRow[] = items.map((item, i) => {
    const verdict = verdicts[i]!;
    const base = {
      id: item.noticeId ?? noticeIds[i]!,
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
    // The person it was for is gone (erased between the caller's decision and now).
    if (item.ownerId && base.recipient_id !== item.ownerId) return { ...base, recipient_id: null, status: 'skipped', reason: 'unknown_recipient' };
    const recipientId = ids.get(normalizeEmail(item.email))!;
    // An address that is not the person's gets no link into their account (docs/notices.md).
    if (item.recipientId && !template.spec.unconfirmedAddress) throw new Error(`template ${template.name} is not for an unconfirmed address`);
    const links = item.recipientId ? { preferencesUrl: '' } : linksOf(recipientId, base.id);
    const email = renderEmail(template, item.data, { config, categoryName: category.name, links });
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

  await db.transaction().execute(async (trx) => {
    await insertNotices(trx, rows);
    await addNoticeEvents(
      trx,
      rows.map((r) => ({ noticeId: r.id, type: r.status === 'queued' ? 'queued' : 'skipped', at, ...(r.reason && { detail: { reason: r.reason } }) })),
      new Map(rows.map((r) => [r.id, { id: r.id, category_key: r.category_key, template: r.template, recipient_id: r.recipient_id ?? null }])),
    );
  });
  return rows;
}

function outgoing(r: NewNoticeRow): OutgoingEmail {
  return {
    from: r.from_address!,
    to: r.to_address,
    subject: r.subject!,
    html: r.html!,
    text: r.text!,
    headers: JSON.parse(r.headers!) as Record<string, string>,
  };
}
