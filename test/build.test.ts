import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStale, ROOT } from '../bin/build.js';
import { createDatabase, TEST_ENV, testDialects } from './support/harness.js';
import { freePort } from './support/postgres-cluster.js';
import { runCli, type Server, startServer } from './support/processes.js';

// The production path: `npm start` and the bin run the compiled code (dist/), one node process each, building
// dist/ first when it is stale. The first process may compile the whole tree on a loaded machine, hence the limit.
const SLOW = 150_000;

it('npm start runs bin/start.js, and the bin is bin/mailprefs.js: neither goes through tsx', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
  expect(pkg.scripts.start).toBe('node bin/start.js');
  expect(pkg.bin.mailprefs).toBe('bin/mailprefs.js');
  for (const file of ['bin/start.js', 'bin/mailprefs.js']) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).toMatch(/await import\('\.\.\/dist\/src\/(server|cli)\.js'\)/);
    expect(text).not.toMatch(/tsx|spawn/);
  }
});

describe.each(testDialects())('compiled entry points on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let dataDir = '';
  let server: Server | undefined;
  beforeAll(async () => {
    database = await createDatabase(dialect);
    dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-compiled-'));
  });
  afterAll(async () => {
    await server?.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'the bin migrates, then finds nothing to do',
    async () => {
      const env = { ...TEST_ENV, DATABASE_URL: database.url };
      const first = await runCli(['migrate'], env, 'compiled');
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(/^applied: 2026-11-23-0001-core, /);
      expect(isStale()).toBe(false);
      const second = await runCli(['migrate'], env, 'compiled');
      expect(second).toMatchObject({ code: 0, stdout: 'already up to date\n' });
      expect(second.stderr).not.toContain('built dist/');
    },
    SLOW,
  );

  it(
    'the compiled server answers /healthz, reads templates/ from the package, and stops on SIGTERM',
    async () => {
      const port = await freePort();
      server = startServer({ ...TEST_ENV, DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: String(port) }, 'compiled');
      const output = await server.waitFor(/mailprefs listening on http:\/\/127\.0\.0\.1:\d+/, SLOW - 10_000);
      const key = /^\s+(mp_[0-9a-f]{16}_[A-Za-z0-9_-]{43})$/m.exec(output)?.[1];
      expect(isStale()).toBe(false);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      // templates/ is read at run time from beside package.json, not from inside dist/.
      const templates = await fetch(`http://127.0.0.1:${port}/v1/templates`, { headers: { authorization: `Bearer ${key}` } });
      expect(templates.status).toBe(200);
      expect(JSON.stringify(await templates.json())).toContain('"confirm-subscription"');
      // An import's rows are read on a worker thread started from dist/ (import-rows-off-thread.ts).
      const auth = { authorization: `Bearer ${key}` };
      const category = await fetch(`http://127.0.0.1:${port}/v1/categories`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'news', name: 'News', kind: 'marketing' }),
      });
      expect(category.status).toBe(201);
      const imported = await fetch(`http://127.0.0.1:${port}/v1/imports`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv' },
        body: 'email,subscription:news\ncompiled@example.com,subscribed\nnot-an-address,subscribed\n',
      });
      const lines = (await imported.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.status ?? 'summary')).toEqual(['created', 'invalid', 'summary']);
      expect(await server.stop()).toBe(0);
    },
    SLOW,
  );
});
