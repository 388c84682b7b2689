// Entry point: `npm start`. Reads the environment, migrates, and serves; logs through one logger
// (docs/operations.md "Logs") and, when METRICS_PORT is set, serves /metrics on a listener of its own.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadConfig, openAndMigrate } from './bootstrap.js';
import { type Config, ConfigError } from './config.js';
import { createLifecycle } from './core/lifecycle.js';
import { describeUnexpectedError } from './core/log-error.js';
import { countApiKeys } from './db/api-keys.js';
import { createApiKeyCache } from './domain/access/api-key-cache.js';
import { createApiKey } from './domain/access/api-keys.js';
import { createNoticeRuntime } from './domain/notices/runtime.js';
import { createSystemMail } from './domain/notices/system-mail.js';
import { createCategoryCache } from './domain/recipients/category-cache.js';
import { createMetricsListener } from './http/metrics.js';
import { startJobs } from './jobs/run-jobs.js';
import { createLogger, type Logger } from './observability/logger.js';
import { collectProcessMetrics, createMetrics } from './observability/metrics.js';
import { createTelemetry } from './observability/telemetry.js';
import { shutDown } from './shutdown.js';

async function main(config: Config, logger: Logger, warnings: readonly string[]) {
  for (const message of warnings) logger.warn({ event: 'config_warning' }, message);
  const handle = await openAndMigrate(config);
  const metrics = createMetrics();
  collectProcessMetrics(metrics);
  const telemetry = createTelemetry(logger, metrics);
  const notices = createNoticeRuntime(config, handle.db, { telemetry });
  const lifecycle = createLifecycle();
  const app = createApp({
    lifecycle,
    config,
    db: handle.db,
    notices,
    systemMail: createSystemMail(handle.db, config, notices),
    apiKeyCache: createApiKeyCache(),
    categoryCache: createCategoryCache(),
    logger,
    metrics,
  });

  // First run on a laptop: hand the newcomer a key so the API can be tried at once. Never in production.
  // Printed, not logged: it is for the person at the terminal, and a log must never hold a key.
  if (!config.production && (await countApiKeys(handle.db)) === 0) {
    const { key } = await createApiKey(handle.db, 'first admin key', ['admin']);
    console.log(`\nCreated a first admin API key (shown once, stored hashed):\n\n  ${key}\n`);
    console.log(`Try it:\n  curl -H "Authorization: Bearer ${key}" ${config.publicUrl}/v1/categories\n`);
    console.log('More keys: npm run cli -- keys create --name NAME --scope SCOPE\n');
  }

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info(
      { event: 'listening', port: info.port, dialect: handle.dialect },
      `mailprefs listening on http://${config.host}:${info.port} (${handle.dialect})`,
    );
    if (!config.resendApiKey) logger.info({ event: 'dev_outbox' }, `No RESEND_API_KEY: emails are kept in the dev outbox at ${config.publicUrl}/dev/outbox`);
  });
  const metricsPort = config.metricsPort;
  const scrapeServer =
    metricsPort === undefined
      ? undefined
      : serve({ fetch: createMetricsListener(metrics, handle.db).fetch, port: metricsPort, hostname: config.host }, (info) =>
          logger.info({ event: 'metrics_listening', port: info.port }, `metrics on http://${config.host}:${info.port}/metrics (no key)`),
        );
  // Jobs: double opt-in expiry, notice retention, resuming queued notices (src/jobs/run-jobs.ts).
  const stopJobs = startJobs(handle.db, config, { notices, lifecycle, logger, telemetry });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal while stopping (Ctrl-C twice) means now.
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ event: 'stopping', signal }, `mailprefs: ${signal}, stopping (up to ${config.shutdownGraceSeconds} s)`);
    scrapeServer?.close();
    const parts = {
      server: server as Server,
      lifecycle,
      stopJobs,
      closeDatabase: () => handle.close(),
      graceMs: config.shutdownGraceSeconds * 1000,
      log: (line: string) => logger.warn({ event: 'shutdown' }, line),
    };
    shutDown(parts).then(
      () => {
        logger.info({ event: 'stopped' }, 'mailprefs: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ event: 'shutdown_failed', ...describeUnexpectedError(err) }, 'mailprefs: shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// The configuration decides how to log, so a bad one can only be printed.
function configOrExit(warnings: string[]): Config {
  try {
    return loadConfig(process.env, (m) => warnings.push(m));
  } catch (err) {
    console.error(`mailprefs cannot start: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.name : String(err)}`);
    process.exit(1);
  }
}

const warnings: string[] = [];
const config = configOrExit(warnings);
const logger = createLogger(config);
// Name, code and frames only: a failing migration's message can quote a row (docs/operations.md "Logs").
main(config, logger, warnings).catch((err: unknown) => {
  logger.fatal({ event: 'start_failed', ...describeUnexpectedError(err) }, 'mailprefs cannot start');
  process.exit(1);
});
