// POST /v1/imports: a list of any length as CSV or NDJSON, answered as it goes with one NDJSON result
// per row and a summary line (docs/api.md "Imports").
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { importBatches } from '../domain/imports/run-import.js';
import { requireScope } from './auth.js';
import { validate } from './body.js';
import { type AppEnv, apiActor } from './env.js';
import { importRowsOffThread } from './import-rows-off-thread.js';
import { isNdjson } from './ndjson-lines.js';

export const ImportQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() });

export const imports = new Hono<AppEnv>().post('/', requireScope('recipients:write'), async (c) => {
  const { dryRun } = validate(ImportQuery, c.req.query());
  const type = c.req.header('content-type');
  const csv = /^text\/csv\b/i.test(type ?? '');
  if (!csv && !isNdjson(type)) throw new AppError('unsupported_media_type', 'Send the rows as text/csv or application/x-ndjson.');
  const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
  const rows = importRowsOffThread(body, csv ? 'csv' : 'ndjson');
  const { db, config } = c.var.deps;
  const results = importBatches(db, rows, { hashKey: config.hashKey, actor: apiActor(c.var.apiKeyId).actor, dryRun: dryRun === 'true' });
  c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
  return stream(
    c,
    async (s) => {
      // One write per batch: a write per row cost more than the row's database work.
      for await (const part of results) {
        if (!Array.isArray(part)) await s.write(`${JSON.stringify(part)}\n`);
        else if (part.length) await s.write(`${part.map((r) => JSON.stringify(r)).join('\n')}\n`);
      }
    },
    // The status is sent: a failure part-way ends the answer with a line saying so (batches before it stand).
    async (err, s) => {
      const code = (err as { code?: unknown }).code;
      await s.write(`${JSON.stringify({ error: 'the import stopped', code: typeof code === 'string' ? code : err.name })}\n`);
    },
  );
});
