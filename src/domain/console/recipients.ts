// A person as the console shows them: found by address or external id, then their subscriptions,
// eligibility per category, the consent timeline with its chain fields, their notices and suppressions.
// Recording consent on someone's behalf never silently undoes their own refusal (GDPR Art. 7(1), 21).
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { normalizeEmail } from '../../core/email.js';
import { AppError, invalidField } from '../../core/errors.js';
import type { ConsentContext } from '../../core/vocabulary.js';
import { listEventsOfRecipient } from '../../db/consent-events.js';
import { searchRecipientRows } from '../../db/console-reads.js';
import { listEventsOfNotices, listNoticesOfPerson } from '../../db/notice-privacy.js';
import type { Database } from '../../db/schema.js';
import { findSuppressionsByHash } from '../../db/suppressions.js';
import { requestConfirmations } from '../consent/double-opt-in.js';
import { getRecipientWithEligibility, type RecipientWithEligibility } from '../eligibility/recipient-eligibility.js';
import type { Mailer } from '../notices/mailer.js';
import { addressHash } from '../privacy/address-hash.js';
import { getCategory } from '../recipients/categories.js';
import { patchRecipient } from '../recipients/recipients.js';
import type { Suppression } from '../recipients/suppressions.js';

export interface RecipientHit {
  id: string;
  email: string;
  externalId: string | null;
  createdAt: string;
}

export const SEARCH_LIMIT = 25;

/** Up to SEARCH_LIMIT people whose address starts with `q`, and the one whose external id is `q`. */
export async function searchRecipients(db: Kysely<Database>, q: string): Promise<RecipientHit[]> {
  const text = q.trim().slice(0, 320);
  if (text === '' || /[\u0000-\u001f\u007f]/u.test(text)) return [];
  const rows = await searchRecipientRows(db, normalizeEmail(text), text, SEARCH_LIMIT);
  return rows.map((r) => ({ id: r.id, email: r.email, externalId: r.external_id, createdAt: r.created_at }));
}

export interface TimelineEvent {
  seq: number;
  id: string;
  type: string;
  category: string | null;
  source: string;
  actor: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The wording the person was shown, when it was recorded. */
  text: string | null;
  detail: Record<string, unknown> | null;
  /** The notice (and broadcast) whose link the change came through. */
  noticeId: string | null;
  broadcastId: string | null;
  at: string;
  hash: string;
  prevHash: string;
}

export interface PersonNotice {
  id: string;
  template: string;
  category: string;
  status: string;
  reason: string | null;
  createdAt: string;
  events: { type: string; at: string }[];
}

export interface RecipientDossier {
  recipient: RecipientWithEligibility;
  /** Newest first. */
  timeline: TimelineEvent[];
  notices: PersonNotice[];
  suppressions: Suppression[];
}

export async function recipientDossier(db: Kysely<Database>, hashKey: string, id: string): Promise<RecipientDossier> {
  const recipient = await getRecipientWithEligibility(db, id);
  const person = { recipientId: recipient.id, emailNormalized: normalizeEmail(recipient.email) };
  const [events, notices, suppressions] = await Promise.all([
    listEventsOfRecipient(db, recipient.id),
    listNoticesOfPerson(db, person),
    findSuppressionsByHash(db, addressHash(hashKey, recipient.email)),
  ]);
  const noticeEvents = await listEventsOfNotices(
    db,
    notices.map((n) => n.id),
  );
  return {
    recipient,
    timeline: events.reverse().map((e) => {
      const detail = e.detail === null ? null : (JSON.parse(e.detail) as Record<string, unknown>);
      return {
        seq: e.seq,
        id: e.id,
        type: e.type,
        category: e.category_key,
        source: e.source,
        actor: e.actor,
        ip: e.ip,
        userAgent: e.user_agent,
        text: typeof detail?.text === 'string' ? detail.text : null,
        detail,
        noticeId: typeof detail?.noticeId === 'string' ? detail.noticeId : null,
        broadcastId: typeof detail?.broadcastId === 'string' ? detail.broadcastId : null,
        at: e.at,
        hash: e.hash,
        prevHash: e.prev_hash,
      };
    }),
    notices: notices.reverse().map((n) => ({
      id: n.id,
      template: n.template,
      category: n.category_key,
      status: n.status,
      // As in the notices list (notices.ts): why a notice was skipped, or what the provider said.
      reason: n.reason ?? n.last_error,
      createdAt: n.created_at,
      events: noticeEvents.filter((e) => e.notice_id === n.id).map((e) => ({ type: e.type, at: e.at })),
    })),
    suppressions: suppressions.map((s) => ({ id: s.id, email: s.email, reason: s.reason, note: s.note, createdAt: s.created_at })),
  };
}

/** Whether the person themselves refused this category or all marketing: recording consent then needs an explicit acknowledgement. */
export function hasRefused(recipient: RecipientWithEligibility, categoryKey: string): boolean {
  return recipient.marketingOptOut || recipient.subscriptions[categoryKey]?.status === 'unsubscribed';
}

/**
 * Records consent the person gave elsewhere (a signed form, a call), with the operator's evidence as the
 * event's wording. Over a refusal only when `acknowledgeRefusal` says the person asked again; a marketing
 * opt-out is lifted only then too. Double opt-in categories go `pending` and are mailed a confirmation.
 */
export async function recordConsentForRecipient(
  db: Kysely<Database>,
  config: Pick<Config, 'hashKey' | 'publicUrl' | 'signingKeys'>,
  mailer: Mailer | undefined,
  input: { recipientId: string; categoryKey: string; evidence: string; acknowledgeRefusal: boolean },
  ctx: ConsentContext,
): Promise<'subscribed' | 'pending' | 'unchanged'> {
  const evidence = input.evidence.trim();
  if (evidence.length < 10) throw invalidField('evidence', 'describe the evidence you hold (at least 10 characters)');
  const category = await getCategory(db, input.categoryKey);
  if (category.kind === 'transactional') throw invalidField('category', 'transactional mail needs no consent');
  const current = await getRecipientWithEligibility(db, input.recipientId);
  const refused = hasRefused(current, category.key);
  if (refused && !input.acknowledgeRefusal) {
    throw new AppError('conflict', 'This person refused this mail. Tick that they asked to receive it again, and record how.');
  }
  const { recipient } = await patchRecipient(
    db,
    config.hashKey,
    current.id,
    { subscriptions: { [category.key]: 'subscribed' }, ...(current.marketingOptOut && { marketingOptOut: false }) },
    { ...ctx, text: evidence },
  );
  await requestConfirmations(db, mailer, config, recipient.id);
  const after = recipient.subscriptions[category.key]?.status;
  if (after === current.subscriptions[category.key]?.status) return 'unchanged';
  return after === 'pending' ? 'pending' : 'subscribed';
}
