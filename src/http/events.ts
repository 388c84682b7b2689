import { Hono } from 'hono';
import { z } from 'zod';
import { listLedger } from '../domain/consent/ledger-history.js';
import { requireScope } from './auth.js';
import { validate } from './body.js';
import type { AppEnv } from './env.js';
import { pageQuery } from './fields.js';

// The cursor is the ledger's seq; within Number.MAX_SAFE_INTEGER so it round-trips exactly.
const EventsQuery = pageQuery(z.string().regex(/^[0-9]{1,15}$/, 'a cursor from a previous page\'s "next"'));

export const events = new Hono<AppEnv>().get('/', requireScope('recipients:write', 'eligibility:read'), async (c) => {
  const { after, limit } = validate(EventsQuery, c.req.query());
  return c.json(await listLedger(c.var.deps.db, after === undefined ? 0 : Number(after), limit));
});
