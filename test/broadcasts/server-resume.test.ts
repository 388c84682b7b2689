import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { findBroadcast } from '../../src/db/broadcasts.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createBroadcast } from '../../src/domain/broadcasts/broadcasts.js';
import { createNoticeRuntime } from '../../src/domain/notices/runtime.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { upsertRecipient } from '../../src/domain/recipients/recipients.js';
import { POLICY } from '../support/broadcast-audience.js';
import { createDatabase, TEST_ENV, testDialects } from '../support/harness.js';
import { freePort } from '../support/postgres-cluster.js';
import { startServer } from '../support/processes.js';

// A broadcast left unfinished by an instance that died is finished by the next server that starts.
describe.each(testDialects())('a starting server resumes broadcasts on %s', (dialect) => {
  let dataDir: string;
  let database: { url: string; drop: () => Promise<void> };
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailprefs-broadcast-'));
    database = await createDatabase(dialect);
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends the rest of the broadcast to the dev outbox', { timeout: 120_000 }, async () => {
    const config = parseConfig({ ...TEST_ENV, DATABASE_URL: database.url });
    const handle = openDatabase(database.url);
    let id: string;
    try {
      await migrateToLatest(handle.db);
      await createCategory(handle.db, { key: 'policy', name: 'Policy changes', kind: 'transactional' });
      for (const email of ['one@example.com', 'two@example.com', 'three@example.com']) {
        await upsertRecipient(handle.db, config.hashKey, { email }, { source: 'api', actor: 'test' });
      }
      const runtime = createNoticeRuntime(config, handle.db);
      id = (await createBroadcast({ db: handle.db, config, runtime, actor: 'test' }, { category: 'policy', template: 'policy-update', data: POLICY })).broadcast
        .id;
    } finally {
      await handle.close();
    }

    const server = startServer({ ...TEST_ENV, DATA_DIR: dataDir, DATABASE_URL: database.url, PORT: String(await freePort()) });
    try {
      const output = await server.waitFor(/job=resume-broadcasts counts=\{"done":1,/, 60_000);
      expect(output).not.toMatch(/@example\.com/);
    } finally {
      await server.stop();
    }
    const after = openDatabase(database.url);
    try {
      const outbox = await after.db.selectFrom('dev_outbox').select('to_address').orderBy('to_address').execute();
      expect(outbox.map((r) => r.to_address)).toEqual(['one@example.com', 'three@example.com', 'two@example.com']);
      expect(await findBroadcast(after.db, id)).toMatchObject({ status: 'done', sent: 3, skipped: 0 });
    } finally {
      await after.close();
    }
  });
});
