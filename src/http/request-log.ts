// One log line and one count per request (docs/operations.md "Logs", "Metrics"). The route is the matched
// PATTERN (`/u/:token`), never the path: paths carry tokens and recipient references. No header but the
// request id is read, so no IP, user agent or key can reach the log from here.
import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes, routePath } from 'hono/route';
import type { AppEnv } from './env.js';

// Short enough that an API key (63 characters) or a signed token sent by mistake is not echoed into the log.
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,39}$/;
// Any other method is one label, so a client cannot grow the series without bound.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  const given = c.req.header('x-request-id');
  const requestId = given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
  c.set('requestId', requestId);
  // Set before the answer is built, so it is part of it: a header set on a finished answer makes Hono
  // build the Response again, and @hono/node-server then streams it instead of writing it at once (a
  // few times the cost of the single eligibility GET; docs/performance.md). An answer made without the
  // context (a handler's own Response) gets it afterwards.
  c.header('X-Request-Id', requestId);
  await next();
  if (!c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', requestId);
  const seconds = (performance.now() - started) / 1000;
  const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
  const route = routeOf(c);
  const status = c.res.status;
  c.get('metrics').requestAnswered(method, route, status, seconds);
  const code = c.get('errorCode');
  const line = { event: 'request', requestId, method, route, status, durationMs: Math.round(seconds * 10_000) / 10, ...(code && { code }) };
  const logger = c.get('logger');
  if (status >= 500) logger.error(line);
  else logger.info(line);
};

/** The pattern of the endpoint that matched: the last route that is not a middleware (a 401 thrown by one still names it). */
function routeOf(c: Context<AppEnv>): string {
  if (c.get('unmatched')) return 'unmatched';
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) if (routes[i]!.method !== 'ALL') return routes[i]!.path;
  return routePath(c);
}
