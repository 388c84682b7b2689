// Recipients page by page, in id order (UUIDv7: creation order), optionally narrowed to an address
// prefix or an external id, and to a subscription state in one category.
import { type Kysely, sql } from 'kysely';
import type { Recipient, Subscription, SubscriptionStatus } from '../core/vocabulary.js';
import { toRecipient } from './recipients.js';
import type { Database } from './schema.js';

export interface RecipientFilter {
  /** Normalized address prefix, or an exact external id. */
  q?: string | undefined;
  categoryId?: string | undefined;
  status?: SubscriptionStatus | undefined;
}

// LIKE with its wildcards escaped: case-sensitive on PostgreSQL whatever the collation, and the
// addresses compared are already normalized (lower case) on both dialects.
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`;

// Recipients after `afterId` matching the filter, at most `limit`, with their subscriptions.
export async function listRecipientsAfter(db: Kysely<Database>, afterId: string, limit: number, f: RecipientFilter): Promise<Recipient[]> {
  let query = db.selectFrom('recipients as r').selectAll('r').where('r.id', '>', afterId);
  if (f.q !== undefined) {
    const q = f.q;
    query = query.where((eb) =>
      eb.or([sql<boolean>`${eb.ref('r.email_normalized')} like ${likePrefix(q.toLowerCase())} escape '\\'`, eb('r.external_id', '=', q)]),
    );
  }
  if (f.categoryId !== undefined) {
    const categoryId = f.categoryId;
    query = query.where((eb) => {
      let sub = eb.selectFrom('subscriptions as s').select('s.recipient_id').whereRef('s.recipient_id', '=', 'r.id').where('s.category_id', '=', categoryId);
      if (f.status !== undefined) sub = sub.where('s.status', '=', f.status);
      return eb.exists(sub);
    });
  }
  const rows = await query.orderBy('r.id').limit(limit).execute();
  if (rows.length === 0) return [];
  const subs = await db
    .selectFrom('subscriptions as s')
    .innerJoin('categories as c', 'c.id', 's.category_id')
    .select(['s.recipient_id', 'c.key', 's.status', 's.source', 's.updated_at'])
    .where(
      's.recipient_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('c.key')
    .execute();
  const byRecipient = new Map<string, Record<string, Subscription>>();
  for (const s of subs) {
    const mine = byRecipient.get(s.recipient_id) ?? {};
    mine[s.key] = { status: s.status, source: s.source, updatedAt: s.updated_at };
    byRecipient.set(s.recipient_id, mine);
  }
  return rows.map((r) => toRecipient(r, byRecipient.get(r.id) ?? {}));
}
