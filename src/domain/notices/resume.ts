// Resuming after a crash: notices recorded but never confirmed by the provider are sent again, in the
// same groups and under the same idempotency keys as the first try, so none is sent twice.
import type { Kysely } from 'kysely';
import { listQueuedNotices, type NoticeRow } from '../../db/notices.js';
import type { Database } from '../../db/schema.js';
import { deliver, type NoticeResult } from './dispatch.js';
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

/** Sends recorded notices again, grouped by the provider key they were first given. */
export async function redeliverNotices(db: Kysely<Database>, runtime: NoticeRuntime, rows: readonly NoticeRow[]): Promise<Map<string, NoticeResult>> {
  const groups = new Map<string, NoticeRow[]>();
  for (const row of rows) {
    const key = row.provider_key ?? `notice-${row.id}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const calls = [...groups].map(([idempotencyKey, group]) => ({
    idempotencyKey,
    noticeIds: group.map((r) => r.id),
    emails: group.map((r) => ({
      from: r.from_address ?? '',
      to: r.to_address,
      subject: r.subject ?? '',
      html: r.html ?? '',
      text: r.text ?? '',
      headers: JSON.parse(r.headers ?? '{}') as Record<string, string>,
    })),
  }));
  return deliver(db, runtime, calls);
}
