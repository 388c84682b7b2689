// GET /v1/templates and POST /v1/templates/:name/preview (docs/api.md "Notices").
import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../core/errors.js';
import { describeTemplates, previewTemplate } from '../domain/notices/preview.js';
import { requireScope } from './auth.js';
import { readJson } from './body.js';
import type { AppEnv } from './env.js';

export const PreviewBody = z.strictObject({ data: z.record(z.string(), z.unknown()).optional() });

export const templates = new Hono<AppEnv>()
  .use(requireScope('notices:send'))
  .get('/', async (c) => c.json({ data: await describeTemplates(c.var.notices.templates) }))
  .post('/:name/preview', async (c) => {
    const name = c.req.param('name');
    if (!c.var.notices.templates.names().includes(name)) throw notFound('Template');
    const body = await readJson(c, PreviewBody);
    return c.json(await previewTemplate(c.var.deps.config, c.var.notices.templates, name, body.data));
  });
