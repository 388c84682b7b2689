// /healthz: the process serves and its database answers. /readyz: also that the schema is current, so a
// load balancer sends nothing to an instance started against a database not yet migrated (docs/operations.md).
import { Hono } from 'hono';
import { checkReadiness, databaseAnswers } from '../domain/operations/health.js';
import type { AppEnv } from './env.js';

export const health = new Hono<AppEnv>()
  .get('/healthz', async (c) => ((await databaseAnswers(c.var.deps.db)) ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503)))
  .get('/readyz', async (c) => {
    const { ready, ...why } = await checkReadiness(c.var.deps.db);
    return ready ? c.json({ status: 'ready' }) : c.json({ status: 'unavailable', ...why }, 503);
  });
