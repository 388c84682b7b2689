// GET /metrics: Prometheus text for a key with `metrics:read` (admin implies it). When METRICS_PORT is
// set, src/server.ts also serves the same text without a key on that port alone (docs/operations.md).
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Metrics } from '../observability/metrics.js';
import { requireScope } from './auth.js';
import type { AppEnv } from './env.js';

export const metricsRoute = new Hono<AppEnv>().get('/', requireScope('metrics:read'), async (c) => {
  const metrics = c.get('metrics');
  return c.body(await metrics.scrape(c.get('deps').db), 200, { 'Content-Type': metrics.registry.contentType });
});

/** The whole app of the separate scrape listener: /metrics and nothing else, no key (bind it to a private address). */
export function createMetricsListener(metrics: Metrics, db: Kysely<Database>): Hono {
  return new Hono()
    .get('/metrics', async (c) => c.body(await metrics.scrape(db), 200, { 'Content-Type': metrics.registry.contentType }))
    .notFound((c) => c.text('Only /metrics is served here.\n', 404));
}
