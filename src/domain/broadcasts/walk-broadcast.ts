// Walking a broadcast: recipients in id order, a page at a time, each page sent through the notices
// path. Each notice carries the idempotency key `broadcast:ID:RECIPIENT` (unique in the notices table),
// and a page is checked against the notices already recorded before anything is sent, so a page walked
// again after a crash mails nobody twice: what was recorded is resumed under its first provider key
// (Resend keeps it 24 h), what was not is sent now. The cursor and counts move in one statement, fenced
// by the walker's lease, so two instances never walk one broadcast at once.

import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import {
  advanceBroadcast,
  type BroadcastRow,
  claimBroadcast,
  findBroadcast,
  findNoticesByIdempotencyKeys,
  finishBroadcast,
  listRecipientPage,
  listUnfinishedBroadcastIds,
  type PageTally,
  releaseBroadcast,
} from '../../db/broadcasts.js';
import { checkEligibility } from '../eligibility/check-eligibility.js';
import { type DispatchContext, dispatchNotices, type NoticeCategory, type NoticeResult } from '../notices/dispatch.js';
import { redeliverNotices } from '../notices/resume.js';
import { resolveTemplate, resultOf } from '../notices/send-notices.js';
import { validateData } from '../notices/template-spec.js';
import type { Template } from '../notices/template-store.js';
import { getCategory } from '../recipients/categories.js';

export interface WalkOptions {
  /** Recipients per page (default 500). */
  pageSize?: number;
  /** Pages per run before the broadcast is let go for the next run (default 2,000: a million recipients). */
  maxPages?: number;
  /** How long a walker holds a broadcast without finishing a page (default 10 minutes). */
  leaseMs?: number;
  /** The clock, for tests of lease expiry. */
  now?: () => Date;
  /** Aborted when the process stops: the walk lets go after the page under way (src/core/lifecycle.ts). */
  signal?: AbortSignal | undefined;
}

/** After a page found the provider unavailable, how long before any instance walks the broadcast again. */
export const PROVIDER_PAUSE_MS = 60_000;

/** How a run ended: finished, let go (provider unavailable, or maxPages reached), or not ours to walk. */
export type WalkOutcome = 'done' | 'failed' | 'paused' | 'busy' | 'lost';

interface Plan {
  category: NoticeCategory;
  template: Template;
  data: Record<string, string>;
}

const keyFor = (broadcastId: string, recipientId: string) => `broadcast:${broadcastId}:${recipientId}`;

/** A page's outcomes; `waiting` counts notices recorded while the provider was unavailable. */
type Tally = PageTally & { waiting: number };

function add(tally: Tally, result: NoticeResult): void {
  tally[result.status === 'queued' ? 'waiting' : result.status]++;
}

async function sendPage(ctx: DispatchContext, broadcast: BroadcastRow, plan: Plan, page: readonly { id: string; email: string }[]): Promise<Tally> {
  const tally: Tally = { sent: 0, waiting: 0, skipped: 0, failed: 0 };
  const recorded = await findNoticesByIdempotencyKeys(
    ctx.db,
    page.map((r) => keyFor(broadcast.id, r.id)),
  );
  const seen = new Set(recorded.map((n) => n.idempotency_key));
  for (const notice of recorded.filter((n) => n.status !== 'queued')) add(tally, resultOf(notice));

  const fresh = page.filter((r) => !seen.has(keyFor(broadcast.id, r.id)));
  // Only eligible recipients become notices: a marketing broadcast to an opt-in category would otherwise
  // record a skipped notice for nearly everyone. dispatchNotices decides again as it sends.
  const verdicts = await checkEligibility(
    ctx.db,
    ctx.config.hashKey,
    plan.category,
    fresh.map((r) => r.email),
    ctx.runtime.telemetry,
  );
  const eligible = fresh.filter((_, i) => verdicts[i]!.eligible);
  tally.skipped += fresh.length - eligible.length;
  if (eligible.length > 0) {
    const items = eligible.map((r) => ({ email: r.email, data: plan.data, idempotencyKey: keyFor(broadcast.id, r.id) }));
    for (const result of await dispatchNotices(ctx, plan.category, plan.template, items, { broadcastId: broadcast.id })) add(tally, result);
  }
  // Only after the fresh ones: dispatchNotices makes a recipient of an address it does not find, so the
  // time between reading the page and dispatching it (when a person may be erased) is kept short.
  for (const result of (
    await redeliverNotices(
      ctx.db,
      ctx.runtime,
      recorded.filter((n) => n.status === 'queued'),
    )
  ).values())
    add(tally, result);
  return tally;
}

