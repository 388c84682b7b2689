// SQLITE_SYNCHRONOUS and SHUTDOWN_GRACE_SECONDS: parsed once, refused by name when wrong, and the SQLite
// pragma really set on the connection (1 = NORMAL, 2 = FULL in SQLite's numbering).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { TEST_ENV } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mailprefs-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durability settings', () => {
  it('default to NORMAL and 10 seconds, and accept FULL in any case', () => {
    expect(parseConfig(TEST_ENV)).toMatchObject({ sqliteSynchronous: 'NORMAL', shutdownGraceSeconds: 10 });
    expect(parseConfig({ ...TEST_ENV, SQLITE_SYNCHRONOUS: 'full', SHUTDOWN_GRACE_SECONDS: '3' })).toMatchObject({
      sqliteSynchronous: 'FULL',
      shutdownGraceSeconds: 3,
    });
  });

  it.each([
    ['SQLITE_SYNCHRONOUS', 'OFF'],
    ['SQLITE_SYNCHRONOUS', 'EXTRA; drop table x'],
    ['SHUTDOWN_GRACE_SECONDS', '0'],
    ['SHUTDOWN_GRACE_SECONDS', '1.5'],
    ['SHUTDOWN_GRACE_SECONDS', '99999'],
  ])('%s=%s stops start-up naming the variable', (name, value) => {
    expect(() => parseConfig({ ...TEST_ENV, [name]: value })).toThrowError(ConfigError);
    expect(() => parseConfig({ ...TEST_ENV, [name]: value })).toThrowError(new RegExp(`^${name}:`));
  });

  it.each([
    ['FULL', 2],
    ['NORMAL', 1],
  ] as const)('opens SQLite with synchronous = %s', async (mode, pragma) => {
    const handle = openDatabase(`file:${join(dir, `${mode}.db`)}`, { sqliteSynchronous: mode });
    try {
      expect(handle.sqlite!.pragma('synchronous', { simple: true })).toBe(pragma);
      expect(handle.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      await handle.close();
    }
  });
});
