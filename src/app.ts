// Builds the whole app from its configuration and dependencies. Nothing below reads process.env.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './core/errors.js';
import { createMailQueue } from './domain/notices/mail-queue.js';
import { createNoticeRuntime, withDispatcher } from './domain/notices/runtime.js';
import { createSystemMail } from './domain/notices/system-mail.js';
import { admin } from './http/admin/index.js';
import { apiDocs } from './http/api-docs.js';
import { broadcasts } from './http/broadcasts.js';
import { categories } from './http/categories.js';
import { devOutbox } from './http/dev-outbox.js';
import { eligibility } from './http/eligibility.js';
import type { AppEnv, Deps } from './http/env.js';
import { events } from './http/events.js';
import { health } from './http/health.js';
import { imports } from './http/imports.js';
import { ledger } from './http/ledger.js';
import { links } from './http/links.js';
import { metricsRoute } from './http/metrics.js';
import { isNdjson } from './http/ndjson-lines.js';
import { notices } from './http/notices.js';
import { pages } from './http/pages/index.js';
import { privacy } from './http/privacy.js';
import { apiErrorHandler, problemResponse, refuseNul } from './http/problem.js';
import { recipients } from './http/recipients.js';
import { requestLog } from './http/request-log.js';
import { stats } from './http/stats.js';
import { suppressions } from './http/suppressions.js';
import { templates } from './http/templates.js';
import { webhookEndpoints } from './http/webhook-endpoints.js';
import { webhooks } from './http/webhooks.js';
import { silentLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { createTelemetry } from './observability/telemetry.js';

// The API's version in the OpenAPI document (package.json's).
const API_VERSION = '0.1.0';

export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const logger = deps.logger ?? silentLogger();
  const metrics = deps.metrics ?? createMetrics();
  const telemetry = createTelemetry(logger, metrics);
  const noticeRuntime = deps.notices ? withDispatcher(deps.notices, deps.db, deps.config) : createNoticeRuntime(deps.config, deps.db, { telemetry });
  const { lifecycle } = deps;
  const mailQueue =
    deps.mailQueue ??
    createMailQueue({
      track: lifecycle && ((work) => lifecycle.track(work)),
      onError: (err) => telemetry.event('error', 'queued_mail_failed', { errorName: err instanceof Error ? err.name : typeof err }),
    });
  const full: Deps = { ...deps, logger, metrics, mailQueue, systemMail: deps.systemMail ?? createSystemMail(deps.db, deps.config, noticeRuntime) };
  app.use(async (c, next) => {
    c.set('deps', full);
    c.set('notices', noticeRuntime);
    c.set('mailQueue', mailQueue);
    c.set('logger', logger);
    c.set('metrics', metrics);
    c.set('telemetry', telemetry);
    await next();
  });
  app.use(requestLog);

  const limit = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: (c) => problemResponse(c, new AppError('payload_too_large', `The body is larger than ${deps.config.maxBodyBytes} bytes.`)),
  });
  // Streaming NDJSON eligibility is unbounded by design (docs/api.md "Eligibility"); it reads line by line instead.
  // GET and HEAD carry no body, and asking for one makes @hono/node-server build a full Request.
  app.use('/v1/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' || isNdjson(c.req.header('content-type')) || c.req.path === '/v1/imports' ? next() : limit(c, next),
  );

  // NUL in a path or query names nothing and PostgreSQL refuses it outright (22021): refused here, the
  // same on both dialects, before any route reads a parameter.
  app.use('/v1/*', refuseNul);
  app.use('/webhooks/*', refuseNul);

  app.route('/', health);
  app.route('/', apiDocs(API_VERSION));
  app.route('/metrics', metricsRoute);
  app.route('/v1/categories', categories);
  app.route('/v1/recipients', privacy);
  app.route('/v1/ledger', ledger);
  app.route('/v1/recipients', recipients);
  app.route('/v1/suppressions', suppressions);
  app.route('/v1/events', events);
  app.route('/v1/stats', stats);
  app.route('/v1/imports', imports);
  app.route('/v1/notices', notices);
  app.route('/v1/templates', templates);
  app.route('/v1/broadcasts', broadcasts);
  app.route('/webhooks', webhooks);
  app.route('/v1/webhook-endpoints', webhookEndpoints);
  if (!deps.config.production) app.route('/dev/outbox', devOutbox);
  app.route('/v1/links', links);
  app.route('/v1/eligibility', eligibility);
  app.route('/admin', admin);
  app.route('/', pages);

  app.notFound((c) => {
    c.set('unmatched', true);
    return problemResponse(c, new AppError('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
  });
  app.onError(apiErrorHandler);
  return app;
}
