// Listing and searching recipients for integrators: a cursor over creation order, and the same walk
// streamed whole for a CSV export.
import type { Kysely } from 'kysely';
import type { Recipient, SubscriptionStatus } from '../../core/vocabulary.js';
import { listRecipientsAfter, type RecipientFilter } from '../../db/recipient-list.js';
import type { Database } from '../../db/schema.js';
import { getCategory } from './categories.js';

export interface RecipientQuery {
  q?: string | undefined;
  category?: string | undefined;
  status?: SubscriptionStatus | undefined;
}

async function filterOf(db: Kysely<Database>, query: RecipientQuery): Promise<RecipientFilter> {
  const categoryId = query.category === undefined ? undefined : (await getCategory(db, query.category)).id;
  return { q: query.q, categoryId, status: query.status };
}

/** One page; `next` is the cursor of the following page, null on the last. Unknown category → 404. */
export async function listRecipients(
  db: Kysely<Database>,
  query: RecipientQuery & { after?: string | undefined; limit: number },
): Promise<{ data: Recipient[]; next: string | null }> {
  const rows = await listRecipientsAfter(db, query.after ?? '', query.limit + 1, await filterOf(db, query));
  const page = rows.slice(0, query.limit);
  return { data: page, next: rows.length > query.limit ? page[page.length - 1]!.id : null };
}

/** Every recipient matching the query, page by page (constant memory), for an export. The query is
 * checked before anything is streamed, so an unknown category is still a 404. */
export async function openRecipientExport(db: Kysely<Database>, query: RecipientQuery & { after?: string | undefined }): Promise<AsyncGenerator<Recipient>> {
  const filter = await filterOf(db, query);
  return (async function* () {
    let after = query.after ?? '';
    for (;;) {
      const page = await listRecipientsAfter(db, after, 500, filter);
      yield* page;
      if (page.length < 500) return;
      after = page[page.length - 1]!.id;
    }
  })();
}
