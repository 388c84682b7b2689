// POST /v1/links: the links and RFC 8058 headers for systems that send through their own provider.
import { Hono } from 'hono';
import { z } from 'zod';
import { linksForRecipient } from '../domain/links/integrator-links.js';
import { requireScope } from './auth.js';
import { readJson } from './body.js';
import type { AppEnv } from './env.js';

export const LinksRequest = z.strictObject({
  recipient: z.string().trim().min(1).max(320),
  category: z.string().min(1).max(64),
});

export const links = new Hono<AppEnv>().use(requireScope('eligibility:read')).post('/', async (c) => {
  const input = await readJson(c, LinksRequest);
  const { db, config } = c.var.deps;
  return c.json(await linksForRecipient(db, config, input.recipient, input.category));
});
