import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/domain/access/api-keys.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { createWebhookEndpoint } from '../../src/domain/webhooks/endpoints.js';
import { createDatabase, TEST_ENV, testDialects } from '../support/harness.js';
import { freePort } from '../support/postgres-cluster.js';
import { type Server, startServer } from '../support/processes.js';
import { type Receiver, startReceiver } from '../support/webhook-receiver.js';

const PER_SERVER = 15;

// Two real server processes on one database, each woken by its own changes and ticking for the other's:
// the leases must keep every event to exactly one POST per endpoint, in ledger order.
describe.each(testDialects())('two server processes sharing the webhook queue on %s', (dialect) => {
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  let rx: Receiver;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-webhook-instances-'));
    database = await createDatabase(dialect);
    rx = await startReceiver();
  });
  afterAll(async () => {
    await rx.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers each event exactly once to a receiver that always answers 2xx', { timeout: 180_000 }, async () => {
    const handle = openDatabase(database.url);
    let key: string;
    try {
      await migrateToLatest(handle.db);
      await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing' });
      for (const ep of ['a', 'b']) await createWebhookEndpoint(handle.db, { url: `${rx.url}?ep=${ep}` }, true);
      key = (await createApiKey(handle.db, 'test', ['admin'])).key;
    } finally {
      await handle.close();
    }
    const env = { ...TEST_ENV, DATA_DIR: dataDir, DATABASE_URL: database.url, WEBHOOK_ALLOW_PRIVATE: 'true' };
    const servers: Server[] = [];
    try {
      const ports = [await freePort(), await freePort()];
      for (const port of ports) servers.push(startServer({ ...env, PORT: String(port) }));
      await Promise.all(servers.map((s) => s.waitFor(/listening/, 90_000)));
      // Both at once, so both instances are delivering while the other adds to the queue.
      await Promise.all(
        ports.map(async (port, s) => {
          for (let i = 0; i < PER_SERVER; i++) {
            const res = await fetch(`http://127.0.0.1:${port}/v1/recipients`, {
              method: 'PUT',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ email: `s${s}-${i}@example.com`, subscriptions: { news: 'subscribed' } }),
            });
            expect(res.status).toBe(201);
          }
        }),
      );
      const expected = 2 * PER_SERVER * 2;
      const deadline = Date.now() + 30_000;
      while (rx.received.length < expected && Date.now() < deadline) await new Promise((next) => setTimeout(next, 50));
    } finally {
      // Stopped before counting: a second POST of anything would have been made by now.
      for (const s of servers) await s.stop();
    }
    const byEndpoint = new Map<string, number[]>();
    for (const r of rx.received) byEndpoint.set(r.path, [...(byEndpoint.get(r.path) ?? []), Number(r.json.id)]);
    expect([...byEndpoint.keys()].sort()).toEqual(['/hook?ep=a', '/hook?ep=b']);
    for (const ids of byEndpoint.values()) {
      expect(ids).toHaveLength(2 * PER_SERVER);
      expect(new Set(ids).size).toBe(2 * PER_SERVER);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
    const emails = rx.received.map((r) => r.json.data.email);
    expect(new Set(emails).size).toBe(2 * PER_SERVER);
  });
});
