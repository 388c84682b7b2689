// POST /v1/broadcasts, GET /v1/broadcasts, GET /v1/broadcasts/:id: one template to everyone eligible in
// a category (a policy change announced to every customer). The answer comes once the broadcast is
// recorded; the sending happens after it, in the background, and a resume finishes it after a crash.
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../core/errors.js';
import { createBroadcast, getBroadcast, listBroadcasts } from '../domain/broadcasts/broadcasts.js';
import { walkBroadcast } from '../domain/broadcasts/walk-broadcast.js';
import type { DispatchContext } from '../domain/notices/dispatch.js';
import { requireScope } from './auth.js';
import { readJson, validate } from './body.js';
import type { AppEnv } from './env.js';
import { categoryKey, idempotencyKey, idempotencyKeyOf, pageQuery, uuid } from './fields.js';

export const NewBroadcast = z.strictObject({
  category: categoryKey,
  template: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()).optional(),
  idempotencyKey: idempotencyKey.optional(),
});
const BroadcastId = z.object({ id: uuid });
export const BroadcastsQuery = pageQuery(uuid);

export const broadcasts = new Hono<AppEnv>()
  .use(requireScope('notices:send'))
  .post('/', async (c) => {
    const ctx: DispatchContext = { db: c.var.deps.db, config: c.var.deps.config, runtime: c.var.notices, actor: `key:${c.var.apiKeyId}` };
    const { idempotencyKey: inBody, ...input } = await readJson(c, NewBroadcast);
    const key = idempotencyKeyOf(inBody, c.req.header('idempotency-key'));
    const { broadcast, created } = await createBroadcast(ctx, { ...input, idempotencyKey: key === undefined ? undefined : `${c.var.apiKeyId}:${key}` });
    if (created && broadcast.status === 'queued') {
      // The error's class only: a driver message can quote a row's values (personal data). The walk resumes later.
      const { lifecycle } = c.var.deps;
      const walk = walkBroadcast(ctx, broadcast.id, { signal: lifecycle?.stopping }).catch((err: unknown) =>
        c.var.logger.error({ event: 'broadcast_walk_stopped', broadcastId: broadcast.id, errorName: err instanceof Error ? err.name : typeof err }),
      );
      void lifecycle?.track(walk);
    }
    return c.json(broadcast, created ? 202 : 200);
  })
  .get('/', async (c) => {
    const { after, limit } = validate(BroadcastsQuery, c.req.query());
    return c.json(await listBroadcasts(c.var.deps, after, limit));
  })
  .get('/:id', async (c) => {
    // Ids are UUIDs; anything else names no broadcast (and never reaches the database: PostgreSQL refuses NUL).
    if (!BroadcastId.safeParse(c.req.param()).success) throw notFound('Broadcast');
    return c.json(await getBroadcast(c.var.deps, c.req.param('id')));
  });