async function planOf(ctx: DispatchContext, broadcast: BroadcastRow): Promise<Plan> {
  const category = await getCategory(ctx.db, broadcast.category_key);
  const template = await resolveTemplate(ctx, broadcast.template, category);
  return { category, template, data: validateData(template.schema, JSON.parse(broadcast.data)) };
}

/** Claims the broadcast and walks it until it is done, let go, or its lease is lost. */
export async function walkBroadcast(ctx: DispatchContext, id: string, options: WalkOptions = {}): Promise<WalkOutcome> {
  const { db } = ctx;
  const pageSize = options.pageSize ?? 500;
  const maxPages = options.maxPages ?? 2000;
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const clock = options.now ?? (() => new Date());
  const times = () => {
    const now = clock();
    return { at: now.toISOString(), until: new Date(now.getTime() + leaseMs).toISOString() };
  };
  const owner = newId();
  const start = times();
  if (!(await claimBroadcast(db, id, owner, start.at, start.until))) return 'busy';
  try {
    const broadcast = (await findBroadcast(db, id))!;
    let plan: Plan;
    try {
      plan = await planOf(ctx, broadcast);
    } catch (err) {
      // The template was removed or changed since the broadcast was accepted: nothing more can be sent.
      if (!(err instanceof AppError)) throw err;
      await finishBroadcast(db, id, owner, 'failed', err.detail, times().at);
      return 'failed';
    }
    let cursor = broadcast.cursor;
    for (let pages = 0; pages < maxPages; pages++) {
      // Stopping: the lease is given back now, so another instance resumes at its next tick, not in 10 minutes.
      if (options.signal?.aborted) break;
      const page = broadcast.last_recipient_id === null ? [] : await listRecipientPage(db, cursor, broadcast.last_recipient_id, pageSize);
      const tally = page.length > 0 ? await sendPage(ctx, broadcast, plan, page) : { sent: 0, waiting: 0, skipped: 0, failed: 0 };
      // The provider is unavailable: the page stays under the cursor, so a later run (after the
      // notices resumer, or itself, has sent what was recorded) counts it, and nobody else is queued.
      if (tally.waiting > 0) {
        await releaseBroadcast(db, id, owner, new Date(clock().getTime() + PROVIDER_PAUSE_MS).toISOString());
        return 'paused';
      }
      cursor = page.at(-1)?.id ?? cursor;
      const step = times();
      if (cursor !== null && !(await advanceBroadcast(db, id, owner, { cursor, tally, ...step }))) return 'lost';
      if (page.length < pageSize) return (await finishBroadcast(db, id, owner, 'done', null, step.at)) ? 'done' : 'lost';
    }
    await releaseBroadcast(db, id, owner);
    return 'paused';
  } catch (err) {
    await releaseBroadcast(db, id, owner).catch(() => undefined);
    throw err;
  }
}

/** Walks every unfinished broadcast that no live walker holds, oldest first; at most `limit` per call. */
export async function resumeBroadcasts(ctx: DispatchContext, options: WalkOptions & { limit?: number } = {}): Promise<Record<WalkOutcome, number>> {
  const outcomes: Record<WalkOutcome, number> = { done: 0, failed: 0, paused: 0, busy: 0, lost: 0 };
  for (const id of await listUnfinishedBroadcastIds(ctx.db, options.limit ?? 20)) {
    if (options.signal?.aborted) break;
    outcomes[await walkBroadcast(ctx, id, options)]++;
  }
  return outcomes;
}
