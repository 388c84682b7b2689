// Reading the consent ledger: one person's history (GDPR Art. 7(1): consent must be demonstrable),
// and the whole ledger in order for systems that keep their own copy in sync.
import type { Kysely } from 'kysely';
import { type ConsentEventRow, type EventFilter, listEventsAfter, listEventsOfRecipient } from '../../db/consent-events.js';
import type { Database } from '../../db/schema.js';
import { getRecipient } from '../recipients/recipients.js';

export interface RecipientEvent {
  id: string;
  type: string;
  category: string | null;
  source: string;
  actor: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
  at: string;
}

export interface LedgerEntry {
  id: string;
  type: string;
  recipientId: string | null;
  category: string | null;
  source: string;
  at: string;
  /** The notice or broadcast whose link the change came through, when known. */
  noticeId?: string;
  broadcastId?: string;
}

export type { EventFilter };

const toRecipientEvent = (r: ConsentEventRow): RecipientEvent => ({
  id: r.id,
  type: r.type,
  category: r.category_key,
  source: r.source,
  actor: r.actor,
  ip: r.ip,
  userAgent: r.user_agent,
  detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
  at: r.at,
});

/** The recipient's consent events, oldest first. */
export async function listRecipientEvents(db: Kysely<Database>, ref: string): Promise<RecipientEvent[]> {
  const recipient = await getRecipient(db, ref);
  return (await listEventsOfRecipient(db, recipient.id)).map(toRecipientEvent);
}

// The trace comes from its columns, copies of the detail that verification checks (ledger-verify.ts).
function toEntry(r: ConsentEventRow): LedgerEntry {
  const entry: LedgerEntry = { id: r.id, type: r.type, recipientId: r.recipient_id, category: r.category_key, source: r.source, at: r.at };
  if (r.notice_id !== null) entry.noticeId = r.notice_id;
  if (r.broadcast_id !== null) entry.broadcastId = r.broadcast_id;
  return entry;
}

/**
 * Events after a cursor, in ledger order. The cursor is the ledger's gapless `seq`, handed out as an
 * opaque string; `next` is null once the page reaches the end (one extra row is read to know).
 */
export async function listLedger(
  db: Kysely<Database>,
  afterSeq: number,
  limit: number,
  filter: EventFilter = {},
): Promise<{ data: LedgerEntry[]; next: string | null }> {
  const rows = await listEventsAfter(db, afterSeq, limit + 1, filter);
  const page = rows.slice(0, limit);
  return { data: page.map(toEntry), next: rows.length > limit ? String(page[page.length - 1]!.seq) : null };
}

/** Every matching event after the cursor, in ledger order, page by page (constant memory). */
export async function* eachLedgerEntry(db: Kysely<Database>, afterSeq: number, filter: EventFilter = {}): AsyncGenerator<LedgerEntry & { seq: number }> {
  let after = afterSeq;
  for (;;) {
    const rows = await listEventsAfter(db, after, 1000, filter);
    for (const r of rows) yield { ...toEntry(r), seq: r.seq };
    if (rows.length < 1000) return;
    after = rows[rows.length - 1]!.seq;
  }
}
