// What /metrics reads from the database at scrape time, so that every instance reports the same truth:
// notices waiting, broadcasts being walked, the ledger's head, and the consent changes recorded since
// the last scrape. Consent changes are read from the ledger rather than counted as they happen, so only
// committed changes count, from every writer (API, pages, webhooks, jobs, the CLI, other instances).
import type { Kysely } from 'kysely';
import { findLedgerHead } from '../../db/ledger.js';
import { countConsentEventsBetween, countQueuedNotices, countRunningBroadcasts } from '../../db/operational-facts.js';
import type { Database } from '../../db/schema.js';

export interface OperationalFacts {
  queuedNotices: number;
  runningBroadcasts: number;
  /** The highest sequence number of the consent ledger; 0 while it is empty. */
  ledgerHead: number;
  /** Events with a sequence number above `afterSeq` and up to `ledgerHead`. */
  consentChanges: { type: string; source: string; count: number }[];
}

/** `afterSeq`: the head seen at the previous scrape (0 the first time: every event so far counts). */
export async function readOperationalFacts(db: Kysely<Database>, afterSeq: number): Promise<OperationalFacts> {
  const [queuedNotices, runningBroadcasts, head] = await Promise.all([countQueuedNotices(db), countRunningBroadcasts(db), findLedgerHead(db)]);
  const ledgerHead = head?.seq ?? 0;
  // The ledger is gapless and appended under one lock (db/consent-events.ts), so (afterSeq, head] is
  // exactly what was committed between two scrapes.
  const consentChanges = ledgerHead > afterSeq ? await countConsentEventsBetween(db, afterSeq, ledgerHead) : [];
  return { queuedNotices, runningBroadcasts, ledgerHead, consentChanges };
}
