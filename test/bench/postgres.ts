// The same figures on PostgreSQL: a throwaway cluster (as the tests start one), seeded like the SQLite
// file, with mailprefs served on it beside raw `pg` queries of the same facts in the same run. The bulk
// baseline is measured in two shapes (`= ANY($1)` and the service's `unnest($1::text[])` join) so the
// service's shape is chosen by measurement.
import pg from 'pg';
import { nowIso } from '../../src/core/ids.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/domain/access/api-keys.js';
import { ELIGIBILITY_CHUNK } from '../../src/domain/eligibility/check-eligibility.js';
import { addressHash } from '../../src/domain/privacy/address-hash.js';
import { createCategory } from '../../src/domain/recipients/categories.js';
import { startPostgresCluster } from '../support/postgres-cluster.js';
import type { Measured } from './bulk.js';
import { addressOf, BENCH_ENV } from './seed.js';

export interface PgSeeded {
  url: string;
  key: string;
  categoryId: string;
  stop(): void;
}

/** Seeds `n` recipients server-side (generate_series): every 4th subscribed, every 10th unsubscribed, every 100th suppressed. */
export async function seedPostgres(n: number): Promise<PgSeeded> {
  const cluster = await startPostgresCluster();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database bench');
  await admin.end();
  const url = cluster.url.replace(/\/postgres$/, '/bench');
  const handle = openDatabase(url);
  await migrateToLatest(handle.db);
  const category = await createCategory(handle.db, { key: 'news', name: 'News', kind: 'marketing', consent: 'opt_in' });
  const { key } = await createApiKey(handle.db, 'bench', ['eligibility:read']);
  await handle.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const at = nowIso();
  const id = (i: string) => `'00000000-0000-7000-8000-' || lpad(to_hex(${i}), 12, '0')`;
  await client.query(
    `insert into recipients (id, email, email_normalized, external_id, locale, marketing_opt_out, created_at, updated_at)
     select ${id('i')}, 'user' || i || '@example.com', 'user' || i || '@example.com', null, null, 0, $1, $1 from generate_series(0, $2::int - 1) i`,
    [at, n],
  );
  await client.query(
    `insert into subscriptions (recipient_id, category_id, status, source, updated_at)
     select ${id('i')}, $1, case when i % 4 = 0 then 'subscribed' else 'unsubscribed' end, 'import', $2
     from generate_series(0, $3::int - 1) i where i % 4 = 0 or i % 10 = 0`,
    [category.id, at, n],
  );
  const suppressed = Array.from({ length: Math.ceil(n / 100) }, (_, k) => k * 100);
  await client.query(
    `insert into suppressions (id, email, email_normalized, email_hash, reason, note, created_at)
     select ${id('($4::int + i)')}, e, e, h, 'manual', null, $3 from unnest($1::text[], $2::text[], $5::int[]) as t(e, h, i)`,
    [suppressed.map(addressOf), suppressed.map((i) => addressHash(BENCH_ENV.HASH_KEY, addressOf(i))), at, n, suppressed],
  );
  await client.query('analyze');
  await client.end();
  return { url, key, categoryId: category.id, stop: cluster.stop };
}

export type PgShape = 'any' | 'unnest';

/** The floor on PostgreSQL: the service's two facts per chunk, both queries at once, named prepared statements. */
export async function rawPgLookup(url: string, categoryId: string, emails: readonly string[], shape: PgShape): Promise<Measured> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const recipients =
    shape === 'any'
      ? `select r.email_normalized, s.status from recipients r
         left join subscriptions s on s.recipient_id = r.id and s.category_id = $2 where r.email_normalized = any($1::text[])`
      : `select r.email_normalized, s.status from unnest($1::text[]) as j(value) join recipients r on r.email_normalized = j.value
         left join subscriptions s on s.recipient_id = r.id and s.category_id = $2`;
  const suppressions =
    shape === 'any'
      ? 'select x.email_normalized from suppressions x where x.email_normalized = any($1::text[])'
      : 'select x.email_normalized from unnest($1::text[]) as j(value) join suppressions x on x.email_normalized = j.value';
  const started = performance.now();
  let eligible = 0;
  for (let i = 0; i < emails.length; i += ELIGIBILITY_CHUNK) {
    const chunk = emails.slice(i, i + ELIGIBILITY_CHUNK);
    const [r, x] = await Promise.all([
      pool.query<{ email_normalized: string; status: string | null }>({ name: `r-${shape}`, text: recipients, values: [chunk, categoryId] }),
      pool.query<{ email_normalized: string }>({ name: `x-${shape}`, text: suppressions, values: [chunk] }),
    ]);
    const suppressed = new Set(x.rows.map((row) => row.email_normalized));
    for (const row of r.rows) if (row.status === 'subscribed' && !suppressed.has(row.email_normalized)) eligible++;
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return { seconds, count: emails.length, eligible };
}

/** Single lookups at `concurrency` through a pool of 10 (as the service's), for `seconds`: queries/s. */
export async function rawPgSingle(url: string, categoryId: string, emails: readonly string[], concurrency: number, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const text = `select 'r' as fact, r.marketing_opt_out,
     (select s.status from subscriptions s where s.recipient_id = r.id and s.category_id = $2) as value
   from recipients r where r.email_normalized = $1
   union all select 's', null, x.reason from suppressions x where x.email_normalized = $1`;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await pool.query({ name: 'one', text, values: [emails[(next++ * 7919) % emails.length], categoryId] });
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const rate = done / ((performance.now() - started) / 1000);
  await pool.end();
  return rate;
}
