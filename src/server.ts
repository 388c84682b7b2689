// Entry point: `npm start`. Reads the environment, migrates, and serves.
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadConfig, openAndMigrate } from './bootstrap.js';
import { ConfigError } from './config.js';
import { countApiKeys } from './db/api-keys.js';
import { createApiKey } from './domain/api-keys.js';
import { startJobs } from './jobs/run-jobs.js';
import { resumeBroadcasts } from './domain/broadcasts/walk-broadcast.js';
import { resumeQueuedNotices } from './domain/notices/resume.js';
import { createNoticeRuntime } from './domain/notices/runtime.js';
import { createSystemMail } from './domain/notices/system-mail.js';

// Notices left queued (provider down, or a crash mid-send) are sent again this often, and broadcasts
// left unfinished (a crash, or an instance stopped mid-walk) are taken up again.
const RESUME_EVERY_MS = 60_000;

async function main() {
  const config = loadConfig(process.env);
  const handle = await openAndMigrate(config);
  const notices = createNoticeRuntime(config, handle.db);
  const app = createApp({ config, db: handle.db, notices, systemMail: createSystemMail(handle.db, config, notices) });
  const resume = (before: string) =>
    resumeQueuedNotices(handle.db, notices, { before })
      .then(
        (r) => r.sent + r.waiting + r.failed > 0 && console.log(`resumed queued notices: ${r.sent} sent, ${r.waiting} still waiting, ${r.failed} failed`),
        (err: unknown) => console.error('resuming queued notices failed:', err instanceof Error ? err.message : err),
      )
      .then(() => resumeBroadcasts({ db: handle.db, config, runtime: notices, actor: 'system' }))
      .then(
        (r) => r.done + r.failed + r.paused > 0 && console.log(`resumed broadcasts: ${r.done} done, ${r.paused} to continue, ${r.failed} failed`),
        (err: unknown) => console.error('resuming broadcasts failed:', err instanceof Error ? err.name : 'error'),
      );
  void resume(new Date().toISOString());
  const resumer = setInterval(() => void resume(new Date(Date.now() - RESUME_EVERY_MS).toISOString()), RESUME_EVERY_MS);
  resumer.unref();

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
  const stopJobs = startJobs(handle.db, config);
  const stop = () => {
    stopJobs();
    clearInterval(resumer);
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
