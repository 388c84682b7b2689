// A broadcast is one template sent to everyone eligible in a category: a privacy policy's promise
// that changes are announced, kept and provable. Creating one checks everything a send needs once,
// up front, and records it; the walk (walk-broadcast.ts) does the sending, in the background.

import type { Kysely } from 'kysely';
import { conflict, notFound } from '../../core/errors.js';
import { newId, nowIso } from '../../core/ids.js';
import {
  type BroadcastRow,
  findBroadcast,
  findBroadcastByIdempotencyKey,
  insertBroadcast,
  listBroadcastsBefore,
  recipientExtent,
} from '../../db/broadcasts.js';
import { countBroadcastUnsubscribes } from '../../db/ledger.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { type DispatchContext, requestHash } from '../notices/dispatch.js';
import { resolveTemplate } from '../notices/send-notices.js';
import { validateData } from '../notices/template-spec.js';
import { getCategory } from '../recipients/categories.js';

export interface NewBroadcast {
  category: string;
  template: string;
  data?: unknown;
  /** Already scoped to the API key (`KEY_ID:KEY`). */
  idempotencyKey?: string | undefined;
}

export interface BroadcastView {
  id: string;
  category: string;
  template: string;
  data: Record<string, string>;
  status: BroadcastRow['status'];
  /** Recipients when the broadcast was created: the walk covers them, not later ones. */
  total: number;
  sent: number;
  skipped: number;
  failed: number;
  error?: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** `GET /v1/broadcasts/ID` only: unsubscribes through its mail's links (docs/api.md "Broadcasts"). */
  unsubscribes?: number;
}

function toView(row: BroadcastRow): BroadcastView {
  return {
    id: row.id,
    category: row.category_key,
    template: row.template,
    data: JSON.parse(row.data) as Record<string, string>,
    status: row.status,
    total: row.total,
    sent: row.sent,
    skipped: row.skipped,
    failed: row.failed,
    ...(row.error !== null && { error: row.error }),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** The broadcast a key already names: the same one for the same request, 409 for another. */
async function earlierBroadcast(ctx: DispatchContext, key: string | undefined, hash: string): Promise<BroadcastView | undefined> {
  const earlier = key === undefined ? undefined : await findBroadcastByIdempotencyKey(ctx.db, key);
  if (earlier && earlier.request_hash !== hash) throw conflict('This idempotency key was used for a different broadcast.');
  return earlier && toView(earlier);
}

/** Work that must commit or roll back with the change itself (the operator's ledger event). */
export type AlongWithChange = (trx: Kysely<Database>, broadcast: BroadcastView) => Promise<void>;

/**
 * Records a broadcast, queued for the walk; `created` is false when the idempotency key named one
 * already. 404 for an unknown category, 422 for an unknown template, one of the wrong kind, or bad data.
 * `along` runs in the insert's transaction, only when this call created the broadcast.
 */
export async function createBroadcast(
  ctx: DispatchContext,
  input: NewBroadcast,
  along?: AlongWithChange,
): Promise<{ broadcast: BroadcastView; created: boolean }> {
  const hash = requestHash([input.category, input.template, input.data ?? {}]);
  const first = await earlierBroadcast(ctx, input.idempotencyKey, hash);
  if (first) return { broadcast: first, created: false };
  const category = await getCategory(ctx.db, input.category);
  // Every recipient would be skipped as `category_archived`: a mistake to say so now, not a run to watch.
  if (category.archived) throw conflict(`"${category.key}" is archived: unarchive it to send a broadcast in it.`);
  const template = await resolveTemplate(ctx, input.template, category);
  const data = validateData(template.schema, input.data);
  const { total, lastId } = await recipientExtent(ctx.db);
  const at = nowIso();
  const row: BroadcastRow = {
    id: newId(),
    category_key: category.key,
    template: template.name,
    data: JSON.stringify(data),
    idempotency_key: input.idempotencyKey ?? null,
    request_hash: hash,
    status: lastId === null ? 'done' : 'queued',
    actor: ctx.actor,
    cursor: null,
    last_recipient_id: lastId,
    total,
    sent: 0,
    skipped: 0,
    failed: 0,
    lease_owner: null,
    lease_until: null,
    error: null,
    created_at: at,
    started_at: null,
    finished_at: lastId === null ? at : null,
    updated_at: at,
  };
  const view = toView(row);
  const created = await inTransaction(ctx.db, async (trx) => {
    if (!(await insertBroadcast(trx, row))) return false;
    await along?.(trx, view);
    return true;
  });
  if (created) return { broadcast: view, created: true };
  // A concurrent request with the same key recorded its broadcast first.
  return { broadcast: (await earlierBroadcast(ctx, input.idempotencyKey, hash))!, created: false };
}

export async function getBroadcast(ctx: Pick<DispatchContext, 'db'>, id: string): Promise<BroadcastView> {
  const [row, unsubscribes] = await Promise.all([findBroadcast(ctx.db, id), countBroadcastUnsubscribes(ctx.db, id)]);
  if (!row) throw notFound('Broadcast');
  return { ...toView(row), unsubscribes };
}

export async function listBroadcasts(
  ctx: Pick<DispatchContext, 'db'>,
  before: string | undefined,
  limit: number,
): Promise<{ data: BroadcastView[]; next: string | null }> {
  // One extra row tells whether another page follows, so `next` is null on the last page.
  const rows = await listBroadcastsBefore(ctx.db, before, limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(toView), next: rows.length > limit ? page[page.length - 1]!.id : null };
}
