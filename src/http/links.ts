// POST /v1/links: the links and RFC 8058 headers for systems that send through their own provider.
// `verified: true` is for an integrator that has already signed the person in: its preference link opens
// the data rights without the step-up mail, for 30 minutes (docs/privacy.md, "How a person is identified").
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { hasScope } from '../domain/access/api-keys.js';
import { linksForRecipient } from '../domain/links/integrator-links.js';
import { requireScope } from './auth.js';
import { readJson } from './body.js';
import type { AppEnv } from './env.js';

export const LinksRequest = z.strictObject({
  recipient: z.string().trim().min(1).max(320),
  category: z.string().min(1).max(64),
  verified: z.boolean().optional(),
});

export const links = new Hono<AppEnv>().use(requireScope('eligibility:read', 'privacy')).post('/', async (c) => {
  const input = await readJson(c, LinksRequest);
  // Without `verified`, the base contract: eligibility:read suffices. A verified link is a data right.
  const scopes = c.get('apiKeyScopes');
  if (input.verified && !hasScope(scopes, ['privacy'])) throw new AppError('forbidden', 'A verified link needs a key with the privacy scope.');
  if (!input.verified && !hasScope(scopes, ['eligibility:read'])) throw new AppError('forbidden', 'This endpoint needs one of these scopes: eligibility:read.');
  const { db, config } = c.var.deps;
  return c.json(await linksForRecipient(db, config, input.recipient, input.category, { verified: input.verified ?? false }));
});
