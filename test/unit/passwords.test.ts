// Operator passwords at their real cost: the rest of the suite hashes at N = 2^10 (FAST_SCRYPT), so this
// file is where scrypt's production parameters, and the refusal of a lower cost in production, are held.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.js';
import { decoyHash, hashPassword, SCRYPT_COST, verifyPassword } from '../../src/domain/console/passwords.js';
import { TEST_ENV } from '../support/harness.js';

const PRODUCTION = { ...TEST_ENV, NODE_ENV: 'production' };

describe('operator passwords', () => {
  it('hash with scrypt N = 2^16, r = 8, p = 1 by default, and verify only the right password', async () => {
    expect(SCRYPT_COST).toBe(16);
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$65536\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
  }, 30_000);

  it('verify with the parameters kept in each hash, whatever the cost now', async () => {
    const cheap = await hashPassword('correct horse battery staple', 10);
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', cheap)).toBe(true);
    expect(await verifyPassword('wrong horse battery staple', cheap)).toBe(false);
  });

  it('check an unknown account against a decoy made at the same cost as real passwords', async () => {
    expect(await decoyHash()).toMatch(/^scrypt\$65536\$8\$1\$/);
    expect(await decoyHash(10)).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await decoyHash(10)).toBe(await decoyHash(10));
  }, 30_000);
});

describe('SCRYPT_COST', () => {
  it('is 16 unless set, and only tests may lower it', () => {
    expect(parseConfig(TEST_ENV).scryptCost).toBe(16);
    expect(parseConfig(PRODUCTION).scryptCost).toBe(16);
    expect(parseConfig({ ...TEST_ENV, SCRYPT_COST: '10' }).scryptCost).toBe(10);
    expect(parseConfig({ ...PRODUCTION, SCRYPT_COST: '16' }).scryptCost).toBe(16);
    expect(() => parseConfig({ ...PRODUCTION, SCRYPT_COST: '10' })).toThrowError(/SCRYPT_COST: only tests lower it/);
  });

  it.each(['9', '17', '1.5', 'sixteen', '-16'])('refuses SCRYPT_COST=%s naming the variable', (value) => {
    expect(() => parseConfig({ ...TEST_ENV, SCRYPT_COST: value })).toThrowError(ConfigError);
    expect(() => parseConfig({ ...TEST_ENV, SCRYPT_COST: value })).toThrowError(/^SCRYPT_COST: /);
  });
});
