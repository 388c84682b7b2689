// Builds the whole app from its configuration and dependencies. Nothing below reads process.env.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './errors.js';
import { categories } from './http/categories.js';
import { eligibility } from './http/eligibility.js';
import type { AppEnv, Deps } from './http/env.js';
import { health } from './http/health.js';
import { isNdjson } from './http/ndjson-lines.js';
import { apiErrorHandler, problemResponse } from './http/problem.js';

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
  });

  const limit = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: (c) => problemResponse(c, new AppError('payload_too_large', `The body is larger than ${deps.config.maxBodyBytes} bytes.`)),
  });
  // Streaming NDJSON eligibility is unbounded by design (API.md); it reads line by line instead.
  // GET and HEAD carry no body, and asking for one makes @hono/node-server build a full Request.
  app.use('/v1/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' || isNdjson(c.req.header('content-type')) ? next() : limit(c, next),
  );

  app.route('/', health);
  app.route('/v1/categories', categories);
  app.route('/v1/eligibility', eligibility);

  app.notFound((c) => problemResponse(c, new AppError('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)));
  app.onError(apiErrorHandler);
  return app;
}
