import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { findRecipient } from '../src/db/recipients.js';
import { createCategory } from '../src/domain/recipients/categories.js';
import { createDatabase, TEST_ENV, testDialects } from './support/harness.js';
import { runCli } from './support/processes.js';

// The CLI runs as a real process on a real database (tsx starts afresh each time: generous limits).
const SLOW = 120_000;
describe.each(testDialects())('mailprefs import on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let env: Record<string, string>;
  let handle: DatabaseHandle;
  let dir: string;

  beforeAll(async () => {
    database = await createDatabase(dialect);
    env = { ...TEST_ENV, DATABASE_URL: database.url };
    handle = openDatabase(parseConfig(env).databaseUrl);
    await migrateToLatest(handle.db);
    await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing' });
    dir = mkdtempSync(join(tmpdir(), 'mailprefs-import-'));
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'imports a CSV file, reports bad rows on stderr and a summary on stdout; --dry-run changes nothing',
    async () => {
      const file = join(dir, 'people.csv');
      writeFileSync(file, 'email,subscription:news\nann@example.com,subscribed\nnope,subscribed\n');
      const dry = await runCli(['import', file, '--dry-run'], env);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/^dry run: 2 rows in [\d.]+ s: 1 created, 0 updated, 0 unchanged, 0 refused, 1 invalid$/m);
      expect(await findRecipient(handle.db, { by: 'email', value: 'ann@example.com' })).toBeUndefined();

      const run = await runCli(['import', file], env);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('line 3: invalid: email: not a valid email address');
      expect(run.stdout).toMatch(/2 rows in [\d.]+ s: 1 created/);
      expect((await findRecipient(handle.db, { by: 'email', value: 'ann@example.com' }))?.subscriptions.news?.status).toBe('subscribed');
      expect((await runCli(['import', join(dir, 'missing.csv')], env)).code).toBe(1);
    },
    SLOW,
  );
});
