// SIGTERM with real processes (docs/operations.md, "Shutdown"): a request in flight completes, an NDJSON
// answer still streaming ends with its error line, the broadcast under way is given back after its page
// and another instance finishes it within seconds, and nobody is mailed twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../src/core/ids.js';
import { findBroadcast } from '../src/db/broadcasts.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { insertRecipient } from '../src/db/recipients.js';
import { createApiKey } from '../src/domain/access/api-keys.js';
import { ELIGIBILITY_CHUNK } from '../src/domain/eligibility/check-eligibility.js';
import { createCategory } from '../src/domain/recipients/categories.js';
import { STOPPING_LINE } from '../src/http/eligibility-stream.js';
import { POLICY } from './support/broadcast-audience.js';
import { type FakeResend, startFakeResend } from './support/fake-resend.js';
import { createDatabase, TEST_ENV, testDialects } from './support/harness.js';
import { freePort } from './support/postgres-cluster.js';
import { type Server, startServer } from './support/processes.js';

// Three pages of 500: the stop comes during the first, so the second instance has real work left.
const AUDIENCE = 1_100;
const GRACE_SECONDS = 8;

/** A request whose body arrives in two parts; resolves with the answer once the second part is sent. */
function slowRequest(url: string, method: string, headers: Record<string, string>, first: string) {
  const req = request(url, { method, headers });
  const answer = new Promise<{ status: number; body: string }>((done, fail) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    });
    req.on('error', fail);
  });
  req.flushHeaders();
  req.write(first);
  return { answer, finish: (rest: string) => req.end(rest), abandon: () => req.destroy() };
}

describe.each(testDialects())('SIGTERM on %s', (dialect) => {
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  let fake: FakeResend;
  let key: string;
  let someone: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-shutdown-'));
    database = await createDatabase(dialect);
    // Each provider call takes a while, so the first page is still under way when SIGTERM comes.
    fake = await startFakeResend({ delayMs: 400 });
    const handle = openDatabase(database.url);
    try {
      await migrateToLatest(handle.db);
      await createCategory(handle.db, { key: 'policy', name: 'Policy changes', kind: 'transactional' });
      await createCategory(handle.db, { key: 'news', name: 'Newsletter', kind: 'marketing' });
      key = (await createApiKey(handle.db, 'ops', ['admin'])).key;
      await handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < AUDIENCE; i++) {
          const at = nowIso();
          const id = newId();
          someone ??= id;
          await insertRecipient(trx, { id, email: `r${i}@example.com`, externalId: null, locale: null, marketingOptOut: false, createdAt: at, updatedAt: at });
        }
      });
    } finally {
      await handle.close();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await fake.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ server: Server; base: string }> {
    const port = await freePort();
    const env = {
      ...TEST_ENV,
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      PORT: String(port),
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: fake.url,
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
    };
    const server = startServer(env);
    servers.push(server);
    await server.waitFor(/listening/, 60_000);
    return { server, base: `http://127.0.0.1:${port}` };
  }

  it('finishes what is in flight, cuts streams with their line, and hands the broadcast on', { timeout: 150_000 }, async () => {
    const second = await start();
    const first = await start();
    const auth = { authorization: `Bearer ${key}` };
    const created = await fetch(`${first.base}/v1/broadcasts`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ category: 'policy', template: 'policy-update', data: POLICY }),
    });
    expect(created.status).toBe(202);
    const broadcastId = ((await created.json()) as { id: string }).id;
    const firstCall = Date.now();
    while (fake.calls.length === 0 && Date.now() - firstCall < 30_000) await new Promise((r) => setTimeout(r, 20));
    expect(fake.calls.length).toBeGreaterThan(0);

    const patch = slowRequest(`${first.base}/v1/recipients/${someone}`, 'PATCH', { ...auth, 'content-type': 'application/json' }, '{"subscriptions":');
    const stream = slowRequest(
      `${first.base}/v1/eligibility`,
      'POST',
      { ...auth, 'content-type': 'application/x-ndjson' },
      // One whole chunk is answered at once; the two lines after it wait for a chunk that never fills.
      `{"category":"news"}\n${Array.from({ length: ELIGIBILITY_CHUNK + 2 }, (_, i) => `"r${i}@example.com"\n`).join('')}`,
    );
    await new Promise((r) => setTimeout(r, 300));
    const signalled = Date.now();
    first.server.child.kill('SIGTERM');
    await first.server.waitFor(/SIGTERM, stopping/, 10_000);
    // The server no longer accepts connections, but the request it had goes on to its answer.
    await expect(fetch(`${first.base}/health`)).rejects.toThrow();
    patch.finish('{"news":"subscribed"}}');
    expect(await patch.answer).toMatchObject({ status: 200 });

    const cut = await stream.answer;
    stream.abandon();
    const lines = cut.body.trimEnd().split('\n');
    expect(lines).toHaveLength(ELIGIBILITY_CHUNK + 1);
    expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { email: string }).email)).toEqual(
      Array.from({ length: ELIGIBILITY_CHUNK }, (_, i) => `r${i}@example.com`),
    );
    expect(`${lines.at(-1)}\n`).toBe(STOPPING_LINE);
    expect(await first.server.exited(GRACE_SECONDS * 1000 + 10_000)).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(GRACE_SECONDS * 1000 + 3_000);
    expect(first.server.output()).toMatch(/mailprefs: stopped/);

    // The other instance takes the broadcast up at its next resume tick, not when a 10-minute lease lapses.
    const handedOver = Date.now();
    await second.server.waitFor(/job=resume-broadcasts counts=\{"done":1,/, 30_000);
    const check = openDatabase(database.url);
    try {
      expect(await findBroadcast(check.db, broadcastId)).toMatchObject({ status: 'done', sent: AUDIENCE, failed: 0 });
      const subscribed = await check.db.selectFrom('subscriptions').select('status').where('recipient_id', '=', someone).executeTakeFirst();
      expect(subscribed?.status).toBe('subscribed');
    } finally {
      await check.close();
    }
    expect(Date.now() - handedOver).toBeLessThan(15_000);
    const mailed = fake.calls.flatMap((c) => c.emails.map((e) => e.to[0]!));
    expect(mailed).toHaveLength(AUDIENCE);
    expect(new Set(mailed).size).toBe(AUDIENCE);
    expect(`${first.server.output()}${second.server.output()}`).not.toMatch(/@example\.com/);
  });
});
