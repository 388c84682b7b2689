import { Hono } from 'hono';
import { z } from 'zod';
import { UUID_PATTERN } from '../core/ids.js';
import type { ConsentContext } from '../core/vocabulary.js';
import { addSuppression, eachSuppression, liftSuppressions, listSuppressions } from '../domain/recipients/suppressions.js';
import { requireScope } from './auth.js';
import { readJson, validate } from './body.js';
import { csvResponse, wantsCsv } from './csv.js';
import { type AppEnv, apiActor } from './env.js';
import { email, pageQuery, prose } from './fields.js';

// `erased` is absent on purpose: only an erasure (the privacy API) creates one.
export const NewSuppression = z.strictObject({
  email,
  reason: z.enum(['manual', 'hard_bounce', 'complaint']),
  note: prose(2000).nullable().optional(),
});

// Suppression ids are UUIDv7 (time-ordered), so the cursor is the last id of a page.
export const SuppressionsQuery = pageQuery(z.string().regex(UUID_PATTERN, 'a cursor from a previous page\'s "next"'));

const EmailParam = z.object({ email });

const apiChange = (apiKeyId: string): ConsentContext => ({ source: 'api', ...apiActor(apiKeyId) });

export const suppressions = new Hono<AppEnv>()
  .post('/', requireScope('admin'), async (c) => {
    const input = await readJson(c, NewSuppression);
    const { suppression, created } = await addSuppression(c.var.deps.db, c.var.deps.config.hashKey, input, apiChange(c.var.apiKeyId));
    return c.json(suppression, created ? 201 : 200);
  })
  .get('/', requireScope('admin', 'eligibility:read'), async (c) => {
    const { after, limit } = validate(SuppressionsQuery, c.req.query());
    if (wantsCsv(c)) {
      const rows = (async function* () {
        for await (const s of eachSuppression(c.var.deps.db)) yield [s.id, s.email, s.reason, s.note, s.createdAt];
      })();
      return csvResponse(c, 'suppressions', ['id', 'email', 'reason', 'note', 'createdAt'], rows);
    }
    return c.json(await listSuppressions(c.var.deps.db, after ?? '', limit));
  })
  .delete('/:email', requireScope('admin'), async (c) => {
    const { email: address } = validate(EmailParam, { email: c.req.param('email') });
    await liftSuppressions(c.var.deps.db, c.var.deps.config.hashKey, address, apiChange(c.var.apiKeyId));
    return c.body(null, 204);
  });
