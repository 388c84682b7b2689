// What the notices tables hold about one person, for the rights of access (GDPR Art. 15, 20) and
// erasure (Art. 17): their notices (with idempotency records and delivery events) and the dev outbox's
// copies of their mail, which carry the address and everything rendered into the message.
import type { Kysely } from 'kysely';
import { deleteNotices, deleteOutboxEmails, listEventsOfNotices, listNoticesOfPerson, listOutboxOfPerson, type PersonMatch } from '../../db/notice-privacy.js';
import type { Database } from '../../db/schema.js';

export type { PersonMatch };

const parseJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

export async function exportNotices(db: Kysely<Database>, m: PersonMatch) {
  const notices = await listNoticesOfPerson(db, m);
  const events = await listEventsOfNotices(
    db,
    notices.map((n) => n.id),
  );
  return notices.map((n) => ({
    id: n.id,
    to: n.to_address,
    category: n.category_key,
    template: n.template,
    status: n.status,
    reason: n.reason,
    // `API_KEY_ID:KEY`, as the client gave it; the caller's key may name the person (an order number).
    idempotencyKey: n.idempotency_key,
    providerId: n.provider_id,
    from: n.from_address,
    subject: n.subject,
    html: n.html,
    text: n.text,
    headers: parseJson(n.headers),
    attempts: n.attempts,
    lastError: n.last_error,
    createdAt: n.created_at,
    updatedAt: n.updated_at,
    events: events.filter((e) => e.notice_id === n.id).map((e) => ({ type: e.type, detail: parseJson(e.detail), at: e.at })),
  }));
}

export async function exportOutbox(db: Kysely<Database>, m: PersonMatch) {
  const providerIds = (await listNoticesOfPerson(db, m)).flatMap((n) => (n.provider_id ? [n.provider_id] : []));
  return (await listOutboxOfPerson(db, m.emailNormalized, providerIds)).map((o) => ({
    id: o.id,
    from: o.from_address,
    to: o.to_address,
    subject: o.subject,
    html: o.html,
    text: o.text,
    headers: parseJson(o.headers),
    createdAt: o.created_at,
  }));
}

/** Whether the notices tables still hold anything about the person. */
export async function holdsNoticeData(db: Kysely<Database>, m: PersonMatch): Promise<boolean> {
  return (await listNoticesOfPerson(db, m)).length > 0 || (await listOutboxOfPerson(db, m.emailNormalized, [])).length > 0;
}

/**
 * Deletes the person's notices with their events and idempotency records, and their dev outbox copies.
 * Queued ones go too: mail to an erased person must not be resumed. Webhook receipts hold only Svix's
 * message id and the event type, nothing about the person, and stay until retention.
 */
export async function eraseNoticeData(trx: Kysely<Database>, m: PersonMatch): Promise<void> {
  const notices = await listNoticesOfPerson(trx, m);
  const outbox = await listOutboxOfPerson(
    trx,
    m.emailNormalized,
    notices.flatMap((n) => (n.provider_id ? [n.provider_id] : [])),
  );
  await deleteOutboxEmails(
    trx,
    outbox.map((o) => o.id),
  );
  await deleteNotices(
    trx,
    notices.map((n) => n.id),
  );
}
