// The consent ledger: append-only, one gapless sequence, each event's hash chained to the one before
// (GDPR Art. 7(1): consent must be demonstrable). Personal data (IP, user agent) sits outside the hash,
// so erasing it leaves the chain verifiable.
import { hash } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import { newId } from '../core/ids.js';
import type { ConsentEventType, ConsentSource } from '../core/vocabulary.js';
import { consentEventMetric, countDailyStats } from './daily-stats.js';
import { isPostgres } from './dialect.js';
import { type EventFilter, selectEventsAfter } from './ledger.js';
import { insertRows, type SqlValue } from './raw-rows.js';
import type { ConsentEventsTable, Database } from './schema.js';
import { type EventSubject, enqueueWebhookEvents, ledgerOutboxEvent, type OutboxEvent } from './webhook-outbox.js';

export type ConsentEventRow = Selectable<ConsentEventsTable>;
export type { EventFilter };

export interface NewConsentEvent {
  type: ConsentEventType;
  recipientId: string | null;
  categoryKey: string | null;
  source: ConsentSource;
  actor: string | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown> | null;
  at: string;
  /** The address and keyed hash the event concerns, for webhooks only: never written to the ledger. */
  subject?: EventSubject;
}

export const GENESIS_HASH = '0'.repeat(64);

const EVENT_COLUMNS = [
  'id',
  'seq',
  'type',
  'recipient_id',
  'category_key',
  'source',
  'actor',
  'ip',
  'user_agent',
  'detail',
  'at',
  'prev_hash',
  'hash',
  'notice_id',
  'broadcast_id',
] as const;

// Any constant will do; it only has to be the same for every instance writing to one database.
const LEDGER_LOCK_ID = 0x6d61696c;

type HashedEvent = Pick<ConsentEventRow, 'seq' | 'id' | 'type' | 'recipient_id' | 'category_key' | 'source' | 'actor' | 'detail' | 'at' | 'prev_hash'>;

/** What the chain commits to, in a fixed order. Changing this breaks every existing ledger. */
export function eventHash(e: HashedEvent): string {
  const canonical = JSON.stringify([Number(e.seq), e.id, e.type, e.recipient_id, e.category_key, e.source, e.actor, e.detail, e.at, e.prev_hash]);
  // One-shot: no Hash object per event (an import hashes a million; docs/performance.md "Import").
  return hash('sha256', canonical, 'hex');
}

/**
 * The notice and broadcast columns as they follow from an event's detail: only a string is an id (the
 * migration that added the columns filled them by the same rule). They are copies of hashed content,
 * so the chain does not change and verification checks them against it.
 */
export function traceColumns(detail: Record<string, unknown> | null | undefined): { notice_id: string | null; broadcast_id: string | null } {
  return {
    notice_id: typeof detail?.noticeId === 'string' ? detail.noticeId : null,
    broadcast_id: typeof detail?.broadcastId === 'string' ? detail.broadcastId : null,
  };
}

/**
 * Appends events in order. Must run inside the transaction that makes the change they record, so that
 * nothing changes without its record. Appends are serialised (an advisory lock on PostgreSQL; SQLite has
 * one writer) so the chain stays one line even with several instances on one database. The same
 * transaction queues the webhooks that announce the events and bumps the daily counters.
 */
export async function appendConsentEvents(trx: Kysely<Database>, events: readonly NewConsentEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${LEDGER_LOCK_ID})`.execute(trx);
  const head = await trx.selectFrom('consent_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = head ? Number(head.seq) : 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  // One row of EVENT_COLUMNS per event: hashed in ledger order, each on the one before.
  const rows = events.map((e): SqlValue[] => {
    seq += 1;
    const unhashed = {
      id: newId(),
      seq,
      type: e.type,
      recipient_id: e.recipientId,
      category_key: e.categoryKey,
      source: e.source,
      actor: e.actor,
      detail: e.detail ? JSON.stringify(e.detail) : null,
      at: e.at,
      prev_hash: prevHash,
    };
    prevHash = eventHash(unhashed);
    const { id, type, recipient_id, category_key, source, actor, detail, at, prev_hash } = unhashed;
    const { notice_id, broadcast_id } = traceColumns(e.detail);
    return [
      id,
      seq,
      type,
      recipient_id,
      category_key,
      source,
      actor,
      e.ip ?? null,
      e.userAgent ?? null,
      detail,
      at,
      prev_hash,
      prevHash,
      notice_id,
      broadcast_id,
    ];
  });
  await insertRows(trx, 'consent_events', EVENT_COLUMNS, rows);
  const firstSeq = seq - events.length + 1;
  await enqueueWebhookEvents(trx, () =>
    events.flatMap((e, i) => {
      const out = ledgerOutboxEvent(
        { seq: firstSeq + i, type: e.type, recipientId: e.recipientId, categoryKey: e.categoryKey, source: e.source, detail: e.detail, at: e.at },
        e.subject,
      );
      return out ? [out] : ([] as OutboxEvent[]);
    }),
  );
  await countDailyStats(
    trx,
    events.map((e) => ({ at: e.at, metric: consentEventMetric(e.type, e.detail), categoryKey: e.categoryKey, source: e.source })),
  );
}

// One recipient's events, oldest first.
export async function listEventsOfRecipient(db: Kysely<Database>, recipientId: string): Promise<ConsentEventRow[]> {
  const rows = await db.selectFrom('consent_events').selectAll().where('recipient_id', '=', recipientId).orderBy('seq').execute();
  return rows.map(normalizeSeq);
}

// The latest event of one recipient in one category, if any.
export async function lastEventOf(db: Kysely<Database>, recipientId: string, categoryKey: string): Promise<ConsentEventRow | undefined> {
  const row = await db
    .selectFrom('consent_events')
    .selectAll()
    .where('recipient_id', '=', recipientId)
    .where('category_key', '=', categoryKey)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && normalizeSeq(row);
}

// Every event after a cursor (a seq) that matches the filter, for systems that mirror the ledger.
export async function listEventsAfter(db: Kysely<Database>, afterSeq: number, limit: number, f: EventFilter = {}): Promise<ConsentEventRow[]> {
  const rows = await selectEventsAfter(db, afterSeq, limit, f).execute();
  return rows.map(normalizeSeq);
}

// pg returns bigint columns as strings.
function normalizeSeq(row: ConsentEventRow): ConsentEventRow {
  return { ...row, seq: Number(row.seq) };
}
