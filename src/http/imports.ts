// POST /v1/imports: a list of any length as CSV or NDJSON, answered as it goes with one NDJSON result
// per row and a summary line (docs/api.md "Imports").
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { importRows } from '../domain/imports/run-import.js';
import { requireScope } from './auth.js';
import { validate } from './body.js';
import { type AppEnv, apiActor } from './env.js';
import { csvImportRows, ndjsonImportRows } from './import-rows.js';
import { isNdjson } from './ndjson-lines.js';

export const ImportQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() });

export const imports = new Hono<AppEnv>().post('/', requireScope('recipients:write'), async (c) => {
  const { dryRun } = validate(ImportQuery, c.req.query());
  const type = c.req.header('content-type');
  const csv = /^text\/csv\b/i.test(type ?? '');
  if (!csv && !isNdjson(type)) throw new AppError('unsupported_media_type', 'Send the rows as text/csv or application/x-ndjson.');
  const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (ctl) => ctl.close() });
  const rows = csv ? csvImportRows(body) : ndjsonImportRows(body);
  const { db, config } = c.var.deps;
  const results = importRows(db, rows, { hashKey: config.hashKey, actor: apiActor(c.var.apiKeyId).actor, dryRun: dryRun === 'true' });
  c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
  return stream(
    c,
    async (s) => {
      for await (const r of results) await s.write(`${JSON.stringify(r)}\n`);
    },
    // The status is sent: a failure part-way ends the answer with a line saying so (batches before it stand).
    async (err, s) => {
      const code = (err as { code?: unknown }).code;
      await s.write(`${JSON.stringify({ error: 'the import stopped', code: typeof code === 'string' ? code : err.name })}\n`);
    },
  );
});
