// The notices tables seen from one person (GDPR Art. 15, 17) and by age (retention, Art. 5(1)(e)):
// their notices with events, the dev outbox's copies of their mail, and purging what is old.
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { OutboxRow } from './dev-outbox.js';
import type { NoticeRow } from './notices.js';
import type { Database, NoticeEventsTable } from './schema.js';

export type NoticeEventRow = Selectable<NoticeEventsTable>;

/** Who the rows are about: the recipient id, and the normalized address (either may be unknown). */
export interface PersonMatch {
  recipientId: string | null;
  emailNormalized: string | null;
}

const CHUNK = 500;

function ofPerson(eb: ExpressionBuilder<Database, 'notices'>, m: PersonMatch) {
  return eb.or([
    ...(m.recipientId === null ? [] : [eb('recipient_id', '=', m.recipientId)]),
    ...(m.emailNormalized === null ? [] : [eb('to_normalized', '=', m.emailNormalized)]),
  ]);
}

// A person's notices, oldest first: sent to their recipient id or to their address.
export async function listNoticesOfPerson(db: Kysely<Database>, m: PersonMatch): Promise<NoticeRow[]> {
  if (m.recipientId === null && m.emailNormalized === null) return [];
  return db
    .selectFrom('notices')
    .selectAll()
    .where((eb) => ofPerson(eb, m))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

// The events of these notices, in the order they happened.
export async function listEventsOfNotices(db: Kysely<Database>, noticeIds: readonly string[]): Promise<NoticeEventRow[]> {
  const out: NoticeEventRow[] = [];
  for (let i = 0; i < noticeIds.length; i += CHUNK) {
    out.push(
      ...(await db
        .selectFrom('notice_events')
        .selectAll()
        .where('notice_id', 'in', noticeIds.slice(i, i + CHUNK))
        .orderBy('at')
        .orderBy('id')
        .execute()),
    );
  }
  return out;
}

// Dev outbox messages to this address, or kept under these provider ids (a notice sent to an address
// the person has since changed).
export async function listOutboxOfPerson(db: Kysely<Database>, emailNormalized: string | null, ids: readonly string[]): Promise<OutboxRow[]> {
  const rows = new Map<string, OutboxRow>();
  if (emailNormalized !== null) {
    for (const r of await db.selectFrom('dev_outbox').selectAll().where('to_normalized', '=', emailNormalized).execute()) rows.set(r.id, r);
  }
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const r of await db
      .selectFrom('dev_outbox')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute())
      rows.set(r.id, r);
  }
  return [...rows.values()].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
}

// Deletes notices with their events (explicitly: SQLite enforces the cascade only with foreign_keys on).
export async function deleteNotices(trx: Kysely<Database>, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await trx.deleteFrom('notice_events').where('notice_id', 'in', chunk).execute();
    deleted += Number((await trx.deleteFrom('notices').where('id', 'in', chunk).executeTakeFirst()).numDeletedRows);
  }
  return deleted;
}

export async function deleteOutboxEmails(trx: Kysely<Database>, ids: readonly string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    deleted += Number(
      (
        await trx
          .deleteFrom('dev_outbox')
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .executeTakeFirst()
      ).numDeletedRows,
    );
  }
  return deleted;
}

// Ids of notices created before `cutoff`, oldest first, at most `limit`.
export async function findNoticesBefore(db: Kysely<Database>, cutoff: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('notices').select('id').where('created_at', '<', cutoff).orderBy('created_at').limit(limit).execute();
  return rows.map((r) => r.id);
}

// Ids of dev outbox messages kept before `cutoff`, at most `limit`.
export async function findOutboxBefore(db: Kysely<Database>, cutoff: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('dev_outbox').select('id').where('created_at', '<', cutoff).orderBy('created_at').limit(limit).execute();
  return rows.map((r) => r.id);
}

// Forgets webhook ids received before `cutoff`. Svix's automatic redeliveries end within days, and the
// effects of a webhook are idempotent, so a late manual replay changes nothing either.
export async function deleteWebhookReceiptsBefore(db: Kysely<Database>, cutoff: string): Promise<number> {
  return Number((await db.deleteFrom('webhook_receipts').where('received_at', '<', cutoff).executeTakeFirst()).numDeletedRows);
}
