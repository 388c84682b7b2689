import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, testDialects } from './support/harness.js';
import { freePort } from './support/postgres-cluster.js';
import { type Server, startServer } from './support/processes.js';

// The server as a real process: first run on a laptop, then a production start without its secrets. From the
// source through tsx (`npm run dev`'s path), the one test of it; the others start the compiled server.
const SLOW = 120_000;

function serverFixture() {
  const fixture = { dataDir: '', running: [] as Server[] };
  beforeAll(() => {
    fixture.dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-server-'));
  });
  afterAll(async () => {
    await Promise.allSettled(fixture.running.map((s) => s.stop()));
    rmSync(fixture.dataDir, { recursive: true, force: true });
  });
  const start = (env: Record<string, string>) => {
    const server = startServer({ DATA_DIR: fixture.dataDir, ...env }, 'source');
    fixture.running.push(server);
    return server;
  };
  return { fixture, start };
}

describe.each(testDialects())('server on %s', (dialect) => {
  const { fixture, start } = serverFixture();
  // SQLite: no DATABASE_URL, so the default puts the database under DATA_DIR.
  const dbEnv: Record<string, string> = {};
  let drop = async () => {};
  beforeAll(async () => {
    if (dialect === 'postgres') {
      const database = await createDatabase('postgres');
      dbEnv.DATABASE_URL = database.url;
      drop = database.drop;
    }
  });
  afterAll(() => drop());

  it(
    'migrates, prints a first admin key with a curl line, answers /healthz, and stops on SIGTERM',
    async () => {
      const port = await freePort();
      const server = start({ PORT: String(port), ...dbEnv });
      const output = await server.waitFor(/mailprefs listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toMatch(/WARN .*SIGNING_KEYS is not set/);
      const key = /^\s+(mp_[0-9a-f]{16}_[A-Za-z0-9_-]{43})$/m.exec(output)?.[1];
      expect(key).toBeDefined();
      expect(output).toContain(`curl -H "Authorization: Bearer ${key}" http://localhost:${port}/v1/categories`);
      expect(existsSync(join(fixture.dataDir, 'mailprefs.db'))).toBe(dialect === 'sqlite');
      expect(existsSync(join(fixture.dataDir, 'dev-secrets.json'))).toBe(true);

      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const withKey = await fetch(`${base}/v1/categories`, { headers: { authorization: `Bearer ${key}` } });
      expect(withKey.status).toBe(200);
      expect(await withKey.json()).toEqual({ data: [] });
      expect((await fetch(`${base}/v1/categories`)).status).toBe(401);

      expect(await server.stop()).toBe(0);
    },
    SLOW,
  );

  it(
    'prints no new key when one exists already',
    async () => {
      const port = await freePort();
      const server = start({ PORT: String(port), ...dbEnv });
      const output = await server.waitFor(/mailprefs listening on/);
      expect(output).not.toMatch(/mp_[0-9a-f]{16}_/);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(await server.stop()).toBe(0);
    },
    SLOW,
  );
});

describe('server in production', () => {
  const { start } = serverFixture();

  it.each([
    ['SIGNING_KEYS', { PUBLIC_URL: 'https://prefs.example.com', HASH_KEY: 'h'.repeat(32) }],
    ['PUBLIC_URL', { SIGNING_KEYS: `k1:${'s'.repeat(32)}`, HASH_KEY: 'h'.repeat(32) }],
    ['HASH_KEY', { SIGNING_KEYS: `k1:${'s'.repeat(32)}`, PUBLIC_URL: 'https://prefs.example.com' }],
  ])(
    'refuses to start in production without %s, naming it',
    async (variable, env) => {
      const port = await freePort();
      const server = start({ NODE_ENV: 'production', PORT: String(port), ...env });
      const code = await server.exited(60_000);
      expect(code).not.toBe(0);
      expect(server.output()).toContain(`mailprefs cannot start: ${variable}`);
      expect(server.output()).not.toContain('listening');
    },
    SLOW,
  );
});
