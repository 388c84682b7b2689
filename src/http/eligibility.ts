// "May I send category K to these addresses?" (docs/api.md "Eligibility"): one address, a JSON batch of up
// to MAX_BATCH, or an unbounded NDJSON stream. All three are decided by checkEligibility.
import { Hono } from 'hono';
import { z } from 'zod';
import { invalidField } from '../core/errors.js';
import { checkEligibility } from '../domain/eligibility/check-eligibility.js';
import { getCategoryCached } from '../domain/recipients/category-cache.js';
import { requireScope } from './auth.js';
import { readJson, validate } from './body.js';
import { streamEligibility } from './eligibility-stream.js';
import type { AppEnv } from './env.js';
import { isNdjson, MAX_LINE_CHARS } from './ndjson-lines.js';

const MAX_BATCH = 10_000;

const categoryKey = z.string().min(1).max(64);
// Longer than any address (RFC 5321 allows 254) and than an NDJSON line: not an address but an error.
const address = z.string().max(MAX_LINE_CHARS);

export const SingleQuery = z.object({ email: address, category: categoryKey });

const Batch = z.strictObject({
  category: categoryKey,
  emails: z.array(address).max(MAX_BATCH, `at most ${MAX_BATCH.toLocaleString('en')} addresses per request; send more as application/x-ndjson`),
});

export const eligibility = new Hono<AppEnv>()
  .use(requireScope('eligibility:read'))
  .get('/', async (c) => {
    const query = validate(SingleQuery, c.req.query());
    const { db, config, categoryCache } = c.get('deps');
    const category = await getCategoryCached(db, categoryCache, query.category);
    const [answer] = await checkEligibility(db, config.hashKey, category, [query.email], c.get('telemetry'));
    // A single answer has nothing to keep in place, so a bad address is the request's fault (docs/api.md "Eligibility").
    if (answer!.reason === 'invalid_email') throw invalidField('email', 'not a valid email address');
    return c.json({ email: query.email, category: category.key, ...answer! });
  })
  .post('/', async (c) => {
    if (isNdjson(c.req.header('content-type'))) return streamEligibility(c);
    const input = await readJson(c, Batch);
    const { db, config, categoryCache } = c.var.deps;
    const category = await getCategoryCached(db, categoryCache, input.category);
    const answers = await checkEligibility(db, config.hashKey, category, input.emails, c.get('telemetry'));
    return c.json({ category: category.key, results: input.emails.map((email, i) => ({ email, ...answers[i]! })) });
  });
