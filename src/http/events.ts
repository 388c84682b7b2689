import { Hono } from 'hono';
import { z } from 'zod';
import { CONSENT_SOURCES } from '../core/vocabulary.js';
import { eachLedgerEntry, listLedger } from '../domain/consent/ledger-history.js';
import { requireScope } from './auth.js';
import { validate } from './body.js';
import { csvResponse, wantsCsv } from './csv.js';
import type { AppEnv } from './env.js';
import { categoryKey, pageQuery, uuid } from './fields.js';

const EVENT_TYPE = /^[a-z][a-z_]{0,39}$/;
// Times compare as stored text, so each is brought to toISOString's form first.
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s).toISOString());

// The cursor is the ledger's seq; within Number.MAX_SAFE_INTEGER so it round-trips exactly.
export const EventsQuery = pageQuery(z.string().regex(/^[0-9]{1,15}$/, 'a cursor from a previous page\'s "next"')).extend({
  type: z
    .string()
    .max(400)
    .transform((s) => s.split(','))
    .pipe(z.array(z.string().regex(EVENT_TYPE, 'event types such as "unsubscribed", comma-separated')).max(20))
    .optional(),
  category: categoryKey.optional(),
  source: z.enum(CONSENT_SOURCES).optional(),
  since: instant.optional(),
  until: instant.optional(),
  // Ids as handed out (lower-case UUIDs); a well-formed one that names no mail matches nothing.
  noticeId: uuid.optional(),
  broadcastId: uuid.optional(),
});

const HEADER = ['seq', 'id', 'type', 'recipientId', 'category', 'source', 'at', 'noticeId', 'broadcastId'];

export const events = new Hono<AppEnv>().get('/', requireScope('recipients:write', 'eligibility:read'), async (c) => {
  const { after, limit, type, category, source, since, until, noticeId, broadcastId } = validate(EventsQuery, c.req.query());
  const filter = { types: type, categoryKey: category, source, since, until, noticeId, broadcastId };
  const afterSeq = after === undefined ? 0 : Number(after);
  if (wantsCsv(c)) {
    const rows = (async function* () {
      for await (const e of eachLedgerEntry(c.var.deps.db, afterSeq, filter))
        yield [e.seq, e.id, e.type, e.recipientId, e.category, e.source, e.at, e.noticeId, e.broadcastId];
    })();
    return csvResponse(c, 'events', HEADER, rows);
  }
  return c.json(await listLedger(c.var.deps.db, afterSeq, limit, filter));
});
