// Every migration is run once per test run, into a template, and each test file's database starts as a
// copy of it (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: a copy of the file) instead of running the
// migrations again: the same schema, made in a fraction of the time (docs/development.md, "Tests on both dialects").
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** The migrated PostgreSQL database that test databases are created from; nobody connects to it after. */
export const PG_TEMPLATE = 'mailprefs_migrated';

async function migrate(url: string): Promise<void> {
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}

export async function createPostgresTemplate(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${PG_TEMPLATE}`);
  } finally {
    await client.end();
  }
  await migrate(adminUrl.replace(/\/[^/]*$/, `/${PG_TEMPLATE}`));
}

/** A migrated SQLite file; closing it checkpoints the WAL into the file, so the file alone is the database. */
export async function createSqliteTemplate(): Promise<{ file: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mailprefs-template-'));
  const file = join(dir, 'migrated.db');
  await migrate(`file:${file}`);
  if (existsSync(`${file}-wal`)) throw new Error('the migrated SQLite template kept a WAL file: copying the file alone would lose it');
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
