// Resuming after a crash: notices recorded but never confirmed by the provider are sent again, in the
// same groups and under the same idempotency keys as the first try, so none is sent twice.
import type { Kysely } from 'kysely';
import { listQueuedNotices } from '../../db/notices.js';
import type { Database } from '../../db/schema.js';
import { deliver } from './dispatch.js';
import type { NoticeRuntime } from './runtime.js';

/** Bounded: at most `limit` notices per run; returns how many were sent and how many still wait. */
export async function resumeQueuedNotices(db: Kysely<Database>, runtime: NoticeRuntime, limit = 10_000): Promise<{ sent: number; waiting: number; failed: number }> {
  const rows = await listQueuedNotices(db, limit);
  const groups = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = row.provider_key ?? `notice-${row.id}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const calls = [...groups].map(([idempotencyKey, group]) => ({
    idempotencyKey,
    noticeIds: group.map((r) => r.id),
    emails: group.map((r) => ({ from: r.from_address ?? '', to: r.to_address, subject: r.subject ?? '', html: r.html ?? '', text: r.text ?? '', headers: JSON.parse(r.headers ?? '{}') as Record<string, string> })),
  }));
  const results = [...(await deliver(db, runtime, calls)).values()];
  return {
    sent: results.filter((r) => r.status === 'sent').length,
    waiting: results.filter((r) => r.status === 'queued').length,
    failed: results.filter((r) => r.status === 'failed').length,
  };
}
