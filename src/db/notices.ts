// Notices and their delivery events. A notice row is written, with the whole message, before the
// provider is called, so a crash between the two is resumed with the very same message and key.
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { newId } from '../core/ids.js';
import type { WebhookEventType } from '../core/vocabulary.js';
import { countDailyStats } from './daily-stats.js';
import { insertRows, type SqlValue } from './raw-rows.js';
import type { Database, NoticeStatus, NoticesTable } from './schema.js';
import { enqueueWebhookEvents, type OutboxEvent } from './webhook-outbox.js';

export type NoticeRow = Selectable<NoticesTable>;
export type NewNoticeRow = Insertable<NoticesTable>;

// Every column a new notice may set, in one fixed order: one statement shape whatever the notice's status
// (raw-rows.ts; Kysely's builder compiling the eighteen values was a fifth of a single notice's CPU).
const NOTICE_COLUMNS = [
  'id',
  'idempotency_key',
  'request_hash',
  'recipient_id',
  'to_address',
  'to_normalized',
  'category_key',
  'template',
  'status',
  'reason',
  'provider_key',
  'provider_id',
  'from_address',
  'subject',
  'html',
  'text',
  'headers',
  'attempts',
  'last_error',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof NewNoticeRow)[];

// Inserts notices in statements that stay under every dialect's parameter limit (raw-rows.ts).
export async function insertNotices(db: Kysely<Database>, rows: readonly NewNoticeRow[]): Promise<void> {
  const values = rows.map((row) => NOTICE_COLUMNS.map((column): SqlValue => row[column] ?? null));
  await insertRows(db, 'notices', NOTICE_COLUMNS, values);
}

