// WAL checkpoints on a worker thread (src/db/wal-checkpointer.ts). The committing connection's own
// checkpoint waits until 10,000 pages, so without the worker ~24 MB of writes stay in the WAL and the
// database file is untouched; with it, the pages are copied into the database file as they come, by
// the worker, and the committing connection finds nothing left to copy.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { checkpointAndTruncateWal } from '../../src/db/privacy.js';

const dir = mkdtempSync(join(tmpdir(), 'mailprefs-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = 2 ** 20;

/** ~24 MB of WAL: 120 transactions of 50 rows of 4 KB, with a pause between, as a steady writer would. */
async function writeSteadily(path: string, background: boolean): Promise<{ databaseFile: number; rows: number }> {
  const handle = openDatabase(path, { checkpointInBackground: background });
  // Same backstop either way, so the only difference is the worker.
  handle.sqlite!.pragma('wal_autocheckpoint = 10000');
  await sql`create table blobs (id integer primary key, body text not null)`.execute(handle.db);
  const body = 'x'.repeat(4000);
  for (let t = 0; t < 120; t++) {
    await handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 50; i++) await sql`insert into blobs (body) values (${body})`.execute(trx);
    });
    await new Promise((r) => setTimeout(r, 10));
  }
  // Give the worker one more turn, then look before closing (the last connection to close checkpoints).
  await new Promise((r) => setTimeout(r, 300));
  const databaseFile = statSync(path).size;
  const { rows } = await sql<{ n: number }>`select count(*) as n from blobs`.execute(handle.db);
  await handle.close();
  return { databaseFile, rows: rows[0]!.n };
}

describe('WAL checkpoints in the background', () => {
  it('copy committed pages into the database file as they come, which the committing connection alone leaves in the WAL', { timeout: 60_000 }, async () => {
    const alone = await writeSteadily(join(dir, 'alone.db'), false);
    const background = await writeSteadily(join(dir, 'background.db'), true);
    expect(alone.rows).toBe(6000);
    expect(background.rows).toBe(6000);
    expect(alone.databaseFile).toBeLessThan(1 * MB);
    expect(background.databaseFile).toBeGreaterThan(20 * MB);
  });

  it('stop with the handle, leaving every committed row readable by a new connection', async () => {
    const path = join(dir, 'reopened.db');
    const first = openDatabase(path, { checkpointInBackground: true });
    await sql`create table t (v text)`.execute(first.db);
    await sql`insert into t (v) values ('kept')`.execute(first.db);
    await first.close();
    const again = openDatabase(path);
    const { rows } = await sql<{ v: string }>`select v from t`.execute(again.db);
    await again.close();
    expect(rows).toEqual([{ v: 'kept' }]);
  });

  // The erasure's truncating checkpoint retries when it meets the worker's (privacy.ts); that collision
  // is rare and not forced here: this holds the two together, not the retry alone.
  it('leave an erasure able to empty the WAL while they run', { timeout: 30_000 }, async () => {
    const path = join(dir, 'erasure.db');
    const handle = openDatabase(path, { checkpointInBackground: true });
    await sql`create table t (v text)`.execute(handle.db);
    const results: boolean[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) await sql`insert into t (v) values (${'y'.repeat(3000)})`.execute(handle.db);
      results.push(await checkpointAndTruncateWal(handle.db));
      // After a truncating checkpoint, and before the next write, the WAL file is empty.
      expect(statSync(`${path}-wal`).size).toBe(0);
    }
    await handle.close();
    expect(results.every(Boolean)).toBe(true);
  });
});
