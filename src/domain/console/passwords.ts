// Operator passwords: scrypt (RFC 7914), memory-hard, from node:crypto. N = 2^16 and r = 8 take 64 MiB
// per hash (OWASP's Password Storage Cheat Sheet lists N=2^16, r=8, p=1 as a minimum); the parameters
// are kept with each hash so they can be raised later without locking anyone out.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** log2 of N for new hashes. Only the test suite lowers it (SCRYPT_COST, refused in production: docs/console.md). */
export const SCRYPT_COST = 16;
const params = (cost: number) => ({ N: 2 ** cost, r: 8, p: 1 });
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, cost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = params(cost);
  const key = await derive(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A hash of nothing anyone knows, checked when the account is unknown so both answers take as long as
 * with the passwords set at the same cost. */
const decoys = new Map<number, Promise<string>>();
export function decoyHash(cost = SCRYPT_COST): Promise<string> {
  const known = decoys.get(cost);
  if (known) return known;
  const decoy = hashPassword(randomBytes(32).toString('base64url'), cost);
  decoys.set(cost, decoy);
  return decoy;
}

/** Whether the password matches; the keys are compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