// The notice an idempotency key was first used for.
export async function findNoticeByIdempotencyKey(db: Kysely<Database>, key: string): Promise<NoticeRow | undefined> {
  return db.selectFrom('notices').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

// Frees a key whose 24 hours are over, so it can name a new notice.
export async function releaseIdempotencyKey(db: Kysely<Database>, key: string): Promise<void> {
  await db.updateTable('notices').set({ idempotency_key: null }).where('idempotency_key', '=', key).execute();
}

export async function findNotice(db: Kysely<Database>, id: string): Promise<NoticeRow | undefined> {
  return db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirst();
}

// Notices the provider accepted under this id (one per id).
export async function findNoticeByProviderId(db: Kysely<Database>, providerId: string): Promise<NoticeRow | undefined> {
  return db.selectFrom('notices').selectAll().where('provider_id', '=', providerId).executeTakeFirst();
}

// Notices recorded before `before` but not yet accepted by the provider, oldest first: the work a
// restart resumes.
export async function listQueuedNotices(db: Kysely<Database>, before: string, limit: number): Promise<NoticeRow[]> {
  return db
    .selectFrom('notices')
    .selectAll()
    .where('status', '=', 'queued')
    .where('created_at', '<=', before)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

// Marks the notices of one provider call (at most 100) sent, each with its provider id, in one statement.
// The message itself is kept only to resume an unsent call; once accepted it goes (data minimisation,
// GDPR Art. 5(1)(c)): the rendered bodies hold personal data and the person's signed links.
export async function markNoticesSent(db: Kysely<Database>, sent: readonly { id: string; providerId: string }[], at: string): Promise<void> {
  if (sent.length === 0) return;
  const providerId = sql<string>`case ${sql.join(
    sent.map((s) => sql`when id = ${s.id} then ${s.providerId}`),
    sql` `,
  )} end`;
  await db
    .updateTable('notices')
    .set({ status: 'sent', provider_id: providerId, last_error: null, subject: null, html: null, text: null, headers: null, updated_at: at })
    .where(
      'id',
      'in',
      sent.map((s) => s.id),
    )
    .execute();
  await addNoticeEvents(
    db,
    sent.map((s) => ({ noticeId: s.id, type: 'sent', at })),
  );
}

// Records a failed provider call: still queued when it may be retried (until `maxAttempts` calls
// have failed), failed when it may not.
export async function markNoticesFailed(
  db: Kysely<Database>,
  ids: readonly string[],
  error: string,
  retry: { retryable: boolean; maxAttempts: number },
  at: string,
): Promise<void> {
  if (ids.length === 0) return;
  const status = retry.retryable ? sql<NoticeStatus>`case when attempts + 1 >= ${retry.maxAttempts} then 'failed' else 'queued' end` : 'failed';
  await db
    .updateTable('notices')
    .set((eb) => ({ status, last_error: error, attempts: eb('attempts', '+', 1), updated_at: at }))
    .where('id', 'in', ids)
    .execute();
  await addNoticeEvents(
    db,
    ids.map((id) => ({ noticeId: id, type: retry.retryable ? 'retry_later' : 'failed', at, detail: { error } })),
  );
}

export async function setNoticeStatus(db: Kysely<Database>, id: string, status: NoticeStatus, at: string): Promise<void> {
  await db.updateTable('notices').set({ status, updated_at: at }).where('id', '=', id).execute();
}

const ANNOUNCED: Record<string, WebhookEventType> = {
  sent: 'notice.sent',
  delivered: 'notice.delivered',
  bounced: 'notice.bounced',
  complained: 'notice.complained',
  failed: 'notice.failed',
  suppressed_by_provider: 'notice.failed',
};

// Adds events to notices, and in the same transaction counts them (daily_stats) and queues the
// webhooks announcing them; callers pass a transaction.
export async function addNoticeEvents(
  db: Kysely<Database>,
  events: readonly { noticeId: string; type: string; at: string; detail?: Record<string, unknown> }[],
  known?: ReadonlyMap<string, NoticeSummary>,
): Promise<void> {
  const rows = events.map((e) => ({ id: newId(), notice_id: e.noticeId, type: e.type, at: e.at, detail: e.detail ? JSON.stringify(e.detail) : null }));
  await insertRows(
    db,
    'notice_events',
    ['id', 'notice_id', 'type', 'at', 'detail'],
    rows.map((r) => [r.id, r.notice_id, r.type, r.at, r.detail]),
  );
  // The caller that has just inserted the notices knows them: no need to read them back.
  const notices = known ?? (await summariesOfNotices(db, [...new Set(events.map((e) => e.noticeId))]));
  await countDailyStats(
    db,
    events.map((e) => ({ at: e.at, metric: `notice_${e.type}`, categoryKey: notices.get(e.noticeId)?.category_key ?? null, source: null })),
  );
  const announced: OutboxEvent[] = [];
  rows.forEach((row, i) => {
    const type = ANNOUNCED[row.type];
    const notice = notices.get(row.notice_id);
    if (!type || !notice) return;
    const reason = events[i]!.detail?.reason;
    const data = {
      noticeId: notice.id,
      recipientId: notice.recipient_id,
      category: notice.category_key,
      template: notice.template,
      at: row.at,
      ...(typeof reason === 'string' && { reason }),
    };
    announced.push({ id: row.id, type, at: row.at, recipientId: notice.recipient_id, data });
  });
  await enqueueWebhookEvents(db, announced);
}

/** What the counters and webhooks say about a notice. */
export type NoticeSummary = { id: string; category_key: string; template: string; recipient_id: string | null };

// What the counters and webhooks say about each notice, by id.
async function summariesOfNotices(db: Kysely<Database>, ids: readonly string[]) {
  const out = new Map<string, NoticeSummary>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db
      .selectFrom('notices')
      .select(['id', 'category_key', 'template', 'recipient_id'])
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

// A notice's events, in the order they happened.
export async function listNoticeEvents(db: Kysely<Database>, noticeId: string): Promise<{ type: string; at: string }[]> {
  return db.selectFrom('notice_events').select(['type', 'at']).where('notice_id', '=', noticeId).orderBy('at').orderBy('id').execute();
}

// Recipient ids by normalized address, for the addresses that have a recipient.
export async function findRecipientIdsByEmail(db: Kysely<Database>, normalized: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < normalized.length; i += 1000) {
    const rows = await db
      .selectFrom('recipients')
      .select(['id', 'email_normalized'])
      .where('email_normalized', 'in', normalized.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(r.email_normalized, r.id);
  }
  return out;
}

// Claims queued notices for one provider call under `key`, unless another call (a resume elsewhere)
// already holds them; answers the ids claimed. The key is durable before the call is made.
export async function claimNoticesForCall(db: Kysely<Database>, ids: readonly string[], key: string, at: string): Promise<Set<string>> {
  const rows = await db
    .updateTable('notices')
    .set({ provider_key: key, updated_at: at })
    .where('id', 'in', ids)
    .where('status', '=', 'queued')
    .where('provider_key', 'is', null)
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

// Moves some notices of one call to a new key (a call split after the provider refused its content).
export async function rekeyNotices(db: Kysely<Database>, ids: readonly string[], from: string, to: string): Promise<void> {
  await db.updateTable('notices').set({ provider_key: to }).where('id', 'in', ids).where('provider_key', '=', from).execute();
}

export interface NoticeFilter {
  status?: NoticeStatus | undefined;
  categoryKey?: string | undefined;
  /** A broadcast's id: its notices carry the key `broadcast:ID:RECIPIENT_ID` (src/domain/broadcasts). */
  broadcastId?: string | undefined;
  /** Only notices whose id sorts after this one (ids are time-ordered UUIDs). */
  after?: string | undefined;
}

// A page of notices in id order (oldest first), narrowed by status, category and broadcast.
export async function listNotices(db: Kysely<Database>, filter: NoticeFilter, limit: number): Promise<NoticeRow[]> {
  let query = db.selectFrom('notices').selectAll().orderBy('id').limit(limit);
  if (filter.after !== undefined) query = query.where('id', '>', filter.after);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.categoryKey !== undefined) query = query.where('category_key', '=', filter.categoryKey);
  // The id is a validated UUID: nothing in it is a LIKE wildcard.
  if (filter.broadcastId !== undefined) query = query.where('idempotency_key', 'like', `broadcast:${filter.broadcastId}:%`);
  return query.execute();
}
