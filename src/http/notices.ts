// POST /v1/notices, POST /v1/notices/batch, GET /v1/notices/:id (docs/api.md "Notices").
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../core/errors.js';
import type { DispatchContext } from '../domain/notices/dispatch.js';
import { getNoticeView, listNoticeViews, NOTICE_STATUSES, sendNotice, sendNoticeBatch } from '../domain/notices/send-notices.js';
import { requireScope } from './auth.js';
import { readJson, validate } from './body.js';
import type { AppEnv } from './env.js';
import { categoryKey, idempotencyKey, idempotencyKeyOf, pageQuery, uuid } from './fields.js';

const to = z.string().trim().min(1).max(320);
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'not a category key');
const templateName = z.string().min(1).max(64);
const data = z.record(z.string(), z.unknown()).optional();

export const NoticeBody = z.strictObject({ to, category: key, template: templateName, data, idempotencyKey: idempotencyKey.optional() });
export const BatchBody = z.strictObject({
  category: key,
  template: templateName,
  recipients: z.array(z.strictObject({ to, data })).min(1).max(1000),
});

export const NoticesQuery = pageQuery(uuid).extend({
  status: z.enum(NOTICE_STATUSES).optional(),
  category: categoryKey.optional(),
  broadcast: uuid.optional(),
});

function dispatchContext(c: Context<AppEnv>): DispatchContext {
  const { db, config } = c.var.deps;
  return { db, config, runtime: c.var.notices, actor: `key:${c.var.apiKeyId}` };
}

/** `Prefer: respond-async` (RFC 7240 §4.1): answer 202 queued at once; GET /v1/notices/ID tells the rest. */
function respondAsync(c: Context<AppEnv>): boolean {
  const asked = (c.req.header('prefer') ?? '').split(',').some((p) => p.split(';')[0]!.trim().toLowerCase() === 'respond-async');
  if (asked) c.header('Preference-Applied', 'respond-async');
  return asked;
}

export const notices = new Hono<AppEnv>()
  .use(requireScope('notices:send'))
  .post('/', async (c) => {
    const body = await readJson(c, NoticeBody);
    const clientKey = idempotencyKeyOf(body.idempotencyKey, c.req.header('idempotency-key'));
    const result = await sendNotice(dispatchContext(c), { ...body, idempotencyKey: clientKey, keyScope: c.var.apiKeyId, respondAsync: respondAsync(c) });
    return c.json(result, result.status === 'sent' || result.status === 'queued' ? 202 : 200);
  })
  .post('/batch', async (c) => {
    const body = await readJson(c, BatchBody);
    return c.json({ results: await sendNoticeBatch(dispatchContext(c), { ...body, respondAsync: respondAsync(c) }) });
  })
  .get('/', async (c) => {
    const { limit, ...filter } = validate(NoticesQuery, c.req.query());
    return c.json(await listNoticeViews(c.var.deps, filter, limit));
  })
  .get('/:id', async (c) => {
    // Ids are UUIDs; anything else names no notice (and never reaches the database: PostgreSQL refuses NUL).
    if (!uuid.safeParse(c.req.param('id')).success) throw notFound('Notice');
    return c.json(await getNoticeView(c.var.deps, c.req.param('id')));
  });
