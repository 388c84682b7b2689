// `mailprefs operators …` as a real process on a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { listEventsAfter } from '../../src/db/consent-events.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { setPasswordWithLink } from '../../src/domain/console/operators.js';
import { signIn } from '../../src/domain/console/sessions.js';
import { OPERATOR_PASSWORD } from '../support/console.js';
import { createDatabase, TEST_ENV, testDialects } from '../support/harness.js';
import { runCli } from '../support/processes.js';

const SLOW = 180_000;
describe.each(testDialects())('operators cli on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let env: Record<string, string>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createDatabase(dialect);
    env = { ...TEST_ENV, DATABASE_URL: database.url };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    handle = openDatabase(parseConfig(env).databaseUrl);
  }, SLOW);
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  it(
    'creates an operator with a one-time link, lists, resets and disables them',
    async () => {
      const created = await runCli(['operators', 'create', '--email', 'Ops@Example.com', '--role', 'editor'], env);
      expect(created.code).toBe(0);
      const link = /link: (\S+)/.exec(created.stdout)![1]!;
      expect(link).toMatch(/^https:\/\/prefs\.example\.test\/admin\/set-password\/[A-Za-z0-9_-]{43}$/);
      await setPasswordWithLink(handle.db, link.split('/').pop()!, OPERATOR_PASSWORD);
      const login = () => signIn(handle.db, env.HASH_KEY!, { email: 'ops@example.com', password: OPERATOR_PASSWORD, client: 'cli-test' });
      await expect(login()).resolves.toBeDefined();

      const listed = await runCli(['operators', 'list'], env);
      expect(listed.stdout).toMatch(/\tOps@Example\.com\teditor\tactive\t/);
      expect((await runCli(['operators', 'create', '--email', 'ops@example.com', '--role', 'admin'], env)).code).toBe(1);
      expect((await runCli(['operators', 'create', '--email', 'x@example.com', '--role', 'root'], env)).code).toBe(2);

      const reset = await runCli(['operators', 'reset', 'ops@example.com'], env);
      expect(reset.code).toBe(0);
      expect(reset.stdout).toMatch(/link: https:\/\/prefs\.example\.test\/admin\/set-password\//);
      await expect(login()).rejects.toMatchObject({ code: 'unauthorized' });

      const disabled = await runCli(['operators', 'disable', 'ops@example.com'], env);
      expect(disabled.code).toBe(0);
      expect((await runCli(['operators', 'list'], env)).stdout).toMatch(/\teditor\tdisabled\t/);
      expect((await runCli(['operators', 'disable', 'nobody@example.com'], env)).code).toBe(1);
      // Each change is in the ledger, as the console's are, with no address in it.
      const events = await listEventsAfter(handle.db, 0, 1000);
      expect(events.map((e) => [e.type, e.source, e.actor])).toEqual([
        ['operator_created', 'cli', 'system'],
        ['operator_reset', 'cli', 'system'],
        ['operator_disabled', 'cli', 'system'],
      ]);
      expect(events.map((e) => e.detail).join()).not.toMatch(/example\.com/i);
    },
    SLOW,
  );
});
