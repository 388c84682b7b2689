// What a provider call's answer means for each of its notices, written down in one transaction.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowIso } from '../../core/ids.js';
import type { NoticeSkipReason } from '../../core/vocabulary.js';
import { markNoticesFailed, markNoticesSent, rekeyNotices } from '../../db/notices.js';
import type { Database } from '../../db/schema.js';
import type { OutgoingEmail, SendOutcome } from './transport.js';

// A notice whose provider calls keep failing is given up after this many (the server resumes queued
// notices every minute, so about a day of Resend being unreachable).
export const MAX_PROVIDER_CALLS = 1440;

export type NoticeResult =
  | { id: string; status: 'sent'; providerId: string }
  /** Recorded; the provider was unavailable and it is sent on the next resume. */
  | { id: string; status: 'queued'; providerId: null }
  | { id: string; status: 'skipped'; reason: NoticeSkipReason }
  | { id: string; status: 'failed'; reason: 'provider_rejected' };

export interface ReadyNotice {
  id: string;
  email: OutgoingEmail;
}

/** One key per call, fixed by its notices: a lone notice keeps the `notice-ID` key it always had. */
export function callKey(ids: readonly string[]): string {
  return ids.length === 1 ? `notice-${ids[0]}` : `batch-${createHash('sha256').update(JSON.stringify(ids)).digest('hex')}`;
}

/** One provider call: its idempotency key (already on its notices) and its notices in payload order. */
export interface DeliveredCall {
  key: string;
  notices: readonly ReadyNotice[];
}

/**
 * Records the outcome and answers each notice's result, or, when the provider refused a batch's
 * content as a whole (strict validation: one bad address fails all), two halves under new keys to send
 * instead, so that in the end only the refused email fails.
 */
export async function recordOutcome(
  db: Kysely<Database>,
  call: DeliveredCall,
  outcome: SendOutcome,
): Promise<{ results: NoticeResult[] } | { split: DeliveredCall[] }> {
  const at = nowIso();
  const ids = call.notices.map((n) => n.id);
  if (outcome.ok) {
    const sent: { id: string; providerId: string }[] = [];
    const refused: { id: string; error: string }[] = [];
    for (const [i, o] of outcome.outcomes.entries()) {
      if ('providerId' in o) sent.push({ id: ids[i]!, providerId: o.providerId });
      else refused.push({ id: ids[i]!, error: `refused: ${o.refused}` });
    }
    await db.transaction().execute(async (trx) => {
      await markNoticesSent(trx, sent, at);
      for (const r of refused) await markNoticesFailed(trx, [r.id], r.error, { retryable: false, maxAttempts: MAX_PROVIDER_CALLS }, at);
    });
    return {
      results: [
        ...sent.map((s): NoticeResult => ({ id: s.id, status: 'sent', providerId: s.providerId })),
        ...refused.map((r): NoticeResult => ({ id: r.id, status: 'failed', reason: 'provider_rejected' })),
      ],
    };
  }
  if (outcome.invalid && call.notices.length > 1) {
    const half = Math.ceil(call.notices.length / 2);
    const parts = [call.notices.slice(0, half), call.notices.slice(half)].map((notices) => ({ key: callKey(notices.map((n) => n.id)), notices }));
    await db.transaction().execute(async (trx) => {
      for (const p of parts)
        await rekeyNotices(
          trx,
          p.notices.map((n) => n.id),
          call.key,
          p.key,
        );
    });
    return { split: parts };
  }
  await db.transaction().execute((trx) => markNoticesFailed(trx, ids, outcome.error, { retryable: outcome.retryable, maxAttempts: MAX_PROVIDER_CALLS }, at));
  return {
    results: ids.map((id) => (outcome.retryable ? { id, status: 'queued', providerId: null } : { id, status: 'failed', reason: 'provider_rejected' })),
  };
}
