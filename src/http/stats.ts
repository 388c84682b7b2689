import { Hono } from 'hono';
import { z } from 'zod';
import { readDailyStats } from '../domain/stats/daily-stats.js';
import { requireScope } from './auth.js';
import { validate } from './body.js';
import type { AppEnv } from './env.js';
import { categoryKey } from './fields.js';

const date = z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'a date YYYY-MM-DD');
export const StatsQuery = z.object({ from: date, to: date, category: categoryKey.optional() });

// Aggregates only: no address or recipient id, so the readers of the event feed may read them too.
export const stats = new Hono<AppEnv>().get('/', requireScope('recipients:write', 'eligibility:read'), async (c) => {
  const q = validate(StatsQuery, c.req.query());
  return c.json(await readDailyStats(c.var.deps.db, q));
});
