// The head of the consent ledger, for operators who anchor it elsewhere (a ticket, a timestamping
// service) so that a later `mailprefs ledger verify --anchor` can show nothing was cut or rewritten.
import { Hono } from 'hono';
import { getLedgerHead } from '../domain/consent/ledger-verify.js';
import { requireScope } from './auth.js';
import type { AppEnv } from './env.js';

export const ledger = new Hono<AppEnv>().get('/head', requireScope('admin', 'privacy'), async (c) => c.json(await getLedgerHead(c.var.deps.db)));
