// Bearer API keys with scopes. 401 when no valid key, 403 when the key lacks every scope the route accepts.
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../core/errors.js';
import { verifyApiKeyCached } from '../domain/access/api-key-cache.js';
import { hasScope, type Scope } from '../domain/access/api-keys.js';
import type { AppEnv } from './env.js';

export function requireScope(...accepted: Scope[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // c.get, not c.var: Hono builds a fresh object of all variables on every read of c.var.
    const { db, apiKeyCache } = c.get('deps');
    const key = match ? await verifyApiKeyCached(db, apiKeyCache, match[1]!) : undefined;
    if (!key) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new AppError('unauthorized', 'Send a valid API key as "Authorization: Bearer KEY".');
    }
    if (!hasScope(key.scopes, accepted)) {
      throw new AppError('forbidden', `This endpoint needs one of these scopes: ${accepted.join(', ')}.`);
    }
    c.set('apiKeyId', key.id);
    c.set('apiKeyScopes', key.scopes);
    await next();
  };
}
