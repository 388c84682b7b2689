import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/database.js';
import { createDatabase, TEST_ENV, testDialects } from './support/harness.js';
import { runCli } from './support/processes.js';

// The CLI runs as a real process on a real database; the app built on the same database checks the keys.
// Each run is a fresh process (the compiled bin; a stale dist/ is rebuilt first), hence the generous time limits.
const SLOW = 120_000;
describe.each(testDialects())('cli on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let env: Record<string, string>;
  let handle: DatabaseHandle | undefined;
  const cli = (...args: string[]) => runCli(args, env);
  const appStatus = async (key: string) => {
    const config = parseConfig(env);
    handle ??= openDatabase(config.databaseUrl);
    const res = await createApp({ config, db: handle.db }).request('/v1/recipients', {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cli@example.com' }),
    });
    return res.status;
  };

  beforeAll(async () => {
    database = await createDatabase(dialect);
    env = { ...TEST_ENV, DATABASE_URL: database.url };
  });
  afterAll(async () => {
    await handle?.close();
    await database.drop();
  });

  it(
    'migrates, and a second migrate is a no-op',
    async () => {
      const first = await cli('migrate');
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(/^applied: 2026-11-23-0001-core/);
      const second = await cli('migrate');
      expect(second).toMatchObject({ code: 0, stdout: 'already up to date\n' });
    },
    SLOW,
  );

  it(
    'creates a key printed as exactly one JSON line, lists it, and revokes it',
    async () => {
      const created = await cli('keys', 'create', '--name', 'CRM sync', '--scope', 'recipients:write', '--scope', 'eligibility:read', '--json');
      expect(created.code).toBe(0);
      const lines = created.stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      const { id, key } = JSON.parse(lines[0]!) as { id: string; key: string };
      expect(key).toMatch(new RegExp(`^mp_${id}_[A-Za-z0-9_-]{43}$`));
      expect(await appStatus(key)).toBe(201);

      const listed = await cli('keys', 'list');
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(`${id}\tCRM sync\trecipients:write,eligibility:read\t`);
      // The secret is everything after `mp_ID_`: base64url, so it may itself contain `_`.
      const secret = key.slice(`mp_${id}_`.length);
      expect(secret).toHaveLength(43);
      expect(listed.stdout).not.toContain(secret);

      expect(await cli('keys', 'revoke', id)).toMatchObject({ code: 0, stdout: `revoked ${id}\n` });
      expect(await appStatus(key)).toBe(401);
      expect((await cli('keys', 'list')).stdout).toMatch(new RegExp(`${id}\\t.*\\trevoked `));
      const again = await cli('keys', 'revoke', id);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain(`no active key with id ${id}`);
    },
    SLOW,
  );

  it(
    'doctor addresses reports a clean database and exits 0 (collisions are tested in test/domain/address-doctor.test.ts)',
    async () => {
      const run = await cli('doctor', 'addresses', '--dry-run');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^addresses: \d+ recipients; would rekey 0 recipients and 0 suppressions\n$/);
    },
    SLOW,
  );

  it(
    'prints a readable key without --json',
    async () => {
      const created = await cli('keys', 'create', '--name', 'ops', '--scope', 'admin');
      expect(created.code).toBe(0);
      const key = /^key: (mp_\S+)$/m.exec(created.stdout)?.[1];
      expect(key).toBeDefined();
      expect(await appStatus(key!)).toBe(200);
    },
    SLOW,
  );

  it.runIf(dialect === 'sqlite').each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['keys'], 'unknown keys command ""'],
    [['keys', 'create', '--scope', 'admin'], '--name is required'],
    [['keys', 'create', '--name', 'x'], 'give at least one --scope'],
    [['keys', 'create', '--name', 'x', '--scope', 'root'], 'unknown scope "root"'],
    [['keys', 'create', '--name', 'x', '--scope', 'admin', '--bogus'], "Unknown option '--bogus'"],
    [['keys', 'revoke'], 'keys revoke needs an ID'],
    [['doctor'], 'unknown doctor command ""'],
  ])(
    'exits non-zero with a message for bad usage: %j',
    async (args, message) => {
      const run = await cli(...args);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe('');
    },
    SLOW,
  );

  it.runIf(dialect === 'sqlite')(
    'names a bad variable instead of starting',
    async () => {
      const run = await runCli(['migrate'], { ...env, DATABASE_URL: 'mysql://nope' });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('DATABASE_URL');
    },
    SLOW,
  );
});
