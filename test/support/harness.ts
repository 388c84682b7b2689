// One real database per test file and dialect, migrated (a copy of the run's template), with the app built on it.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../../src/app.js';
import { type Config, parseConfig } from '../../src/config.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { createApiKey, type Scope } from '../../src/domain/access/api-keys.js';
import { createMailQueue, type MailQueue } from '../../src/domain/notices/mail-queue.js';
import type { Deps } from '../../src/http/env.js';
import type { TestDialect } from './dialects.js';
import { PG_TEMPLATE } from './migrated-template.js';

export { testDialects } from './dialects.js';

export const TEST_ENV = {
  SIGNING_KEYS: 'k2:test-signing-secret-two-0123456789abcdef,k1:test-signing-secret-one-0123456789abcdef',
  HASH_KEY: 'test-hash-key-0123456789abcdef0123456789',
  PUBLIC_URL: 'https://prefs.example.test',
  ORG_NAME: 'Acme Test Ltd',
  ORG_POSTAL_ADDRESS: '1 Test Street, Testville',
};

/** Operator passwords hashed at scrypt N = 2^10 instead of 2^16: the suite's sign-ins took minutes of CPU.
 * Production refuses it (src/config.ts); test/unit/passwords.test.ts holds the real cost. */
export const FAST_SCRYPT = { SCRYPT_COST: '10' };

export interface Harness {
  readonly dialect: TestDialect;
  readonly config: Config;
  readonly handle: DatabaseHandle;
  readonly app: ReturnType<typeof createApp>;
  readonly adminKey: string;
  /** Where the app's pages hand mail after answering: `await h.mailQueue.idle()` instead of a sleep. */
  readonly mailQueue: MailQueue;
  key(...scopes: Scope[]): Promise<string>;
  /** JSON request with the admin key unless `key` is given (null: no Authorization header). */
  request(method: string, path: string, opts?: { body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/** An empty database, or with `migrated` a copy of the run's migrated template (test/support/migrated-template.ts). */
export async function createDatabase(dialect: TestDialect, opts: { migrated?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mailprefs-test-'));
    if (opts.migrated) copyFileSync(inject('sqliteTemplate'), join(dir, 'test.db'));
    return { url: `file:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = inject('pgUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(opts.migrated ? `create database ${name} template ${PG_TEMPLATE}` : `create database ${name}`);
  await client.end();
  return {
    url: admin.replace(/\/[^/]*$/, `/${name}`),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function makeHarness(
  dialect: TestDialect,
  env: Record<string, string> = {},
  extraDeps: Partial<Omit<Deps, 'config' | 'db'>> = {},
): Promise<Harness> {
  const database = await createDatabase(dialect, { migrated: true });
  const config = parseConfig({ ...TEST_ENV, ...(env.NODE_ENV === 'production' ? {} : FAST_SCRYPT), DATABASE_URL: database.url, ...env });
  const handle = openDatabase(config.databaseUrl);
  const mailQueue = extraDeps.mailQueue ?? createMailQueue();
  const app = createApp({ config, db: handle.db, ...extraDeps, mailQueue });
  const { key: adminKey } = await createApiKey(handle.db, 'test admin', ['admin']);
  return {
    dialect,
    config,
    handle,
    app,
    adminKey,
    mailQueue,
    key: async (...scopes) => (await createApiKey(handle.db, 'test key', scopes)).key,
    request: (method, path, opts = {}) => {
      const headers: Record<string, string> = { ...opts.headers };
      const key = opts.key === undefined ? adminKey : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}
