// The notices list of the console: newest first, by status and category, a page at a time.
import type { Kysely } from 'kysely';
import { UUID_PATTERN } from '../../core/ids.js';
import { listNoticeRows } from '../../db/console-reads.js';
import type { Database, NoticeStatus } from '../../db/schema.js';

export const NOTICE_STATUSES: readonly NoticeStatus[] = ['queued', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained'];

export interface NoticeLine {
  id: string;
  to: string;
  category: string;
  template: string;
  status: NoticeStatus;
  /** Why it was skipped or failed. */
  reason: string | null;
  createdAt: string;
}

/** A cursor is `CREATED_AT|ID` of the last notice shown; anything else starts from the newest. */
export async function listNoticesForConsole(
  db: Kysely<Database>,
  q: { status?: string | undefined; category?: string | undefined; before?: string | undefined },
  limit = 50,
): Promise<{ data: NoticeLine[]; next: string | null }> {
  const status = NOTICE_STATUSES.find((s) => s === q.status);
  const [createdAt, id] = (q.before ?? '').split('|');
  const before = createdAt && id && UUID_PATTERN.test(id) && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(createdAt) ? { createdAt, id } : undefined;
  const category = q.category && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(q.category) ? q.category : undefined;
  const rows = await listNoticeRows(db, { status, category, before }, limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      id: r.id,
      to: r.to_address,
      category: r.category_key,
      template: r.template,
      status: r.status,
      reason: r.reason ?? r.last_error,
      createdAt: r.created_at,
    })),
    next: rows.length > limit && last ? `${last.created_at}|${last.id}` : null,
  };
}
