// /readyz (docs/operations.md "Health"): ready when the database answers and every migration of
// migrations/index.ts is applied; 503 with the reason otherwise. /healthz is unchanged.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { openDatabase } from '../../src/db/database.js';
import { EXPECTED_MIGRATIONS } from '../../src/db/health.js';
import { checkReadiness } from '../../src/domain/operations/health.js';
import { createDatabase, type Harness, makeHarness, testDialects } from '../support/harness.js';
import { freePort } from '../support/postgres-cluster.js';

describe.each(testDialects())('readiness on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await makeHarness(dialect);
  });
  afterAll(() => h.close());

  it('is ready on a migrated database, beside /healthz, with no key', async () => {
    const res = await h.request('GET', '/readyz', { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
    expect(await (await h.request('GET', '/healthz', { key: null })).json()).toEqual({ status: 'ok' });
  });

  it('names a migration the code expects and the database lacks', async () => {
    expect(await checkReadiness(h.handle.db, [...EXPECTED_MIGRATIONS, '2099-01-01-0001-from-the-future'])).toEqual({
      ready: false,
      reason: 'migrations_pending',
      pending: ['2099-01-01-0001-from-the-future'],
    });
  });

  it('answers 503 when the database has not applied the latest migration', async () => {
    const last = EXPECTED_MIGRATIONS.at(-1)!;
    const { rows } = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration where name = ${last}`.execute(h.handle.db);
    expect(rows).toHaveLength(1);
    await sql`delete from kysely_migration where name = ${last}`.execute(h.handle.db);
    try {
      const res = await h.request('GET', '/readyz', { key: null });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', reason: 'migrations_pending', pending: [last] });
      expect((await h.request('GET', '/healthz', { key: null })).status).toBe(200);
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${last}, ${rows[0]!.timestamp})`.execute(h.handle.db);
    }
    expect((await h.request('GET', '/readyz', { key: null })).status).toBe(200);
  });

  it('answers 503 when the database does not answer, and on a database never migrated', async () => {
    // A real driver with nothing to talk to: a port nobody listens on.
    const gone = openDatabase(`postgres://nobody@127.0.0.1:${await freePort()}/nothing`);
    const app = createApp({ config: h.config, db: gone.db });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'database_unreachable' });
    expect((await app.request('/healthz')).status).toBe(503);
    await gone.close();

    const empty = await createDatabase(dialect);
    const fresh = openDatabase(empty.url);
    try {
      expect(await checkReadiness(fresh.db)).toEqual({ ready: false, reason: 'migrations_pending', pending: [...EXPECTED_MIGRATIONS] });
    } finally {
      await fresh.close();
      await empty.drop();
    }
  });
});
