// HMAC-SHA256 (RFC 2104) as two one-shot hashes over pads computed once per key: the padded key (and
// any constant start of the message) is XORed and copied once, not per call. Byte for byte what
// createHmac gives (test/unit/hmac.test.ts). One-shot `hash` allocates no Hash objects: it measured
// about half the time of createHmac (docs/performance.md "Link signing", "The import on two threads").
import { createHash, hash } from 'node:crypto';

const BLOCK_BYTES = 64;

/** HMAC-SHA256 of `messagePrefix ‖ message` under one key. */
export interface KeyedHmac {
  digest(message: Buffer | string): Buffer;
  hex(message: Buffer | string): string;
}

export function keyedHmacSha256(secret: Buffer | string, messagePrefix: Buffer | string = ''): KeyedHmac {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  const block = Buffer.alloc(BLOCK_BYTES);
  (key.length > BLOCK_BYTES ? createHash('sha256').update(key).digest() : key).copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = Buffer.concat([pad(0x36), typeof messagePrefix === 'string' ? Buffer.from(messagePrefix, 'utf8') : messagePrefix]);
  const outer = pad(0x5c);
  const innerDigest = (message: Buffer | string) =>
    hash('sha256', Buffer.concat([inner, typeof message === 'string' ? Buffer.from(message, 'utf8') : message]), 'buffer') as unknown as Buffer;
  return {
    digest: (message) => hash('sha256', Buffer.concat([outer, innerDigest(message)]), 'buffer') as unknown as Buffer,
    hex: (message) => hash('sha256', Buffer.concat([outer, innerDigest(message)]), 'hex'),
  };
}
