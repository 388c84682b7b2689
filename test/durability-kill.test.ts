// kill -9 under one-click load (docs/operations.md, "Durability"): every opt-out the server answered 200
// is in the database after a restart, with its ledger event; the ledger still verifies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { verifyLedger } from '../src/domain/consent/ledger-verify.js';
import { linksFor } from '../src/domain/links/email-links.js';
import { createCategory } from '../src/domain/recipients/categories.js';
import { upsertRecipient } from '../src/domain/recipients/recipients.js';
import { createDatabase, TEST_ENV, testDialects } from './support/harness.js';
import { freePort } from './support/postgres-cluster.js';
import { type Server, startServer } from './support/processes.js';

const PEOPLE = 400;
const CLIENTS = 8;
const ROUNDS = 2;
const LOAD_MS = 1_500;

describe.each(testDialects())('kill -9 under one-click load on %s', (dialect) => {
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  const people: { id: string; path: string }[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-kill-'));
    database = await createDatabase(dialect);
    const config = parseConfig({ ...TEST_ENV, DATABASE_URL: database.url });
    const handle = openDatabase(database.url);
    try {
      await migrateToLatest(handle.db);
      const news = await createCategory(handle.db, { key: 'news', name: 'Newsletter', kind: 'marketing' });
      for (let i = 0; i < PEOPLE; i++) {
        const input = { email: `k${i}@example.com`, subscriptions: { news: 'subscribed' as const } };
        const { recipient } = await upsertRecipient(handle.db, config.hashKey, input, { source: 'api', actor: 'test' });
        people.push({ id: recipient.id, path: new URL(linksFor(config, recipient.id, news).oneClickUrl!).pathname });
      }
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
    const server = startServer({ ...TEST_ENV, DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: String(port) });
    servers.push(server);
    await server.waitFor(/listening/, 60_000);
    return `http://127.0.0.1:${port}`;
  }

  it('keeps every acknowledged opt-out', { timeout: 150_000 }, async () => {
    const acknowledged: string[] = [];
    let next = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const base = await start();
      const server = servers.at(-1)!;
      const until = Date.now() + LOAD_MS;
      const load = Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          // Each person once: an acknowledged POST is then exactly one change that must be found again.
          while (next < PEOPLE) {
            const person = people[next++]!;
            const res = await fetch(base + person.path, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: 'List-Unsubscribe=One-Click',
            }).catch(() => undefined);
            if (res?.status === 200) acknowledged.push(person.id);
            if (!res) return;
          }
        }),
      );
      while (Date.now() < until && next < PEOPLE) await new Promise((r) => setTimeout(r, 20));
      server.child.kill('SIGKILL');
      await load;
      expect(await server.exited()).toBeNull();
    }
    // The server starts again on what the killed one left, and finds everything it acknowledged.
    await start();
    console.log(`${dialect}: ${acknowledged.length} opt-outs acknowledged across ${ROUNDS} kill -9 rounds`);
    expect(acknowledged.length).toBeGreaterThan(CLIENTS);
    const handle = openDatabase(database.url);
    try {
      const kept = await handle.db
        .selectFrom('subscriptions')
        .select('recipient_id')
        .where('status', '=', 'unsubscribed')
        .where('recipient_id', 'in', acknowledged)
        .execute();
      const events = await handle.db
        .selectFrom('consent_events')
        .select('recipient_id')
        .where('source', '=', 'one_click')
        .where('recipient_id', 'in', acknowledged)
        .execute();
      const lost = acknowledged.filter((id) => !kept.some((k) => k.recipient_id === id));
      expect(lost).toEqual([]);
      expect(new Set(events.map((e) => e.recipient_id)).size).toBe(acknowledged.length);
      expect(await verifyLedger(handle.db)).toMatchObject({ ok: true });
    } finally {
      await handle.close();
    }
  });
});
