// Checking the consent ledger (GDPR Art. 7(1): consent must be demonstrable, so its record must be
// shown untouched). Walks the chain in seq order a page at a time, in constant memory, and names the
// first event that does not follow from the one before it.
import type { Kysely } from 'kysely';
import { type ConsentEventRow, eventHash, GENESIS_HASH, listEventsAfter, traceColumns } from '../../db/consent-events.js';
import { findLedgerHead } from '../../db/ledger.js';
import type { Database } from '../../db/schema.js';

export interface LedgerHead {
  seq: number;
  hash: string;
  /** Null while the ledger is empty. */
  at: string | null;
}

export interface LedgerBreak {
  seq: number;
  /** Null when the break is that events are missing at the end (only an anchor can show that). */
  id: string | null;
  problem: string;
}

export type LedgerVerification = { ok: true; events: number; head: LedgerHead } | { ok: false; events: number; broken: LedgerBreak };

export async function getLedgerHead(db: Kysely<Database>): Promise<LedgerHead> {
  return (await findLedgerHead(db)) ?? { seq: 0, hash: GENESIS_HASH, at: null };
}

/**
 * Verifies every event: seqs gapless from 1, each prev_hash the hash of the event before, each hash the
 * hash of its own content. A chain alone cannot show that events were cut off its end or that it was
 * rewritten from some point on; an `anchor` (a head published earlier, GET /v1/ledger/head) can.
 */
export async function verifyLedger(
  db: Kysely<Database>,
  opts: { anchor?: { seq: number; hash: string }; pageSize?: number } = {},
): Promise<LedgerVerification> {
  const pageSize = opts.pageSize ?? 1000;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let last: LedgerHead = { seq: 0, hash: GENESIS_HASH, at: null };
  const fail = (broken: LedgerBreak): LedgerVerification => ({ ok: false, events: expectedSeq - 1, broken });
  for (;;) {
    const page = await listEventsAfter(db, last.seq, pageSize);
    for (const e of page) {
      const at = { seq: e.seq, id: e.id };
      if (e.seq !== expectedSeq) return fail({ ...at, problem: `expected seq ${expectedSeq}: events are missing before this one` });
      if (e.prev_hash !== prevHash)
        return fail({ ...at, problem: 'prev_hash is not the hash of the event before it: an event was removed, reordered or edited' });
      if (eventHash(e) !== e.hash) return fail({ ...at, problem: 'its content does not match its hash: it was edited' });
      if (!traceMatches(e)) return fail({ ...at, problem: 'its notice_id or broadcast_id is not the one in its detail: it was edited' });
      if (opts.anchor && e.seq === opts.anchor.seq && e.hash !== opts.anchor.hash) {
        return fail({ ...at, problem: 'its hash differs from the anchored head: the ledger was rewritten up to here' });
      }
      prevHash = e.hash;
      expectedSeq += 1;
      last = { seq: e.seq, hash: e.hash, at: e.at };
    }
    if (page.length < pageSize) break;
  }
  if (opts.anchor && last.seq < opts.anchor.seq) {
    return fail({ seq: last.seq + 1, id: null, problem: `the anchored head is seq ${opts.anchor.seq}: events were cut off the end` });
  }
  return { ok: true, events: last.seq, head: last };
}

// The trace columns are not hashed (they copy the hashed detail, for GET /v1/events' filter), so an
// edit to them would go unseen by the chain alone: they must follow from the detail the hash covers.
function traceMatches(e: ConsentEventRow): boolean {
  // Most details name no mail: as JSON.stringify wrote them, neither key can then appear.
  if (e.detail === null || !(e.detail.includes('"noticeId":') || e.detail.includes('"broadcastId":'))) {
    return e.notice_id === null && e.broadcast_id === null;
  }
  let detail: Record<string, unknown> | null;
  try {
    detail = JSON.parse(e.detail) as Record<string, unknown> | null;
  } catch {
    return false;
  }
  const expected = traceColumns(detail);
  return e.notice_id === expected.notice_id && e.broadcast_id === expected.broadcast_id;
}
