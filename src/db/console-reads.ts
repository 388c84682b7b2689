// Reads only the console makes: finding people by address or external id, and listing notices with
// filters. Each is one indexed query (docs/performance.md has the console's figures).
import type { Kysely, Selectable } from 'kysely';
import type { NoticeRow } from './notices.js';
import type { Database, NoticeStatus, RecipientsTable } from './schema.js';

export type RecipientListRow = Pick<Selectable<RecipientsTable>, 'id' | 'email' | 'external_id' | 'created_at'>;

// People whose normalized address starts with `prefix` (a range on the unique index, not LIKE, so both
// dialects use the index whatever their collation of LIKE), plus the one whose external id is `exact`.
export async function searchRecipientRows(db: Kysely<Database>, prefix: string, exact: string, limit: number): Promise<RecipientListRow[]> {
  const columns = ['id', 'email', 'external_id', 'created_at'] as const;
  const [byExternal, byAddress] = await Promise.all([
    db.selectFrom('recipients').select(columns).where('external_id', '=', exact).limit(1).execute(),
    db
      .selectFrom('recipients')
      .select(columns)
      .where('email_normalized', '>=', prefix)
      .where('email_normalized', '<', `${prefix}\uffff`)
      .orderBy('email_normalized')
      .limit(limit)
      .execute(),
  ]);
  const seen = new Set<string>();
  return [...byExternal, ...byAddress].filter((r) => !seen.has(r.id) && seen.add(r.id)).slice(0, limit);
}

export interface NoticeFilter {
  status?: NoticeStatus | undefined;
  category?: string | undefined;
  /** `created_at` and id of the last row of the previous page. */
  before?: { createdAt: string; id: string } | undefined;
}

// Notices newest first, filtered; uses notices_status_idx or notices_created_idx.
export async function listNoticeRows(db: Kysely<Database>, f: NoticeFilter, limit: number): Promise<NoticeRow[]> {
  let q = db.selectFrom('notices').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.category) q = q.where('category_key', '=', f.category);
  const before = f.before;
  if (before)
    q = q.where((eb) => eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
