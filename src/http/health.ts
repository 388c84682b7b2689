import { Hono } from 'hono';
import { databaseAnswers } from '../domain/operations/health.js';
import type { AppEnv } from './env.js';

export const health = new Hono<AppEnv>().get('/healthz', async (c) =>
  (await databaseAnswers(c.var.deps.db)) ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503),
);
