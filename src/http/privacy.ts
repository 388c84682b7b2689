// Privacy rights over the API (docs/api.md "Privacy"; GDPR Art. 15, 17, 20). Scopes are checked per route,
// not with .use(), so that these routes stay independent of the other groups mounted at /v1/recipients.
import { Hono } from 'hono';
import { eraseRecipient } from '../domain/privacy/erasure.js';
import { exportRecipientData } from '../domain/privacy/export.js';
import { requireScope } from './auth.js';
import { type AppEnv, apiActor } from './env.js';

export const privacy = new Hono<AppEnv>()
  .get('/:ref/export', requireScope('privacy'), async (c) => {
    const by = { source: 'api', ...apiActor(c.var.apiKeyId) } as const;
    const data = await exportRecipientData(c.var.deps.db, c.var.deps.config.hashKey, c.req.param('ref'), by);
    c.header('Cache-Control', 'no-store');
    return c.json(data);
  })
  .delete('/:ref', requireScope('privacy'), async (c) => {
    const { walTruncated } = await eraseRecipient(c.var.deps.db, c.var.deps.config.hashKey, c.req.param('ref'), apiActor(c.var.apiKeyId));
    // A reader kept the SQLite WAL in use: the erased bytes leave it at the next checkpoint.
    if (!walTruncated) c.get('logger').warn({ event: 'erasure_wal_busy', requestId: c.get('requestId') });
    return c.body(null, 204);
  });
