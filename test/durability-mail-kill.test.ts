// kill -9 right after a burst of "email me a link" answers (docs/operations.md, "Links a page
// promises"): the killed server had not sent them all, yet after a restart every answered request for a
// known address has its one preferences-link notice, and nothing is left waiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { upsertRecipient } from '../src/domain/recipients/recipients.js';
import { createDatabase, TEST_ENV, testDialects } from './support/harness.js';
import { ORIGIN } from './support/page-fixtures.js';
import { freePort } from './support/postgres-cluster.js';
import { type Server, startServer } from './support/processes.js';

const PEOPLE = 24;
const STRANGERS = 6;
// Past the lease a killed instance may have held one job under (MAIL_JOB_LEASE_MS), plus the job's tick.
const DELIVERED_WITHIN_MS = 45_000;

describe.each(testDialects())('kill -9 after /p answers on %s', (dialect) => {
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  const servers: Server[] = [];
  const env = () => ({ ...TEST_ENV, DATA_DIR: dataDir, DATABASE_URL: database.url, TRUSTED_PROXY_HOPS: '1' });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-mail-kill-'));
    database = await createDatabase(dialect);
    const config = parseConfig(env());
    const handle = openDatabase(database.url);
    try {
      await migrateToLatest(handle.db);
      for (let i = 0; i < PEOPLE; i++) await upsertRecipient(handle.db, config.hashKey, { email: `p${i}@example.com` }, { source: 'api', actor: 'test' });
    } finally {
      await handle.close();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    const port = await freePort();
    const server = startServer({ ...env(), PORT: String(port) });
    servers.push(server);
    await server.waitFor(/listening/, 60_000);
    return `http://127.0.0.1:${port}`;
  }

  it('sends every link it answered for, once, after a restart', { timeout: 150_000 }, async () => {
    const base = await start();
    const server = servers.at(-1)!;
    const addresses = [...Array.from({ length: PEOPLE }, (_, i) => `p${i}@example.com`), ...Array.from({ length: STRANGERS }, (_, i) => `s${i}@example.com`)];
    // All at once, each from its own client (the per-IP limit), so the queue has a backlog at the kill.
    const answered = await Promise.all(
      addresses.map(async (email, i) => {
        const res = await fetch(`${base}/p`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'x-forwarded-for': `198.18.0.${i + 1}` },
          body: new URLSearchParams({ email }).toString(),
        });
        return res.status === 200 ? email : undefined;
      }),
    );
    server.child.kill('SIGKILL');
    expect(await server.exited()).toBeNull();
    const acknowledged = answered.filter((e): e is string => e !== undefined);
    expect(acknowledged).toEqual(addresses);

    const handle = openDatabase(database.url);
    try {
      const linksTo = async () =>
        (await handle.db.selectFrom('notices').select('to_normalized').where('template', '=', 'preferences-link').execute()).map((n) => n.to_normalized);
      const waiting = (await handle.db.selectFrom('mail_jobs').select('id').execute()).length;
      const sentBeforeKill = (await linksTo()).length;
      console.log(`${dialect}: ${sentBeforeKill} of ${PEOPLE} links recorded before the kill, ${waiting} jobs left waiting`);
      // The kill fell between answers and dispatch: without the jobs on record these would be lost.
      expect(waiting).toBeGreaterThan(0);

      await start();
      const left = async () => (await handle.db.selectFrom('mail_jobs').select('id').execute()).length;
      const deadline = Date.now() + DELIVERED_WITHIN_MS;
      while (((await linksTo()).length < PEOPLE || (await left()) > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect((await linksTo()).sort()).toEqual(addresses.slice(0, PEOPLE).sort());
      expect(await left()).toBe(0);
      // The strangers' jobs were discarded, not sent: nobody was made for them.
      expect(await handle.db.selectFrom('recipients').select('id').where('email_normalized', 'like', 's%@example.com').execute()).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});
