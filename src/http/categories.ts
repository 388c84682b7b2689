import { Hono } from 'hono';
import { z } from 'zod';
import { createCategory, editCategory, listCategories } from '../domain/categories.js';
import { requireScope } from './auth.js';
import { readJson } from './body.js';
import type { AppEnv } from './env.js';

const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -, at most 64, starting with a letter or digit');
const name = z.string().trim().min(1).max(200);
const description = z.string().max(2000).nullable();

const NewCategory = z.strictObject({
  key,
  name,
  description: description.optional(),
  kind: z.enum(['marketing', 'transactional']),
  consent: z.enum(['opt_in', 'opt_out']).optional(),
  doubleOptIn: z.boolean().optional(),
});

// `key` and `kind` are absent on purpose: they never change after creation (API.md).
const CategoryPatch = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  consent: z.enum(['opt_in', 'opt_out']).optional(),
  doubleOptIn: z.boolean().optional(),
});

export const categories = new Hono<AppEnv>()
  .use(requireScope('admin'))
  .post('/', async (c) => {
    const input = await readJson(c, NewCategory);
    return c.json(await createCategory(c.var.deps.db, input), 201);
  })
  .get('/', async (c) => c.json({ data: await listCategories(c.var.deps.db) }))
  .patch('/:key', async (c) => {
    const patch = await readJson(c, CategoryPatch);
    return c.json(await editCategory(c.var.deps.db, c.req.param('key'), patch));
  });
