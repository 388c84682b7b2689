import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyedHmacSha256 } from '../../src/core/hmac.js';

describe('keyedHmacSha256', () => {
  it('gives exactly what createHmac gives, for keys shorter than, equal to and longer than the block', () => {
    for (const length of [0, 1, 32, 63, 64, 65, 200]) {
      const secret = randomBytes(length);
      for (const message of ['', 'a', 'jane@example.com', 'ü'.repeat(100), randomBytes(300)]) {
        const expected = createHmac('sha256', secret).update(message).digest();
        const hmac = keyedHmacSha256(secret);
        expect(hmac.digest(message)).toEqual(expected);
        expect(hmac.hex(message)).toBe(expected.toString('hex'));
      }
    }
  });

  it('puts the constant prefix before each message, and a string key is its UTF-8 bytes', () => {
    const hmac = keyedHmacSha256('clé secrète', 'prefix:');
    const expected = createHmac('sha256', Buffer.from('clé secrète', 'utf8')).update('prefix:').update('message').digest('hex');
    expect(hmac.hex('message')).toBe(expected);
    expect(hmac.hex('message')).not.toBe(keyedHmacSha256('clé secrète').hex('message'));
  });
});
