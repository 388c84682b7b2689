// Entry point: `npm start`. Reads the environment, migrates, and serves.
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadConfig, openAndMigrate } from './bootstrap.js';
import { ConfigError } from './config.js';
import { createLifecycle } from './core/lifecycle.js';
import { countApiKeys } from './db/api-keys.js';
import { createApiKeyCache } from './domain/access/api-key-cache.js';
import { createApiKey } from './domain/access/api-keys.js';
import { createNoticeRuntime } from './domain/notices/runtime.js';
import { createSystemMail } from './domain/notices/system-mail.js';
import { createCategoryCache } from './domain/recipients/category-cache.js';
import { startJobs } from './jobs/run-jobs.js';
import { shutDown } from './shutdown.js';

async function main() {
  const config = loadConfig(process.env);
  const handle = await openAndMigrate(config);
  const notices = createNoticeRuntime(config, handle.db);
  const lifecycle = createLifecycle();
  const app = createApp({
    lifecycle,
    config,
    db: handle.db,
    notices,
    systemMail: createSystemMail(handle.db, config, notices),
    apiKeyCache: createApiKeyCache(),
    categoryCache: createCategoryCache(),
  });

  // First run on a laptop: hand the newcomer a key so the API can be tried at once. Never in production.
  if (!config.production && (await countApiKeys(handle.db)) === 0) {
    const { key } = await createApiKey(handle.db, 'first admin key', ['admin']);
    console.log(`\nCreated a first admin API key (shown once, stored hashed):\n\n  ${key}\n`);
    console.log(`Try it:\n  curl -H "Authorization: Bearer ${key}" ${config.publicUrl}/v1/categories\n`);
    console.log('More keys: npm run cli -- keys create --name NAME --scope SCOPE\n');
  }

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    console.log(`mailprefs listening on http://${config.host}:${info.port} (${handle.dialect})`);
    if (!config.resendApiKey) console.log(`No RESEND_API_KEY: emails are kept in the dev outbox at ${config.publicUrl}/dev/outbox`);
  });
  // Jobs: double opt-in expiry, notice retention, resuming queued notices (src/jobs/run-jobs.ts).
  const stopJobs = startJobs(handle.db, config, { notices, lifecycle });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal while stopping (Ctrl-C twice) means now.
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`mailprefs: ${signal}, stopping (up to ${config.shutdownGraceSeconds} s)`);
    const parts = { server: server as Server, lifecycle, stopJobs, closeDatabase: () => handle.close(), graceMs: config.shutdownGraceSeconds * 1000 };
    shutDown(parts).then(
      () => {
        console.log('mailprefs: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`mailprefs: shutdown failed (${err instanceof Error ? err.name : 'error'})`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`mailprefs cannot start: ${err.message}`);
  } else {
    console.error('mailprefs cannot start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
