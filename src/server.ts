// Entry point: `npm start`. Reads the environment, migrates, and serves.
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadConfig, openAndMigrate } from './bootstrap.js';
import { ConfigError } from './config.js';
import { countApiKeys } from './db/api-keys.js';
import { createApiKeyCache } from './domain/access/api-key-cache.js';
import { createApiKey } from './domain/access/api-keys.js';
import { createNoticeRuntime } from './domain/notices/runtime.js';
import { createSystemMail } from './domain/notices/system-mail.js';
import { createCategoryCache } from './domain/recipients/category-cache.js';
import { startJobs } from './jobs/run-jobs.js';

async function main() {
  const config = loadConfig(process.env);
  const handle = await openAndMigrate(config);
  const notices = createNoticeRuntime(config, handle.db);
  const app = createApp({
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
  const stopJobs = startJobs(handle.db, config, { notices });
  const stop = () => {
    stopJobs();
    server.close();
    void handle.close().then(() => process.exit(0));
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
