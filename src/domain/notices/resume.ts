// Resuming after a crash: notices recorded but never confirmed by the provider are sent again, in the
// same groups and under the same idempotency keys as the first try, so none is sent twice. Notices that
// never got a key (the crash came before their call was claimed) join the next coalesced call.
import type { Kysely } from 'kysely';
import { listQueuedNotices, type NoticeRow } from '../../db/notices.js';
import type { Database } from '../../db/schema.js';
import type { DeliveredCall, NoticeResult, ReadyNotice } from './delivery-records.js';
import { dispatcherOf } from './dispatch.js';
import type { NoticeRuntime } from './runtime.js';

/**
 * Sends what was queued before `before` (by default now; later runs pass a time a little in the past, so
 * a notice whose first call is still under way is left to it). Bounded: at most `limit` per run.
 */
export async function resumeQueuedNotices(
  db: Kysely<Database>,
  runtime: NoticeRuntime,
  options: { before?: string; limit?: number } = {},
): Promise<{ sent: number; waiting: number; failed: number }> {
  const rows = await listQueuedNotices(db, options.before ?? new Date().toISOString(), options.limit ?? 10_000);
  const results = [...(await redeliverNotices(db, runtime, rows)).values()];
  return {
    sent: results.filter((r) => r.status === 'sent').length,
    waiting: results.filter((r) => r.status === 'queued').length,
    failed: results.filter((r) => r.status === 'failed').length,
  };
}

function ready(r: NoticeRow): ReadyNotice {
  const email = { from: r.from_address ?? '', to: r.to_address, subject: r.subject ?? '', html: r.html ?? '', text: r.text ?? '' };
  return { id: r.id, email: { ...email, headers: JSON.parse(r.headers ?? '{}') as Record<string, string> } };
}

/** Sends recorded notices again: each keyed group as one call in id order (as first made), the rest coalesced. */
export async function redeliverNotices(db: Kysely<Database>, runtime: NoticeRuntime, rows: readonly NoticeRow[]): Promise<Map<string, NoticeResult>> {
  const groups = new Map<string, NoticeRow[]>();
  const loose: NoticeRow[] = [];
  for (const row of rows) {
    if (row.provider_key === null) loose.push(row);
    else groups.set(row.provider_key, [...(groups.get(row.provider_key) ?? []), row]);
  }
  const calls: DeliveredCall[] = [...groups].map(([key, group]) => ({ key, notices: group.sort((a, b) => (a.id < b.id ? -1 : 1)).map(ready) }));
  const dispatcher = dispatcherOf(db, runtime);
  const results = await Promise.all([dispatcher.resend(calls), dispatcher.send(loose.map(ready))]);
  return new Map(results.flat().map((r) => [r.id, r]));
}
