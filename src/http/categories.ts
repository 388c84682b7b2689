import { Hono } from 'hono';
import { z } from 'zod';
import { notFound } from '../core/errors.js';
import { CATEGORY_KINDS, CONSENT_MODES } from '../core/vocabulary.js';
import { createCategory, listCategories, patchCategory } from '../domain/recipients/categories.js';
import { forgetCategory } from '../domain/recipients/category-cache.js';
import { requireScope } from './auth.js';
import { readJson } from './body.js';
import { type AppEnv, apiActor } from './env.js';
import { categoryKey, line, prose } from './fields.js';

const name = line(200).pipe(z.string().trim().min(1));
const description = prose(2000).nullable();

export const NewCategory = z.strictObject({
  key: categoryKey,
  name,
  description: description.optional(),
  kind: z.enum(CATEGORY_KINDS),
  consent: z.enum(CONSENT_MODES).optional(),
  doubleOptIn: z.boolean().optional(),
});

// `key` and `kind` are absent on purpose: they never change after creation (docs/api.md "Words").
// `archived` retires the category or puts it back (docs/api.md "Categories").
export const CategoryPatch = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  consent: z.enum(CONSENT_MODES).optional(),
  doubleOptIn: z.boolean().optional(),
  archived: z.boolean().optional(),
});

export const categories = new Hono<AppEnv>()
  .use(requireScope('admin'))
  .post('/', async (c) => {
    const input = await readJson(c, NewCategory);
    return c.json(await createCategory(c.var.deps.db, input), 201);
  })
  .get('/', async (c) => c.json({ data: await listCategories(c.var.deps.db) }))
  .patch('/:key', async (c) => {
    // A key of another shape names no category (and NUL never reaches PostgreSQL, which refuses it).
    if (!categoryKey.safeParse(c.req.param('key')).success) throw notFound('Category');
    const patch = await readJson(c, CategoryPatch);
    const updated = await patchCategory(c.var.deps.db, c.req.param('key'), patch, { source: 'api', ...apiActor(c.var.apiKeyId) });
    forgetCategory(c.var.deps.categoryCache, updated.key);
    return c.json(updated);
  });
