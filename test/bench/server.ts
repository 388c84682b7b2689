// A benchmark server in its own process, so the load generator does not share its event loop:
// `app` serves mailprefs on the given database as src/server.ts builds it, `bare` a Hono handler that answers a constant,
// `bare-write` a Hono handler that makes one committed SQLite write per POST /u/TOKEN (WAL, the app's synchronous=NORMAL).
// A third argument, a file name, records a CPU profile from the moment it listens until SIGTERM (profile.ts).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { serve } from '@hono/node-server';
import SQLite from 'better-sqlite3';
import { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { newId } from '../../src/core/ids.js';
import { openDatabase } from '../../src/db/database.js';
import { createApiKeyCache } from '../../src/domain/access/api-key-cache.js';
import { createCategoryCache } from '../../src/domain/recipients/category-cache.js';
import { BENCH_ENV } from './seed.js';

const [mode, databaseUrl, profileFile] = process.argv.slice(2);

function bareApp(): Hono {
  // Same route shape and answer shape as GET /v1/eligibility, with no key, no database and no rule.
  return new Hono().get('/v1/eligibility', (c) =>
    c.json({ email: c.req.query('email'), category: c.req.query('category'), eligible: true, reason: 'subscribed' }),
  );
}

function bareWriteApp(path: string): Hono {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('create table if not exists clicks (id text primary key, token text not null, at text not null)');
  const insert = sqlite.prepare('insert into clicks (id, token, at) values (?, ?, ?)');
  return new Hono().post('/u/:token', async (c) => {
    await c.req.text();
    insert.run(newId(), c.req.param('token'), new Date().toISOString());
    return c.text('You are unsubscribed.', 200);
  });
}

function resendEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('RESEND_') && e[1] !== undefined));
}

const fetch =
  mode === 'bare'
    ? bareApp().fetch
    : mode === 'bare-write'
      ? bareWriteApp(databaseUrl!.replace(/^file:/, '')).fetch
      : createApp({
          // As production runs it (templates compiled once, not re-read per send as in development);
          // RESEND_* from the environment: the notices bench points the app at its fake Resend.
          config: parseConfig({ ...BENCH_ENV, NODE_ENV: 'production', PUBLIC_URL: 'https://prefs.example.com', DATABASE_URL: databaseUrl!, ...resendEnv() }),
          db: openDatabase(databaseUrl!, { checkpointInBackground: true }).db,
          apiKeyCache: createApiKeyCache(),
          categoryCache: createCategoryCache(),
        }).fetch;

// Profiling starts once everything is loaded, so start-up does not count.
const profiler = profileFile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`listening ${info.port}\n`);
});

process.on('SIGTERM', () => {
  if (!profiler) process.exit(0);
  void profiler.post('Profiler.stop').then(({ profile }) => {
    writeFileSync(profileFile!, JSON.stringify(profile));
    process.exit(0);
  });
});
