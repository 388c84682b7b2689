// Reading the consent ledger: one person's history (GDPR Art. 7(1): consent must be demonstrable),
// and the whole ledger in order for systems that keep their own copy in sync.
import type { Kysely } from 'kysely';
import { type ConsentEventRow, listEventsAfter, listEventsOfRecipient } from '../../db/consent-events.js';
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
}

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

/**
 * Events after a cursor, in ledger order. The cursor is the ledger's gapless `seq`, handed out as an
 * opaque string; `next` is null once the page reaches the end (one extra row is read to know).
 */
export async function listLedger(db: Kysely<Database>, afterSeq: number, limit: number): Promise<{ data: LedgerEntry[]; next: string | null }> {
  const rows = await listEventsAfter(db, afterSeq, limit + 1);
  const page = rows.slice(0, limit);
  const data = page.map((r) => ({ id: r.id, type: r.type, recipientId: r.recipient_id, category: r.category_key, source: r.source, at: r.at }));
  return { data, next: rows.length > limit ? String(page[page.length - 1]!.seq) : null };
}
